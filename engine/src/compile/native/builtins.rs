//! Runtime functions compiled code calls for what it cannot do inline.
//! Their addresses are embedded in the code as constants: code is compiled
//! and run by the same process.
//!
//! Every builtin gets the store (from the vmctx, set on each entry) and the
//! calling instance's index; the ones that can trap return 0 or the trap's
//! number, which they also leave in the store's trap slot: the calling
//! code then executes a trap instruction and the entry reads the slot.
//! No builtin may unwind into generated code: a panic inside one (a host
//! function's, typically) is caught, parked in the store and resumed once
//! control is back in Rust at the host → wasm entry.
//!
//! # Safety (all builtins)
//! `store` must be the store running the calling code, with no other
//! reference to it in use; `instance` and the other indices are valid for
//! that instance (the validator guarantees it of compiled code); pointer
//! arguments point at as many writable words as the builtin documents.

use std::panic::AssertUnwindSafe;

use super::trap_number;
use crate::error::TrapCode;
use crate::runtime::store::{FuncKind, StoreInner};

/// A builtin's parameter or result at the machine level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AbiType {
    I32,
    I64,
    /// A pointer to 64-bit words the builtin reads or writes.
    Ptr,
}

/// The Rust types builtins take and return, by their [`AbiType`].
trait Abi {
    const TYPE: AbiType;
}

impl Abi for u32 {
    const TYPE: AbiType = AbiType::I32;
}

impl Abi for u64 {
    const TYPE: AbiType = AbiType::I64;
}

impl Abi for *mut u64 {
    const TYPE: AbiType = AbiType::Ptr;
}

/// Declares every builtin once: its name, the Rust function, the types of
/// its parameters after (store, instance), and its result. A `fallible`
/// builtin returns 0 or a trap number (also left in the store's trap slot),
/// and the calling code traps on the latter. Each compiling tier derives
/// its call sequence from [`Builtin::params`], [`Builtin::result`] and
/// [`Builtin::fallible`]; the declared types are checked against the Rust
/// function's at compile time.
macro_rules! builtins {
    ($( $(#[$doc:meta])* $(@$fallible:ident)? $variant:ident = $function:ident($($param:ty),*) $(-> $result:ty)?; )*) => {
        /// A runtime function compiled code calls (see the module docs).
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub(crate) enum Builtin {
            $( $(#[$doc])* $variant, )*
        }

        impl Builtin {
            /// The most parameters (after store and instance) any builtin takes.
            pub(crate) const MAX_PARAMS: usize = {
                let counts = [$(builtins!(@count $($param)*)),*];
                let mut max = 0;
                let mut i = 0;
                while i < counts.len() {
                    if counts[i] > max {
                        max = counts[i];
                    }
                    i += 1;
                }
                max
            };

            /// The address compiled code calls.
            pub(crate) fn address(self) -> usize {
                match self {
                    $( Builtin::$variant => $function as *const () as usize, )*
                }
            }

            /// Parameter types after (store, instance).
            pub(crate) fn params(self) -> &'static [AbiType] {
                match self {
                    $( Builtin::$variant => &[$(<$param as Abi>::TYPE),*], )*
                }
            }

            /// The result type, if any (a fallible builtin's is its I32 trap number).
            pub(crate) fn result(self) -> Option<AbiType> {
                match self {
                    $( Builtin::$variant => {
                        #[allow(unused_mut, unused_assignments)]
                        let mut result = None;
                        $( result = Some(<$result as Abi>::TYPE); )?
                        result
                    } )*
                }
            }

            /// Whether it answers 0 or a trap number.
            pub(crate) fn fallible(self) -> bool {
                match self {
                    $( Builtin::$variant => builtins!(@is_fallible $($fallible)?), )*
                }
            }
        }

        // The declarations match the functions.
        $( const _: unsafe extern "C" fn(*mut StoreInner, u32 $(, $param)*) $(-> $result)? = $function; )*
    };
    (@count $($param:ty)*) => { 0 $(+ builtins!(@one $param))* };
    (@one $param:ty) => { 1 };
    (@is_fallible fallible) => { true };
    (@is_fallible) => { false };
}

builtins! {
    /// `memory.grow`: the old size in pages, or -1.
    MemoryGrow = memory_grow(u32, u32) -> u32;
    @fallible MemoryFill = memory_fill(u32, u32, u32, u32) -> u32;
    /// `memory.copy`: (destination memory, source memory, dst, src, len).
    @fallible MemoryCopy = memory_copy(u32, u32, u32, u32, u32) -> u32;
    @fallible MemoryInit = memory_init(u32, u32, u32, u32, u32) -> u32;
    DataDrop = data_drop(u32);
    @fallible TableGet = table_get(u32, u32, *mut u64) -> u32;
    @fallible TableSet = table_set(u32, u32, u64) -> u32;
    TableSize = table_size(u32) -> u32;
    /// `table.grow`: the old size, or -1.
    TableGrow = table_grow(u32, u64, u32) -> u32;
    @fallible TableFill = table_fill(u32, u32, u64, u32) -> u32;
    @fallible TableCopy = table_copy(u32, u32, u32, u32, u32) -> u32;
    @fallible TableInit = table_init(u32, u32, u32, u32, u32) -> u32;
    ElemDrop = elem_drop(u32);
    RefFunc = ref_func(u32) -> u64;
    /// Calls one of the instance's (imported) functions.
    @fallible CallFunction = call_function(u32, *mut u64) -> u32;
    /// Calls one of the store's functions (a host function reached by `call_indirect`).
    @fallible CallStoreFunction = call_store_function(u32, *mut u64) -> u32;
}

/// Runs `body` with the store, turning a trap into its number and parking a
/// panic in the store.
///
/// # Safety
/// See the module docs.
unsafe fn guarded(store: *mut StoreInner, body: impl FnOnce(*mut StoreInner) -> Result<(), TrapCode>) -> u32 {
    let number = match std::panic::catch_unwind(AssertUnwindSafe(|| body(store))) {
        Ok(Ok(())) => return 0,
        Ok(Err(code)) => trap_number(code),
        Err(panic) => {
            // SAFETY: the body has returned, so no borrow of the store it
            // made is alive any more (module docs for the pointer itself).
            unsafe { (*store).pending_panic = Some(panic) };
            trap_number(TrapCode::HostError)
        }
    };
    // The calling code traps next; the entry reads the number from here.
    // SAFETY: as above.
    unsafe { *(*store).trap.as_ptr() = number };
    number
}

/// `memory.grow`: the old size in pages, or -1 (as u32) when it cannot grow.
pub(crate) unsafe extern "C" fn memory_grow(store: *mut StoreInner, instance: u32, memory: u32, delta: u32) -> u32 {
    // SAFETY: the module's contract.
    let store = unsafe { &mut *store };
    store.memory_grow(instance, memory, u64::from(delta)) as u32
}

pub(crate) unsafe extern "C" fn memory_fill(
    store: *mut StoreInner,
    instance: u32,
    memory: u32,
    dst: u32,
    value: u32,
    len: u32,
) -> u32 {
    // SAFETY: the module's contract.
    unsafe { guarded(store, |s| (*s).memory_fill(instance, memory, dst.into(), value.into(), len.into())) }
}

pub(crate) unsafe extern "C" fn memory_copy(
    store: *mut StoreInner,
    instance: u32,
    dst_memory: u32,
    src_memory: u32,
    dst: u32,
    src: u32,
    len: u32,
) -> u32 {
    // SAFETY: the module's contract.
    unsafe {
        guarded(store, |s| (*s).memory_copy(instance, dst_memory, src_memory, dst.into(), src.into(), len.into()))
    }
}

pub(crate) unsafe extern "C" fn memory_init(
    store: *mut StoreInner,
    instance: u32,
    memory: u32,
    segment: u32,
    dst: u32,
    src: u32,
    len: u32,
) -> u32 {
    // SAFETY: the module's contract.
    unsafe { guarded(store, |s| (*s).memory_init(instance, memory, segment, dst.into(), src.into(), len.into())) }
}

pub(crate) unsafe extern "C" fn data_drop(store: *mut StoreInner, instance: u32, segment: u32) {
    // SAFETY: the module's contract.
    unsafe { (*store).data_drop(instance, segment) }
}

/// `table.get`: writes the element to `out[0]`.
pub(crate) unsafe extern "C" fn table_get(
    store: *mut StoreInner,
    instance: u32,
    table: u32,
    index: u32,
    out: *mut u64,
) -> u32 {
    // SAFETY: the module's contract (`out` points at one word).
    unsafe {
        guarded(store, |s| {
            *out = (*s).table_get(instance, table, index.into())?;
            Ok(())
        })
    }
}

pub(crate) unsafe extern "C" fn table_set(
    store: *mut StoreInner,
    instance: u32,
    table: u32,
    index: u32,
    value: u64,
) -> u32 {
    // SAFETY: the module's contract.
    unsafe { guarded(store, |s| (*s).table_set(instance, table, index.into(), value)) }
}

pub(crate) unsafe extern "C" fn table_size(store: *mut StoreInner, instance: u32, table: u32) -> u32 {
    // SAFETY: the module's contract.
    unsafe { (*store).table_size(instance, table) as u32 }
}

/// `table.grow`: the old size, or -1 (as u32).
pub(crate) unsafe extern "C" fn table_grow(
    store: *mut StoreInner,
    instance: u32,
    table: u32,
    init: u64,
    delta: u32,
) -> u32 {
    // SAFETY: the module's contract.
    unsafe { (*store).table_grow(instance, table, init, delta.into()) as u32 }
}

pub(crate) unsafe extern "C" fn table_fill(
    store: *mut StoreInner,
    instance: u32,
    table: u32,
    dst: u32,
    value: u64,
    len: u32,
) -> u32 {
    // SAFETY: the module's contract.
    unsafe { guarded(store, |s| (*s).table_fill(instance, table, dst.into(), value, len.into())) }
}

pub(crate) unsafe extern "C" fn table_copy(
    store: *mut StoreInner,
    instance: u32,
    dst_table: u32,
    src_table: u32,
    dst: u32,
    src: u32,
    len: u32,
) -> u32 {
    // SAFETY: the module's contract.
    unsafe { guarded(store, |s| (*s).table_copy(instance, dst_table, src_table, dst.into(), src.into(), len.into())) }
}

pub(crate) unsafe extern "C" fn table_init(
    store: *mut StoreInner,
    instance: u32,
    table: u32,
    segment: u32,
    dst: u32,
    src: u32,
    len: u32,
) -> u32 {
    // SAFETY: the module's contract.
    unsafe { guarded(store, |s| (*s).table_init(instance, table, segment, dst.into(), src.into(), len.into())) }
}

pub(crate) unsafe extern "C" fn elem_drop(store: *mut StoreInner, instance: u32, segment: u32) {
    // SAFETY: the module's contract.
    unsafe { (*store).elem_drop(instance, segment) }
}

pub(crate) unsafe extern "C" fn ref_func(store: *mut StoreInner, instance: u32, func: u32) -> u64 {
    // SAFETY: the module's contract.
    unsafe { (*store).ref_func(instance, func) }
}

/// Calls the instance's function `func` (an import: a host function or
/// another instance's wasm function) with arguments in `values`, writing
/// its results back to it (`values` holds the type's call words).
pub(crate) unsafe extern "C" fn call_function(
    store: *mut StoreInner,
    instance: u32,
    func: u32,
    values: *mut u64,
) -> u32 {
    // SAFETY: the module's contract.
    let target = unsafe { (&(*store).instances)[instance as usize].funcs[func as usize] };
    // SAFETY: as above.
    unsafe { call_store_function(store, instance, target, values) }
}

/// As [`call_function`], for the store's function `func`.
pub(crate) unsafe extern "C" fn call_store_function(
    store: *mut StoreInner,
    instance: u32,
    func: u32,
    values: *mut u64,
) -> u32 {
    let mut host_trap = None;
    // SAFETY: the module's contract.
    let number = unsafe {
        guarded(store, |s| {
            let callee = &(&(*s).funcs)[func as usize];
            match callee.kind {
                FuncKind::Host(_) => {
                    let shim = (*s).host_call;
                    if let Err(trap) = shim(s, func, instance, values) {
                        let code = trap.code();
                        host_trap = Some(trap);
                        return Err(code);
                    }
                    Ok(())
                }
                FuncKind::Wasm { instance: owner, def_index } => {
                    let words = callee.ty.call_words();
                    let values = std::slice::from_raw_parts_mut(values, words);
                    crate::compile::run_function(s, owner, def_index, values).map_or(Ok(()), Err)
                }
            }
        })
    };
    if let Some(trap) = host_trap {
        // SAFETY: the call has returned; nothing borrows the store.
        unsafe { (*store).pending_trap = Some(trap) };
    }
    number
}
