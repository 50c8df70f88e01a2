//! Runtime functions compiled code calls for what it cannot do inline.
//! Their addresses are embedded in the code as constants: code is compiled
//! and run by the same process.

use super::vm::trap_number;
use crate::error::TrapCode;
use crate::runtime::store::{FuncKind, StoreInner};

/// `memory.grow`: the old size in pages, or -1 (as u32) when it cannot grow.
///
/// # Safety
/// `store` must be the store running the calling code (set in the vmctx on
/// entry), with no other reference to it in use; `instance` and `memory`
/// name an instance of it and one of that instance's memories.
pub(crate) unsafe extern "C" fn memory_grow(store: *mut StoreInner, instance: u32, memory: u32, delta: u32) -> u32 {
    // SAFETY: the caller's contract.
    let store = unsafe { &mut *store };
    let index = store.instances[instance as usize].memories[memory as usize] as usize;
    store.memories[index].grow(u64::from(delta)).map_or(u32::MAX, |old| old as u32)
}

/// Resolves `call_indirect`: element `index` of the instance's table
/// `table` must be a function of the instance's type `type_index`. Writes
/// its code address and vmctx into `out[0..2]` and returns 0, or returns the
/// number of the trap.
///
/// # Safety
/// As for [`memory_grow`]; `out` must point at two writable words.
pub(crate) unsafe extern "C" fn call_indirect_target(
    store: *mut StoreInner,
    instance: u32,
    table: u32,
    index: u32,
    type_index: u32,
    out: *mut usize,
) -> u32 {
    // SAFETY: the caller's contract.
    let inner = unsafe { &mut *store };
    let entity = &inner.instances[instance as usize];
    let elements = &inner.tables[entity.tables[table as usize] as usize].elements;
    let Some(&raw) = elements.get(index as usize) else { return trap_number(TrapCode::TableOutOfBounds) };
    let Some(func) = raw.checked_sub(1) else { return trap_number(TrapCode::UninitializedElement) };
    let expected = entity.type_ids[type_index as usize];
    let callee = &inner.funcs[func as usize];
    if callee.type_id != expected {
        return trap_number(TrapCode::IndirectCallTypeMismatch);
    }
    let FuncKind::Wasm { instance: owner, def_index } = callee.kind else {
        // Host functions are not callable from compiled code yet (#4).
        return trap_number(TrapCode::HostError);
    };
    let limit = inner.stack_limit;
    let owner = &mut inner.instances[owner as usize];
    // The callee's instance may never have been entered from the host.
    owner.vmctx.set_stack_limit(limit);
    owner.vmctx.set_store(store);
    // SAFETY: `out` points at two writable words (caller's contract).
    unsafe {
        *out = owner.code[def_index as usize] as usize;
        *out.add(1) = owner.vmctx.as_ptr() as usize;
    }
    0
}
