//! What compiled code reaches through its vmctx argument: the instance's
//! `VMContext` (layout in `runtime/vmctx.rs`, offsets from `VMOffsets`).

use cranelift_codegen::ir::{Type, types};

use crate::module::ModuleInfo;
pub(crate) use crate::runtime::vmctx::VMOffsets;

/// Pointers are 64 bits: the tier targets 64-bit hosts.
pub(crate) const POINTER: Type = types::I64;

const _: () = assert!(std::mem::size_of::<usize>() == 8, "the cranelift tier needs a 64-bit host");

/// The vmctx layout of instances of a module.
pub(crate) fn offsets_of(info: &ModuleInfo) -> VMOffsets {
    VMOffsets {
        num_memories: info.memories.len() as u32,
        num_globals: info.globals.len() as u32,
        num_tables: info.tables.len() as u32,
    }
}
