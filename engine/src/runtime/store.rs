//! The store: owner of every runtime object. Handles (`Func`, `Memory`, …)
//! are indices into it, tagged with the store's id so that using a handle
//! with the wrong store is an error, not undefined behaviour.

use std::any::Any;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::memory::LinearMemory;
use super::table::TableData;
use super::vmctx::{VMBox, VMContext, VMFuncRef, VMFuncRefs, VMGlobalDefinition};
use crate::compile::interp;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::module::Module;
use crate::module::types::{FuncType, GlobalType, words};

static NEXT_STORE_ID: AtomicU64 = AtomicU64::new(1);

pub(crate) enum FuncKind {
    Wasm {
        instance: u32,
        def_index: u32,
    },
    /// A `HostFunc<T>` for the store's `T`, type-erased.
    Host(Arc<dyn Any + Send + Sync>),
}

pub(crate) struct FuncEntity {
    pub(crate) ty: FuncType,
    /// Interned type id: equal ids ⇔ equal signatures (for call_indirect).
    pub(crate) type_id: u32,
    pub(crate) kind: FuncKind,
}

#[derive(Debug)]
pub(crate) struct GlobalEntity {
    pub(crate) ty: GlobalType,
    /// Instances' vmctx slots point at it.
    pub(crate) definition: VMBox<VMGlobalDefinition>,
}

impl GlobalEntity {
    /// A global holding `value` (a v128's 128 bits, any other value in
    /// the low 64).
    pub(crate) fn new(ty: GlobalType, value: u128) -> GlobalEntity {
        GlobalEntity {
            ty,
            definition: VMBox::new(VMGlobalDefinition { low: value as u64, high: (value >> 64) as u64 }),
        }
    }

    pub(crate) fn value(&self) -> u128 {
        let definition = self.definition.get();
        u128::from(definition.low) | u128::from(definition.high) << 64
    }

    /// The value's words (see `ValType::words`): a v128 takes both.
    pub(crate) fn words(&self) -> [u64; 2] {
        let definition = self.definition.get();
        [definition.low, definition.high]
    }

    pub(crate) fn set_words(&mut self, words: &[u64]) {
        let definition = self.definition.get_mut();
        definition.low = words[0];
        definition.high = words.get(1).copied().unwrap_or(0);
    }
}

pub(crate) struct InstanceEntity {
    pub(crate) module: Module,
    pub(crate) funcs: Vec<u32>,
    pub(crate) tables: Vec<u32>,
    pub(crate) memories: Vec<u32>,
    pub(crate) globals: Vec<u32>,
    /// Store type id of each of the module's types.
    pub(crate) type_ids: Vec<u32>,
    /// Resolved element segments (raw references); emptied by `elem.drop`.
    pub(crate) elements: Vec<Arc<[u64]>>,
    /// Data segments; emptied by `data.drop`.
    pub(crate) data: Vec<Arc<[u8]>>,
    /// Pointers to this instance's memories, globals and tables.
    pub(crate) vmctx: VMContext,
    /// Code address of each defined function, for compiled tiers (empty
    /// for the interpreter): where host → wasm calls enter.
    pub(crate) code: Box<[*const u8]>,
}

// SAFETY: `code` holds addresses into the module's immutable code mapping,
// which the instance keeps alive through `module`.
unsafe impl Send for InstanceEntity {}
// SAFETY: as for `Send`.
unsafe impl Sync for InstanceEntity {}

/// The non-generic part of a store, which the tiers operate on.
pub(crate) struct StoreInner {
    pub(crate) id: u64,
    pub(crate) engine: Engine,
    pub(crate) funcs: Vec<FuncEntity>,
    pub(crate) memories: Vec<LinearMemory>,
    pub(crate) tables: Vec<TableData>,
    pub(crate) globals: Vec<GlobalEntity>,
    pub(crate) instances: Vec<InstanceEntity>,
    pub(crate) externrefs: Vec<Box<dyn Any + Send + Sync>>,
    type_ids: HashMap<FuncType, u32>,
    pub(crate) fuel: u64,
    /// Interpreter stacks kept for reuse between calls.
    pub(crate) executions: Vec<interp::Execution>,
    /// Current depth of host → wasm re-entry.
    pub(crate) nesting: u32,
    /// Where compiled code writes the number of a trap (0: none). Boxed so
    /// its address, held by every instance's vmctx, never changes.
    pub(crate) trap: VMBox<u32>,
    /// The stack limit of the thread running compiled code, set on entry
    /// (instances entered through `call_indirect` get it from here).
    pub(crate) stack_limit: usize,
    /// Every function as compiled code calls it, by store index (filled
    /// for compiling tiers only).
    pub(crate) func_refs: Vec<VMFuncRef>,
    /// Where instances' vmctx find `func_refs`, kept in step with it.
    pub(crate) func_refs_view: VMBox<VMFuncRefs>,
    /// Program counters of the compiled frames traps unwound, innermost
    /// first (nested entries append theirs before their callers').
    pub(crate) trap_pcs: Vec<usize>,
    /// The (store address, thread stack limit) every instance's vmctx was
    /// last primed with: refreshed on entry when the store has moved or the
    /// thread changed, so compiled code may call into any instance directly.
    pub(crate) primed: (usize, usize),
    /// Calls a host function of this store's `Store<T>` for compiled code,
    /// which knows the store only as a `*mut StoreInner` (see `Store`'s
    /// layout).
    pub(crate) host_call: HostCallShim,
    /// The full trap a host function returned while compiled code ran (the
    /// trap slot only carries its code); taken by the host → wasm entry.
    pub(crate) pending_trap: Option<crate::error::Trap>,
    /// A host function's panic caught at the compiled-code boundary (it
    /// must not unwind through generated frames); resumed at the entry.
    pub(crate) pending_panic: Option<Box<dyn Any + Send>>,
}

/// See [`StoreInner::host_call`]: calls store function `func` (a host
/// function) on behalf of instance `caller`, with arguments in `values`
/// and results written back to it.
pub(crate) type HostCallShim =
    unsafe fn(store: *mut StoreInner, func: u32, caller: u32, values: *mut u64) -> Result<(), crate::error::Trap>;

/// The [`HostCallShim`] of a `Store<T>`.
///
/// # Safety
/// `store` must point at the `inner` field of a live `Store<T>` that nothing
/// else borrows for the duration of the call; `func` must be a host function
/// of it; `values` must hold the type's call words (`FuncType::call_words`).
unsafe fn host_call_shim<T: 'static>(
    store: *mut StoreInner,
    func: u32,
    caller: u32,
    values: *mut u64,
) -> Result<(), crate::error::Trap> {
    // SAFETY: `Store<T>` is `repr(C)` with `inner` first, so a pointer to
    // its `inner` is a pointer to the whole store (caller's contract).
    let store = unsafe { &mut *store.cast::<Store<T>>() };
    let ty = &store.inner.funcs[func as usize].ty;
    let (num_params, num_results) = (words(ty.params()), words(ty.results()));
    // SAFETY: `values` holds the type's call words (caller's contract).
    let values = unsafe { std::slice::from_raw_parts_mut(values, ty.call_words()) };
    let args = values[..num_params].to_vec();
    super::func::call_host_function(store, func, &args, &mut values[..num_results], Some(caller))
}

impl StoreInner {
    pub(crate) fn intern_type(&mut self, ty: &FuncType) -> u32 {
        let next = self.type_ids.len() as u32;
        *self.type_ids.entry(ty.clone()).or_insert(next)
    }

    pub(crate) fn check(&self, store_id: u64) -> Result<()> {
        if store_id == self.id {
            Ok(())
        } else {
            Err(Error::Usage("object used with a store it does not belong to".into()))
        }
    }

    pub(crate) fn check_capacity(&self, len: usize, what: &str) -> Result<()> {
        let limit = self.engine.config().limits.max_instances as usize;
        if len >= limit {
            return Err(Error::Limit(format!("a store may hold at most {limit} {what}")));
        }
        Ok(())
    }

    pub(crate) fn push_func(&mut self, ty: FuncType, kind: FuncKind) -> u32 {
        let type_id = self.intern_type(&ty);
        let index = self.funcs.len();
        // Wasm functions get their code and vmctx once their instance has them.
        let vmctx = if matches!(kind, FuncKind::Host(_)) { index as *const u8 } else { std::ptr::null() };
        self.func_refs.push(VMFuncRef { code: std::ptr::null(), vmctx, type_id });
        *self.func_refs_view.get_mut() = VMFuncRefs { base: self.func_refs.as_ptr(), len: self.func_refs.len() };
        self.funcs.push(FuncEntity { ty, type_id, kind });
        index as u32
    }

    /// Backtrace entries for (instance, function index) frames.
    pub(crate) fn frame_infos(&self, frames: &[(u32, u32)]) -> Vec<crate::error::FrameInfo> {
        frames
            .iter()
            .map(|&(instance, func_index)| crate::error::FrameInfo {
                func_index,
                func_name: self.instances[instance as usize].module.info().func_names.get(&func_index).cloned(),
            })
            .collect()
    }

    /// The (instance, function index) whose compiled code holds `pc`.
    pub(crate) fn compiled_frame_at(&self, pc: usize) -> Option<(u32, u32)> {
        self.instances.iter().enumerate().find_map(|(i, instance)| {
            let def_index = instance.module.inner.code.function_at(pc)?;
            Some((i as u32, instance.module.info().num_imported_funcs + def_index))
        })
    }

    /// Points every instance's vmctx at this store's current address and
    /// the current thread's stack limit, unless they already are.
    pub(crate) fn prime_instances(&mut self, stack_limit: usize) {
        let here = (self as *mut StoreInner as usize, stack_limit);
        if self.primed == here {
            return;
        }
        let store = self as *mut StoreInner;
        for instance in &mut self.instances {
            instance.vmctx.set_store(store);
            instance.vmctx.set_stack_limit(stack_limit);
        }
        self.stack_limit = stack_limit;
        self.primed = here;
    }
}

/// Owns all wasm objects and the embedder's data `T`.
// `repr(C)` with `inner` first: compiled code holds a `*mut StoreInner` and
// the host-call shim turns it back into the `Store<T>` around it.
#[repr(C)]
pub struct Store<T> {
    pub(crate) inner: StoreInner,
    pub(crate) data: T,
}

impl<T> Store<T> {
    pub fn new(engine: &Engine, data: T) -> Store<T>
    where
        T: 'static,
    {
        Store {
            inner: StoreInner {
                id: NEXT_STORE_ID.fetch_add(1, Ordering::Relaxed),
                engine: engine.clone(),
                funcs: Vec::new(),
                memories: Vec::new(),
                tables: Vec::new(),
                globals: Vec::new(),
                instances: Vec::new(),
                externrefs: Vec::new(),
                type_ids: HashMap::new(),
                fuel: 0,
                executions: Vec::new(),
                nesting: 0,
                trap: VMBox::new(0),
                stack_limit: 0,
                func_refs: Vec::new(),
                func_refs_view: VMBox::new(VMFuncRefs { base: std::ptr::null(), len: 0 }),
                primed: (0, 0),
                trap_pcs: Vec::new(),
                host_call: host_call_shim::<T>,
                pending_trap: None,
                pending_panic: None,
            },
            data,
        }
    }

    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    pub fn data(&self) -> &T {
        &self.data
    }

    pub fn data_mut(&mut self) -> &mut T {
        &mut self.data
    }

    pub fn into_data(self) -> T {
        self.data
    }

    /// Sets the fuel left. Fails unless the engine meters fuel.
    pub fn set_fuel(&mut self, fuel: u64) -> Result<()> {
        self.require_fuel()?;
        self.inner.fuel = fuel;
        Ok(())
    }

    /// Fuel left. Fails unless the engine meters fuel.
    pub fn get_fuel(&self) -> Result<u64> {
        self.require_fuel()?;
        Ok(self.inner.fuel)
    }

    fn require_fuel(&self) -> Result<()> {
        if self.inner.engine.config().consume_fuel {
            Ok(())
        } else {
            Err(Error::Usage("fuel is not enabled: use Config::consume_fuel(true)".into()))
        }
    }
}

/// Anything that gives access to a store: the store itself, or a
/// [`crate::Caller`] inside a host function.
pub trait AsContextMut {
    type Data;
    fn as_context_mut(&mut self) -> &mut Store<Self::Data>;
}

impl<T> AsContextMut for Store<T> {
    type Data = T;
    fn as_context_mut(&mut self) -> &mut Store<T> {
        self
    }
}

impl<S: AsContextMut> AsContextMut for &mut S {
    type Data = S::Data;
    fn as_context_mut(&mut self) -> &mut Store<S::Data> {
        (**self).as_context_mut()
    }
}

/// Read-only access to a store: the store itself or a [`crate::Caller`].
pub trait AsContext {
    type Data;
    fn as_context(&self) -> &Store<Self::Data>;
}

impl<T> AsContext for Store<T> {
    type Data = T;
    fn as_context(&self) -> &Store<T> {
        self
    }
}

impl<S: AsContext> AsContext for &S {
    type Data = S::Data;
    fn as_context(&self) -> &Store<S::Data> {
        (**self).as_context()
    }
}

impl<S: AsContext> AsContext for &mut S {
    type Data = S::Data;
    fn as_context(&self) -> &Store<S::Data> {
        (**self).as_context()
    }
}
