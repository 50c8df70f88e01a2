//! Compilation: one [`Compiler`] front, one implementation per tier.
//!
//! Every tier receives each function body together with its wasmparser
//! `FuncValidator`, so validation and translation happen in one pass and a
//! tier never sees an invalid operator.

pub mod cranelift;
pub mod interp;

use wasmparser::{FuncValidator, FunctionBody, ValidatorResources};

use crate::config::{Config, Tier};
use crate::error::Result;
use crate::module::ModuleInfo;

/// Compiled code for all of a module's defined functions, per tier.
pub(crate) enum CompiledCode {
    Interp(Vec<interp::Function>),
    Cranelift(cranelift::CompiledModule),
}

pub(crate) enum Compiler {
    Interp { fuel: bool, coverage: bool, functions: Vec<interp::Function>, scratch: interp::TranslatorScratch },
    Cranelift(Box<cranelift::ModuleCompiler>),
}

/// An operator's name: wasmparser's variant name, without its immediates
/// (`I32Add`, `MemoryFill`, …). Coverage is reported by these names.
pub fn opcode_name(op: &wasmparser::Operator<'_>) -> String {
    let debug = format!("{op:?}");
    debug.split([' ', '{', '(']).next().unwrap_or_default().to_string()
}

impl Compiler {
    pub(crate) fn new(config: &Config) -> Result<Compiler> {
        Ok(match config.tier {
            Tier::Cranelift => Compiler::Cranelift(Box::new(cranelift::ModuleCompiler::new(config)?)),
            // `Engine::new` refuses tiers that are not available.
            Tier::Interp | Tier::Baseline => Compiler::Interp {
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
        validator: FuncValidator<ValidatorResources>,
        body: FunctionBody<'_>,
    ) -> Result<()> {
        match self {
            Compiler::Interp { fuel, coverage, functions, scratch } => {
                functions.push(interp::translate(info, validator, body, *fuel, *coverage, scratch)?);
                Ok(())
            }
            Compiler::Cranelift(compiler) => compiler.compile_function(info, validator, body),
        }
    }

    pub(crate) fn finish(self, info: &ModuleInfo) -> Result<CompiledCode> {
        Ok(match self {
            Compiler::Interp { functions, .. } => CompiledCode::Interp(functions),
            Compiler::Cranelift(compiler) => CompiledCode::Cranelift(compiler.finish(info)?),
        })
    }
}
