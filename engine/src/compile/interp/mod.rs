//! The interpreter tier.
//!
//! Each function is translated once into [`Instr`]s: a register-style
//! bytecode whose operands are frame slots. Because wasm's operand stack
//! height is known statically at every instruction, each operand position
//! gets a fixed slot in the frame (`[params | locals | constants | operand
//! stack]`; a slot is a word, and a v128 takes two adjacent ones), so
//! instructions read and write slots directly and no stack pointer moves at
//! run time. Constants an operator consumes live in frame
//! slots written on entry, so they cost no instruction. Branch targets are
//! resolved to instruction indices, and values carried by a branch are moved
//! with explicit copies.

mod exec;
mod handlers;
mod instr;
mod ops;
mod simd;
mod translate;

pub(crate) use exec::{Execution, Exit};
pub(crate) use instr::Instr;
pub(crate) use translate::{TranslatorScratch, translate};

/// A translated function.
#[derive(Debug)]
pub(crate) struct Function {
    pub(crate) code: Box<[Instr]>,
    pub(crate) num_params: u32,
    /// What a call writes after the arguments: the declared locals (zero),
    /// then the frame's constants.
    pub(crate) frame_init: Box<[u64]>,
    /// Slots the frame needs: locals, constants and the deepest operand
    /// stack. Every slot the code names is below it (checked when
    /// translated), which is what lets the handlers skip bounds checks.
    pub(crate) frame_size: u32,
    pub(crate) num_results: u32,
    /// Region hit counters, when the engine measures coverage.
    pub(crate) coverage: Option<Box<crate::compile::fuel::Coverage>>,
}

impl Function {
    /// Bytes of bytecode: instructions and frame initialisers.
    pub(crate) fn code_bytes(&self) -> usize {
        std::mem::size_of_val(&*self.code) + std::mem::size_of_val(&*self.frame_init)
    }
}
