//! The optimizing tier: wasm → Cranelift IR → native code (issue #4).
//!
//! Coverage: everything the interpreter runs (MVP, sign extension,
//! saturating conversions, mutable globals, multi-value, bulk memory,
//! reference types, extended constants), SIMD and relaxed SIMD
//! (`translate::simd`).
//!
//! Layout: [`isa`] (host target and flags), [`translate`] (function bodies;
//! `translate::calls` for calls and builtin-backed operators), [`vm`] (what
//! compiled code reaches through its vmctx); shared with the baseline tier
//! in `compile::native`: the builtins (runtime functions compiled code
//! calls), W^X code memory and the traps (every trap is a fault at a
//! registered trap site that the signal handler turns into a return to the
//! host → wasm entry, with the wasm frames found by walking frame
//! pointers). Memory accesses are bounds-checked by the
//! memories' guard regions by default (`BoundsChecks::GuardPages`: no code
//! for accesses with static offsets below 2 GiB) or by an explicit compare
//! and conditional trap (`BoundsChecks::Explicit`). All functions of a
//! module are compiled into one buffer; a call to a function of the module
//! is a direct PC-relative call, patched when every function is placed
//! (`ModuleCompiler::finish`); builtins are called at addresses embedded as
//! constants, and nothing else needs relocating.
//!
//! Host functions are reached through the `call_function` builtin, which
//! calls the store's monomorphic host-call shim (`StoreInner::host_call`):
//! compiled code is shared by every store, whatever its data type. A host
//! error travels as a trap number, its full `Trap` parked in the store; a
//! host panic is caught before it can unwind through generated frames and
//! resumed at the host → wasm entry.

pub mod isa;
mod translate;
mod vm;

use std::collections::HashMap;

use cranelift_codegen::CodegenError;
use cranelift_codegen::FinalizedRelocTarget;
use cranelift_codegen::binemit::Reloc;
use cranelift_codegen::control::ControlPlane;
use cranelift_codegen::ir::{self, AbiParam, InstBuilder, Signature};
use cranelift_codegen::isa::{CallConv, OwnedTargetIsa};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use wasmparser::{FuncValidator, FunctionBody, ValidatorResources};

use crate::compile::fuel::Coverage;
use crate::compile::native::{self, LoadedCode, TrapSite};
use crate::config::{Config, OptLevel, Tier};
use crate::error::{Error, Result, TrapCode};
use crate::module::types::{FuncType, word_offsets, words};
use crate::module::{ExportIndex, ModuleInfo};
use crate::proposal::Proposal;

/// Compiles a module's functions as the parser hands them over.
pub(crate) struct ModuleCompiler {
    isa: OwnedTargetIsa,
    translator: translate::Translator,
    context: cranelift_codegen::Context,
    code: Vec<u8>,
    /// Offset of each defined function in `code`.
    offsets: Vec<usize>,
    /// (start, end) of each defined function in `code`.
    ranges: Vec<(u32, u32)>,
    /// (offset in `code`, what it raises) of every trap site of the functions.
    traps: Vec<(u32, TrapSite)>,
    /// Direct calls to patch once every function is placed: (offset in
    /// `code` of the 32-bit displacement, callee's function index, addend).
    calls: Vec<(usize, u32, i64)>,
    /// Each function's coverage counters, when the engine measures it.
    coverage: Vec<Coverage>,
}

/// The name a defined function's code is known by in Cranelift IR: its
/// function index (imports included).
pub(crate) fn function_name(function_index: u32) -> ir::UserExternalName {
    ir::UserExternalName::new(0, function_index)
}

/// A compiled module: its code, where each function starts, and a
/// host → wasm trampoline per function type.
#[derive(Debug)]
pub(crate) struct CompiledModule {
    pub(crate) code: LoadedCode,
    trampolines: HashMap<FuncType, usize>,
    /// Coverage counters the code increments (it holds their addresses).
    pub(crate) coverage: Vec<Coverage>,
}

/// The Cranelift trap code of a trap instruction raising `code`: a "user"
/// code carrying the engine's trap number.
pub(crate) fn clif_trap(code: TrapCode) -> ir::TrapCode {
    ir::TrapCode::unwrap_user(native::trap_number(code) as u8)
}

/// The trap code of the trap instruction after a builtin that failed.
pub(crate) const RAISED_BY_BUILTIN: ir::TrapCode = ir::TrapCode::unwrap_user(250);

/// What a trap site Cranelift recorded raises: its reserved codes (for the
/// traps its own instructions and heap accesses raise) or ours.
fn trap_site(code: ir::TrapCode) -> TrapSite {
    let raise = TrapSite::Raise;
    match code {
        ir::TrapCode::HEAP_OUT_OF_BOUNDS => raise(TrapCode::MemoryOutOfBounds),
        ir::TrapCode::STACK_OVERFLOW => raise(TrapCode::StackOverflow),
        ir::TrapCode::INTEGER_OVERFLOW => raise(TrapCode::IntegerOverflow),
        ir::TrapCode::INTEGER_DIVISION_BY_ZERO => raise(TrapCode::IntegerDivisionByZero),
        ir::TrapCode::BAD_CONVERSION_TO_INTEGER => raise(TrapCode::BadConversionToInteger),
        RAISED_BY_BUILTIN => TrapSite::RaisedByBuiltin,
        user => raise(native::trap_from_number(u32::from(user.as_raw().get())).unwrap_or(TrapCode::HostError)),
    }
}

/// Cranelift's own limits are resource limits; any other refusal means our
/// translation produced something it should not have.
fn codegen_error(e: CodegenError) -> Error {
    match e {
        CodegenError::ImplLimitExceeded | CodegenError::CodeTooLarge => {
            Error::Limit(format!("cranelift could not compile the function: {e}"))
        }
        other => Error::Internal(format!("cranelift could not compile the function: {other:?}")),
    }
}

impl CompiledModule {
    /// Calls compiled function `callee` (of type `ty`) with `vmctx`;
    /// `values` holds the arguments and receives the results (32-bit ones
    /// zero-extended). Returns the trap, if one happened, with the program
    /// counters of the wasm frames it unwound (innermost first).
    ///
    /// # Safety
    /// `callee` must be a function of this module of type `ty`; `vmctx` must
    /// be a live instance vmctx of this module, with its stack limit set for
    /// this thread, and `trap` the store's trap slot; `values` must hold
    /// the type's call words (`FuncType::call_words`).
    pub(crate) unsafe fn call(
        &self,
        callee: *const u8,
        ty: &FuncType,
        vmctx: *const u8,
        trap: *mut u32,
        values: &mut [u64],
    ) -> Result<(), (crate::error::TrapCode, Vec<usize>)> {
        let trampoline = self.code.at(self.trampolines[ty]);
        // SAFETY: the trampoline was compiled for (callee, vmctx, values)
        // with the platform's C calling convention and for exactly `ty`, and
        // is part of this module's registered code; the rest is the
        // caller's contract.
        unsafe { native::call(trampoline, callee, ty, vmctx, trap, values) }
    }
}

impl ModuleCompiler {
    pub(crate) fn new(config: &Config) -> Result<ModuleCompiler> {
        // A planted fault's mistyped IR is refused by the verifier, as a
        // real translator bug's is in every debug build.
        let verify = cfg!(debug_assertions) || config.planted_translation_fault;
        let isa = isa::host_isa(config.opt_level, verify)?;
        let translator = translate::Translator::new(isa.default_call_conv(), isa.frontend_config(), config);
        Ok(ModuleCompiler {
            isa,
            translator,
            context: cranelift_codegen::Context::new(),
            code: Vec::new(),
            offsets: Vec::new(),
            ranges: Vec::new(),
            traps: Vec::new(),
            calls: Vec::new(),
            coverage: Vec::new(),
        })
    }

    fn call_conv(&self) -> CallConv {
        self.isa.default_call_conv()
    }

    /// Compiles `context.func` and appends the machine code to the buffer.
    fn emit(&mut self) -> Result<usize> {
        // Cranelift's block layout info (`machine_code_cfg_info`) lists block
        // starts in emission order but their successors in lowering order;
        // the two disagree once cold blocks move to the end, so a function
        // with cold blocks is placed without knowing its loops.
        let layout = &self.context.func.layout;
        let has_cold_blocks = layout.blocks().any(|block| layout.is_cold(block));
        let compiled =
            self.context.compile(&*self.isa, &mut ControlPlane::default()).map_err(|e| codegen_error(e.inner))?;
        let relocs = compiled.buffer.relocs().to_vec();
        let loops = if has_cold_blocks {
            Vec::new()
        } else {
            native::layout::innermost_loop_starts(
                &compiled.bb_starts,
                &compiled.bb_edges,
                compiled.code_info().total_size,
            )
        };
        let offset = native::layout::function_start(self.code.len(), &loops);
        self.traps.extend(compiled.buffer.traps().iter().map(|t| (offset as u32 + t.offset, trap_site(t.code))));
        let bytes = compiled.code_buffer();
        self.code.resize(offset, 0);
        self.code.extend_from_slice(bytes);
        for reloc in relocs {
            let callee = match (reloc.kind, &reloc.target) {
                (Reloc::X86CallPCRel4, FinalizedRelocTarget::ExternalName(ir::ExternalName::User(name))) => {
                    self.context.func.params.user_named_funcs()[*name].index
                }
                // A libcall (e.g. a float rounding without SSE4.1) would
                // need linking; refuse rather than run unpatched code.
                (kind, _) => {
                    return Err(Error::Unsupported(format!(
                        "cranelift emitted a relocation this tier cannot link ({kind:?})"
                    )));
                }
            };
            self.calls.push((offset + reloc.offset as usize, callee, reloc.addend));
        }
        self.context.clear();
        Ok(offset)
    }

    pub(crate) fn compile_function(
        &mut self,
        info: &ModuleInfo,
        validator: &mut FuncValidator<ValidatorResources>,
        body: FunctionBody<'_>,
    ) -> Result<()> {
        let index = info.num_imported_funcs + self.offsets.len() as u32;
        let call_conv = self.call_conv();
        self.context.func =
            ir::Function::with_name_signature(ir::UserFuncName::user(0, index), Signature::new(call_conv));
        let coverage = self.translator.translate(info, index, validator, body, &mut self.context.func)?;
        self.coverage.extend(coverage);
        let offset = self.emit()?;
        self.offsets.push(offset);
        self.ranges.push((offset as u32, self.code.len() as u32));
        Ok(())
    }

    /// A host → wasm trampoline for functions of type `ty`:
    /// `extern "C" fn(callee, vmctx, values: *mut u64)`, reading the
    /// arguments from `values` and writing the results back into it.
    fn trampoline(&mut self, ty: &FuncType) -> Result<usize> {
        let call_conv = self.call_conv();
        let mut sig = Signature::new(CallConv::triple_default(self.isa.triple()));
        for _ in 0..3 {
            sig.params.push(AbiParam::new(vm::POINTER));
        }
        self.context.func = ir::Function::with_name_signature(ir::UserFuncName::testcase("trampoline"), sig);
        let mut builder_context = FunctionBuilderContext::new();
        let mut b = FunctionBuilder::new(&mut self.context.func, &mut builder_context);
        let entry = b.create_block();
        b.append_block_params_for_function_params(entry);
        b.switch_to_block(entry);
        b.seal_block(entry);
        let (callee, vmctx, values) = {
            let p = b.block_params(entry);
            (p[0], p[1], p[2])
        };
        let mut args = vec![vmctx];
        for (p, word) in ty.params().iter().zip(word_offsets(ty.params())) {
            let t = translate::clif_type(*p);
            args.push(b.ins().load(t, translate::value_flags(t), values, (word * 8) as i32));
        }
        let wasm_sig = b.import_signature(translate::wasm_signature(ty, call_conv));
        let call = b.ins().call_indirect(wasm_sig, callee, &args);
        let results = b.inst_results(call).to_vec();
        for (r, word) in results.into_iter().zip(word_offsets(ty.results())) {
            let flags = translate::value_flags(b.func.dfg.value_type(r));
            b.ins().store(flags, r, values, (word * 8) as i32);
        }
        b.ins().return_(&[]);
        b.finalize(self.isa.frontend_config());
        self.emit()
    }

    pub(crate) fn finish(mut self, info: &ModuleInfo) -> Result<CompiledModule> {
        let mut trampolines = HashMap::new();
        for index in info.num_imported_funcs..info.funcs.len() as u32 {
            let ty = info.func_type(index).clone();
            if let std::collections::hash_map::Entry::Vacant(slot) = trampolines.entry(ty) {
                let offset = self.trampoline(slot.key())?;
                slot.insert(offset);
            }
        }
        for &(at, callee, addend) in &self.calls {
            let target = self.offsets[(callee - info.num_imported_funcs) as usize] as i64;
            let displacement = i32::try_from(target + addend - at as i64)
                .map_err(|_| Error::Limit("the module's code is too large for 32-bit call displacements".into()))?;
            self.code[at..at + 4].copy_from_slice(&displacement.to_le_bytes());
        }
        let code = LoadedCode::new(&self.code, self.offsets, self.ranges, self.traps)?;
        Ok(CompiledModule { code, trampolines, coverage: self.coverage })
    }
}

/// A module compiled by this tier and run on its own, without a store:
/// only for modules that use nothing but what the tier supports today (see
/// the module docs). Used by the tests that compare this tier with the
/// interpreter while the store integration is built.
#[doc(hidden)]
pub struct Standalone {
    info: ModuleInfo,
    compiled: CompiledModule,
    functions: Box<[*const u8]>,
}

// SAFETY: the code pointers point into `compiled`'s immutable mapping.
unsafe impl Send for Standalone {}
// SAFETY: as for `Send`; calls share nothing mutable between threads.
unsafe impl Sync for Standalone {}

impl Standalone {
    /// Validates and compiles `wasm` (MVP plus sign extension, saturating
    /// conversions and mutable globals' validation rules).
    pub fn new(wasm: &[u8], opt_level: OptLevel) -> Result<Standalone> {
        let mut config = Config::new();
        config.tier(Tier::Cranelift).opt_level(opt_level).proposals(&[
            Proposal::MutableGlobal,
            Proposal::SignExtension,
            Proposal::SaturatingFloatToInt,
        ]);
        let (info, code) = crate::module::parse_with(&config, wasm)?;
        let crate::compile::CompiledCode::Cranelift(compiled) = code else {
            unreachable!("a cranelift configuration compiles with cranelift")
        };
        if !info.imports.is_empty() || !info.memories.is_empty() || !info.tables.is_empty() || !info.globals.is_empty()
        {
            return Err(Error::Unsupported("a standalone module has no imports, memories, tables or globals".into()));
        }
        let functions = compiled.code.function_pointers();
        Ok(Standalone { info, compiled, functions })
    }

    /// Calls an exported function with raw arguments (integers, float bits).
    pub fn call(&self, export: &str, args: &[u64]) -> Result<Vec<u64>> {
        let Some((_, ExportIndex::Func(index))) = self.info.exports.iter().find(|(n, _)| n == export) else {
            return Err(Error::Usage(format!("no exported function `{export}`")));
        };
        let ty = self.info.func_type(*index);
        if args.len() != words(ty.params()) {
            return Err(Error::Usage(format!("`{export}` takes {} argument words", words(ty.params()))));
        }
        let mut values = vec![0u64; ty.call_words()];
        values[..args.len()].copy_from_slice(args);
        let mut trap = 0u32;
        let mut vmctx = crate::runtime::vmctx::VMContext::new(&[], &[], &[]);
        vmctx.set_stack_limit(native::stack_limit());
        let callee = self.functions[(*index - self.info.num_imported_funcs) as usize];
        // SAFETY: `callee` is function `index` of this module, of type `ty`;
        // the vmctx (no memories, globals or tables, as checked in `new`)
        // holds this thread's stack limit; `trap` outlives the call;
        // `values` is sized for both arguments and results.
        if let Err((code, _)) = unsafe { self.compiled.call(callee, ty, vmctx.as_ptr(), &mut trap, &mut values) } {
            return Err(Error::Trap(crate::error::Trap::new(code)));
        }
        values.truncate(words(ty.results()));
        Ok(values)
    }
}

impl std::fmt::Debug for Standalone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Standalone({} functions)", self.functions.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::TrapCode;

    fn run(wat: &str, export: &str, args: &[u64]) -> Result<Vec<u64>> {
        Standalone::new(&wat::parse_str(wat).unwrap(), OptLevel::Speed)?.call(export, args)
    }

    fn trap_of(r: Result<Vec<u64>>) -> TrapCode {
        match r {
            Err(Error::Trap(t)) => t.code(),
            other => panic!("expected a trap, got {other:?}"),
        }
    }

    #[test]
    fn recursion_loops_and_branch_tables() {
        let wat = r#"(module
            (func $fib (export "fib") (param i32) (result i32)
              (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
                (then (local.get 0))
                (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                               (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
            (func (export "sum") (param i64) (result i64) (local i64)
              (block $done (loop $again
                (br_if $done (i64.eqz (local.get 0)))
                (local.set 1 (i64.add (local.get 1) (local.get 0)))
                (local.set 0 (i64.sub (local.get 0) (i64.const 1)))
                (br $again)))
              (local.get 1))
            (func (export "pick") (param i32) (result i32)
              (block $c (block $b (block $a (br_table $a $b $c (local.get 0)))
                (return (i32.const 10))) (return (i32.const 20))) (i32.const 30)))"#;
        assert_eq!(run(wat, "fib", &[20]).unwrap(), vec![6765]);
        assert_eq!(run(wat, "sum", &[100_000]).unwrap(), vec![5_000_050_000]);
        let pick: Vec<u64> = [0, 1, 2, 3, 99].iter().map(|i| run(wat, "pick", &[*i]).unwrap()[0]).collect();
        assert_eq!(pick, vec![10, 20, 30, 30, 30]);
    }

    #[test]
    fn traps_are_precise_and_return_to_the_caller() {
        let wat = r#"(module
            (func $div (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
            (func (export "rem") (param i32 i32) (result i32) (i32.rem_s (local.get 0) (local.get 1)))
            (func (export "nested") (param i32) (result i32) (i32.add (i32.const 1) (call $div (i32.const 7) (local.get 0))))
            (func (export "trunc") (param f64) (result i32) (i32.trunc_f64_s (local.get 0)))
            (func (export "boom") (unreachable))
            (func $deep (export "deep") (param i64) (result i64) (i64.add (i64.const 1) (call $deep (local.get 0)))))"#;
        assert_eq!(trap_of(run(wat, "div", &[1, 0])), TrapCode::IntegerDivisionByZero);
        assert_eq!(trap_of(run(wat, "div", &[i32::MIN as u32 as u64, u32::MAX as u64])), TrapCode::IntegerOverflow);
        assert_eq!(run(wat, "rem", &[i32::MIN as u32 as u64, u32::MAX as u64]).unwrap(), vec![0]);
        assert_eq!(trap_of(run(wat, "nested", &[0])), TrapCode::IntegerDivisionByZero);
        assert_eq!(run(wat, "nested", &[7]).unwrap(), vec![2]);
        assert_eq!(trap_of(run(wat, "trunc", &[f64::NAN.to_bits()])), TrapCode::BadConversionToInteger);
        assert_eq!(trap_of(run(wat, "trunc", &[2147483648.0f64.to_bits()])), TrapCode::IntegerOverflow);
        assert_eq!(run(wat, "trunc", &[(-2147483648.9f64).to_bits()]).unwrap(), vec![i32::MIN as u32 as u64]);
        assert_eq!(trap_of(run(wat, "boom", &[])), TrapCode::Unreachable);
        // Unbounded recursion ends in a trap, on a small thread too.
        let deep = std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(move || trap_of(run(wat, "deep", &[0])))
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(deep, TrapCode::StackOverflow);
    }

    #[test]
    fn standalone_modules_refuse_imports_and_compile_at_every_level() {
        let err = Standalone::new(
            &wat::parse_str(r#"(module (import "m" "f" (func)) (func (call 0)))"#).unwrap(),
            OptLevel::Speed,
        )
        .unwrap_err();
        assert!(err.to_string().contains("standalone module has no imports"), "{err}");
        for opt in OptLevel::ALL {
            let m = Standalone::new(
                &wat::parse_str(r#"(module (func (export "f") (result i32) (i32.const 7)))"#).unwrap(),
                opt,
            )
            .unwrap();
            assert_eq!(m.call("f", &[]).unwrap(), vec![7]);
        }
    }

    #[test]
    fn settings_list_the_flags_in_effect() {
        let settings = isa::settings_in_effect(OptLevel::SpeedAndSize).unwrap();
        let get = |name: &str| settings.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
        assert_eq!(get("opt_level").as_deref(), Some("speed_and_size"));
        assert!(get("target").is_some());
        assert!(settings.len() > 10, "{settings:?}");
    }
}
