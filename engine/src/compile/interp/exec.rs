//! The dispatch loop.
//!
//! Calls between wasm functions never recurse on the Rust stack: frames live
//! in `Execution::frames`, so deep wasm recursion ends in a stack-overflow
//! trap at the configured depth instead of exhausting the host's stack.
//! Calls to host functions leave the loop (`Exit::CallHost`) so the generic
//! store code can run them, then resume.

use super::Function;
use super::instr::{Instr, Slot};
use super::ops::{self, Raw};
use crate::compile::CompiledCode;
use crate::error::{Trap, TrapCode};
use crate::runtime::store::{FuncKind, StoreInner};
use crate::runtime::vmctx::{VMGlobalDefinition, VMMemoryDefinition};

#[derive(Clone, Copy, Debug)]
struct Frame {
    /// Points into the code of a module held by one of the store's
    /// instances, which live as long as the store.
    func: *const Function,
    instance: u32,
    pc: u32,
    fp: u32,
}

/// One host→wasm call's stack of frames and slots. Reused across calls.
#[derive(Default)]
pub(crate) struct Execution {
    stack: Vec<u64>,
    frames: Vec<Frame>,
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

/// The functions an instance's module defines, as the dispatch loop
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

/// Writes a callee's zeroed locals and constants after its arguments;
/// small frames without a call to `memcpy`.
#[inline(always)]
fn init_frame(dst: &mut [u64], init: &[u64]) {
    match init.len() {
        0 => {}
        1 => dst[0] = init[0],
        2 => {
            dst[0] = init[0];
            dst[1] = init[1];
        }
        3 => {
            dst[0] = init[0];
            dst[1] = init[1];
            dst[2] = init[2];
        }
        n => dst[..n].copy_from_slice(init),
    }
}

/// The running frame's slots, read and written without bounds checks.
#[derive(Clone, Copy)]
struct Regs(*mut u64);

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
    fn get(self, slot: Slot) -> u64 {
        // SAFETY: the translator's `place_and_verify` proved every slot an
        // instruction names is below the function's frame size, and the
        // frame was reserved at that size (`Regs::of`'s contract).
        unsafe { *self.0.add(slot as usize) }
    }

    #[inline(always)]
    fn set(self, slot: Slot, value: u64) {
        // SAFETY: as in `get`.
        unsafe { *self.0.add(slot as usize) = value }
    }
}

#[inline(always)]
fn un<A: Raw, R: Raw>(regs: Regs, d: Slot, a: Slot, f: impl Fn(A) -> R) {
    regs.set(d, f(A::from_raw(regs.get(a))).to_raw());
}

#[inline(always)]
fn bin<A: Raw, R: Raw>(regs: Regs, d: Slot, a: Slot, b: Slot, f: impl Fn(A, A) -> R) {
    regs.set(d, f(A::from_raw(regs.get(a)), A::from_raw(regs.get(b))).to_raw());
}

/// Whether comparison `f` holds between slots `a` and `b`.
#[inline(always)]
fn holds<A: Raw>(regs: Regs, a: Slot, b: Slot, f: impl Fn(A, A) -> bool) -> bool {
    f(A::from_raw(regs.get(a)), A::from_raw(regs.get(b)))
}

#[inline(always)]
fn try_un<A: Raw, R: Raw>(regs: Regs, d: Slot, a: Slot, f: impl Fn(A) -> Result<R, TrapCode>) -> Result<(), TrapCode> {
    regs.set(d, f(A::from_raw(regs.get(a)))?.to_raw());
    Ok(())
}

#[inline(always)]
fn try_bin<A: Raw, R: Raw>(
    regs: Regs,
    d: Slot,
    a: Slot,
    b: Slot,
    f: impl Fn(A, A) -> Result<R, TrapCode>,
) -> Result<(), TrapCode> {
    regs.set(d, f(A::from_raw(regs.get(a)), A::from_raw(regs.get(b)))?.to_raw());
    Ok(())
}

/// The running instance's vmctx, as the interpreter reads it.
#[derive(Clone, Copy)]
struct Vm {
    slots: *const usize,
    globals_start: usize,
    num_globals: usize,
    has_memory: bool,
}

/// A global's definition, reached through the vmctx.
struct GlobalRef(*mut VMGlobalDefinition);

impl GlobalRef {
    #[inline(always)]
    fn read(&self) -> u64 {
        // SAFETY: see `Vm::global`.
        unsafe { (*self.0).low }
    }

    #[inline(always)]
    fn write(&self, value: u64) {
        // SAFETY: see `Vm::global`; the store is exclusively borrowed by the
        // loop, so nothing else reads or writes the global meanwhile.
        unsafe { (*self.0).low = value }
    }
}

impl Vm {
    fn of(store: &StoreInner, instance: u32) -> Vm {
        let vmctx = &store.instances[instance as usize].vmctx;
        let offsets = vmctx.offsets();
        Vm {
            slots: vmctx.as_ptr().cast(),
            globals_start: vmctx.globals_start(),
            num_globals: offsets.num_globals as usize,
            has_memory: offsets.num_memories > 0,
        }
    }

    #[inline(always)]
    fn global(self, index: u32) -> GlobalRef {
        // Validation guarantees the index; the check keeps a translator bug
        // from turning into a wild pointer.
        assert!((index as usize) < self.num_globals, "global index out of range");
        // SAFETY: the slot exists (checked above) and holds a pointer to a
        // global definition owned by the store, alive and unmoved while the
        // store lives (see `runtime::vmctx`).
        GlobalRef(unsafe { *self.slots.add(self.globals_start + index as usize) } as *mut VMGlobalDefinition)
    }

    /// Memory 0's current bounds.
    fn memory(self) -> Mem {
        if !self.has_memory {
            return Mem { base: std::ptr::null_mut(), len: 0 };
        }
        // SAFETY: slot 0 holds memory 0's definition (see `runtime::vmctx`).
        let definition = unsafe { &*(*self.slots as *const VMMemoryDefinition) };
        Mem { base: definition.base, len: definition.length }
    }
}

/// The accessible bytes of memory 0 of the running instance.
#[derive(Clone, Copy)]
struct Mem {
    base: *mut u8,
    len: usize,
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
    fn load<const N: usize>(self, addr: u64, offset: u32) -> Result<[u8; N], TrapCode> {
        let p = self.addr::<N>(addr, offset)?;
        // SAFETY: `addr` checked that N bytes at p are accessible; unaligned
        // reads are allowed by `read_unaligned`.
        Ok(unsafe { p.cast::<[u8; N]>().read_unaligned() })
    }

    #[inline(always)]
    fn store<const N: usize>(self, addr: u64, offset: u32, bytes: [u8; N]) -> Result<(), TrapCode> {
        let p = self.addr::<N>(addr, offset)?;
        // SAFETY: as in `load`; the store is borrowed mutably by the loop.
        unsafe { p.cast::<[u8; N]>().write_unaligned(bytes) };
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
        self.frames.push(Frame { func: ptr, instance, pc: 0, fp: 0 });
        Ok(())
    }

    /// Runs until the entry function returns, a host function must be
    /// called, or a trap.
    pub(crate) fn run(&mut self, store: &mut StoreInner) -> Result<Exit, Trap> {
        let limits = &store.engine.config().limits;
        let max_depth = limits.max_call_depth as usize;
        let max_slots = limits.max_stack_slots as usize;
        let stack = &mut self.stack;
        let frames = &mut self.frames;

        let Some(&frame) = frames.last() else {
            return Ok(Exit::Done);
        };
        // The running frame's state, kept in locals across instructions and
        // re-derived only by calls and returns (the vmctx view and the
        // module's functions only when they cross to another instance).
        // SAFETY: see `Frame::func`.
        let mut func = unsafe { &*frame.func };
        let mut code = func.code.as_ptr();
        let mut fp = frame.fp as usize;
        let mut inst = frame.instance;
        Self::reserve(stack, fp, func.frame_size as usize, max_slots)?;
        // SAFETY: reserved just above. The stack only grows, and only in
        // `enter!`, which re-derives `regs` for the frame it enters; `leave!`
        // re-derives the caller's, reserved when it was entered.
        let mut regs = unsafe { Regs::of(stack, fp) };
        let mut vm = Vm::of(store, inst);
        let mut mem = vm.memory();
        let mut functions = DefinedFunctions::of(store, inst);
        // The next instruction. Every way it moves stays inside `code`:
        // `place_and_verify` proved that branches land inside it, that the last
        // instruction does not fall through and that aux words and br_table
        // entries are there.
        // SAFETY: a frame's saved pc is inside its code.
        let mut ip = unsafe { code.add(frame.pc as usize) };

        // Where the running frame resumes, as an index into its code.
        macro_rules! pc {
            () => {
                // SAFETY: ip points into `code` (see `ip`).
                unsafe { ip.offset_from(code) } as u32
            };
        }

        // Continues at instruction `target` of the running function.
        macro_rules! jump {
            ($target:expr) => {
                // SAFETY: a verified branch target (see `ip`).
                ip = unsafe { code.add($target as usize) }
            };
        }

        // Saves the pc, then pushes a frame for function `def_index` of
        // `instance` with its arguments at slot `base` of this frame, and
        // runs it.
        macro_rules! enter {
            ($instance:expr, $def_index:expr, $base:expr) => {{
                let (instance, base): (u32, usize) = ($instance, fp + $base as usize);
                frames.last_mut().expect("a frame is running").pc = pc!();
                if frames.len() >= max_depth {
                    return Err(TrapCode::StackOverflow.into());
                }
                if instance != inst {
                    inst = instance;
                    vm = Vm::of(store, inst);
                    mem = vm.memory();
                    functions = DefinedFunctions::of(store, inst);
                }
                let ptr = functions.get($def_index);
                // SAFETY: see `Frame::func`.
                let callee = unsafe { &*ptr };
                Self::reserve(stack, base, callee.frame_size as usize, max_slots)?;
                init_frame(&mut stack[base + callee.num_params as usize..], &callee.frame_init);
                frames.push(Frame { func: ptr, instance, pc: 0, fp: base as u32 });
                func = callee;
                code = func.code.as_ptr();
                fp = base;
                // SAFETY: reserved just above.
                regs = unsafe { Regs::of(stack, fp) };
                ip = code;
                continue;
            }};
        }

        // Pops the running frame and resumes its caller, or ends the run.
        macro_rules! leave {
            () => {{
                frames.pop();
                let Some(&caller) = frames.last() else {
                    return Ok(Exit::Done);
                };
                // SAFETY: see `Frame::func`.
                func = unsafe { &*caller.func };
                code = func.code.as_ptr();
                fp = caller.fp as usize;
                jump!(caller.pc);
                // SAFETY: the caller's frame was reserved when it was
                // entered, and the stack never shrinks.
                regs = unsafe { Regs::of(stack, fp) };
                if caller.instance != inst {
                    inst = caller.instance;
                    vm = Vm::of(store, inst);
                    functions = DefinedFunctions::of(store, inst);
                }
                // The callee may have grown the memory.
                mem = vm.memory();
                continue;
            }};
        }

        // The aux word after the running instruction.
        macro_rules! aux {
            () => {{
                // SAFETY: `place_and_verify` proved that the instructions that read
                // an aux word are followed by one.
                let Instr::Aux(x, y, z) = (unsafe { *ip }) else { unreachable!("verified: an aux word follows") };
                // SAFETY: see `ip`.
                ip = unsafe { ip.add(1) };
                (x, y, z)
            }};
        }

        // Calls store function `callee`: wasm through `enter!`, host
        // functions by leaving the loop.
        macro_rules! call {
            ($callee:expr, $base:expr) => {{
                let callee: u32 = $callee;
                match store.funcs[callee as usize].kind {
                    FuncKind::Wasm { instance, def_index } => enter!(instance, def_index, $base),
                    FuncKind::Host(_) => {
                        frames.last_mut().expect("a frame is running").pc = pc!();
                        let base = (fp + $base as usize) as u32;
                        return Ok(Exit::CallHost { func: callee, base, instance: inst });
                    }
                }
            }};
        }

        loop {
            // SAFETY: `place_and_verify` proved that every branch lands inside the
            // code and that the last instruction does not fall through,
            // so pc stays in bounds.
            let instr = unsafe { *ip };
            // SAFETY: see `ip`.
            ip = unsafe { ip.add(1) };
            match instr {
                Instr::Trap(code) => return Err(code.into()),
                Instr::Fuel(amount) => {
                    let amount = amount as u64;
                    if store.fuel < amount {
                        store.fuel = 0;
                        return Err(TrapCode::OutOfFuel.into());
                    }
                    store.fuel -= amount;
                }
                Instr::Cover(region) => {
                    if let Some(c) = &func.coverage {
                        c.hits[region as usize].fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                }
                Instr::Br(target) => jump!(target),
                Instr::BrIfNez(c, target) => {
                    if regs.get(c) as u32 != 0 {
                        jump!(target);
                    }
                }
                Instr::BrIfEqz(c, target) => {
                    if regs.get(c) as u32 == 0 {
                        jump!(target);
                    }
                }
                Instr::BrI32Eq(a, b, target) => {
                    if holds(regs, a, b, ops::i32_eq) {
                        jump!(target);
                    }
                }
                Instr::BrI32Ne(a, b, target) => {
                    if holds(regs, a, b, ops::i32_ne) {
                        jump!(target);
                    }
                }
                Instr::BrI32LtS(a, b, target) => {
                    if holds(regs, a, b, ops::i32_lt_s) {
                        jump!(target);
                    }
                }
                Instr::BrI32LtU(a, b, target) => {
                    if holds(regs, a, b, ops::i32_lt_u) {
                        jump!(target);
                    }
                }
                Instr::BrI32GtS(a, b, target) => {
                    if holds(regs, a, b, ops::i32_gt_s) {
                        jump!(target);
                    }
                }
                Instr::BrI32GtU(a, b, target) => {
                    if holds(regs, a, b, ops::i32_gt_u) {
                        jump!(target);
                    }
                }
                Instr::BrI32LeS(a, b, target) => {
                    if holds(regs, a, b, ops::i32_le_s) {
                        jump!(target);
                    }
                }
                Instr::BrI32LeU(a, b, target) => {
                    if holds(regs, a, b, ops::i32_le_u) {
                        jump!(target);
                    }
                }
                Instr::BrI32GeS(a, b, target) => {
                    if holds(regs, a, b, ops::i32_ge_s) {
                        jump!(target);
                    }
                }
                Instr::BrI32GeU(a, b, target) => {
                    if holds(regs, a, b, ops::i32_ge_u) {
                        jump!(target);
                    }
                }
                Instr::BrI64Eq(a, b, target) => {
                    if holds(regs, a, b, ops::i64_eq) {
                        jump!(target);
                    }
                }
                Instr::BrI64Ne(a, b, target) => {
                    if holds(regs, a, b, ops::i64_ne) {
                        jump!(target);
                    }
                }
                Instr::BrI64LtS(a, b, target) => {
                    if holds(regs, a, b, ops::i64_lt_s) {
                        jump!(target);
                    }
                }
                Instr::BrI64LtU(a, b, target) => {
                    if holds(regs, a, b, ops::i64_lt_u) {
                        jump!(target);
                    }
                }
                Instr::BrI64GtS(a, b, target) => {
                    if holds(regs, a, b, ops::i64_gt_s) {
                        jump!(target);
                    }
                }
                Instr::BrI64GtU(a, b, target) => {
                    if holds(regs, a, b, ops::i64_gt_u) {
                        jump!(target);
                    }
                }
                Instr::BrI64LeS(a, b, target) => {
                    if holds(regs, a, b, ops::i64_le_s) {
                        jump!(target);
                    }
                }
                Instr::BrI64LeU(a, b, target) => {
                    if holds(regs, a, b, ops::i64_le_u) {
                        jump!(target);
                    }
                }
                Instr::BrI64GeS(a, b, target) => {
                    if holds(regs, a, b, ops::i64_ge_s) {
                        jump!(target);
                    }
                }
                Instr::BrI64GeU(a, b, target) => {
                    if holds(regs, a, b, ops::i64_ge_u) {
                        jump!(target);
                    }
                }
                // SAFETY: the table's `len + 1` entries follow (see `ip`).
                Instr::BrTable(index, len) => ip = unsafe { ip.add((regs.get(index) as u32).min(len) as usize) },
                Instr::Return => leave!(),
                Instr::ReturnFrom(first) => {
                    if func.num_results == 1 {
                        regs.set(0, regs.get(first));
                    } else {
                        for i in 0..func.num_results {
                            regs.set(i, regs.get(first + i));
                        }
                    }
                    leave!()
                }
                Instr::CallInternal(def_index, base) => enter!(inst, def_index, base),
                Instr::Call(func, base) => {
                    let index = store.instances[inst as usize].funcs[func as usize];
                    call!(index, base)
                }
                Instr::CallIndirect(base, index, ty) => {
                    let (table, _, _) = aux!();
                    let instance = &store.instances[inst as usize];
                    let table = &store.tables[instance.tables[table as usize] as usize];
                    let raw = *table.elements.get(regs.get(index) as u32 as usize).ok_or(TrapCode::TableOutOfBounds)?;
                    let callee = raw.checked_sub(1).ok_or(TrapCode::UninitializedElement)? as u32;
                    if store.funcs[callee as usize].type_id != instance.type_ids[ty as usize] {
                        return Err(TrapCode::IndirectCallTypeMismatch.into());
                    }
                    call!(callee, base)
                }
                Instr::Aux(..) => unreachable!("aux words are skipped by their instruction"),

                Instr::Copy(d, s) => regs.set(d, regs.get(s)),
                Instr::Const64(d, v) => regs.set(d, v),
                Instr::Select(a, b, c) => {
                    if regs.get(c) as u32 == 0 {
                        regs.set(a, regs.get(b));
                    }
                }
                Instr::GlobalGet(d, g) => regs.set(d, vm.global(g).read()),
                Instr::GlobalSet(g, s) => vm.global(g).write(regs.get(s)),

                Instr::I32Load(d, a, o) => regs.set(d, u32::from_le_bytes(mem.load(regs.get(a), o)?) as u64),
                Instr::I64Load(d, a, o) => regs.set(d, u64::from_le_bytes(mem.load(regs.get(a), o)?)),
                Instr::I32Load8S(d, a, o) => {
                    regs.set(d, (i8::from_le_bytes(mem.load(regs.get(a), o)?) as i32).to_raw())
                }
                Instr::I32Load8U(d, a, o) => regs.set(d, u8::from_le_bytes(mem.load(regs.get(a), o)?) as u64),
                Instr::I32Load16S(d, a, o) => {
                    regs.set(d, (i16::from_le_bytes(mem.load(regs.get(a), o)?) as i32).to_raw())
                }
                Instr::I32Load16U(d, a, o) => regs.set(d, u16::from_le_bytes(mem.load(regs.get(a), o)?) as u64),
                Instr::I64Load8S(d, a, o) => regs.set(d, i8::from_le_bytes(mem.load(regs.get(a), o)?) as i64 as u64),
                Instr::I64Load8U(d, a, o) => regs.set(d, u8::from_le_bytes(mem.load(regs.get(a), o)?) as u64),
                Instr::I64Load16S(d, a, o) => regs.set(d, i16::from_le_bytes(mem.load(regs.get(a), o)?) as i64 as u64),
                Instr::I64Load16U(d, a, o) => regs.set(d, u16::from_le_bytes(mem.load(regs.get(a), o)?) as u64),
                Instr::I64Load32S(d, a, o) => regs.set(d, i32::from_le_bytes(mem.load(regs.get(a), o)?) as i64 as u64),
                Instr::I64Load32U(d, a, o) => regs.set(d, u32::from_le_bytes(mem.load(regs.get(a), o)?) as u64),
                Instr::I32LoadAt(d, a, b) => {
                    let addr = (regs.get(a) as u32).wrapping_add(regs.get(b) as u32);
                    regs.set(d, u32::from_le_bytes(mem.load(addr as u64, 0)?) as u64)
                }
                Instr::I64LoadAt(d, a, b) => {
                    let addr = (regs.get(a) as u32).wrapping_add(regs.get(b) as u32);
                    regs.set(d, u64::from_le_bytes(mem.load(addr as u64, 0)?))
                }
                Instr::I32Load8UAt(d, a, b) => {
                    let addr = (regs.get(a) as u32).wrapping_add(regs.get(b) as u32);
                    regs.set(d, u8::from_le_bytes(mem.load(addr as u64, 0)?) as u64)
                }
                Instr::I32StoreAt(a, b, v) => {
                    let addr = (regs.get(a) as u32).wrapping_add(regs.get(b) as u32);
                    mem.store(addr as u64, 0, (regs.get(v) as u32).to_le_bytes())?
                }
                Instr::I64StoreAt(a, b, v) => {
                    let addr = (regs.get(a) as u32).wrapping_add(regs.get(b) as u32);
                    mem.store(addr as u64, 0, regs.get(v).to_le_bytes())?
                }
                Instr::I32Store8At(a, b, v) => {
                    let addr = (regs.get(a) as u32).wrapping_add(regs.get(b) as u32);
                    mem.store(addr as u64, 0, (regs.get(v) as u8).to_le_bytes())?
                }
                Instr::I32Store(a, v, o) => mem.store(regs.get(a), o, (regs.get(v) as u32).to_le_bytes())?,
                Instr::I64Store(a, v, o) => mem.store(regs.get(a), o, regs.get(v).to_le_bytes())?,
                Instr::I32Store8(a, v, o) | Instr::I64Store8(a, v, o) => {
                    mem.store(regs.get(a), o, (regs.get(v) as u8).to_le_bytes())?
                }
                Instr::I32Store16(a, v, o) | Instr::I64Store16(a, v, o) => {
                    mem.store(regs.get(a), o, (regs.get(v) as u16).to_le_bytes())?
                }
                Instr::I64Store32(a, v, o) => mem.store(regs.get(a), o, (regs.get(v) as u32).to_le_bytes())?,
                Instr::MemorySize(d) => regs.set(d, mem.len as u64 / 65536),
                Instr::MemoryGrow(d) => {
                    let m = store.instances[inst as usize].memories[0] as usize;
                    let delta = regs.get(d) as u32 as u64;
                    regs.set(d, store.memories[m].grow(delta).map_or(u32::MAX, |old| old as u32) as u64);
                    mem = vm.memory();
                }
                Instr::MemoryFill(d, v, n) => store.memory_fill(inst, 0, regs.get(d), regs.get(v), regs.get(n))?,
                Instr::MemoryCopy(d, s, n) => store.memory_copy(inst, 0, regs.get(d), regs.get(s), regs.get(n))?,
                Instr::MemoryInit(d, s, n) => {
                    let (seg, _, _) = aux!();
                    store.memory_init(inst, 0, seg, regs.get(d), regs.get(s), regs.get(n))?
                }
                Instr::DataDrop(seg) => store.data_drop(inst, seg),

                Instr::TableGet(d, i, t) => regs.set(d, store.table_get(inst, t, regs.get(i))?),
                Instr::TableSet(i, v, t) => store.table_set(inst, t, regs.get(i), regs.get(v))?,
                Instr::TableSize(d, t) => regs.set(d, store.table_size(inst, t)),
                Instr::TableGrow(d, n, t) => regs.set(d, store.table_grow(inst, t, regs.get(d), regs.get(n))),
                Instr::TableFill(i, v, n) => {
                    let (t, _, _) = aux!();
                    store.table_fill(inst, t, regs.get(i), regs.get(v), regs.get(n))?
                }
                Instr::TableCopy(d, s, n) => {
                    let (dt, st, _) = aux!();
                    store.table_copy(inst, dt, st, regs.get(d), regs.get(s), regs.get(n))?
                }
                Instr::TableInit(d, s, n) => {
                    let (t, seg, _) = aux!();
                    store.table_init(inst, t, seg, regs.get(d), regs.get(s), regs.get(n))?
                }
                Instr::ElemDrop(seg) => store.elem_drop(inst, seg),
                Instr::RefIsNull(d, a) => regs.set(d, (regs.get(a) == 0) as u64),
                Instr::RefFunc(d, f) => regs.set(d, store.ref_func(inst, f)),

                Instr::I32Eqz(d, a) => un(regs, d, a, |x: u32| x == 0),
                Instr::I64Eqz(d, a) => un(regs, d, a, |x: u64| x == 0),
                Instr::I32Clz(d, a) => un(regs, d, a, u32::leading_zeros),
                Instr::I32Ctz(d, a) => un(regs, d, a, u32::trailing_zeros),
                Instr::I32Popcnt(d, a) => un(regs, d, a, u32::count_ones),
                Instr::I64Clz(d, a) => un(regs, d, a, |x: u64| x.leading_zeros() as u64),
                Instr::I64Ctz(d, a) => un(regs, d, a, |x: u64| x.trailing_zeros() as u64),
                Instr::I64Popcnt(d, a) => un(regs, d, a, |x: u64| x.count_ones() as u64),
                Instr::F32Abs(d, a) => un(regs, d, a, ops::f32_abs),
                Instr::F32Neg(d, a) => un(regs, d, a, ops::f32_neg),
                Instr::F32Ceil(d, a) => un(regs, d, a, ops::f32_ceil),
                Instr::F32Floor(d, a) => un(regs, d, a, ops::f32_floor),
                Instr::F32Trunc(d, a) => un(regs, d, a, ops::f32_trunc),
                Instr::F32Nearest(d, a) => un(regs, d, a, ops::f32_nearest),
                Instr::F32Sqrt(d, a) => un(regs, d, a, ops::f32_sqrt),
                Instr::F64Abs(d, a) => un(regs, d, a, ops::f64_abs),
                Instr::F64Neg(d, a) => un(regs, d, a, ops::f64_neg),
                Instr::F64Ceil(d, a) => un(regs, d, a, ops::f64_ceil),
                Instr::F64Floor(d, a) => un(regs, d, a, ops::f64_floor),
                Instr::F64Trunc(d, a) => un(regs, d, a, ops::f64_trunc),
                Instr::F64Nearest(d, a) => un(regs, d, a, ops::f64_nearest),
                Instr::F64Sqrt(d, a) => un(regs, d, a, ops::f64_sqrt),
                Instr::I32WrapI64(d, a) => un(regs, d, a, |x: u64| x as u32),
                Instr::I32TruncF32S(d, a) => try_un(regs, d, a, ops::i32_trunc_f32_s)?,
                Instr::I32TruncF32U(d, a) => try_un(regs, d, a, ops::i32_trunc_f32_u)?,
                Instr::I32TruncF64S(d, a) => try_un(regs, d, a, ops::i32_trunc_f64_s)?,
                Instr::I32TruncF64U(d, a) => try_un(regs, d, a, ops::i32_trunc_f64_u)?,
                Instr::I64ExtendI32S(d, a) => un(regs, d, a, |x: i32| x as i64),
                Instr::I64ExtendI32U(d, a) => un(regs, d, a, |x: u32| x as u64),
                Instr::I64TruncF32S(d, a) => try_un(regs, d, a, ops::i64_trunc_f32_s)?,
                Instr::I64TruncF32U(d, a) => try_un(regs, d, a, ops::i64_trunc_f32_u)?,
                Instr::I64TruncF64S(d, a) => try_un(regs, d, a, ops::i64_trunc_f64_s)?,
                Instr::I64TruncF64U(d, a) => try_un(regs, d, a, ops::i64_trunc_f64_u)?,
                Instr::F32ConvertI32S(d, a) => un(regs, d, a, |x: i32| x as f32),
                Instr::F32ConvertI32U(d, a) => un(regs, d, a, |x: u32| x as f32),
                Instr::F32ConvertI64S(d, a) => un(regs, d, a, |x: i64| x as f32),
                Instr::F32ConvertI64U(d, a) => un(regs, d, a, |x: u64| x as f32),
                Instr::F32DemoteF64(d, a) => un(regs, d, a, ops::f32_demote),
                Instr::F64ConvertI32S(d, a) => un(regs, d, a, |x: i32| x as f64),
                Instr::F64ConvertI32U(d, a) => un(regs, d, a, |x: u32| x as f64),
                Instr::F64ConvertI64S(d, a) => un(regs, d, a, |x: i64| x as f64),
                Instr::F64ConvertI64U(d, a) => un(regs, d, a, |x: u64| x as f64),
                Instr::F64PromoteF32(d, a) => un(regs, d, a, ops::f64_promote),
                Instr::I32Extend8S(d, a) => un(regs, d, a, |x: i32| x as i8 as i32),
                Instr::I32Extend16S(d, a) => un(regs, d, a, |x: i32| x as i16 as i32),
                Instr::I64Extend8S(d, a) => un(regs, d, a, |x: i64| x as i8 as i64),
                Instr::I64Extend16S(d, a) => un(regs, d, a, |x: i64| x as i16 as i64),
                Instr::I64Extend32S(d, a) => un(regs, d, a, |x: i64| x as i32 as i64),
                // Rust's float→int `as` saturates and maps NaN to 0, exactly
                // the nontrapping conversions' semantics.
                Instr::I32TruncSatF32S(d, a) => un(regs, d, a, |x: f32| x as i32),
                Instr::I32TruncSatF32U(d, a) => un(regs, d, a, |x: f32| x as u32),
                Instr::I32TruncSatF64S(d, a) => un(regs, d, a, |x: f64| x as i32),
                Instr::I32TruncSatF64U(d, a) => un(regs, d, a, |x: f64| x as u32),
                Instr::I64TruncSatF32S(d, a) => un(regs, d, a, |x: f32| x as i64),
                Instr::I64TruncSatF32U(d, a) => un(regs, d, a, |x: f32| x as u64),
                Instr::I64TruncSatF64S(d, a) => un(regs, d, a, |x: f64| x as i64),
                Instr::I64TruncSatF64U(d, a) => un(regs, d, a, |x: f64| x as u64),

                Instr::I32Eq(d, a, b) => bin(regs, d, a, b, ops::i32_eq),
                Instr::I32Ne(d, a, b) => bin(regs, d, a, b, ops::i32_ne),
                Instr::I32LtS(d, a, b) => bin(regs, d, a, b, ops::i32_lt_s),
                Instr::I32LtU(d, a, b) => bin(regs, d, a, b, ops::i32_lt_u),
                Instr::I32GtS(d, a, b) => bin(regs, d, a, b, ops::i32_gt_s),
                Instr::I32GtU(d, a, b) => bin(regs, d, a, b, ops::i32_gt_u),
                Instr::I32LeS(d, a, b) => bin(regs, d, a, b, ops::i32_le_s),
                Instr::I32LeU(d, a, b) => bin(regs, d, a, b, ops::i32_le_u),
                Instr::I32GeS(d, a, b) => bin(regs, d, a, b, ops::i32_ge_s),
                Instr::I32GeU(d, a, b) => bin(regs, d, a, b, ops::i32_ge_u),
                Instr::I64Eq(d, a, b) => bin(regs, d, a, b, ops::i64_eq),
                Instr::I64Ne(d, a, b) => bin(regs, d, a, b, ops::i64_ne),
                Instr::I64LtS(d, a, b) => bin(regs, d, a, b, ops::i64_lt_s),
                Instr::I64LtU(d, a, b) => bin(regs, d, a, b, ops::i64_lt_u),
                Instr::I64GtS(d, a, b) => bin(regs, d, a, b, ops::i64_gt_s),
                Instr::I64GtU(d, a, b) => bin(regs, d, a, b, ops::i64_gt_u),
                Instr::I64LeS(d, a, b) => bin(regs, d, a, b, ops::i64_le_s),
                Instr::I64LeU(d, a, b) => bin(regs, d, a, b, ops::i64_le_u),
                Instr::I64GeS(d, a, b) => bin(regs, d, a, b, ops::i64_ge_s),
                Instr::I64GeU(d, a, b) => bin(regs, d, a, b, ops::i64_ge_u),
                Instr::F32Eq(d, a, b) => bin(regs, d, a, b, |x: f32, y| x == y),
                Instr::F32Ne(d, a, b) => bin(regs, d, a, b, |x: f32, y| x != y),
                Instr::F32Lt(d, a, b) => bin(regs, d, a, b, |x: f32, y| x < y),
                Instr::F32Gt(d, a, b) => bin(regs, d, a, b, |x: f32, y| x > y),
                Instr::F32Le(d, a, b) => bin(regs, d, a, b, |x: f32, y| x <= y),
                Instr::F32Ge(d, a, b) => bin(regs, d, a, b, |x: f32, y| x >= y),
                Instr::F64Eq(d, a, b) => bin(regs, d, a, b, |x: f64, y| x == y),
                Instr::F64Ne(d, a, b) => bin(regs, d, a, b, |x: f64, y| x != y),
                Instr::F64Lt(d, a, b) => bin(regs, d, a, b, |x: f64, y| x < y),
                Instr::F64Gt(d, a, b) => bin(regs, d, a, b, |x: f64, y| x > y),
                Instr::F64Le(d, a, b) => bin(regs, d, a, b, |x: f64, y| x <= y),
                Instr::F64Ge(d, a, b) => bin(regs, d, a, b, |x: f64, y| x >= y),
                Instr::I32Add(d, a, b) => bin(regs, d, a, b, u32::wrapping_add),
                Instr::I32Sub(d, a, b) => bin(regs, d, a, b, u32::wrapping_sub),
                Instr::I32Mul(d, a, b) => bin(regs, d, a, b, u32::wrapping_mul),
                Instr::I32DivS(d, a, b) => try_bin(regs, d, a, b, ops::i32_div_s)?,
                Instr::I32DivU(d, a, b) => try_bin(regs, d, a, b, ops::i32_div_u)?,
                Instr::I32RemS(d, a, b) => try_bin(regs, d, a, b, ops::i32_rem_s)?,
                Instr::I32RemU(d, a, b) => try_bin(regs, d, a, b, ops::i32_rem_u)?,
                Instr::I32And(d, a, b) => bin(regs, d, a, b, |x: u32, y| x & y),
                Instr::I32Or(d, a, b) => bin(regs, d, a, b, |x: u32, y| x | y),
                Instr::I32Xor(d, a, b) => bin(regs, d, a, b, |x: u32, y| x ^ y),
                Instr::I32Shl(d, a, b) => bin(regs, d, a, b, |x: u32, y| x.wrapping_shl(y)),
                Instr::I32ShrS(d, a, b) => bin(regs, d, a, b, |x: i32, y| x.wrapping_shr(y as u32)),
                Instr::I32ShrU(d, a, b) => bin(regs, d, a, b, |x: u32, y| x.wrapping_shr(y)),
                Instr::I32Rotl(d, a, b) => bin(regs, d, a, b, |x: u32, y| x.rotate_left(y)),
                Instr::I32Rotr(d, a, b) => bin(regs, d, a, b, |x: u32, y| x.rotate_right(y)),
                Instr::I64Add(d, a, b) => bin(regs, d, a, b, u64::wrapping_add),
                Instr::I64Sub(d, a, b) => bin(regs, d, a, b, u64::wrapping_sub),
                Instr::I64Mul(d, a, b) => bin(regs, d, a, b, u64::wrapping_mul),
                Instr::I64DivS(d, a, b) => try_bin(regs, d, a, b, ops::i64_div_s)?,
                Instr::I64DivU(d, a, b) => try_bin(regs, d, a, b, ops::i64_div_u)?,
                Instr::I64RemS(d, a, b) => try_bin(regs, d, a, b, ops::i64_rem_s)?,
                Instr::I64RemU(d, a, b) => try_bin(regs, d, a, b, ops::i64_rem_u)?,
                Instr::I64And(d, a, b) => bin(regs, d, a, b, |x: u64, y| x & y),
                Instr::I64Or(d, a, b) => bin(regs, d, a, b, |x: u64, y| x | y),
                Instr::I64Xor(d, a, b) => bin(regs, d, a, b, |x: u64, y| x ^ y),
                Instr::I64Shl(d, a, b) => bin(regs, d, a, b, |x: u64, y| x.wrapping_shl(y as u32)),
                Instr::I64ShrS(d, a, b) => bin(regs, d, a, b, |x: i64, y| x.wrapping_shr(y as u32)),
                Instr::I64ShrU(d, a, b) => bin(regs, d, a, b, |x: u64, y| x.wrapping_shr(y as u32)),
                Instr::I64Rotl(d, a, b) => bin(regs, d, a, b, |x: u64, y| x.rotate_left((y % 64) as u32)),
                Instr::I64Rotr(d, a, b) => bin(regs, d, a, b, |x: u64, y| x.rotate_right((y % 64) as u32)),
                Instr::F32Add(d, a, b) => bin(regs, d, a, b, |x: f32, y| x + y),
                Instr::F32Sub(d, a, b) => bin(regs, d, a, b, |x: f32, y| x - y),
                Instr::F32Mul(d, a, b) => bin(regs, d, a, b, |x: f32, y| x * y),
                Instr::F32Div(d, a, b) => bin(regs, d, a, b, |x: f32, y| x / y),
                Instr::F32Min(d, a, b) => bin(regs, d, a, b, ops::f32_min),
                Instr::F32Max(d, a, b) => bin(regs, d, a, b, ops::f32_max),
                Instr::F32Copysign(d, a, b) => bin(regs, d, a, b, ops::f32_copysign),
                Instr::F64Add(d, a, b) => bin(regs, d, a, b, |x: f64, y| x + y),
                Instr::F64Sub(d, a, b) => bin(regs, d, a, b, |x: f64, y| x - y),
                Instr::F64Mul(d, a, b) => bin(regs, d, a, b, |x: f64, y| x * y),
                Instr::F64Div(d, a, b) => bin(regs, d, a, b, |x: f64, y| x / y),
                Instr::F64Min(d, a, b) => bin(regs, d, a, b, ops::f64_min),
                Instr::F64Max(d, a, b) => bin(regs, d, a, b, ops::f64_max),
                Instr::F64Copysign(d, a, b) => bin(regs, d, a, b, ops::f64_copysign),
            }
        }
    }
}
