//! Running interpreter code: the frames, the state the instruction
//! handlers share, and the entry into the handlers.
//!
//! Calls between wasm functions never recurse on the Rust stack: frames live
//! in `Execution::frames`, so deep wasm recursion ends in a stack-overflow
//! trap at the configured depth instead of exhausting the host's stack.
//! Calls to host functions leave the handlers (`Exit::CallHost`) so the
//! generic store code can run them, then resume.

use super::Function;
use super::handlers::handler;
use super::instr::{Instr, Slot};
use crate::InterpreterDispatch;
use crate::compile::CompiledCode;
use crate::error::{Trap, TrapCode};
use crate::runtime::store::{FuncKind, StoreInner};
use crate::runtime::vmctx::{VMGlobalDefinition, VMMemoryDefinition, VMTableDefinition};

#[derive(Clone, Copy, Debug)]
struct Frame {
    /// Points into the code of a module held by one of the store's
    /// instances, which live as long as the store.
    func: *const Function,
    /// Where the frame resumes: an instruction of `func`'s code.
    ip: Ip,
    instance: u32,
    fp: u32,
}

/// One host→wasm call's stack of frames and slots. Reused across calls
/// (of one store: the callee cache holds store function indices).
#[derive(Default)]
pub(crate) struct Execution {
    stack: Vec<u64>,
    frames: Vec<Frame>,
    callees: CalleeCache,
}

/// The wasm callees `call_indirect` found lately, by the low bits of the
/// element index that held them. A hit needs no load that waits on the
/// element: the cached entry is read beside the element and confirmed by
/// comparing the two, instead of reading the store function the element
/// names, then its type and kind, one after the other (on a mispredicted
/// dispatch to the callee, the length of that chain is the cost). An
/// entry cannot go stale: an element's value names one store function for
/// the store's life, whose type and instance never change.
pub(super) struct CalleeCache(Box<[CachedCallee; CALLEE_CACHE_SIZE]>);

const CALLEE_CACHE_SIZE: usize = 256;

#[derive(Clone, Copy)]
pub(super) struct CachedCallee {
    /// The table element's raw value (never the null reference's 0) in the
    /// low half, the callee's instance in the high half.
    key: u64,
    type_id: u32,
    def_index: u32,
}

impl Default for CalleeCache {
    fn default() -> Self {
        // No lookup matches this key: a null element's key has a zero low
        // half, and no store holds 2^32 - 1 functions or instances.
        CalleeCache(Box::new([CachedCallee { key: u64::MAX, type_id: 0, def_index: 0 }; CALLEE_CACHE_SIZE]))
    }
}

impl CalleeCache {
    #[inline(always)]
    fn key(raw: u64, instance: u32) -> u64 {
        raw | u64::from(instance) << 32
    }

    /// Where table element `element`'s callee is cached.
    #[inline(always)]
    fn slot(element: u32) -> usize {
        element as usize % CALLEE_CACHE_SIZE
    }
}

// SAFETY: the raw `Function` pointers refer to immutable code shared through
// `Arc`s; an `Execution` is only used with the store that owns them.
unsafe impl Send for Execution {}

pub(crate) enum Exit {
    Done,
    /// Call host function `func` (store index) with arguments at absolute
    /// stack slot `base`; write its results there and resume.
    CallHost {
        func: u32,
        base: u32,
        instance: u32,
    },
}

/// The functions an instance's module defines, as the handlers
/// indexes them.
#[derive(Clone, Copy)]
struct DefinedFunctions {
    /// Points into the code of a module held by one of the store's
    /// instances, which live as long as the store.
    first: *const Function,
    len: usize,
}

impl DefinedFunctions {
    fn of(store: &StoreInner, instance: u32) -> DefinedFunctions {
        match &store.instances[instance as usize].module.inner.code {
            CompiledCode::Interp(functions) => DefinedFunctions { first: functions.as_ptr(), len: functions.len() },
            // An engine runs one tier: interpreter code only meets interpreter code.
            CompiledCode::Cranelift(_) | CompiledCode::Baseline(_) => {
                unreachable!("the interpreter never runs compiled modules")
            }
        }
    }

    #[inline(always)]
    fn get(self, def_index: u32) -> *const Function {
        // Validation bounds the index; the check keeps a translator or
        // runtime bug from becoming a wild pointer.
        assert!((def_index as usize) < self.len, "defined function index out of range");
        // SAFETY: in bounds (checked above) of the module's function array.
        unsafe { self.first.add(def_index as usize) }
    }
}

/// The most `frame_init` words a call writes without a call to `memcpy`.
const SMALL_FRAME_INIT: usize = 8;

/// Writes a callee's zeroed locals and constants after its arguments (at
/// the start of `dst`); up to `SMALL_FRAME_INIT` words without a call to
/// `memcpy`, which `Ctx::try_enter` relies on.
#[inline(always)]
fn init_frame(dst: &mut [u64], init: &[u64]) {
    let dst = &mut dst[..init.len()];
    if init.len() <= SMALL_FRAME_INIT {
        for (slot, value) in dst.iter_mut().zip(init) {
            *slot = *value;
        }
    } else {
        dst.copy_from_slice(init);
    }
}

/// The running frame's slots, read and written without bounds checks.
#[derive(Clone, Copy)]
pub(super) struct Regs(*mut u64);

impl Regs {
    /// # Safety
    /// `[fp, fp + function.frame_size)` must be inside `stack` and not
    /// be reallocated while the `Regs` is used.
    #[inline(always)]
    unsafe fn of(stack: &mut [u64], fp: usize) -> Regs {
        // SAFETY: fp is inside the stack (the caller's contract).
        Regs(unsafe { stack.as_mut_ptr().add(fp) })
    }

    #[inline(always)]
    pub(super) fn get(self, slot: Slot) -> u64 {
        // SAFETY: the translator's `place_and_verify` proved every slot an
        // instruction names is below the function's frame size, and the
        // frame was reserved at that size (`Regs::of`'s contract).
        unsafe { *self.0.add(slot as usize) }
    }

    #[inline(always)]
    pub(super) fn set(self, slot: Slot, value: u64) {
        // SAFETY: as in `get`.
        unsafe { *self.0.add(slot as usize) = value }
    }

    /// The v128 in `slot` (low word) and `slot + 1`.
    #[inline(always)]
    pub(super) fn get_v128(self, slot: Slot) -> u128 {
        // `place_and_verify` proved `slot + 1` inside the frame for every
        // v128 operand (`vslot`, `vdest`).
        u128::from(self.get(slot)) | u128::from(self.get(slot + 1)) << 64
    }

    #[inline(always)]
    pub(super) fn set_v128(self, slot: Slot, value: u128) {
        self.set(slot, value as u64);
        self.set(slot + 1, (value >> 64) as u64);
    }

    /// The v128 in `slot` and `slot + 1` as its bytes, read from the frame
    /// in one piece (so that SIMD operators load it as a vector).
    #[inline(always)]
    pub(super) fn get_lanes(self, slot: Slot) -> super::simd::V128 {
        #[cfg(target_endian = "little")]
        // SAFETY: as in `get_v128`, both slots are inside the frame; the
        // read is unaligned-safe (`Unaligned`, see there); on a little-endian host the two words
        // bytes in memory are the v128's bytes in order.
        return unsafe { self.0.add(slot as usize).cast::<Unaligned<16>>().read() }.0;
        #[cfg(not(target_endian = "little"))]
        super::simd::v128_of(self.get_v128(slot))
    }

    /// Stores a v128 given as its bytes in `slot` and `slot + 1`.
    #[inline(always)]
    pub(super) fn set_lanes(self, slot: Slot, value: super::simd::V128) {
        #[cfg(target_endian = "little")]
        // SAFETY: as in `get_lanes`.
        unsafe {
            self.0.add(slot as usize).cast::<Unaligned<16>>().write(Unaligned(value))
        };
        #[cfg(not(target_endian = "little"))]
        self.set_v128(slot, u128::from_le_bytes(value));
    }
}

/// The running instance's vmctx, as the interpreter reads it.
#[derive(Clone, Copy)]
pub(super) struct Vm {
    slots: *const usize,
    globals_start: usize,
    num_globals: usize,
    tables_start: usize,
    num_tables: usize,
    memories_start: usize,
    num_memories: usize,
    /// The instance's store-wide type ids, by module type index.
    type_ids: *const u32,
    num_types: usize,
}

/// A global's definition, reached through the vmctx.
pub(super) struct GlobalRef(*mut VMGlobalDefinition);

impl GlobalRef {
    #[inline(always)]
    pub(super) fn read(&self) -> u64 {
        // SAFETY: see `Vm::global`.
        unsafe { (*self.0).low }
    }

    #[inline(always)]
    pub(super) fn write(&self, value: u64) {
        // SAFETY: see `Vm::global`; the store is exclusively borrowed by the
        // handlers, so nothing else reads or writes the global meanwhile.
        unsafe { (*self.0).low = value }
    }

    /// A v128 global's value (both words of the definition).
    #[inline(always)]
    pub(super) fn read_v128(&self) -> u128 {
        // SAFETY: as in `read`.
        let (low, high) = unsafe { ((*self.0).low, (*self.0).high) };
        u128::from(low) | u128::from(high) << 64
    }

    #[inline(always)]
    pub(super) fn write_v128(&self, value: u128) {
        // SAFETY: as in `write`.
        unsafe {
            (*self.0).low = value as u64;
            (*self.0).high = (value >> 64) as u64;
        }
    }
}

impl Vm {
    fn of(store: &StoreInner, instance: u32) -> Vm {
        let entity = &store.instances[instance as usize];
        let (vmctx, type_ids) = (&entity.vmctx, &entity.type_ids);
        let offsets = vmctx.offsets();
        Vm {
            slots: vmctx.as_ptr().cast(),
            globals_start: vmctx.globals_start(),
            num_globals: offsets.num_globals as usize,
            tables_start: vmctx.tables_start(),
            num_tables: offsets.num_tables as usize,
            memories_start: vmctx.memories_start(),
            num_memories: offsets.num_memories as usize,
            type_ids: type_ids.as_ptr(),
            num_types: type_ids.len(),
        }
    }

    #[inline(always)]
    pub(super) fn global(self, index: u32) -> GlobalRef {
        // Validation guarantees the index; the check keeps a translator bug
        // from turning into a wild pointer.
        assert!((index as usize) < self.num_globals, "global index out of range");
        // SAFETY: the slot exists (checked above) and holds a pointer to a
        // global definition owned by the store, alive and unmoved while the
        // store lives (see `runtime::vmctx`).
        GlobalRef(unsafe { *self.slots.add(self.globals_start + index as usize) } as *mut VMGlobalDefinition)
    }

    /// The raw reference at `element` of table `index`, when inside it.
    #[inline(always)]
    pub(super) fn table_element(self, index: u32, element: u32) -> Option<u64> {
        // As for globals: validated, checked against translator bugs.
        assert!((index as usize) < self.num_tables, "table index out of range");
        // SAFETY: the slot exists (checked above) and holds a pointer to the
        // table's definition, owned by the store and kept in step with the
        // table's elements by `TableData::grow` (see `runtime::vmctx`).
        let table = unsafe { &*(*self.slots.add(self.tables_start + index as usize) as *const VMTableDefinition) };
        // SAFETY: below the table's current length, so inside its elements.
        (u64::from(element) < table.current_elements).then(|| unsafe { *table.base.add(element as usize) })
    }

    /// The store-wide id of the module's type `index`.
    #[inline(always)]
    pub(super) fn type_id(self, index: u32) -> u32 {
        assert!((index as usize) < self.num_types, "type index out of range");
        // SAFETY: inside the instance's type ids (checked above), which live
        // and stay unchanged as long as the instance.
        unsafe { *self.type_ids.add(index as usize) }
    }

    /// Memory 0's current bounds (none when the instance has no memory).
    pub(super) fn memory(self) -> Mem {
        if self.num_memories == 0 {
            return Mem { base: std::ptr::null_mut(), len: 0 };
        }
        self.memory_at(0)
    }

    /// Memory `index`'s current bounds.
    #[inline(always)]
    pub(super) fn memory_at(self, index: u32) -> Mem {
        // As for globals: validated, checked against translator bugs.
        assert!((index as usize) < self.num_memories, "memory index out of range");
        // SAFETY: the slot exists (checked above) and holds a pointer to the
        // memory's definition, owned by the store and kept in step with the
        // memory by `LinearMemory::grow` (see `runtime::vmctx`).
        let definition =
            unsafe { &*(*self.slots.add(self.memories_start + index as usize) as *const VMMemoryDefinition) };
        Mem { base: definition.base, len: definition.length }
    }
}

/// Bytes at any address. Loads and stores go through it rather than
/// `read_unaligned`/`write_unaligned`, whose debug-build checks compare
/// against a stack temporary: a handler whose stack address escapes cannot
/// tail-call the next one.
#[derive(Clone, Copy)]
#[repr(C, packed)]
struct Unaligned<const N: usize>([u8; N]);

/// The accessible bytes of one memory of the running instance: memory 0,
/// except between the `SelectMemory` instructions around another's access.
#[derive(Clone, Copy)]
pub(super) struct Mem {
    base: *mut u8,
    pub(super) len: usize,
}

impl Mem {
    /// Bounds-checked effective address of an `N`-byte access.
    #[inline(always)]
    fn addr<const N: usize>(self, addr: u64, offset: u32) -> Result<*mut u8, TrapCode> {
        // u32 + u32 cannot overflow u64; the sum is checked against the
        // accessible length before any pointer is formed.
        let ea = (addr as u32 as u64) + offset as u64;
        if ea + N as u64 > self.len as u64 {
            return Err(TrapCode::MemoryOutOfBounds);
        }
        // SAFETY: ea + N <= len, and [base, base + len) is mapped.
        Ok(unsafe { self.base.add(ea as usize) })
    }

    #[inline(always)]
    pub(super) fn load<const N: usize>(self, addr: u64, offset: u32) -> Result<[u8; N], TrapCode> {
        let p = self.addr::<N>(addr, offset)?;
        // SAFETY: `addr` checked that N bytes at p are accessible, and
        // `Unaligned` needs no alignment.
        Ok(unsafe { p.cast::<Unaligned<N>>().read() }.0)
    }

    #[inline(always)]
    pub(super) fn store<const N: usize>(self, addr: u64, offset: u32, bytes: [u8; N]) -> Result<(), TrapCode> {
        let p = self.addr::<N>(addr, offset)?;
        // SAFETY: as in `load`; the store is borrowed mutably by the handlers.
        unsafe { p.cast::<Unaligned<N>>().write(Unaligned(bytes)) };
        Ok(())
    }
}

impl Execution {
    /// The active frames as (instance, function index), innermost first.
    pub(crate) fn backtrace(&self, store: &StoreInner) -> Vec<(u32, u32)> {
        self.frames
            .iter()
            .rev()
            .filter_map(|frame| {
                let module = &store.instances[frame.instance as usize].module;
                let crate::compile::CompiledCode::Interp(functions) = &module.inner.code else { return None };
                let offset = (frame.func as usize).checked_sub(functions.as_ptr() as usize)?;
                let def_index = offset / std::mem::size_of::<Function>();
                Some((frame.instance, module.info().num_imported_funcs + def_index as u32))
            })
            .collect()
    }

    pub(crate) fn reset(&mut self) {
        self.frames.clear();
    }

    pub(crate) fn stack(&self) -> &[u64] {
        &self.stack
    }

    pub(crate) fn stack_mut(&mut self) -> &mut [u64] {
        &mut self.stack
    }

    pub(crate) fn copy_results(&self, results: &mut [u64]) {
        results.copy_from_slice(&self.stack[..results.len()]);
    }

    /// Makes sure `[fp, fp + size)` exists, within the configured limit.
    fn reserve(stack: &mut Vec<u64>, fp: usize, size: usize, max_slots: usize) -> Result<(), TrapCode> {
        let needed = fp + size;
        if needed > stack.len() {
            if needed > max_slots {
                return Err(TrapCode::StackOverflow);
            }
            let new_len = needed.max(stack.len() * 2).clamp(1024, max_slots);
            stack.resize(new_len, 0);
        }
        Ok(())
    }

    /// Prepares a call of wasm function `func` (store index).
    pub(crate) fn start(&mut self, store: &StoreInner, func: u32, args: &[u64]) -> Result<(), Trap> {
        let FuncKind::Wasm { instance, def_index } = store.funcs[func as usize].kind else {
            unreachable!("start is only called for wasm functions")
        };
        let ptr = DefinedFunctions::of(store, instance).get(def_index);
        // SAFETY: see `Frame::func`.
        let function = unsafe { &*ptr };
        let max_slots = store.engine.config().limits.max_stack_slots as usize;
        let size = (function.frame_size as usize).max(function.num_results as usize);
        Self::reserve(&mut self.stack, 0, size, max_slots)?;
        self.stack[..args.len()].copy_from_slice(args);
        init_frame(&mut self.stack[function.num_params as usize..], &function.frame_init);
        self.frames.clear();
        self.frames.push(Frame { func: ptr, ip: function.code.as_ptr(), instance, fp: 0 });
        Ok(())
    }

    /// Runs until the entry function returns, a host function must be
    /// called, or a trap.
    pub(crate) fn run(&mut self, store: &mut StoreInner) -> Result<Exit, Trap> {
        let Some(&frame) = self.frames.last() else {
            return Ok(Exit::Done);
        };
        let config = store.engine.config();
        let (dispatch, limits) = (config.interpreter_dispatch, &config.limits);
        let (max_depth, max_slots) = (limits.max_call_depth as usize, limits.max_stack_slots as usize);
        // SAFETY: see `Frame::func`.
        let frame_size = unsafe { (*frame.func).frame_size } as usize;
        Self::reserve(&mut self.stack, frame.fp as usize, frame_size, max_slots)?;
        let vm = Vm::of(store, frame.instance);
        let mut ctx = Ctx {
            functions: DefinedFunctions::of(store, frame.instance),
            store,
            stack: &mut self.stack,
            frames: &mut self.frames,
            callees: &mut self.callees,
            func: frame.func,
            fp: frame.fp as usize,
            inst: frame.instance,
            vm,
            max_depth,
            max_slots,
            ip: frame.ip,
            regs: Regs(std::ptr::null_mut()),
            mem: vm.memory(),
            acc: 0,
            host_call: (0, 0),
            trap_code: TrapCode::Unreachable,
        };
        ctx.resume(frame);
        let (ip, regs, mem, acc) = ctx.state();
        let flow = match dispatch {
            InterpreterDispatch::Threaded => handler::<true>(ip)(ip, regs, mem, acc, &mut ctx),
            InterpreterDispatch::Loop => loop {
                let (ip, regs, mem, acc) = ctx.state();
                match handler::<false>(ip)(ip, regs, mem, acc, &mut ctx) {
                    Flow::Continue => {}
                    stop => break stop,
                }
            },
        };
        match flow {
            Flow::Done => Ok(Exit::Done),
            Flow::CallHost => {
                let (func, base) = ctx.host_call;
                Ok(Exit::CallHost { func, base, instance: ctx.inst })
            }
            Flow::Trap => Err(ctx.trap_code.into()),
            Flow::Continue => unreachable!("only the dispatch loop sees Continue"),
        }
    }
}

/// The next instruction to run.
pub(super) type Ip = *const Instr;

/// What a handler returns: why execution stopped (or, in the dispatch
/// loop, that it goes on). One byte, so that the tail calls stay jumps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Flow {
    /// The entry function returned.
    Done,
    /// A host function must run: `Ctx::host_call` says which.
    CallHost,
    /// A trap: `Ctx::trap_code` says which.
    Trap,
    /// The dispatch loop runs the next instruction (saved in the `Ctx`).
    Continue,
}

/// The state the handlers share beyond the registers they pass on: the
/// store, the frames, and what describes the running frame.
pub(super) struct Ctx<'s> {
    pub(super) store: &'s mut StoreInner,
    stack: &'s mut Vec<u64>,
    frames: &'s mut Vec<Frame>,
    callees: &'s mut CalleeCache,
    /// The running function (see `Frame::func`).
    func: *const Function,
    fp: usize,
    /// The running instance, its vmctx view and its functions.
    pub(super) inst: u32,
    pub(super) vm: Vm,
    functions: DefinedFunctions,
    max_depth: usize,
    max_slots: usize,
    /// The next instruction, slots and memory after a call or return, and
    /// between instructions of the dispatch loop.
    ip: Ip,
    regs: Regs,
    mem: Mem,
    acc: u64,
    /// The host function to call, and the absolute slot of its arguments.
    host_call: (u32, u32),
    trap_code: TrapCode,
}

impl Ctx<'_> {
    /// The running function.
    #[inline(always)]
    pub(super) fn function(&self) -> &Function {
        // SAFETY: see `Frame::func`.
        unsafe { &*self.func }
    }

    #[inline(always)]
    pub(super) fn state(&self) -> (Ip, Regs, Mem, u64) {
        (self.ip, self.regs, self.mem, self.acc)
    }

    /// Stops execution with a trap.
    #[cold]
    pub(super) fn trap(&mut self, code: TrapCode) -> Flow {
        self.trap_code = code;
        Flow::Trap
    }

    #[inline(always)]
    pub(super) fn save(&mut self, ip: Ip, regs: Regs, mem: Mem, acc: u64) {
        (self.ip, self.regs, self.mem, self.acc) = (ip, regs, mem, acc);
    }

    /// Makes `frame` the running one; its slots must have been reserved.
    fn resume(&mut self, frame: Frame) {
        self.func = frame.func;
        self.fp = frame.fp as usize;
        self.ip = frame.ip;
        // SAFETY: the frame's slots were reserved when it was entered (or by
        // `run`), and the stack never shrinks.
        self.regs = unsafe { Regs::of(self.stack, self.fp) };
        self.switch_instance(frame.instance);
        // A host function may have grown the memory.
        self.mem = self.vm.memory();
    }

    /// Makes `instance` the running one (`Ctx::mem` is left to the caller).
    #[inline(always)]
    fn switch_instance(&mut self, instance: u32) {
        if instance != self.inst {
            self.inst = instance;
            self.vm = Vm::of(self.store, instance);
            self.functions = DefinedFunctions::of(self.store, instance);
        }
    }

    /// Calls function `def_index` of the running instance with its
    /// arguments at slot `base`, when that needs no allocation: saves where
    /// the running frame resumes, pushes the callee's frame and returns its
    /// first instruction and slots. `None` leaves everything as it was for
    /// `enter`, which handles every case. Free of calls, so that the call
    /// handlers it is inlined into need no stack frame of their own.
    #[inline(always)]
    pub(super) fn try_enter(&mut self, resume: Ip, def_index: u32, base: Slot) -> Option<(Ip, Regs)> {
        let depth = self.frames.len();
        if depth >= self.max_depth || depth == self.frames.capacity() {
            return None;
        }
        let ptr = self.functions.get(def_index);
        // SAFETY: see `Frame::func`.
        let callee = unsafe { &*ptr };
        let fp = self.fp + base as usize;
        let init = &callee.frame_init;
        let params_end = fp + callee.num_params as usize;
        if fp + callee.frame_size as usize > self.stack.len() || init.len() > SMALL_FRAME_INIT {
            return None;
        }
        init_frame(&mut self.stack[params_end..], init);
        let code = callee.code.as_ptr();
        self.frames[depth - 1].ip = resume;
        // SAFETY: below capacity (checked above); `Frame` is `Copy`.
        unsafe {
            self.frames.as_mut_ptr().add(depth).write(Frame {
                func: ptr,
                ip: code,
                instance: self.inst,
                fp: fp as u32,
            });
            self.frames.set_len(depth + 1);
        }
        self.func = ptr;
        self.fp = fp;
        // SAFETY: inside the stack (checked above).
        Some((code, unsafe { Regs::of(self.stack, fp) }))
    }

    /// The defined-function index of the running instance's wasm function
    /// that element `element` of its table `table` holds, when the callee
    /// cache knows it and it may be called as type `ty`. `None` leaves the
    /// checks and the call to `indirect_callee` and `call`.
    #[inline(always)]
    pub(super) fn cached_callee(&self, table: u32, element: u32, ty: u32) -> Option<u32> {
        let cached = self.callees.0[CalleeCache::slot(element)];
        let raw = self.vm.table_element(table, element)?;
        (cached.key == CalleeCache::key(raw, self.inst) && cached.type_id == self.vm.type_id(ty))
            .then_some(cached.def_index)
    }

    /// The store function that element `element` of the running instance's
    /// table `table` holds, when it may be called as type `ty` (the checks
    /// of `call_indirect`). A wasm function of the running instance goes
    /// into the callee cache.
    pub(super) fn indirect_callee(&mut self, table: u32, element: u32, ty: u32) -> Result<u32, TrapCode> {
        let raw = self.vm.table_element(table, element).ok_or(TrapCode::TableOutOfBounds)?;
        let callee = raw.checked_sub(1).ok_or(TrapCode::UninitializedElement)? as u32;
        let entity = &self.store.funcs[callee as usize];
        if entity.type_id != self.vm.type_id(ty) {
            return Err(TrapCode::IndirectCallTypeMismatch);
        }
        if let FuncKind::Wasm { instance, def_index } = entity.kind
            && instance == self.inst
        {
            self.callees.0[CalleeCache::slot(element)] =
                CachedCallee { key: CalleeCache::key(raw, instance), type_id: entity.type_id, def_index };
        }
        Ok(callee)
    }

    /// `try_enter` in every case: grows the stack and the frames as needed,
    /// and traps when the configured limits are reached. The callee's
    /// first instruction and slots are left in `state`: returned by value
    /// they would pass through the caller's stack, and a handler whose
    /// stack address escapes cannot tail-call the next one.
    #[inline(never)]
    pub(super) fn enter(&mut self, resume: Ip, def_index: u32, base: Slot) -> Result<(), TrapCode> {
        if self.frames.len() >= self.max_depth {
            return Err(TrapCode::StackOverflow);
        }
        self.frames.last_mut().expect("a frame is running").ip = resume;
        let ptr = self.functions.get(def_index);
        // SAFETY: see `Frame::func`.
        let callee = unsafe { &*ptr };
        let fp = self.fp + base as usize;
        Execution::reserve(self.stack, fp, callee.frame_size as usize, self.max_slots)?;
        init_frame(&mut self.stack[fp + callee.num_params as usize..], &callee.frame_init);
        let code = callee.code.as_ptr();
        self.frames.push(Frame { func: ptr, ip: code, instance: self.inst, fp: fp as u32 });
        self.func = ptr;
        self.fp = fp;
        self.ip = code;
        // SAFETY: reserved just above.
        self.regs = unsafe { Regs::of(self.stack, fp) };
        Ok(())
    }

    /// Calls store function `callee` with its arguments at slot `base`: a
    /// wasm function becomes the running one (`state`); for a host function
    /// execution must stop, which the returned `Flow` says.
    #[inline(never)]
    pub(super) fn call(&mut self, resume: Ip, mem: Mem, callee: u32, base: Slot) -> Result<Option<Flow>, TrapCode> {
        match self.store.funcs[callee as usize].kind {
            FuncKind::Wasm { instance, def_index } => {
                let caller_instance = self.inst;
                self.switch_instance(instance);
                self.enter(resume, def_index, base)?;
                self.mem = if instance == caller_instance { mem } else { self.vm.memory() };
                Ok(None)
            }
            FuncKind::Host(_) => {
                self.frames.last_mut().expect("a frame is running").ip = resume;
                self.host_call = (callee, (self.fp + base as usize) as u32);
                Ok(Some(Flow::CallHost))
            }
        }
    }

    /// Pops the running frame and returns where its caller resumes, with the
    /// caller's slots and memory; `None` when the entry function returned.
    /// `mem` is the returning function's view of memory 0: its caller's too
    /// when both are in the same instance (a `memory.grow` in between went
    /// through a handler that kept it current, or through a host function,
    /// after which `run` derives it again).
    #[inline(always)]
    pub(super) fn leave(&mut self, mem: Mem) -> Option<(Ip, Regs, Mem)> {
        self.frames.pop();
        let caller = *self.frames.last()?;
        self.func = caller.func;
        self.fp = caller.fp as usize;
        // SAFETY: the caller's slots were reserved when it was entered, and
        // the stack never shrinks.
        let regs = unsafe { Regs::of(self.stack, self.fp) };
        if caller.instance == self.inst {
            return Some((caller.ip, regs, mem));
        }
        self.switch_instance(caller.instance);
        Some((caller.ip, regs, self.vm.memory()))
    }
}
