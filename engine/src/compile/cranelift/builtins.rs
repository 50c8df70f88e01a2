//! Runtime functions compiled code calls for what it cannot do inline.
//! Their addresses are embedded in the code as constants: code is compiled
//! and run by the same process.

use crate::runtime::store::StoreInner;

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
