//! Compilation: one [`Compiler`] front, one implementation per tier.
//!
//! Every tier receives each function body together with its wasmparser
//! `FuncValidator`, so validation and translation happen in one pass and a
//! tier never sees an invalid operator.

pub(crate) mod baseline;
pub mod cranelift;
pub(crate) mod fuel;
pub mod interp;
pub(crate) mod native;
pub(crate) mod visit;

use wasmparser::{FuncValidator, FunctionBody, ValidatorResources};

use crate::config::{Config, Tier};
use crate::error::Result;
use crate::module::ModuleInfo;

/// Compiled code for all of a module's defined functions, per tier.
pub(crate) enum CompiledCode {
    Interp(Vec<interp::Function>),
    Cranelift(cranelift::CompiledModule),
    Baseline(baseline::CompiledModule),
}

pub(crate) enum Compiler {
    Interp { fuel: bool, coverage: bool, functions: Vec<interp::Function>, scratch: interp::TranslatorScratch },
    Cranelift(Box<cranelift::ModuleCompiler>),
    Baseline(Box<baseline::ModuleCompiler>),
}

/// Runs defined function `def_index` of store instance `instance` on the
/// compiling tier that compiled it; `values` holds the arguments and
/// receives the results. Returns the trap, if any (its frames appended to
/// the store's `trap_pcs`).
///
/// # Safety
/// `store` must point at a live store that nothing else borrows until this
/// returns, its instances primed for this thread and address
/// (`StoreInner::prime_instances` on entry, or instantiation since); the
/// instance must have been compiled by a compiling tier; `values` must hold
/// the type's call words (`FuncType::call_words`).
pub(crate) unsafe fn run_function(
    store: *mut crate::runtime::store::StoreInner,
    instance: u32,
    def_index: u32,
    values: &mut [u64],
) -> Option<crate::error::TrapCode> {
    // SAFETY: the caller's contract; these borrows end before the call,
    // during which builtins mutate the store through the same pointer.
    let (module, callee, vmctx, trap) = unsafe {
        let inner = &*store;
        let entity = &inner.instances[instance as usize];
        (entity.module.clone(), entity.code[def_index as usize], entity.vmctx.as_ptr(), inner.trap.as_ptr())
    };
    let ty = module.info().func_type(module.info().num_imported_funcs + def_index);
    // SAFETY: `callee` is defined function `def_index` of this module, of
    // type `ty`, compiled by the tier whose `call` runs it; the vmctx
    // belongs to its instance and points at the thread's stack limit and
    // the store; `trap` is the store's trap slot; `values` is sized by the caller.
    let outcome = unsafe {
        match &module.inner.code {
            CompiledCode::Cranelift(compiled) => compiled.call(callee, ty, vmctx, trap, values),
            CompiledCode::Baseline(compiled) => compiled.call(callee, ty, vmctx, trap, values),
            CompiledCode::Interp(_) => unreachable!("interpreted modules are not run through compiled entries"),
        }
    };
    let (code, pcs) = outcome.err()?;
    // SAFETY: the call has returned; nothing else borrows the store.
    unsafe { (*store).trap_pcs.extend(pcs) };
    Some(code)
}

impl CompiledCode {
    /// The coverage counters of the functions (when the engine measures it).
    pub(crate) fn coverage(&self) -> Box<dyn Iterator<Item = &fuel::Coverage> + '_> {
        match self {
            CompiledCode::Interp(functions) => Box::new(functions.iter().filter_map(|f| f.coverage.as_deref())),
            CompiledCode::Cranelift(compiled) => Box::new(compiled.coverage.iter()),
            CompiledCode::Baseline(compiled) => Box::new(compiled.coverage.iter()),
        }
    }

    /// The defined function whose compiled code holds `pc`.
    pub(crate) fn function_at(&self, pc: usize) -> Option<u32> {
        match self {
            CompiledCode::Cranelift(compiled) => compiled.code.function_at(pc),
            CompiledCode::Baseline(compiled) => compiled.code.function_at(pc),
            CompiledCode::Interp(_) => None,
        }
    }
}

/// An operator's name: its wasmparser `Operator` variant (`I32Add`), the
/// name coverage and the operator registry use. Generated from wasmparser's
/// own operator list.
pub fn opcode_name(op: &wasmparser::Operator<'_>) -> &'static str {
    macro_rules! names {
        ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*) )*) => {
            match op {
                $( wasmparser::Operator::$op { .. } => stringify!($op), )*
                // `Operator` is non-exhaustive; every variant is listed above.
                _ => "Unknown",
            }
        };
    }
    wasmparser::for_each_operator!(names)
}

/// The memory argument of a load, store or other access of a memory (the
/// operators whose immediates include a `memarg`), from wasmparser's own
/// operator list.
pub fn memarg(op: &wasmparser::Operator<'_>) -> Option<wasmparser::MemArg> {
    // Finds `memarg` among an operator's fields, each given twice: once to
    // compare by name, once to name the field's binding.
    macro_rules! pick {
        () => { None };
        (memarg $field:ident $($rest:ident)*) => { Some(*$field) };
        ($name:ident $field:ident $($rest:ident)*) => { pick!($($rest)*) };
    }
    macro_rules! memargs {
        ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*) )*) => {
            #[allow(unused_variables)]
            match op {
                $( wasmparser::Operator::$op { $($($arg),*)? } => pick!($($($arg $arg)*)?), )*
                // `Operator` is non-exhaustive; every variant is listed above.
                _ => None,
            }
        };
    }
    wasmparser::for_each_operator!(memargs)
}

impl Compiler {
    pub(crate) fn new(config: &Config) -> Result<Compiler> {
        Ok(match config.tier {
            Tier::Cranelift => Compiler::Cranelift(Box::new(cranelift::ModuleCompiler::new(config)?)),
            // `Engine::new` refuses tiers that are not available.
            Tier::Baseline => Compiler::Baseline(Box::new(baseline::ModuleCompiler::new(config)?)),
            Tier::Interp => Compiler::Interp {
                fuel: config.consume_fuel,
                coverage: config.coverage,
                functions: Vec::new(),
                scratch: Default::default(),
            },
        })
    }

    pub(crate) fn compile_function(
        &mut self,
        info: &ModuleInfo,
        validator: &mut FuncValidator<ValidatorResources>,
        body: FunctionBody<'_>,
    ) -> Result<()> {
        match self {
            Compiler::Interp { fuel, coverage, functions, scratch } => {
                functions.push(interp::translate(info, validator, body, *fuel, *coverage, scratch)?);
                Ok(())
            }
            Compiler::Cranelift(compiler) => compiler.compile_function(info, validator, body),
            Compiler::Baseline(compiler) => compiler.compile_function(info, validator, body),
        }
    }

    pub(crate) fn finish(self, info: &ModuleInfo) -> Result<CompiledCode> {
        Ok(match self {
            Compiler::Interp { functions, .. } => CompiledCode::Interp(functions),
            Compiler::Cranelift(compiler) => CompiledCode::Cranelift(compiler.finish(info)?),
            Compiler::Baseline(compiler) => CompiledCode::Baseline(compiler.finish(info)?),
        })
    }
}
