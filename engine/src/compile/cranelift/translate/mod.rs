//! One wasm function body → one Cranelift IR function.
//!
//! The translation keeps wasm's operand stack as a vector of SSA values and
//! maps each structured control construct to Cranelift blocks whose block
//! parameters carry the construct's results (or a loop's parameters). Locals
//! are Cranelift variables, so the frontend builds SSA form for them.
//!
//! Traps are trap instructions (`trap`/`trapnz` with the engine's trap
//! number as a user code) or accesses that fault in a memory's guard
//! region; the shared signal handler (`compile::native::signals`) turns
//! either into a `Trap` and resumes at the host → wasm entry, so no call
//! site checks anything after a call. A builtin that fails leaves its trap
//! in the store's trap slot and the code after the call traps with
//! `RAISED_BY_BUILTIN`.
//!
//! Memory accesses rely on guard pages (`BoundsChecks::GuardPages`: only
//! accesses whose static offset reaches past the guard are checked) or are
//! compared against the memory's length, held in a variable reloaded only
//! after calls and `memory.grow` (`BoundsChecks::Explicit`). References are
//! 64-bit raw values (store index + 1, 0 for null), as in the interpreter.
//! Operators outside what the tier compiles (64-bit memories) are
//! refused with [`Error::Unsupported`] naming the operator; IR that
//! Cranelift refuses is an [`Error::Internal`].

use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{self, AbiParam, BlockArg, InstBuilder, MemFlagsData, Signature, Type, Value, types};
use cranelift_codegen::isa::CallConv;
use cranelift_codegen::isa::TargetFrontendConfig;
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext, Variable};
use wasmparser::{BlockType, FuncValidator, FunctionBody, Operator, ValidatorResources};

mod calls;
mod fuel;
mod simd;

use super::vm;
use crate::compile::fuel::{Coverage, FuelPlan, Region};
use crate::compile::native::builtins::Builtin;
use crate::error::{Error, Result, TrapCode};
use crate::module::ModuleInfo;
use crate::module::types::{FuncType, ValType};
use crate::runtime::vmctx::{VMGlobalDefinition, VMMemoryDefinition};

/// The Cranelift type of a wasm value type.
pub(crate) fn clif_type(ty: ValType) -> Type {
    match ty {
        ValType::I32 => types::I32,
        ValType::I64 => types::I64,
        ValType::F32 => types::F32,
        ValType::F64 => types::F64,
        // References are raw store indices plus one (0 is null).
        ValType::FuncRef | ValType::ExternRef => types::I64,
        ValType::V128 => simd::V128,
    }
}

/// The signature every wasm function has: the vmctx pointer, then its
/// parameters; its results.
pub(crate) fn wasm_signature(ty: &FuncType, call_conv: CallConv) -> Signature {
    let mut sig = Signature::new(call_conv);
    sig.params.push(AbiParam::new(vm::POINTER));
    for p in ty.params() {
        sig.params.push(AbiParam::new(clif_type(*p)));
    }
    for r in ty.results() {
        sig.returns.push(AbiParam::new(clif_type(*r)));
    }
    sig
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum FrameKind {
    Block,
    Loop,
    If { else_block: ir::Block, has_else: bool },
    Function,
}

struct Frame {
    kind: FrameKind,
    /// Where control goes after `end` (its parameters are the results).
    next: ir::Block,
    /// A loop's header (branches to a loop go here, with its parameters).
    header: Option<ir::Block>,
    params: Vec<Type>,
    results: Vec<Type>,
    /// Operand stack height below the construct's parameters.
    height: usize,
    /// The parameter values on entry (an `if`'s else branch starts from them).
    entry_params: Vec<Value>,
    /// Whether a branch targets the construct (else a `block` reached only
    /// by falling through needs no block of its own).
    targeted: bool,
}

impl Frame {
    /// The block a branch to this frame targets, and how many values it takes.
    fn branch_target(&self) -> (ir::Block, usize) {
        match (self.kind, self.header) {
            (FrameKind::Loop, Some(header)) => (header, self.params.len()),
            _ => (self.next, self.results.len()),
        }
    }
}

fn block_args(values: &[Value]) -> Vec<BlockArg> {
    values.iter().map(|v| BlockArg::Value(*v)).collect()
}

/// Translates functions one after another, reusing allocations.
pub(crate) struct Translator {
    builder_context: FunctionBuilderContext,
    call_conv: CallConv,
    frontend: TargetFrontendConfig,
    /// Whether compiled code meters fuel.
    fuel: bool,
    /// Whether compiled code counts its regions' entries.
    coverage: bool,
    /// Whether memories' guard regions stand in for bounds checks.
    guard_pages: bool,
    /// Test-only: translate `i32.add` into mistyped IR (see
    /// [`crate::Config::plant_translation_fault`]).
    planted_fault: bool,
}

struct FuncState<'a> {
    info: &'a ModuleInfo,
    call_conv: CallConv,
    stack: Vec<Value>,
    frames: Vec<Frame>,
    locals: Vec<Variable>,
    /// Whether the current position can be reached.
    reachable: bool,
    /// Constructs opened in unreachable code (skipped until their `end`).
    skipped: u32,
    /// Whether compiled code meters fuel.
    fuel: bool,
    /// Whether memories' guard regions stand in for bounds checks.
    guard_pages: bool,
    planted_fault: bool,
    /// Accesses already bounds-checked in the current straight-line code:
    /// (memory, address value, end of the access past the address). A later
    /// access through the same address value that ends no further needs no
    /// check (memories never shrink). Forgotten at every control operator.
    checked: Vec<(u32, Value, u64)>,
    vmctx: Value,
    offsets: vm::VMOffsets,
    results: Vec<Type>,
}

impl Translator {
    pub(crate) fn new(call_conv: CallConv, frontend: TargetFrontendConfig, config: &crate::Config) -> Translator {
        Translator {
            builder_context: FunctionBuilderContext::new(),
            call_conv,
            frontend,
            fuel: config.consume_fuel,
            coverage: config.coverage,
            guard_pages: config.bounds_checks == crate::config::BoundsChecks::GuardPages,
            planted_fault: config.planted_translation_fault,
        }
    }

    /// Translates `body` (defined function `func_index`) into `func`; the
    /// coverage counters its code increments, when measuring coverage (the
    /// caller keeps them alive as long as the code).
    pub(crate) fn translate(
        &mut self,
        info: &ModuleInfo,
        func_index: u32,
        validator: &mut FuncValidator<ValidatorResources>,
        body: FunctionBody<'_>,
        func: &mut ir::Function,
    ) -> Result<Option<Coverage>> {
        let (call_conv, frontend) = (self.call_conv, self.frontend);
        let ty = info.func_type(func_index).clone();
        func.signature = wasm_signature(&ty, call_conv);
        let mut b = FunctionBuilder::new(func, &mut self.builder_context);
        let entry = b.create_block();
        b.append_block_params_for_function_params(entry);
        b.switch_to_block(entry);
        b.seal_block(entry);
        let vmctx = b.block_params(entry)[0];

        let mut locals = Vec::new();
        for (i, p) in ty.params().iter().enumerate() {
            let var = b.declare_var(clif_type(*p));
            let value = b.block_params(entry)[i + 1];
            b.def_var(var, value);
            locals.push(var);
        }
        let mut reader = body.get_locals_reader().map_err(Error::from_wasmparser)?;
        for _ in 0..reader.get_count() {
            let offset = reader.original_position();
            let (count, ty) = reader.read().map_err(Error::from_wasmparser)?;
            validator.define_locals(offset, count, ty).map_err(Error::from_wasmparser)?;
            let ty = clif_type(crate::module::val_type_of(ty)?);
            for _ in 0..count {
                let var = b.declare_var(ty);
                let zero = zero_of(&mut b, ty);
                b.def_var(var, zero);
                locals.push(var);
            }
        }

        let results: Vec<Type> = ty.results().iter().map(|r| clif_type(*r)).collect();
        let exit = b.create_block();
        for r in &results {
            b.append_block_param(exit, *r);
        }
        let mut state = FuncState {
            info,
            call_conv,
            stack: Vec::new(),
            frames: vec![Frame {
                kind: FrameKind::Function,
                next: exit,
                header: None,
                params: Vec::new(),
                results: results.clone(),
                height: 0,
                entry_params: Vec::new(),
                targeted: false,
            }],
            locals,
            reachable: true,
            skipped: 0,
            vmctx,
            offsets: vm::offsets_of(info),
            results,
            fuel: self.fuel,
            checked: Vec::new(),
            guard_pages: self.guard_pages,
            planted_fault: self.planted_fault,
        };
        state.check_stack_limit(&mut b);
        let mut plan = if self.fuel || self.coverage { Some(FuelPlan::of(&body, self.coverage)?) } else { None };
        let coverage = plan.as_mut().and_then(FuelPlan::coverage);
        let start_region = |state: &mut FuncState<'_>, b: &mut FunctionBuilder<'_>, region: Region| {
            if let Some(coverage) = &coverage {
                count_entry(b, coverage.counter(region.index));
            }
            state.charge_fuel(b, region.charge);
        };
        start_region(&mut state, &mut b, plan.as_ref().map_or_else(Region::default, FuelPlan::entry));

        let mut ops = body.get_operators_reader().map_err(Error::from_wasmparser)?;
        let mut index = 0u32;
        let each = |op: &Operator<'_>| {
            state.operator(&mut b, op)?;
            if let Some(region) = plan.as_mut().and_then(|p| p.after(index)) {
                start_region(&mut state, &mut b, region);
            }
            index += 1;
            Ok(())
        };
        crate::compile::visit::visit_body(&mut ops, validator, &mut crate::compile::visit::EachOperator(each))?;
        b.seal_all_blocks();
        b.finalize(frontend);
        Ok(coverage)
    }
}

/// Adds one to the coverage counter at `counter` (atomically: the module's
/// instances may run on several threads).
fn count_entry(b: &mut FunctionBuilder<'_>, counter: *const std::sync::atomic::AtomicU64) {
    let address = b.ins().iconst(vm::POINTER, counter as i64);
    let one = b.ins().iconst(types::I64, 1);
    b.ins().atomic_rmw(types::I64, MemFlagsData::trusted(), ir::AtomicRmwOp::Add, address, one);
}

/// The current length of the memory whose definition is at `def`.
fn current_length(b: &mut FunctionBuilder<'_>, def: Value) -> Value {
    b.ins().load(vm::POINTER, MemFlagsData::trusted(), def, VMMemoryDefinition::LENGTH)
}

/// Flags for a value of type `ty` in runtime storage (a global's
/// definition, a call buffer): trusted, but only 8-byte aligned, which a
/// v128 access must not assume.
pub(crate) fn value_flags(ty: Type) -> MemFlagsData {
    if ty.is_vector() { simd::unaligned_trusted() } else { MemFlagsData::trusted() }
}

fn zero_of(b: &mut FunctionBuilder<'_>, ty: Type) -> Value {
    match ty {
        types::F32 => b.ins().f32const(0.0),
        types::F64 => b.ins().f64const(0.0),
        simd::V128 => simd::zero(b),
        ty => b.ins().iconst(ty, 0),
    }
}

fn unsupported(op: &Operator<'_>) -> Error {
    Error::Unsupported(format!("the cranelift tier does not compile `{}` yet", crate::compile::opcode_name(op)))
}

impl FuncState<'_> {
    fn pop(&mut self) -> Value {
        self.stack.pop().expect("validated: the operand stack is not empty")
    }

    fn pop2(&mut self) -> (Value, Value) {
        let y = self.pop();
        let x = self.pop();
        (x, y)
    }

    fn top(&self, n: usize) -> Vec<Value> {
        self.stack[self.stack.len() - n..].to_vec()
    }

    fn block_type(&self, bt: BlockType) -> Result<(Vec<Type>, Vec<Type>)> {
        Ok(match bt {
            BlockType::Empty => (vec![], vec![]),
            BlockType::Type(t) => (vec![], vec![clif_type(crate::module::val_type_of(t)?)]),
            BlockType::FuncType(index) => {
                let ty = &self.info.types[index as usize];
                (
                    ty.params().iter().map(|p| clif_type(*p)).collect(),
                    ty.results().iter().map(|r| clif_type(*r)).collect(),
                )
            }
        })
    }

    /// Traps with `code` (a `ud2` the signal handler recognises).
    fn trap(&mut self, b: &mut FunctionBuilder<'_>, code: TrapCode) {
        b.ins().trap(crate::compile::cranelift::clif_trap(code));
    }

    /// Traps with `code` when `condition` (an integer) is non-zero.
    fn trap_if(&mut self, b: &mut FunctionBuilder<'_>, condition: Value, code: TrapCode) {
        b.ins().trapnz(condition, crate::compile::cranelift::clif_trap(code));
    }

    /// Deep recursion must trap before the host stack runs out.
    fn check_stack_limit(&mut self, b: &mut FunctionBuilder<'_>) {
        let limit = b.ins().load(vm::POINTER, MemFlagsData::trusted(), self.vmctx, self.offsets.stack_limit() as i32);
        let sp = b.ins().get_stack_pointer(vm::POINTER);
        let overflow = b.ins().icmp(IntCC::UnsignedLessThan, sp, limit);
        self.trap_if(b, overflow, TrapCode::StackOverflow);
    }

    fn push_bool(&mut self, b: &mut FunctionBuilder<'_>, flag: Value) {
        let v = b.ins().uextend(types::I32, flag);
        self.stack.push(v);
    }

    fn icmp(&mut self, b: &mut FunctionBuilder<'_>, cc: IntCC) {
        let (x, y) = self.pop2();
        let flag = b.ins().icmp(cc, x, y);
        self.push_bool(b, flag);
    }

    fn fcmp(&mut self, b: &mut FunctionBuilder<'_>, cc: FloatCC) {
        let (x, y) = self.pop2();
        let flag = b.ins().fcmp(cc, x, y);
        self.push_bool(b, flag);
    }

    fn binary(&mut self, b: &mut FunctionBuilder<'_>, f: impl FnOnce(&mut FunctionBuilder<'_>, Value, Value) -> Value) {
        let (x, y) = self.pop2();
        let v = f(b, x, y);
        self.stack.push(v);
    }

    fn unary(&mut self, b: &mut FunctionBuilder<'_>, f: impl FnOnce(&mut FunctionBuilder<'_>, Value) -> Value) {
        let x = self.pop();
        let v = f(b, x);
        self.stack.push(v);
    }

    /// Integer division and remainder with wasm's traps checked first, so
    /// Cranelift's own (signal-raising) checks never fire.
    fn divide(&mut self, b: &mut FunctionBuilder<'_>, ty: Type, signed: bool, remainder: bool) {
        let (x, y) = self.pop2();
        let zero = b.ins().icmp_imm_s(IntCC::Equal, y, 0);
        self.trap_if(b, zero, TrapCode::IntegerDivisionByZero);
        let minus_one = b.ins().icmp_imm_s(IntCC::Equal, y, -1);
        let v = match (signed, remainder) {
            (false, false) => b.ins().udiv(x, y),
            (false, true) => b.ins().urem(x, y),
            (true, false) => {
                let min = if ty == types::I32 { i64::from(i32::MIN) } else { i64::MIN };
                let is_min = b.ins().icmp_imm_s(IntCC::Equal, x, min);
                let overflow = b.ins().band(is_min, minus_one);
                self.trap_if(b, overflow, TrapCode::IntegerOverflow);
                b.ins().sdiv(x, y)
            }
            (true, true) => {
                // x rem -1 is 0 in wasm; the hardware faults on MIN rem -1.
                let one = b.ins().iconst(ty, 1);
                let safe = b.ins().select(minus_one, one, y);
                let r = b.ins().srem(x, safe);
                let zero = b.ins().iconst(ty, 0);
                b.ins().select(minus_one, zero, r)
            }
        };
        self.stack.push(v);
    }

    /// Float → integer with wasm's traps: NaN, then out of range.
    fn truncate(&mut self, b: &mut FunctionBuilder<'_>, to: Type, signed: bool) {
        let x = self.pop();
        let from = b.func.dfg.value_type(x);
        let nan = b.ins().fcmp(FloatCC::Unordered, x, x);
        self.trap_if(b, nan, TrapCode::BadConversionToInteger);
        // The exclusive bounds: the largest float below the smallest valid
        // input and the smallest float above the largest.
        let (low, high): (f64, f64) = match (to, signed, from) {
            (types::I32, true, types::F32) => (-2147483904.0, 2147483648.0),
            (types::I32, true, _) => (-2147483649.0, 2147483648.0),
            (types::I32, false, _) => (-1.0, 4294967296.0),
            (types::I64, true, types::F32) => (-9223373136366403584.0, 9223372036854775808.0),
            (types::I64, true, _) => (-9223372036854777856.0, 9223372036854775808.0),
            _ => (-1.0, 18446744073709551616.0),
        };
        let (lo, hi) = if from == types::F32 {
            (b.ins().f32const(low as f32), b.ins().f32const(high as f32))
        } else {
            (b.ins().f64const(low), b.ins().f64const(high))
        };
        let too_low = b.ins().fcmp(FloatCC::LessThanOrEqual, x, lo);
        let too_high = b.ins().fcmp(FloatCC::GreaterThanOrEqual, x, hi);
        let out = b.ins().bor(too_low, too_high);
        self.trap_if(b, out, TrapCode::IntegerOverflow);
        let v = if signed { b.ins().fcvt_to_sint_sat(to, x) } else { b.ins().fcvt_to_uint_sat(to, x) };
        self.stack.push(v);
    }

    fn sign_extend(&mut self, b: &mut FunctionBuilder<'_>, narrow: Type, ty: Type) {
        self.unary(b, |b, x| {
            let n = b.ins().ireduce(narrow, x);
            b.ins().sextend(ty, n)
        });
    }

    /// Leaves a construct: its results flow to `next`.
    fn end(&mut self, b: &mut FunctionBuilder<'_>) {
        let frame = self.frames.pop().expect("validated: `end` closes a construct");
        if self.reachable && frame.kind == FrameKind::Block && !frame.targeted {
            // Only the fall-through reaches the end: its results are on the
            // stack already, and straight-line code continues here (so deep
            // nesting makes no chain of blocks). The unused block is sealed.
            b.seal_block(frame.next);
            return;
        }
        if self.reachable {
            let results = self.top(frame.results.len());
            b.ins().jump(frame.next, &block_args(&results));
        }
        if let FrameKind::If { else_block, has_else: false } = frame.kind {
            // No else: the false branch passes the parameters through.
            b.switch_to_block(else_block);
            b.ins().jump(frame.next, &block_args(&frame.entry_params));
        }
        self.stack.truncate(frame.height);
        // Branches to a construct come only from inside it: all are known now.
        b.seal_block(frame.next);
        if let Some(header) = frame.header {
            b.seal_block(header);
        }
        b.switch_to_block(frame.next);
        self.stack.extend_from_slice(b.block_params(frame.next));
        self.reachable = true;
        if frame.kind == FrameKind::Function {
            let values = self.top(frame.results.len());
            b.ins().return_(&values);
            self.reachable = false;
        }
    }

    /// The target of a branch to the construct `depth` levels out, which
    /// is marked as targeted.
    fn target(&mut self, depth: u32) -> (ir::Block, usize) {
        let at = self.frames.len() - 1 - depth as usize;
        self.frames[at].targeted = true;
        self.frames[at].branch_target()
    }

    fn branch(&mut self, b: &mut FunctionBuilder<'_>, depth: u32) {
        let (target, arity) = self.target(depth);
        let args = self.top(arity);
        b.ins().jump(target, &block_args(&args));
    }

    fn open(&mut self, b: &mut FunctionBuilder<'_>, kind: FrameKind, bt: BlockType) -> Result<Frame> {
        let (params, results) = self.block_type(bt)?;
        let next = b.create_block();
        for r in &results {
            b.append_block_param(next, *r);
        }
        let height = self.stack.len() - params.len();
        let entry_params = self.top(params.len());
        Ok(Frame { kind, next, header: None, params, results, height, entry_params, targeted: false })
    }

    fn operator(&mut self, b: &mut FunctionBuilder<'_>, op: &Operator<'_>) -> Result<()> {
        use Operator as O;
        if matches!(
            op,
            O::Block { .. }
                | O::Loop { .. }
                | O::If { .. }
                | O::Else
                | O::End
                | O::Br { .. }
                | O::BrIf { .. }
                | O::BrTable { .. }
                | O::Return
                | O::Unreachable
        ) {
            // Code after a control operator may be reached from elsewhere.
            self.checked.clear();
        }
        if !self.reachable {
            match op {
                O::Block { .. } | O::Loop { .. } | O::If { .. } => {
                    self.skipped += 1;
                    return Ok(());
                }
                O::Else if self.skipped == 0 => {}
                O::End if self.skipped == 0 => {}
                O::End => {
                    self.skipped -= 1;
                    return Ok(());
                }
                _ => return Ok(()),
            }
        }
        match *op {
            O::Nop => {}
            O::Unreachable => {
                self.trap(b, TrapCode::Unreachable);
                self.reachable = false;
            }
            O::Block { blockty } => {
                let frame = self.open(b, FrameKind::Block, blockty)?;
                self.frames.push(frame);
            }
            O::Loop { blockty } => {
                let mut frame = self.open(b, FrameKind::Loop, blockty)?;
                let header = b.create_block();
                for p in &frame.params {
                    b.append_block_param(header, *p);
                }
                b.ins().jump(header, &block_args(&frame.entry_params));
                b.switch_to_block(header);
                // Branches back to the loop pay for the next iteration.
                self.stack.truncate(frame.height);
                self.stack.extend_from_slice(b.block_params(header));
                frame.header = Some(header);
                self.frames.push(frame);
            }
            O::If { blockty } => {
                let condition = self.pop();
                let then_block = b.create_block();
                let else_block = b.create_block();
                let frame = self.open(b, FrameKind::If { else_block, has_else: false }, blockty)?;
                b.ins().brif(condition, then_block, &[], else_block, &[]);
                b.seal_block(then_block);
                b.seal_block(else_block);
                b.switch_to_block(then_block);
                self.frames.push(frame);
            }
            O::Else => {
                let frame = self.frames.last_mut().expect("validated: `else` inside `if`");
                let FrameKind::If { else_block, .. } = frame.kind else {
                    unreachable!("validated: `else` ends an `if`")
                };
                frame.kind = FrameKind::If { else_block, has_else: true };
                let (next, arity, height, params) =
                    (frame.next, frame.results.len(), frame.height, frame.entry_params.clone());
                if self.reachable {
                    let results = self.top(arity);
                    b.ins().jump(next, &block_args(&results));
                }
                self.stack.truncate(height);
                self.stack.extend_from_slice(&params);
                b.switch_to_block(else_block);
                self.reachable = true;
            }
            O::End => self.end(b),
            O::Br { relative_depth } => {
                self.branch(b, relative_depth);
                self.reachable = false;
            }
            O::BrIf { relative_depth } => {
                let condition = self.pop();
                let (target, arity) = self.target(relative_depth);
                let args = self.top(arity);
                let fallthrough = b.create_block();
                b.ins().brif(condition, target, &block_args(&args), fallthrough, &[]);
                b.seal_block(fallthrough);
                b.switch_to_block(fallthrough);
            }
            O::BrTable { ref targets } => {
                let index = self.pop();
                let default = targets.default();
                let depths: Vec<u32> = targets.targets().collect::<Result<_, _>>().map_err(Error::from_wasmparser)?;
                for depth in depths.iter().chain([&default]) {
                    self.target(*depth);
                }
                let call = |state: &Self, b: &mut FunctionBuilder<'_>, depth: u32| {
                    let frame = &state.frames[state.frames.len() - 1 - depth as usize];
                    let (target, arity) = frame.branch_target();
                    let args = block_args(&state.top(arity));
                    b.func.dfg.block_call(target, &args)
                };
                let default_call = call(self, b, default);
                let calls: Vec<ir::BlockCall> = depths.iter().map(|d| call(self, b, *d)).collect();
                let table = b.create_jump_table(ir::JumpTableData::new(default_call, &calls));
                b.ins().br_table(index, table);
                self.reachable = false;
            }
            O::Return => {
                let values = self.top(self.results.len());
                b.ins().return_(&values);
                self.reachable = false;
            }
            O::Call { function_index } => self.call(b, function_index)?,
            O::CallIndirect { type_index, table_index } => self.call_indirect(b, type_index, table_index)?,
            O::Drop => {
                self.pop();
            }
            O::Select | O::TypedSelect { .. } => {
                let condition = self.pop();
                let (x, y) = self.pop2();
                let v = b.ins().select(condition, x, y);
                self.stack.push(v);
            }
            O::LocalGet { local_index } => {
                let v = b.use_var(self.locals[local_index as usize]);
                self.stack.push(v);
            }
            O::LocalSet { local_index } => {
                let v = self.pop();
                b.def_var(self.locals[local_index as usize], v);
            }
            O::LocalTee { local_index } => {
                let v = *self.stack.last().expect("validated");
                b.def_var(self.locals[local_index as usize], v);
            }
            O::GlobalGet { global_index } => {
                let (def, ty) = self.global(b, global_index);
                let flags = value_flags(ty);
                let flags = if self.info.globals[global_index as usize].mutable {
                    flags
                } else {
                    flags.with_readonly().with_can_move()
                };
                let v = b.ins().load(ty, flags, def, VMGlobalDefinition::VALUE);
                self.stack.push(v);
            }
            O::GlobalSet { global_index } => {
                let (def, ty) = self.global(b, global_index);
                let v = self.pop();
                b.ins().store(value_flags(ty), v, def, VMGlobalDefinition::VALUE);
            }
            O::I32Load { memarg } => self.load(b, memarg, types::I32, types::I32, None)?,
            O::I64Load { memarg } => self.load(b, memarg, types::I64, types::I64, None)?,
            O::F32Load { memarg } => self.load(b, memarg, types::F32, types::F32, None)?,
            O::F64Load { memarg } => self.load(b, memarg, types::F64, types::F64, None)?,
            O::I32Load8S { memarg } => self.load(b, memarg, types::I8, types::I32, Some(true))?,
            O::I32Load8U { memarg } => self.load(b, memarg, types::I8, types::I32, Some(false))?,
            O::I32Load16S { memarg } => self.load(b, memarg, types::I16, types::I32, Some(true))?,
            O::I32Load16U { memarg } => self.load(b, memarg, types::I16, types::I32, Some(false))?,
            O::I64Load8S { memarg } => self.load(b, memarg, types::I8, types::I64, Some(true))?,
            O::I64Load8U { memarg } => self.load(b, memarg, types::I8, types::I64, Some(false))?,
            O::I64Load16S { memarg } => self.load(b, memarg, types::I16, types::I64, Some(true))?,
            O::I64Load16U { memarg } => self.load(b, memarg, types::I16, types::I64, Some(false))?,
            O::I64Load32S { memarg } => self.load(b, memarg, types::I32, types::I64, Some(true))?,
            O::I64Load32U { memarg } => self.load(b, memarg, types::I32, types::I64, Some(false))?,
            O::I32Store { memarg } | O::I64Store { memarg } | O::F32Store { memarg } | O::F64Store { memarg } => {
                self.store(b, memarg, None)?
            }
            O::I32Store8 { memarg } | O::I64Store8 { memarg } => self.store(b, memarg, Some(types::I8))?,
            O::I32Store16 { memarg } | O::I64Store16 { memarg } => self.store(b, memarg, Some(types::I16))?,
            O::I64Store32 { memarg } => self.store(b, memarg, Some(types::I32))?,
            O::MemoryGrow { mem } => {
                self.require_32bit_memory(mem)?;
                let delta = self.pop();
                let memory = b.ins().iconst(types::I32, i64::from(mem));
                let old = self.builtin(b, Builtin::MemoryGrow, &[memory, delta]).expect("the builtin returns a value");
                self.stack.push(old);
            }
            O::MemorySize { mem } => {
                let length = self.memory_length(b, mem)?;
                let pages = b.ins().ushr_imm_u(length, 16);
                let v = b.ins().ireduce(types::I32, pages);
                self.stack.push(v);
            }
            O::I32Const { value } => self.stack.push(b.ins().iconst(types::I32, i64::from(value))),
            O::I64Const { value } => self.stack.push(b.ins().iconst(types::I64, value)),
            O::F32Const { value } => {
                let v = b.ins().f32const(ir::immediates::Ieee32::with_bits(value.bits()));
                self.stack.push(v);
            }
            O::F64Const { value } => {
                let v = b.ins().f64const(ir::immediates::Ieee64::with_bits(value.bits()));
                self.stack.push(v);
            }
            O::I32Eqz | O::I64Eqz => {
                let x = self.pop();
                let flag = b.ins().icmp_imm_s(IntCC::Equal, x, 0);
                self.push_bool(b, flag);
            }
            O::I32Eq | O::I64Eq => self.icmp(b, IntCC::Equal),
            O::I32Ne | O::I64Ne => self.icmp(b, IntCC::NotEqual),
            O::I32LtS | O::I64LtS => self.icmp(b, IntCC::SignedLessThan),
            O::I32LtU | O::I64LtU => self.icmp(b, IntCC::UnsignedLessThan),
            O::I32GtS | O::I64GtS => self.icmp(b, IntCC::SignedGreaterThan),
            O::I32GtU | O::I64GtU => self.icmp(b, IntCC::UnsignedGreaterThan),
            O::I32LeS | O::I64LeS => self.icmp(b, IntCC::SignedLessThanOrEqual),
            O::I32LeU | O::I64LeU => self.icmp(b, IntCC::UnsignedLessThanOrEqual),
            O::I32GeS | O::I64GeS => self.icmp(b, IntCC::SignedGreaterThanOrEqual),
            O::I32GeU | O::I64GeU => self.icmp(b, IntCC::UnsignedGreaterThanOrEqual),
            O::F32Eq | O::F64Eq => self.fcmp(b, FloatCC::Equal),
            O::F32Ne | O::F64Ne => self.fcmp(b, FloatCC::NotEqual),
            O::F32Lt | O::F64Lt => self.fcmp(b, FloatCC::LessThan),
            O::F32Gt | O::F64Gt => self.fcmp(b, FloatCC::GreaterThan),
            O::F32Le | O::F64Le => self.fcmp(b, FloatCC::LessThanOrEqual),
            O::F32Ge | O::F64Ge => self.fcmp(b, FloatCC::GreaterThanOrEqual),
            O::I32Clz | O::I64Clz => self.unary(b, |b, x| b.ins().clz(x)),
            O::I32Ctz | O::I64Ctz => self.unary(b, |b, x| b.ins().ctz(x)),
            O::I32Popcnt | O::I64Popcnt => self.unary(b, |b, x| b.ins().popcnt(x)),
            O::I32Add if self.planted_fault => self.binary(b, |b, x, y| {
                let wide = b.ins().uextend(types::I64, y);
                b.ins().iadd(x, wide)
            }),
            O::I32Add | O::I64Add => self.binary(b, |b, x, y| b.ins().iadd(x, y)),
            O::I32Sub | O::I64Sub => self.binary(b, |b, x, y| b.ins().isub(x, y)),
            O::I32Mul | O::I64Mul => self.binary(b, |b, x, y| b.ins().imul(x, y)),
            O::I32DivS => self.divide(b, types::I32, true, false),
            O::I32DivU => self.divide(b, types::I32, false, false),
            O::I32RemS => self.divide(b, types::I32, true, true),
            O::I32RemU => self.divide(b, types::I32, false, true),
            O::I64DivS => self.divide(b, types::I64, true, false),
            O::I64DivU => self.divide(b, types::I64, false, false),
            O::I64RemS => self.divide(b, types::I64, true, true),
            O::I64RemU => self.divide(b, types::I64, false, true),
            O::I32And | O::I64And => self.binary(b, |b, x, y| b.ins().band(x, y)),
            O::I32Or | O::I64Or => self.binary(b, |b, x, y| b.ins().bor(x, y)),
            O::I32Xor | O::I64Xor => self.binary(b, |b, x, y| b.ins().bxor(x, y)),
            // Cranelift takes shift counts modulo the width, as wasm does.
            O::I32Shl | O::I64Shl => self.binary(b, |b, x, y| b.ins().ishl(x, y)),
            O::I32ShrS | O::I64ShrS => self.binary(b, |b, x, y| b.ins().sshr(x, y)),
            O::I32ShrU | O::I64ShrU => self.binary(b, |b, x, y| b.ins().ushr(x, y)),
            O::I32Rotl | O::I64Rotl => self.binary(b, |b, x, y| b.ins().rotl(x, y)),
            O::I32Rotr | O::I64Rotr => self.binary(b, |b, x, y| b.ins().rotr(x, y)),
            O::F32Abs | O::F64Abs => self.unary(b, |b, x| b.ins().fabs(x)),
            O::F32Neg | O::F64Neg => self.unary(b, |b, x| b.ins().fneg(x)),
            O::F32Ceil | O::F64Ceil => self.unary(b, |b, x| b.ins().ceil(x)),
            O::F32Floor | O::F64Floor => self.unary(b, |b, x| b.ins().floor(x)),
            O::F32Trunc | O::F64Trunc => self.unary(b, |b, x| b.ins().trunc(x)),
            O::F32Nearest | O::F64Nearest => self.unary(b, |b, x| b.ins().nearest(x)),
            O::F32Sqrt | O::F64Sqrt => self.unary(b, |b, x| b.ins().sqrt(x)),
            O::F32Add | O::F64Add => self.binary(b, |b, x, y| b.ins().fadd(x, y)),
            O::F32Sub | O::F64Sub => self.binary(b, |b, x, y| b.ins().fsub(x, y)),
            O::F32Mul | O::F64Mul => self.binary(b, |b, x, y| b.ins().fmul(x, y)),
            O::F32Div | O::F64Div => self.binary(b, |b, x, y| b.ins().fdiv(x, y)),
            // Cranelift's fmin/fmax follow wasm: NaN wins, -0 < +0.
            O::F32Min | O::F64Min => self.binary(b, |b, x, y| b.ins().fmin(x, y)),
            O::F32Max | O::F64Max => self.binary(b, |b, x, y| b.ins().fmax(x, y)),
            O::F32Copysign | O::F64Copysign => self.binary(b, |b, x, y| b.ins().fcopysign(x, y)),
            O::I32WrapI64 => self.unary(b, |b, x| b.ins().ireduce(types::I32, x)),
            O::I64ExtendI32S => self.unary(b, |b, x| b.ins().sextend(types::I64, x)),
            O::I64ExtendI32U => self.unary(b, |b, x| b.ins().uextend(types::I64, x)),
            O::I32TruncF32S | O::I32TruncF64S => self.truncate(b, types::I32, true),
            O::I32TruncF32U | O::I32TruncF64U => self.truncate(b, types::I32, false),
            O::I64TruncF32S | O::I64TruncF64S => self.truncate(b, types::I64, true),
            O::I64TruncF32U | O::I64TruncF64U => self.truncate(b, types::I64, false),
            O::I32TruncSatF32S | O::I32TruncSatF64S => self.unary(b, |b, x| b.ins().fcvt_to_sint_sat(types::I32, x)),
            O::I32TruncSatF32U | O::I32TruncSatF64U => self.unary(b, |b, x| b.ins().fcvt_to_uint_sat(types::I32, x)),
            O::I64TruncSatF32S | O::I64TruncSatF64S => self.unary(b, |b, x| b.ins().fcvt_to_sint_sat(types::I64, x)),
            O::I64TruncSatF32U | O::I64TruncSatF64U => self.unary(b, |b, x| b.ins().fcvt_to_uint_sat(types::I64, x)),
            O::F32ConvertI32S | O::F32ConvertI64S => self.unary(b, |b, x| b.ins().fcvt_from_sint(types::F32, x)),
            O::F32ConvertI32U | O::F32ConvertI64U => self.unary(b, |b, x| b.ins().fcvt_from_uint(types::F32, x)),
            O::F64ConvertI32S | O::F64ConvertI64S => self.unary(b, |b, x| b.ins().fcvt_from_sint(types::F64, x)),
            O::F64ConvertI32U | O::F64ConvertI64U => self.unary(b, |b, x| b.ins().fcvt_from_uint(types::F64, x)),
            O::F32DemoteF64 => self.unary(b, |b, x| b.ins().fdemote(types::F32, x)),
            O::F64PromoteF32 => self.unary(b, |b, x| b.ins().fpromote(types::F64, x)),
            O::I32ReinterpretF32 => self.unary(b, |b, x| b.ins().bitcast(types::I32, MemFlagsData::new(), x)),
            O::I64ReinterpretF64 => self.unary(b, |b, x| b.ins().bitcast(types::I64, MemFlagsData::new(), x)),
            O::F32ReinterpretI32 => self.unary(b, |b, x| b.ins().bitcast(types::F32, MemFlagsData::new(), x)),
            O::F64ReinterpretI64 => self.unary(b, |b, x| b.ins().bitcast(types::F64, MemFlagsData::new(), x)),
            O::I32Extend8S => self.sign_extend(b, types::I8, types::I32),
            O::I32Extend16S => self.sign_extend(b, types::I16, types::I32),
            O::I64Extend8S => self.sign_extend(b, types::I8, types::I64),
            O::I64Extend16S => self.sign_extend(b, types::I16, types::I64),
            O::I64Extend32S => self.sign_extend(b, types::I32, types::I64),
            ref other => {
                if !self.simd_operator(b, other)? && !self.runtime_operator(b, other)? {
                    return Err(unsupported(other));
                }
            }
        }
        Ok(())
    }

    /// The address of a global's definition and its value's type.
    fn global(&mut self, b: &mut FunctionBuilder<'_>, index: u32) -> (Value, Type) {
        let ty = clif_type(self.info.globals[index as usize].content);
        let slot = self.offsets.global(index) as i32;
        (self.load_fixed(b, vm::POINTER, self.vmctx, slot), ty)
    }

    /// Loads a value that stays the same for the instance's whole life: a
    /// vmctx slot written at instantiation (the definitions' addresses,
    /// the function tables), a memory's base (memories never move), an
    /// immutable global. Cranelift may merge such loads and hoist them out
    /// of loops, so each use can ask for the value where it needs it: no
    /// variable keeps it live, and nothing reloads it after a call.
    pub(super) fn load_fixed(&self, b: &mut FunctionBuilder<'_>, ty: Type, base: Value, offset: i32) -> Value {
        b.ins().load(ty, MemFlagsData::trusted().with_readonly().with_can_move(), base, offset)
    }

    /// Refuses what this tier does not compile: 64-bit memories.
    pub(super) fn require_32bit_memory(&self, index: u32) -> Result<()> {
        if self.info.memories[index as usize].memory64 {
            return Err(Error::Unsupported("the cranelift tier does not handle 64-bit memories yet".into()));
        }
        Ok(())
    }

    /// The address of a memory's definition (`VMMemoryDefinition`).
    fn memory_definition(&self, b: &mut FunctionBuilder<'_>, index: u32) -> Result<Value> {
        self.require_32bit_memory(index)?;
        Ok(self.load_fixed(b, vm::POINTER, self.vmctx, self.offsets.memory(index) as i32))
    }

    /// A memory's current length in bytes (it changes when the memory
    /// grows: loaded where it is read).
    fn memory_length(&self, b: &mut FunctionBuilder<'_>, index: u32) -> Result<Value> {
        let def = self.memory_definition(b, index)?;
        Ok(current_length(b, def))
    }

    /// The host address of `address + offset` after the bounds check: the
    /// access of `size` bytes must end within the memory's current length.
    /// With guard pages, an access ending within the guard region needs no
    /// check: past the length it faults, and the load or store (a trap
    /// site, `HEAP_OUT_OF_BOUNDS`) becomes the trap.
    fn checked_address(
        &mut self,
        b: &mut FunctionBuilder<'_>,
        memarg: wasmparser::MemArg,
        address: Value,
        size: u32,
    ) -> Result<Value> {
        let wasmparser::MemArgTarget::Memory(memory) = memarg.target else {
            return Err(Error::Unsupported("the cranelift tier does not access GC arrays".into()));
        };
        let def = self.memory_definition(b, memory)?;
        let base = self.load_fixed(b, vm::POINTER, def, VMMemoryDefinition::BASE);
        let reach = memarg.offset + u64::from(size);
        let wasm_address = address;
        let address = b.ins().uextend(vm::POINTER, address);
        let guarded = self.guard_pages && reach <= crate::runtime::memory::GUARD_BYTES as u64;
        let known = self.checked.iter().position(|(m, a, _)| *m == memory && *a == wasm_address);
        if !guarded && known.is_none_or(|i| self.checked[i].2 < reach) {
            // address < 2^32 and offset + size < 2^33: the sum cannot wrap.
            let end = b.ins().iadd_imm_u(address, reach as i64);
            let length = current_length(b, def);
            let outside = b.ins().icmp(IntCC::UnsignedGreaterThan, end, length);
            self.trap_if(b, outside, TrapCode::MemoryOutOfBounds);
            match known {
                Some(i) => self.checked[i].2 = reach,
                None => self.checked.push((memory, wasm_address, reach)),
            }
        }
        let at = b.ins().iadd(base, address);
        Ok(b.ins().iadd_imm_u(at, memarg.offset as i64))
    }

    /// A load of `mem` bytes, widened to `ty` (sign-extended when
    /// `signed` is `Some(true)`).
    fn load(
        &mut self,
        b: &mut FunctionBuilder<'_>,
        memarg: wasmparser::MemArg,
        mem: Type,
        ty: Type,
        signed: Option<bool>,
    ) -> Result<()> {
        let address = self.pop();
        let at = self.checked_address(b, memarg, address, mem.bytes())?;
        let flags = MemFlagsData::new();
        let v = match signed {
            None => b.ins().load(ty, flags, at, 0),
            Some(signed) => {
                let narrow = b.ins().load(mem, flags, at, 0);
                if mem == ty {
                    narrow
                } else if signed {
                    b.ins().sextend(ty, narrow)
                } else {
                    b.ins().uextend(ty, narrow)
                }
            }
        };
        self.stack.push(v);
        Ok(())
    }

    /// A store of the value (narrowed to `narrow` when given).
    fn store(&mut self, b: &mut FunctionBuilder<'_>, memarg: wasmparser::MemArg, narrow: Option<Type>) -> Result<()> {
        let value = self.pop();
        let address = self.pop();
        let ty = narrow.unwrap_or_else(|| b.func.dfg.value_type(value));
        let at = self.checked_address(b, memarg, address, ty.bytes())?;
        let value = if narrow.is_some() { b.ins().ireduce(ty, value) } else { value };
        b.ins().store(MemFlagsData::new(), value, at, 0);
        Ok(())
    }
}
