//! One pass over a function body, straight to x86-64 (see the module docs
//! for the calling convention and the frame).
//!
//! Frame (from the top): return address, saved rbp (the frame pointer the
//! trap handler walks); below rbp the save area: our vmctx, the pointer to
//! the caller's values (our arguments and results), and the caller's rbx,
//! r12, r13 when we use them; then, from the top down, the stash (an `if`'s
//! parameters kept for its `else`), and from `rsp` up the locals and the
//! operand stack in 8-byte words laid out as a call's values buffer
//! (`ValType::words`): one slot per scalar, a 32-bit value in its low half
//! (the high half is not read), two for a `v128` (low half first). Depths,
//! block arities and call arities count words, so branches, stashes and
//! calls move words without knowing the types. The frame's size is known at the end of the
//! body and patched into the prologue's `sub rsp`; so is which of rbx, r12,
//! r13 the body used (the saves of the others become no-ops). Locals may
//! live in registers instead (`locals.rs`).
//!
//! Registers across calls: rbx, r12, r13 and rbp are callee-saved; r15 (the
//! vmctx) and r14 (memory 0's base) are the instance's, so a callee of the
//! same instance leaves them as they were without saving them, and after a
//! `call_indirect` (maybe into another instance) the caller reloads them.
//! The module's entry stub saves them for the host.

// dynasm's dynamic registers (`Rq(r)`) convert their index with `.into()`,
// which clippy flags for the `u8` we already pass (here and in the
// submodules).
#![allow(clippy::useless_conversion)]

use dynasmrt::x64::X64Relocation;
use dynasmrt::{DynamicLabel, DynasmApi, DynasmLabelApi, VecAssembler, dynasm};
use wasmparser::{BlockType, FuncValidator, FunctionBody, MemArg, Operator, ValidatorResources};

use crate::compile::fuel::{Coverage, FuelPlan, Region};
use crate::compile::native::TrapSite;
use crate::compile::native::builtins::Builtin;
use crate::error::{Error, Result, TrapCode};
use crate::module::ModuleInfo;
use crate::module::types::{ValType, words};
use crate::runtime::vmctx::{VMMemoryDefinition, VMOffsets};

type Asm = VecAssembler<X64Relocation>;

/// The save area below rbp: vmctx, values pointer, rbx, r12, r13.
const VMCTX_AT: i32 = -8;
const VALUES_AT: i32 = -16;
const SAVE_AREA: i32 = 40;
/// The callee-saved registers a body may use, and where they are saved.
const CALLEE_SAVED: [(u8, i32); 3] = [(3, -24), (12, -32), (13, -40)];

/// What is filled in once the function is translated.
pub(super) enum Patch {
    /// A 32-bit immediate at this offset (the frame size).
    Imm32(usize, i32),
    /// An instruction of this length at this offset made a no-op (the
    /// save of a register the body did not use).
    Nop(usize, usize),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Function,
    Block,
    Loop,
    If,
}

struct Frame {
    kind: Kind,
    /// Where a branch to this frame goes (a loop's header, else the end).
    target: DynamicLabel,
    end: DynamicLabel,
    /// An `if`'s else branch, until it is placed.
    else_label: Option<DynamicLabel>,
    /// Operand-stack depth below the frame's parameters.
    height: u32,
    params: u32,
    results: u32,
    /// Where its parameters are stashed (an `if` with parameters).
    stash: Option<u32>,
    reachable_before: bool,
    /// Whether a branch may go to `target` (so far).
    targeted: bool,
}

struct Translator<'a> {
    ops: &'a mut Asm,
    /// Where each function defined in the module starts.
    function_labels: &'a [DynamicLabel],
    traps: &'a mut Vec<(u32, TrapSite)>,
    info: &'a ModuleInfo,
    offsets: VMOffsets,
    /// The words the locals take.
    locals: u32,
    local_types: Vec<ValType>,
    /// Where each local starts (in words from rsp).
    local_words: Vec<u32>,
    /// Where each local lives (`locals.rs`); an i32 local's register always
    /// holds it zero-extended (so it can index memory as it is).
    homes: Vec<locals::Home>,
    /// The registers of i32 locals (zero-extended: they may index memory).
    i32_homes: Vec<u8>,
    /// Registers for operand-stack values (those not homes of locals).
    gpr_pool: Vec<u8>,
    xmm_pool: Vec<u8>,
    /// The locals living in caller-saved registers: spilled to their slots
    /// around calls.
    caller_saved_homes: Vec<(u32, locals::Home)>,
    /// Where each operand-stack entry's value is (`registers.rs`).
    stack: Vec<registers::Value>,
    /// The local the previous operator wrote to its slot and the register
    /// still holding the value: a `local.get` of it right after reads the
    /// register instead of reloading the slot it was just stored to.
    just_stored: Option<(u32, registers::Value)>,
    depth: u32,
    max_depth: u32,
    stash: u32,
    max_stash: u32,
    frames: Vec<Frame>,
    reachable: bool,
    /// Constructs opened in unreachable code (skipped to their `end`).
    skipped: u32,
    guard_pages: bool,
    /// Whether the code meters fuel.
    fuel: bool,
    /// The coverage counters the code increments, when measuring coverage.
    coverage: Option<Coverage>,
    /// Which of `CALLEE_SAVED` the body uses.
    uses_callee_saved: [bool; 3],
    /// Whether the function returns a v128.
    returns_v128: bool,
    /// Whether the operand on top of the stack is a v128 (for a `select`,
    /// its result).
    top_v128: bool,
    /// 16-byte constants the code reads (RIP-relative), placed after it.
    constants: Vec<(DynamicLabel, [u8; 16])>,
}

fn unsupported(op: &Operator<'_>) -> Error {
    Error::Unsupported(format!("the baseline tier does not compile `{}` yet", crate::compile::opcode_name(op)))
}

#[allow(clippy::too_many_arguments)]
pub(super) fn translate(
    ops: &mut Asm,
    function_labels: &[DynamicLabel],
    traps: &mut Vec<(u32, TrapSite)>,
    patches: &mut Vec<Patch>,
    info: &ModuleInfo,
    func_index: u32,
    validator: &mut FuncValidator<ValidatorResources>,
    body: FunctionBody<'_>,
    guard_pages: bool,
    fuel: bool,
    coverage: bool,
) -> Result<Option<Coverage>> {
    let ty = info.func_type(func_index).clone();
    let mut local_types: Vec<ValType> = ty.params().to_vec();
    let mut reader = body.get_locals_reader().map_err(Error::from_wasmparser)?;
    for _ in 0..reader.get_count() {
        let offset = reader.original_position();
        let (count, local) = reader.read().map_err(Error::from_wasmparser)?;
        validator.define_locals(offset, count, local).map_err(Error::from_wasmparser)?;
        let local = crate::module::val_type_of(local)?;
        if local_types.len() + count as usize > 1 << 20 {
            return Err(Error::Limit("the baseline tier compiles at most 2^20 locals".into()));
        }
        local_types.extend(std::iter::repeat_n(local, count as usize));
    }
    let assignment = locals::assign(&body, &local_types);
    let local_words: Vec<u32> = crate::module::types::word_offsets(&local_types).map(|word| word as u32).collect();
    let i32_homes = (assignment.homes.iter().zip(&local_types))
        .filter_map(|(home, ty)| match (home, ty) {
            (locals::Home::Gpr(r), ValType::I32) => Some(*r),
            _ => None,
        })
        .collect();
    let mut t = Translator {
        ops,
        function_labels,
        traps,
        info,
        offsets: VMOffsets::of_module(info),
        locals: words(&local_types) as u32,
        local_types,
        local_words,
        homes: assignment.homes,
        i32_homes,
        gpr_pool: assignment.gpr_pool,
        xmm_pool: assignment.xmm_pool,
        caller_saved_homes: assignment.caller_saved_homes,
        stack: Vec::new(),
        just_stored: None,
        depth: 0,
        max_depth: 0,
        stash: 0,
        max_stash: 0,
        frames: Vec::new(),
        reachable: true,
        skipped: 0,
        guard_pages,
        fuel,
        coverage: None,
        uses_callee_saved: [false; 3],
        returns_v128: ty.results().contains(&ValType::V128),
        top_v128: false,
        constants: Vec::new(),
    };
    for i in 0..t.homes.len() {
        if let locals::Home::Gpr(r) = t.homes[i] {
            t.use_register(r);
        }
    }
    let (frame_size_at, saves) = t.prologue(ty.params().len());
    let end = t.ops.new_dynamic_label();
    t.frames.push(Frame {
        kind: Kind::Function,
        target: end,
        end,
        else_label: None,
        height: 0,
        params: 0,
        results: words(ty.results()) as u32,
        stash: None,
        reachable_before: true,
        targeted: false,
    });
    t.bump(words(ty.results()) as u32);
    let mut plan = if fuel || coverage { Some(FuelPlan::of(&body, coverage)?) } else { None };
    t.coverage = plan.as_mut().and_then(FuelPlan::coverage);
    t.start_region(plan.as_ref().map_or_else(Region::default, FuelPlan::entry));
    let mut reader = body.get_operators_reader().map_err(Error::from_wasmparser)?;
    let mut sink = Sink { t: &mut t, plan, index: 0 };
    crate::compile::visit::visit_body(&mut reader, validator, &mut sink)?;
    t.place_constants();
    let coverage = t.coverage.take();
    for (used, save) in t.uses_callee_saved.into_iter().zip(saves) {
        if !used {
            patches.push(Patch::Nop(save.0, save.1));
        }
    }
    let slots = i64::from(t.locals) + i64::from(t.max_depth) + i64::from(t.max_stash);
    // rsp is 0 mod 16 after pushing rbp; calls need it so.
    let frame = (i64::from(SAVE_AREA) + slots * 8 + 15) & !15;
    let frame = i32::try_from(frame).map_err(|_| Error::Limit("a function frame over 2 GiB".into()))?;
    patches.push(Patch::Imm32(frame_size_at, frame));
    Ok(coverage)
}

/// The translator fed by the validating visit, starting the fuel plan's
/// regions as it goes.
struct Sink<'t, 'a> {
    t: &'t mut Translator<'a>,
    plan: Option<FuelPlan>,
    /// The operator's index in the body.
    index: u32,
}

impl<'o> crate::compile::visit::OperatorSink<'o> for Sink<'_, '_> {
    fn before(&mut self, validator: &FuncValidator<ValidatorResources>) {
        // A `drop`'s operand may be a v128 in its two slots.
        self.t.top_v128 = is_v128(validator, 0);
    }

    fn operator(&mut self, op: &Operator<'o>, _: u64, validator: &FuncValidator<ValidatorResources>) -> Result<()> {
        if matches!(op, Operator::Select | Operator::TypedSelect { .. }) {
            // Its result, now on top of the validator's stack.
            self.t.top_v128 = is_v128(validator, 0);
        }
        self.t.operator(op)?;
        if let Some(region) = self.plan.as_mut().and_then(|p| p.after(self.index)) {
            self.t.start_region(region);
        }
        self.index += 1;
        Ok(())
    }
}

fn is_v128(validator: &FuncValidator<ValidatorResources>, depth: usize) -> bool {
    matches!(validator.get_operand_type(depth), Some(Some(wasmparser::ValType::V128)))
}

impl Translator<'_> {
    /// Byte offset from rsp of operand-stack slot `index`.
    fn slot(&self, index: u32) -> i32 {
        8 * (self.locals + index) as i32
    }

    fn local(&self, index: u32) -> i32 {
        8 * self.local_words[index as usize] as i32
    }

    /// Offset from rbp of stash slot `index`.
    fn stashed(index: u32) -> i32 {
        -SAVE_AREA - 8 - 8 * index as i32
    }

    /// Notes that the body uses register `r` (saved by the prologue when
    /// callee-saved).
    pub(super) fn use_register(&mut self, r: u8) {
        if let Some(i) = CALLEE_SAVED.iter().position(|&(saved, _)| saved == r) {
            self.uses_callee_saved[i] = true;
        }
    }

    fn bump(&mut self, depth: u32) {
        self.max_depth = self.max_depth.max(depth);
    }

    /// Pops the top slot, returning its offset (the stack is flushed).
    fn pop(&mut self) -> i32 {
        debug_assert_eq!(self.stack.last(), Some(&registers::Value::Slot));
        self.stack.pop();
        self.depth -= 1;
        self.slot(self.depth)
    }

    /// Pushes a slot, returning its offset.
    fn push(&mut self) -> i32 {
        self.push_value(registers::Value::Slot);
        self.slot(self.depth - 1)
    }

    /// Pops `count` words (a value that takes them, the stack flushed),
    /// returning the offset of the first.
    fn pop_words(&mut self, count: u32) -> i32 {
        for _ in 0..count {
            self.pop();
        }
        self.slot(self.depth)
    }

    /// Pushes `count` slots for one value, returning the offset of the
    /// first.
    fn push_words(&mut self, count: u32) -> i32 {
        let first = self.push();
        for _ in 1..count {
            self.push();
        }
        first
    }

    /// Sets the depth after control flow or a call (the stack is flushed:
    /// every entry is in its slot).
    fn reset_depth(&mut self, depth: u32) {
        self.depth = depth;
        self.stack.resize(depth as usize, registers::Value::Slot);
    }

    /// Records a trap site at the next instruction.
    fn site(&mut self, site: TrapSite) {
        self.traps.push((self.ops.offset().0 as u32, site));
    }

    fn trap(&mut self, code: TrapCode) {
        self.site(TrapSite::Raise(code));
        dynasm!(self.ops ; .arch x64 ; ud2);
    }

    /// Emits the prologue; returns where the frame size is to be patched
    /// and where each of `CALLEE_SAVED` is saved (offset, length).
    fn prologue(&mut self, params: usize) -> (usize, [(usize, usize); 3]) {
        dynasm!(self.ops
            ; .arch x64
            ; push rbp
            ; mov rbp, rsp
            ; sub rsp, DWORD 0x7fff_fff0
        );
        let patch = self.ops.offset().0 - 4;
        let mut saves = [(0, 0); 3];
        for (save, (r, at)) in saves.iter_mut().zip(CALLEE_SAVED) {
            let start = self.ops.offset().0;
            dynasm!(self.ops ; .arch x64 ; mov [rbp + at], Rq(r));
            *save = (start, self.ops.offset().0 - start);
        }
        dynasm!(self.ops
            ; .arch x64
            ; mov [rbp + VMCTX_AT], rdi
            ; mov [rbp + VALUES_AT], rsi
            ; mov r15, rdi
        );
        let limit = self.offsets.stack_limit() as i32;
        let ok = self.ops.new_dynamic_label();
        dynasm!(self.ops ; .arch x64 ; cmp rsp, [r15 + limit] ; jae =>ok);
        self.trap(TrapCode::StackOverflow);
        dynasm!(self.ops ; .arch x64 ; =>ok);
        self.load_memory_base();
        // The parameters lie in the values buffer as in the frame's first
        // local words (both the runtime's word layout).
        for i in 0..params {
            let at = self.local(i as u32);
            match self.homes[i] {
                locals::Home::Slot if self.local_types[i] == ValType::V128 => {
                    dynasm!(self.ops ; .arch x64 ; movdqu xmm0, [rsi + at] ; movdqu [rsp + at], xmm0)
                }
                locals::Home::Slot => dynasm!(self.ops ; .arch x64 ; mov rax, [rsi + at] ; mov [rsp + at], rax),
                locals::Home::Gpr(r) if self.local_types[i] == ValType::I32 => {
                    dynasm!(self.ops ; .arch x64 ; mov Rd(r), DWORD [rsi + at])
                }
                locals::Home::Gpr(r) => dynasm!(self.ops ; .arch x64 ; mov Rq(r), [rsi + at]),
                locals::Home::Xmm(x) if self.local_types[i] == ValType::V128 => {
                    dynasm!(self.ops ; .arch x64 ; movdqu Rx(x), [rsi + at])
                }
                locals::Home::Xmm(x) => dynasm!(self.ops ; .arch x64 ; movsd Rx(x), QWORD [rsi + at]),
            }
        }
        for home in &self.homes[params..] {
            match *home {
                locals::Home::Slot => {}
                locals::Home::Gpr(r) => dynasm!(self.ops ; .arch x64 ; xor Rd(r), Rd(r)),
                locals::Home::Xmm(x) => dynasm!(self.ops ; .arch x64 ; xorps Rx(x), Rx(x)),
            }
        }
        // The declared locals' words start after the parameters'.
        let first_word = self.local_words.get(params).copied().unwrap_or(self.locals);
        let zeroed = self.locals - first_word;
        if zeroed > 8 {
            let first = 8 * first_word as i32;
            dynasm!(self.ops
                ; .arch x64
                ; lea rdi, [rsp + first]
                ; mov ecx, zeroed as i32
                ; xor eax, eax
                ; rep stosq
            );
        } else {
            for word in first_word..self.locals {
                let at = 8 * word as i32;
                dynasm!(self.ops ; .arch x64 ; mov QWORD [rsp + at], 0);
            }
        }
        (patch, saves)
    }

    /// Memory 0's base into r14 (from the vmctx in r15).
    fn load_memory_base(&mut self) {
        if !self.info.memories.is_empty() {
            let (memory, base) = (self.offsets.memory(0) as i32, VMMemoryDefinition::BASE);
            dynasm!(self.ops ; .arch x64 ; mov r14, [r15 + memory] ; mov r14, [r14 + base]);
        }
    }

    fn epilogue(&mut self) {
        for (i, (r, at)) in CALLEE_SAVED.into_iter().enumerate() {
            if self.uses_callee_saved[i] {
                dynasm!(self.ops ; .arch x64 ; mov Rq(r), [rbp + at]);
            }
        }
        dynasm!(self.ops
            ; .arch x64
            ; mov rsp, rbp
            ; pop rbp
            ; ret
        );
    }

    /// A block's parameters and results, in words.
    fn block_arity(&self, ty: BlockType) -> (u32, u32) {
        match ty {
            BlockType::Empty => (0, 0),
            BlockType::Type(wasmparser::ValType::V128) => (0, 2),
            BlockType::Type(_) => (0, 1),
            BlockType::FuncType(index) => {
                let ty = &self.info.types[index as usize];
                (words(ty.params()) as u32, words(ty.results()) as u32)
            }
        }
    }

    /// Copies the top `count` values down to operand slot `to`.
    fn move_top(&mut self, count: u32, to: u32) {
        let from = self.depth - count;
        if from == to {
            return;
        }
        for i in 0..count {
            let (src, dst) = (self.slot(from + i), self.slot(to + i));
            dynasm!(self.ops ; .arch x64 ; mov rcx, [rsp + src] ; mov [rsp + dst], rcx);
        }
    }

    /// A branch to the frame `relative` levels out: values moved, jump.
    fn branch(&mut self, relative: u32) {
        let at = self.frames.len() - 1 - relative as usize;
        self.frames[at].targeted = true;
        let frame = &self.frames[at];
        let arity = if frame.kind == Kind::Loop { frame.params } else { frame.results };
        let (height, target) = (frame.height, frame.target);
        self.move_top(arity, height);
        dynasm!(self.ops ; .arch x64 ; jmp =>target);
    }

    /// Dispatches on the selector in r10d through a jump table: one
    /// indexed jump whatever the number of targets (a chain of compares made
    /// each dispatch of a C `switch` with thousands of cases cost thousands).
    /// The table holds one 5-byte `jmp rel32` per entry; an entry goes
    /// straight to its block's label when the branch moves no values, else
    /// to one stub per distinct target that moves them and jumps.
    fn br_table(&mut self, entries: &[u32], default: u32) -> Result<()> {
        const ENTRY_BYTES: usize = 5;
        let mut destinations = std::collections::BTreeMap::new();
        let mut stubs = Vec::new();
        for &relative in entries.iter().chain([&default]) {
            if destinations.contains_key(&relative) {
                continue;
            }
            let label = if self.branch_needs_moves(relative) {
                let stub = self.ops.new_dynamic_label();
                stubs.push((stub, relative));
                stub
            } else {
                let at = self.frames.len() - 1 - relative as usize;
                self.frames[at].targeted = true;
                self.frames[at].target
            };
            destinations.insert(relative, label);
        }
        if entries.is_empty() {
            dynasm!(self.ops ; .arch x64 ; jmp =>destinations[&default]);
        } else {
            let table = self.ops.new_dynamic_label();
            let count = i32::try_from(entries.len()).map_err(|_| Error::Unsupported("br_table too large".into()))?;
            dynasm!(self.ops
                ; .arch x64
                ; mov eax, r10d
                ; cmp eax, count
                ; jae =>destinations[&default]
                ; lea rax, [rax + rax * 4]
                ; lea rcx, [=>table]
                ; add rcx, rax
                ; jmp rcx
                ; =>table
            );
            let start = self.ops.offset().0;
            for relative in entries {
                dynasm!(self.ops ; .arch x64 ; jmp =>destinations[relative]);
            }
            if self.ops.offset().0 - start != entries.len() * ENTRY_BYTES {
                return Err(Error::Internal("br_table: a table entry is not a 5-byte jmp rel32".into()));
            }
        }
        for (stub, relative) in stubs {
            dynasm!(self.ops ; .arch x64 ; =>stub);
            self.branch(relative);
        }
        Ok(())
    }

    fn branch_needs_moves(&self, relative: u32) -> bool {
        let frame = &self.frames[self.frames.len() - 1 - relative as usize];
        let arity = if frame.kind == Kind::Loop { frame.params } else { frame.results };
        arity > 0 && self.depth - arity != frame.height
    }

    fn open(&mut self, kind: Kind, ty: BlockType) {
        let (params, results) = self.block_arity(ty);
        let end = self.ops.new_dynamic_label();
        let target = if kind == Kind::Loop { self.ops.new_dynamic_label() } else { end };
        if kind == Kind::Loop {
            dynasm!(self.ops ; .arch x64 ; =>target);
        }
        let height = self.depth - params;
        self.bump(height + results.max(params));
        self.frames.push(Frame {
            kind,
            target,
            end,
            else_label: None,
            height,
            params,
            results,
            stash: None,
            reachable_before: self.reachable,
            targeted: false,
        });
    }

    fn operator(&mut self, op: &Operator<'_>) -> Result<()> {
        if let (Some((local, value)), Operator::LocalGet { local_index }) = (self.just_stored.take(), op)
            && local == *local_index
            && self.reachable
        {
            self.push_value(value);
            return Ok(());
        }
        if self.reachable && !matches!(op, Operator::If { .. } | Operator::BrIf { .. } | Operator::I32Eqz) {
            self.materialize_flags();
        }
        if self.reachable && self.register_operator(op)? {
            return Ok(());
        }
        if !self.reachable {
            match op {
                Operator::Block { .. } | Operator::Loop { .. } | Operator::If { .. } => {
                    self.skipped += 1;
                    return Ok(());
                }
                Operator::Else if self.skipped == 0 => {}
                Operator::End if self.skipped == 0 => {}
                Operator::End => {
                    self.skipped -= 1;
                    return Ok(());
                }
                _ => return Ok(()),
            }
        }
        // A branch's condition is tested before the flush (which only moves
        // values, leaving the flags alone); a selector or table index goes
        // straight to r10d, which the flush leaves alone too.
        let mut condition = condition::Cc::Ne;
        match op {
            Operator::If { .. } | Operator::BrIf { .. } => condition = self.pop_condition(),
            Operator::BrTable { .. } | Operator::CallIndirect { .. } => {
                let selector = self.pop_operand();
                self.load_into(10, false, selector);
            }
            Operator::End if self.frames.len() == 1 => return self.end_function(),
            _ => {}
        }
        self.flush();
        match *op {
            Operator::Nop => {}
            Operator::Unreachable => {
                self.trap(TrapCode::Unreachable);
                self.reachable = false;
            }
            Operator::Block { blockty } => self.open(Kind::Block, blockty),
            Operator::Loop { blockty } => {
                self.open(Kind::Loop, blockty);
                // Branches back to the loop pay for the next iteration.
            }
            Operator::If { blockty } => {
                let else_label = self.ops.new_dynamic_label();
                self.open(Kind::If, blockty);
                let frame = self.frames.last_mut().expect("just opened");
                frame.else_label = Some(else_label);
                let (height, params) = (frame.height, frame.params);
                // Stashed before branching: the else branch restores them
                // from here (the then branch may overwrite their slots).
                if params > 0 {
                    let base = self.stash;
                    self.stash += params;
                    self.max_stash = self.max_stash.max(self.stash);
                    self.frames.last_mut().expect("just opened").stash = Some(base);
                    for i in 0..params {
                        let (src, dst) = (self.slot(height + i), Self::stashed(base + i));
                        dynasm!(self.ops ; .arch x64 ; mov rcx, [rsp + src] ; mov [rbp + dst], rcx);
                    }
                }
                self.jump_if(condition.negate(), else_label);
            }
            Operator::Else => {
                let reachable = self.reachable;
                let frame = self.frames.last_mut().expect("validated: else closes an if");
                let (end, height, params, stash, before) =
                    (frame.end, frame.height, frame.params, frame.stash, frame.reachable_before);
                let else_label = frame.else_label.take().expect("validated: one else per if");
                if reachable {
                    dynasm!(self.ops ; .arch x64 ; jmp =>end);
                }
                dynasm!(self.ops ; .arch x64 ; =>else_label);
                self.reset_depth(height + params);
                if let Some(base) = stash {
                    for i in 0..params {
                        let (src, dst) = (Self::stashed(base + i), self.slot(height + i));
                        dynasm!(self.ops ; .arch x64 ; mov rcx, [rbp + src] ; mov [rsp + dst], rcx);
                    }
                }
                self.reachable = before;
            }
            Operator::End => {
                let frame = self.frames.pop().expect("validated: end closes a frame");
                if let Some(else_label) = frame.else_label {
                    // An if without else: its parameters are its results.
                    dynasm!(self.ops ; .arch x64 ; =>else_label);
                }
                if frame.stash.is_some() {
                    self.stash -= frame.params;
                }
                dynasm!(self.ops ; .arch x64 ; =>frame.end);
                self.reset_depth(frame.height + frame.results);
                self.reachable = frame.reachable_before;
            }
            Operator::Br { relative_depth } => {
                self.branch(relative_depth);
                self.reachable = false;
            }
            Operator::BrIf { relative_depth } => {
                if self.branch_needs_moves(relative_depth) {
                    let skip = self.ops.new_dynamic_label();
                    self.jump_if(condition.negate(), skip);
                    self.branch(relative_depth);
                    dynasm!(self.ops ; .arch x64 ; =>skip);
                } else {
                    let at = self.frames.len() - 1 - relative_depth as usize;
                    self.frames[at].targeted = true;
                    let target = self.frames[at].target;
                    self.jump_if(condition, target);
                }
            }
            Operator::BrTable { ref targets } => {
                let entries =
                    targets.targets().collect::<std::result::Result<Vec<u32>, _>>().map_err(Error::from_wasmparser)?;
                self.br_table(&entries, targets.default())?;
                self.reachable = false;
            }
            Operator::Return => {
                self.branch(self.frames.len() as u32 - 1);
                self.reachable = false;
            }
            Operator::Call { function_index } => self.call(function_index),
            Operator::CallIndirect { type_index, table_index } => self.call_indirect(type_index, table_index),
            Operator::Select | Operator::TypedSelect { .. } if self.top_v128 => {
                let condition = self.pop();
                let (b, a) = (self.pop_words(2), self.pop_words(2));
                self.push_words(2);
                dynasm!(self.ops
                    ; .arch x64
                    ; cmp DWORD [rsp + condition], 0
                    ; jne >keep
                    ; movdqu xmm0, [rsp + b]
                    ; movdqu [rsp + a], xmm0
                    ; keep:
                );
            }
            Operator::Select | Operator::TypedSelect { .. } => {
                let condition = self.pop();
                let b = self.pop();
                let a = self.pop();
                self.push();
                dynasm!(self.ops
                    ; .arch x64
                    ; mov rax, [rsp + a]
                    ; mov rcx, [rsp + b]
                    ; cmp DWORD [rsp + condition], 0
                    ; cmove rax, rcx
                    ; mov [rsp + a], rax
                );
            }
            Operator::MemorySize { mem } => {
                let (memory, to) = (self.offsets.memory(mem) as i32, self.push());
                let length = VMMemoryDefinition::LENGTH;
                dynasm!(self.ops
                    ; .arch x64
                    ; mov rax, [r15 + memory]
                    ; mov rax, [rax + length]
                    ; shr rax, 16
                    ; mov [rsp + to], eax
                );
            }
            _ if self.runtime_operator(op)? => {}
            _ => return self.integer(op),
        }
        Ok(())
    }

    /// Starts a region of the function's fuel plan (`compile::fuel`):
    /// counts its entry (when measuring coverage) and charges its fuel
    /// (when metering). Uses rax and rcx, scratch here.
    fn start_region(&mut self, region: Region) {
        if let Some(coverage) = &self.coverage {
            let counter = coverage.counter(region.index) as i64;
            dynasm!(self.ops ; .arch x64 ; mov rax, QWORD counter ; lock add QWORD [rax], 1);
        }
        self.charge_fuel(region.charge);
    }

    /// Charges `charge` units of fuel here (when metering is on); a charge
    /// that cannot be paid empties the fuel and traps with `OutOfFuel`.
    fn charge_fuel(&mut self, charge: u32) {
        if !self.fuel {
            return;
        }
        let fuel = (self.offsets.store() as i32, std::mem::offset_of!(crate::runtime::store::StoreInner, fuel) as i32);
        let charge = i32::try_from(charge).unwrap_or(i32::MAX);
        let paid = self.ops.new_dynamic_label();
        dynasm!(self.ops
            ; .arch x64
            ; mov rax, [r15 + fuel.0]
            ; mov rcx, [rax + fuel.1]
            ; sub rcx, DWORD charge
            ; jae =>paid
            ; mov QWORD [rax + fuel.1], 0
        );
        self.trap(TrapCode::OutOfFuel);
        dynasm!(self.ops ; .arch x64 ; =>paid ; mov [rax + fuel.1], rcx);
    }

    fn call(&mut self, function_index: u32) {
        let ty = self.info.func_type(function_index);
        let (params, results) = (words(ty.params()) as u32, words(ty.results()) as u32);
        let first = self.depth - params;
        self.bump(first + params.max(results));
        let values = self.slot(first);
        if function_index < self.info.num_imported_funcs {
            self.call_imported(function_index, values);
        } else {
            // Same module, same instance: straight to its code.
            let callee = self.function_labels[(function_index - self.info.num_imported_funcs) as usize];
            self.spill_caller_saved_homes();
            dynasm!(self.ops
                ; .arch x64
                ; mov rdi, r15
                ; lea rsi, [rsp + values]
                ; call =>callee
            );
            self.reload_caller_saved_homes();
        }
        self.reset_depth(first + results);
    }

    /// `call_indirect`: the table element (bounds and null checked) names a
    /// store function whose `VMFuncRef` gives its type id (checked against
    /// this instance's id for `type_index`), its code and vmctx (maybe
    /// another instance's); a host function has no code and is called
    /// through the `call_store_function` builtin.
    fn call_indirect(&mut self, type_index: u32, table: u32) {
        use crate::runtime::vmctx::{VMFuncRef, VMFuncRefs, VMTableDefinition};
        let ty = &self.info.types[type_index as usize];
        let (params, results) = (words(ty.params()) as u32, words(ty.results()) as u32);
        let first = self.depth - params;
        self.bump(first + params.max(results));
        let values = self.slot(first);
        let size = std::mem::size_of::<VMFuncRef>() as i32;
        let (code, context, type_id) = (VMFuncRef::CODE, VMFuncRef::VMCTX, VMFuncRef::TYPE_ID);
        let (elements, length) = (VMTableDefinition::BASE, VMTableDefinition::LENGTH);
        let func_refs_base = VMFuncRefs::BASE;
        let table = self.offsets.table(table) as i32;
        let (func_refs, type_ids) = (self.offsets.func_refs() as i32, self.offsets.type_ids() as i32);
        let expected = 4 * type_index as i32;
        self.spill_caller_saved_homes();
        let (inside, present, matches, host, done) = (
            self.ops.new_dynamic_label(),
            self.ops.new_dynamic_label(),
            self.ops.new_dynamic_label(),
            self.ops.new_dynamic_label(),
            self.ops.new_dynamic_label(),
        );
        // The index is in r10d (see `operator`).
        dynasm!(self.ops
            ; .arch x64
            ; mov eax, r10d
            ; mov rcx, [r15 + table]
            ; cmp rax, [rcx + length]
            ; jb =>inside
        );
        self.trap(TrapCode::TableOutOfBounds);
        dynasm!(self.ops
            ; .arch x64
            ; =>inside
            ; mov rcx, [rcx + elements]
            ; mov rax, [rcx + rax * 8]
            ; test rax, rax
            ; jnz =>present
        );
        self.trap(TrapCode::UninitializedElement);
        // The element is the function's store index plus one.
        dynasm!(self.ops
            ; .arch x64
            ; =>present
            ; imul rax, rax, size
            ; mov rcx, [r15 + func_refs]
            ; mov rcx, [rcx + func_refs_base]
            ; lea rax, [rcx + rax - size]
            ; mov edx, [rax + type_id]
            ; mov rcx, [r15 + type_ids]
            ; cmp edx, [rcx + expected]
            ; je =>matches
        );
        self.trap(TrapCode::IndirectCallTypeMismatch);
        let (store, instance) = (self.offsets.store() as i32, self.offsets.instance() as i32);
        let call = Builtin::CallStoreFunction.address() as i64;
        dynasm!(self.ops
            ; .arch x64
            ; =>matches
            ; mov rcx, [rax + code]
            ; test rcx, rcx
            ; jz =>host
            ; mov rdi, [rax + context]
            ; lea rsi, [rsp + values]
            ; call rcx
            ; jmp =>done
            ; =>host
            ; mov edx, [rax + context]
            ; mov rdi, [r15 + store]
            ; mov esi, [r15 + instance]
            ; lea rcx, [rsp + values]
            ; mov rax, QWORD call
            ; call rax
        );
        self.trap_if_raised();
        dynasm!(self.ops ; .arch x64 ; =>done ; mov r15, [rbp + VMCTX_AT]);
        self.load_memory_base();
        self.reload_caller_saved_homes();
        self.reset_depth(first + results);
    }

    /// The function's `end`: its results straight from where they are to
    /// the caller's values (when reachable), and, when branches go to the
    /// end, the same from their slots.
    fn end_function(&mut self) -> Result<()> {
        let frame = self.frames.pop().expect("validated: end closes the function");
        if self.reachable {
            // A v128 result is written from its slot, word by word.
            if self.returns_v128 {
                self.flush();
            }
            let results: Vec<registers::Operand> = (0..frame.results).map(|_| self.pop_operand()).collect();
            if frame.results > 0 {
                dynasm!(self.ops ; .arch x64 ; mov rcx, [rbp + VALUES_AT]);
            }
            for (i, operand) in results.into_iter().rev().enumerate() {
                self.store_result(operand, 8 * i as i32);
            }
            self.epilogue();
        }
        if frame.targeted {
            dynasm!(self.ops ; .arch x64 ; =>frame.end);
            if frame.results > 0 {
                dynasm!(self.ops ; .arch x64 ; mov rcx, [rbp + VALUES_AT]);
            }
            for i in 0..frame.results {
                let (src, dst) = (self.slot(i), 8 * i as i32);
                dynasm!(self.ops ; .arch x64 ; mov rax, [rsp + src] ; mov [rcx + dst], rax);
            }
            self.epilogue();
        }
        self.reset_depth(0);
        self.reachable = false;
        Ok(())
    }

    /// After a builtin that answers 0 or a trap number (in eax).
    pub(super) fn trap_if_raised(&mut self) {
        let ok = self.ops.new_dynamic_label();
        dynasm!(self.ops ; .arch x64 ; test eax, eax ; jz =>ok);
        self.site(TrapSite::RaisedByBuiltin);
        dynasm!(self.ops ; .arch x64 ; ud2 ; =>ok);
    }

    /// The memory operand of an access of `size` bytes at `address`: the
    /// register holding the memory's base (r14 for memory 0, else r11), the
    /// index register (an i32 local's own, else rax with the address plus
    /// the offset when that is not a displacement) and the displacement.
    fn address(&mut self, address: registers::Operand, memarg: MemArg, size: u32) -> Result<(u8, u8, i32)> {
        let wasmparser::MemArgTarget::Memory(memory) = memarg.target else {
            return Err(Error::Unsupported("the baseline tier does not access GC arrays".into()));
        };
        let base = if memory == 0 {
            14
        } else {
            let (at, field) = (self.offsets.memory(memory) as i32, VMMemoryDefinition::BASE);
            dynasm!(self.ops ; .arch x64 ; mov r11, [r15 + at] ; mov r11, [r11 + field]);
            11
        };
        let reach = memarg.offset + u64::from(size);
        // Within the guard region the offset is a displacement (< 2 GiB).
        if self.guard_pages
            && reach <= crate::runtime::memory::GUARD_BYTES as u64
            && let Ok(displacement) = i32::try_from(memarg.offset)
        {
            // An i32 local's register is zero-extended. (Not any local's:
            // `i32.wrap_i64` leaves an i64 local's register as it is.)
            if let registers::Operand::Reg(home) = address
                && self.i32_homes.contains(&home)
            {
                return Ok((base, home, displacement));
            }
            self.load_into(0, false, address);
            return Ok((base, 0, displacement));
        }
        self.load_into(0, false, address);
        // address < 2^32 and offset < 2^32 (32-bit memories): no wrap.
        let (offset, definition) = (memarg.offset as i64, self.offsets.memory(memory) as i32);
        let length = VMMemoryDefinition::LENGTH;
        let ok = self.ops.new_dynamic_label();
        dynasm!(self.ops
            ; .arch x64
            ; mov rcx, QWORD offset
            ; add rax, rcx
            ; lea rcx, [rax + size as i32]
            ; mov rdx, [r15 + definition]
            ; cmp rcx, [rdx + length]
            ; jbe =>ok
        );
        self.trap(TrapCode::MemoryOutOfBounds);
        dynasm!(self.ops ; .arch x64 ; =>ok);
        Ok((base, 0, 0))
    }
}

#[derive(Clone, Copy)]
enum Load {
    U8,
    S8To32,
    S8To64,
    U16,
    S16To32,
    S16To64,
    U32,
    S32To64,
    U64,
}

impl Load {
    fn size(self) -> u32 {
        match self {
            Load::U8 | Load::S8To32 | Load::S8To64 => 1,
            Load::U16 | Load::S16To32 | Load::S16To64 => 2,
            Load::U32 | Load::S32To64 => 4,
            Load::U64 => 8,
        }
    }
}

mod condition;
mod float;
mod integer;
mod locals;
mod registers;
mod runtime;
mod simd;
