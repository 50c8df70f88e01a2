//! The vmctx: the one contract between the runtime and code that runs wasm.
//!
//! Every instance owns a `VMContext`, an array of pointer-sized slots laid
//! out by [`VMOffsets`]:
//!
//! ```text
//! [ memory 0 .. memory M )   *mut VMMemoryDefinition   (base, length)
//! [ global 0 .. global G )   *mut VMGlobalDefinition   (16 bytes, low word first)
//! [ table 0  .. table T  )   *mut VMTableDefinition    (base, current_elements)
//! stack limit                 usize: lowest stack address compiled code may use
//! store                       *mut StoreInner: for builtins (memory.grow), set on each entry
//! instance                    usize: this instance's index in the store
//! function references         *const VMFuncRefs: the store's functions as compiled code calls them
//! type ids                    *const u32: store-wide type id of each of the module's types
//! ```
//!
//! Imported and defined objects look the same: the slot points at the
//! definition wherever it lives in the store. Definitions are boxed by the
//! store and never move or die while the store lives, so a pointer read from
//! the vmctx stays valid for the whole of a call. Growing a memory or table
//! updates its definition in place. Offsets are computed here and nowhere
//! else; compiled tiers must use [`VMOffsets`] to address the vmctx.

pub use super::memory::VMMemoryDefinition;

/// A global's storage: 16 bytes so a `v128` fits; scalar values live in
/// `low` (integers zero-extended, floats as bits, references raw).
#[repr(C, align(16))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VMGlobalDefinition {
    pub low: u64,
    pub high: u64,
}

/// A table's storage: raw reference values (0 = null, otherwise a store
/// index plus one) and how many there are.
#[repr(C)]
#[derive(Debug)]
pub struct VMTableDefinition {
    pub base: *mut u64,
    pub current_elements: u64,
}

// SAFETY: only an address and a length; the elements are reached under the
// owning store's borrow rules (`&mut` for writes), as for `VMContext`.
unsafe impl Send for VMTableDefinition {}
// SAFETY: as for `Send`.
unsafe impl Sync for VMTableDefinition {}

/// A function as compiled code calls it: a wasm function's code and its
/// instance's vmctx, or, for a host function, a null `code` and the
/// function's store index in `vmctx` (the caller then goes through the
/// runtime). `type_id` is the store-wide id of its signature.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct VMFuncRef {
    pub code: *const u8,
    pub vmctx: *const u8,
    pub type_id: u32,
}

// SAFETY: only addresses; what they point at is reached under the owning
// store's borrow rules, as for `VMContext`.
unsafe impl Send for VMFuncRef {}
// SAFETY: as for `Send`.
unsafe impl Sync for VMFuncRef {}

/// The store's function references, indexed by store function index (a
/// table element `e` names function `e - 1`). Updated in place when the
/// array moves.
#[repr(C)]
#[derive(Debug)]
pub struct VMFuncRefs {
    pub base: *const VMFuncRef,
    pub len: usize,
}

// SAFETY: as for `VMFuncRef`.
unsafe impl Send for VMFuncRefs {}
// SAFETY: as for `VMFuncRef`.
unsafe impl Sync for VMFuncRefs {}

/// Byte offsets of the definitions' fields, as compiled code addresses
/// them (from the `repr(C)` layouts; no tier writes one as a literal).
impl VMMemoryDefinition {
    pub const BASE: i32 = std::mem::offset_of!(VMMemoryDefinition, base) as i32;
    pub const LENGTH: i32 = std::mem::offset_of!(VMMemoryDefinition, length) as i32;
}

impl VMGlobalDefinition {
    /// Where a scalar value lives.
    pub const VALUE: i32 = std::mem::offset_of!(VMGlobalDefinition, low) as i32;
}

impl VMTableDefinition {
    pub const BASE: i32 = std::mem::offset_of!(VMTableDefinition, base) as i32;
    pub const LENGTH: i32 = std::mem::offset_of!(VMTableDefinition, current_elements) as i32;
}

impl VMFuncRef {
    pub const CODE: i32 = std::mem::offset_of!(VMFuncRef, code) as i32;
    pub const VMCTX: i32 = std::mem::offset_of!(VMFuncRef, vmctx) as i32;
    pub const TYPE_ID: i32 = std::mem::offset_of!(VMFuncRef, type_id) as i32;
}

impl VMFuncRefs {
    pub const BASE: i32 = std::mem::offset_of!(VMFuncRefs, base) as i32;
}

/// An owned, heap-allocated definition that generated code and the runtime
/// both reach through one raw pointer. Unlike a `Box`, holding it asserts no
/// exclusive access, so pointers handed to the vmctx stay valid while the
/// runtime reads and writes the same definition.
pub struct VMBox<T> {
    ptr: std::ptr::NonNull<T>,
}

impl<T> VMBox<T> {
    pub fn new(value: T) -> VMBox<T> {
        VMBox { ptr: std::ptr::NonNull::from(Box::leak(Box::new(value))) }
    }

    pub fn as_ptr(&self) -> *mut T {
        self.ptr.as_ptr()
    }

    pub fn get(&self) -> &T {
        // SAFETY: the allocation lives until drop; writers go through
        // `get_mut` (which needs `&mut self`) or raw pointers used only while
        // no reference from `get` is alive (generated code runs with the
        // store exclusively borrowed).
        unsafe { self.ptr.as_ref() }
    }

    pub fn get_mut(&mut self) -> &mut T {
        // SAFETY: as in `get`; `&mut self` excludes other runtime borrows.
        unsafe { self.ptr.as_mut() }
    }
}

impl<T> Drop for VMBox<T> {
    fn drop(&mut self) {
        // SAFETY: the pointer came from `Box::leak` in `new` and is freed once.
        drop(unsafe { Box::from_raw(self.ptr.as_ptr()) });
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for VMBox<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.get().fmt(f)
    }
}

// SAFETY: a `VMBox<T>` owns its `T` like a `Box<T>` does.
unsafe impl<T: Send> Send for VMBox<T> {}
// SAFETY: shared access only hands out `&T`.
unsafe impl<T: Sync> Sync for VMBox<T> {}

/// Byte offsets of every slot of an instance's vmctx.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VMOffsets {
    pub num_memories: u32,
    pub num_globals: u32,
    pub num_tables: u32,
}

const SLOT: u32 = std::mem::size_of::<usize>() as u32;

impl VMOffsets {
    /// The slot index of the first memory's slot: the memories come first.
    fn first_memory_slot(&self) -> u32 {
        0
    }

    /// The slot index of the first global's slot: they follow the memories'.
    fn first_global_slot(&self) -> u32 {
        self.first_memory_slot() + self.num_memories
    }

    /// The slot index of the first table's slot: they follow the globals'.
    fn first_table_slot(&self) -> u32 {
        self.first_global_slot() + self.num_globals
    }

    pub fn memory(&self, index: u32) -> u32 {
        debug_assert!(index < self.num_memories);
        (self.first_memory_slot() + index) * SLOT
    }

    pub fn global(&self, index: u32) -> u32 {
        debug_assert!(index < self.num_globals);
        (self.first_global_slot() + index) * SLOT
    }

    pub fn table(&self, index: u32) -> u32 {
        debug_assert!(index < self.num_tables);
        (self.first_table_slot() + index) * SLOT
    }

    fn header(&self) -> u32 {
        (self.first_table_slot() + self.num_tables) * SLOT
    }

    /// Where compiled code finds the lowest stack address it may use.
    pub fn stack_limit(&self) -> u32 {
        self.header()
    }

    /// Where compiled code finds the store (for calls into the runtime).
    pub fn store(&self) -> u32 {
        self.header() + SLOT
    }

    /// Where compiled code finds its instance's index in the store.
    pub fn instance(&self) -> u32 {
        self.header() + 2 * SLOT
    }

    /// Where compiled code finds the store's function references
    /// (`call_indirect` resolves table elements through them).
    pub fn func_refs(&self) -> u32 {
        self.header() + 3 * SLOT
    }

    /// Where compiled code finds its module's store-wide type ids.
    pub fn type_ids(&self) -> u32 {
        self.header() + 4 * SLOT
    }

    /// The layout of instances of `info`.
    pub(crate) fn of_module(info: &crate::module::ModuleInfo) -> VMOffsets {
        VMOffsets {
            num_memories: info.memories.len() as u32,
            num_globals: info.globals.len() as u32,
            num_tables: info.tables.len() as u32,
        }
    }

    /// Total size in bytes.
    pub fn size(&self) -> u32 {
        self.header() + 5 * SLOT
    }
}

/// An instance's vmctx. Its slots only ever hold pointers to definitions
/// owned by the same store.
#[derive(Debug)]
pub struct VMContext {
    offsets: VMOffsets,
    /// Never resized after creation: generated code keeps its address.
    slots: Vec<usize>,
}

// SAFETY: the vmctx only holds addresses; all access to what they point at
// goes through the store that owns both, under its borrow rules.
unsafe impl Send for VMContext {}
// SAFETY: as for `Send`.
unsafe impl Sync for VMContext {}

impl VMContext {
    pub(crate) fn new(
        memories: &[*const VMMemoryDefinition],
        globals: &[*const VMGlobalDefinition],
        tables: &[*const VMTableDefinition],
    ) -> VMContext {
        let offsets = VMOffsets {
            num_memories: memories.len() as u32,
            num_globals: globals.len() as u32,
            num_tables: tables.len() as u32,
        };
        let mut slots = vec![0usize; (offsets.size() / SLOT) as usize];
        for (i, p) in memories.iter().enumerate() {
            slots[(offsets.memory(i as u32) / SLOT) as usize] = *p as usize;
        }
        for (i, p) in globals.iter().enumerate() {
            slots[(offsets.global(i as u32) / SLOT) as usize] = *p as usize;
        }
        for (i, p) in tables.iter().enumerate() {
            slots[(offsets.table(i as u32) / SLOT) as usize] = *p as usize;
        }
        VMContext { offsets, slots }
    }

    pub fn offsets(&self) -> VMOffsets {
        self.offsets
    }

    /// Points compiled code at the store's function references and at the
    /// instance's type ids; both must outlive every call into the instance.
    pub(crate) fn set_function_tables(&mut self, func_refs: *const VMFuncRefs, type_ids: *const u32) {
        let (f, t) = (self.offsets.func_refs(), self.offsets.type_ids());
        self.slots[(f / SLOT) as usize] = func_refs as usize;
        self.slots[(t / SLOT) as usize] = type_ids as usize;
    }

    pub(crate) fn set_instance(&mut self, index: u32) {
        let at = self.offsets.instance();
        self.slots[(at / SLOT) as usize] = index as usize;
    }

    /// The store's current address, set on every entry from the host (a
    /// store may move between calls, never during one).
    pub(crate) fn set_store(&mut self, store: *mut super::store::StoreInner) {
        let at = self.offsets.store();
        self.slots[(at / SLOT) as usize] = store as usize;
    }

    /// The current thread's stack limit, set on every entry from the host
    /// (different calls may come from different threads).
    pub(crate) fn set_stack_limit(&mut self, limit: usize) {
        let at = self.offsets.stack_limit();
        self.slots[(at / SLOT) as usize] = limit;
    }

    /// The address compiled code receives.
    pub fn as_ptr(&self) -> *const u8 {
        self.slots.as_ptr().cast()
    }

    /// Where the memory slots start, in slots (for tiers that index them).
    pub fn memories_start(&self) -> usize {
        self.offsets.first_memory_slot() as usize
    }

    /// Where the global slots start, in slots (for tiers that index them).
    pub fn globals_start(&self) -> usize {
        self.offsets.first_global_slot() as usize
    }

    /// Where the table slots start, in slots (for tiers that index them).
    pub fn tables_start(&self) -> usize {
        self.offsets.first_table_slot() as usize
    }

    fn slot(&self, byte_offset: u32) -> usize {
        self.slots[(byte_offset / SLOT) as usize]
    }

    pub fn memory(&self, index: u32) -> *mut VMMemoryDefinition {
        self.slot(self.offsets.memory(index)) as *mut VMMemoryDefinition
    }

    pub fn global(&self, index: u32) -> *mut VMGlobalDefinition {
        self.slot(self.offsets.global(index)) as *mut VMGlobalDefinition
    }

    pub fn table(&self, index: u32) -> *mut VMTableDefinition {
        self.slot(self.offsets.table(index)) as *mut VMTableDefinition
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_consecutive_pointer_slots() {
        let o = VMOffsets { num_memories: 2, num_globals: 3, num_tables: 1 };
        let s = std::mem::size_of::<usize>() as u32;
        assert_eq!((o.memory(0), o.memory(1)), (0, s));
        assert_eq!((o.global(0), o.global(2)), (2 * s, 4 * s));
        assert_eq!(o.table(0), 5 * s);
        assert_eq!((o.stack_limit(), o.store(), o.instance()), (6 * s, 7 * s, 8 * s));
        assert_eq!((o.func_refs(), o.type_ids()), (9 * s, 10 * s));
        assert_eq!(o.size(), 11 * s);
    }

    #[test]
    fn definitions_have_the_documented_layout() {
        // Compiled code addresses a function reference's fields by these.
        assert_eq!(std::mem::offset_of!(VMFuncRef, code), 0);
        assert_eq!(std::mem::offset_of!(VMFuncRef, vmctx), 8);
        assert_eq!(std::mem::offset_of!(VMFuncRef, type_id), 16);
        assert_eq!(std::mem::size_of::<VMGlobalDefinition>(), 16);
        assert_eq!(std::mem::align_of::<VMGlobalDefinition>(), 16);
        assert_eq!(std::mem::offset_of!(VMMemoryDefinition, base), 0);
        assert_eq!(std::mem::offset_of!(VMMemoryDefinition, length), 8);
        assert_eq!(std::mem::offset_of!(VMTableDefinition, base), 0);
        assert_eq!(std::mem::offset_of!(VMTableDefinition, current_elements), 8);
    }

    #[test]
    fn slots_point_at_what_they_were_given() {
        let g = [VMGlobalDefinition { low: 7, high: 0 }, VMGlobalDefinition::default()];
        let ptrs: Vec<*const VMGlobalDefinition> = g.iter().map(|g| g as *const _).collect();
        let vm = VMContext::new(&[], &ptrs, &[]);
        // SAFETY: the pointer refers to `g`, alive for this scope.
        assert_eq!(unsafe { (*vm.global(0)).low }, 7);
        assert_eq!(vm.global(1) as *const _, &g[1] as *const _);

        // The interpreter reads tables' slots by index from the start.
        let mut elements = [0u64; 3];
        let t = VMTableDefinition { base: elements.as_mut_ptr(), current_elements: 3 };
        let m = VMMemoryDefinition { base: std::ptr::null_mut(), length: 0 };
        let vm = VMContext::new(&[&m as *const _], &ptrs, &[&t as *const _]);
        let slots = vm.as_ptr().cast::<usize>();
        // SAFETY: both indices are inside the vmctx's slots.
        unsafe {
            assert_eq!(*slots.add(vm.globals_start() + 1), &g[1] as *const _ as usize);
            assert_eq!(*slots.add(vm.tables_start()), vm.table(0) as usize);
        }
        assert_eq!(vm.table(0) as *const _, &t as *const _);
    }

    #[test]
    fn an_instance_vmctx_tracks_growth_and_writes() {
        use crate::{Engine, Linker, Module, Store, Val};
        let engine = Engine::default();
        let module = Module::new(
            &engine,
            r#"(module (memory (export "m") 1 10) (table (export "t") 2 funcref)
                (global (export "g") (mut i64) (i64.const 5))
                (func (export "grow") (drop (memory.grow (i32.const 2))) (drop (table.grow (ref.null func) (i32.const 3)))))"#,
        )
        .unwrap();
        let mut store = Store::new(&engine, ());
        let instance = Linker::new(&engine).instantiate(&mut store, &module).unwrap();
        let vmctx = |store: &Store<()>| {
            let v = &store.inner.instances[instance.index as usize].vmctx;
            (v.memory(0), v.global(0), v.table(0))
        };
        let (m, g, t) = vmctx(&store);
        // SAFETY: the definitions belong to `store`, alive for the test.
        unsafe {
            assert_eq!(((*m).length, (*g).low, (*t).current_elements), (65536, 5, 2));
        }
        instance.get_func(&store, "grow").unwrap().call(&mut store, &[], &mut []).unwrap();
        instance.get_global(&store, "g").unwrap().set(&mut store, Val::I64(-1)).unwrap();
        let memory = instance.get_memory(&store, "m").unwrap();
        assert_eq!(vmctx(&store), (m, g, t), "definitions never move");
        // SAFETY: as above.
        unsafe {
            assert_eq!((*m).length, 3 * 65536);
            assert_eq!((*m).base, memory.data(&store).unwrap().as_ptr().cast_mut());
            assert_eq!((*g).low, u64::MAX);
            assert_eq!((*t).current_elements, 5);
            assert_eq!((*t).base.cast_const(), store.inner.tables[0].elements.as_ptr());
        }
    }
}
