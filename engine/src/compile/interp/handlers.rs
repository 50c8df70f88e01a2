//! One handler per instruction.
//!
//! A handler executes its instruction and then dispatches the next one.
//! With threaded dispatch it calls the next instruction's handler in tail
//! position, which an optimizing compiler turns into a jump: every handler
//! ends in its own indirect jump, so the branch predictor learns each
//! instruction's likely successor, and the instruction pointer, the frame's
//! slots and memory 0's bounds stay in argument registers from one
//! instruction to the next. Where the compiler does not guarantee that jump
//! (an unoptimized build), the same handlers return to a loop instead
//! ([`Dispatch::Loop`](crate::InterpreterDispatch::Loop)).

use super::exec::{Ctx, Flow, Ip, Mem, Regs};
use super::instr::{Instr, NUM_OPCODES, Opcode, ShortSlot, Slot};
use super::ops::{self, Raw};
use super::simd;
use crate::error::TrapCode;

pub(super) type Handler = for<'c, 's> fn(Ip, Regs, Mem, u64, &'c mut Ctx<'s>) -> Flow;

/// The handler of the instruction at `ip`.
#[inline(always)]
pub(super) fn handler<const THREADED: bool>(ip: Ip) -> Handler {
    // SAFETY: `ip` points at an instruction (the dispatch never leaves the
    // code, see `place_and_verify`), and with `repr(u16)` its first two
    // bytes are its opcode.
    let opcode = unsafe { *ip.cast::<u16>() };
    let table: &'static [Handler; NUM_OPCODES] = &Handlers::<THREADED>::TABLE;
    // SAFETY: every opcode is below NUM_OPCODES.
    unsafe { *table.get_unchecked(opcode as usize) }
}

struct Handlers<const THREADED: bool>;

/// Runs the instruction at `ip` (see the module's documentation).
#[inline(always)]
fn dispatch<const THREADED: bool>(ip: Ip, regs: Regs, mem: Mem, acc: u64, ctx: &mut Ctx<'_>) -> Flow {
    if THREADED {
        handler::<THREADED>(ip)(ip, regs, mem, acc, ctx)
    } else {
        ctx.save(ip, regs, mem, acc);
        Flow::Continue
    }
}

/// Dispatches to the target of the branch at `at`. Used in the taken arm
/// of a conditional branch, whose other arm dispatches to the next
/// instruction: two dispatch sites, each predicted on its own. The cold
/// hint only keeps LLVM from merging the arms into a conditional move,
/// which would make the next instruction's address wait for the condition
/// (the branch predictor cannot run ahead of a data dependency); it costs
/// no instruction in either arm.
#[inline(always)]
fn take_branch<const THREADED: bool>(at: Ip, offset: u32, regs: Regs, mem: Mem, acc: u64, ctx: &mut Ctx<'_>) -> Flow {
    std::hint::cold_path();
    dispatch::<THREADED>(branch(at, offset), regs, mem, acc, ctx)
}

/// The instruction after a branch at `at` to the relative target `offset`
/// (`place_and_verify` made targets relative to their instruction).
#[inline(always)]
fn branch(at: Ip, offset: u32) -> Ip {
    // SAFETY: a verified branch target, inside the code.
    unsafe { at.offset(offset as i32 as isize) }
}

/// The `CallInternal` at `at` when `Ctx::try_enter` could not make it:
/// made by `Ctx::enter`, then the callee runs. Out of line, so that only
/// this path needs a stack frame; it takes the handler's own arguments so
/// that the call to it stays a jump.
#[inline(never)]
fn enter_and_dispatch<const THREADED: bool>(at: Ip, _regs: Regs, mem: Mem, acc: u64, ctx: &mut Ctx<'_>) -> Flow {
    // SAFETY: called only by the `CallInternal` handler, with its `at`.
    let Instr::CallInternal(def_index, base) = (unsafe { *at }) else { unreachable!("a CallInternal") };
    // SAFETY: the code does not end after a call (`place_and_verify`).
    let resume = unsafe { at.add(1) };
    if let Err(code) = ctx.enter(resume, def_index, base) {
        return ctx.trap(code);
    }
    let (ip, regs, _, _) = ctx.state();
    dispatch::<THREADED>(ip, regs, mem, acc, ctx)
}

/// Reads the aux word at `ip` and steps over it.
#[inline(always)]
fn aux(ip: &mut Ip) -> (u32, u32, u32) {
    // SAFETY: `place_and_verify` proved that the instructions that read an
    // aux word are followed by one.
    let Instr::Aux(x, y, z) = (unsafe { **ip }) else { unreachable!("verified: an aux word follows") };
    // SAFETY: the code does not end with an aux word (verified), so the
    // next instruction exists.
    *ip = unsafe { ip.add(1) };
    (x, y, z)
}

/// Defines each load width's access, returning the value read as raw
/// bits: the memory type, then the conversions that extend it.
macro_rules! loads {
    ($($name:ident: $ty:ty $(as $to:ty)*;)*) => {
        $(
            #[inline(always)]
            fn $name(mem: Mem, addr: u64, offset: u32) -> Result<u64, TrapCode> {
                Ok(<$ty>::from_le_bytes(mem.load(addr, offset)?) $(as $to)*)
            }
        )*
    };
}

loads! {
    i32_load: u32 as u64;
    i64_load: u64;
    i32_load8_s: i8 as i32 as u32 as u64;
    i32_load8_u: u8 as u64;
    i32_load16_s: i16 as i32 as u32 as u64;
    i32_load16_u: u16 as u64;
    i64_load8_s: i8 as i64 as u64;
    i64_load8_u: u8 as u64;
    i64_load16_s: i16 as i64 as u64;
    i64_load16_u: u16 as u64;
    i64_load32_s: i32 as i64 as u64;
    i64_load32_u: u32 as u64;
}

/// Defines each store width's access, writing the low bytes of `value`.
macro_rules! stores {
    ($($name:ident: $ty:ty;)*) => {
        $(
            #[inline(always)]
            fn $name(mem: Mem, addr: u64, offset: u32, value: u64) -> Result<(), TrapCode> {
                mem.store(addr, offset, (value as $ty).to_le_bytes())
            }
        )*
    };
}

stores! {
    i32_store: u32;
    i64_store: u64;
    i32_store8: u8;
    i32_store16: u16;
    i64_store8: u8;
    i64_store16: u16;
    i64_store32: u32;
}

/// The address of an `…At` access: the wrapping i32 sum of two slots.
#[inline(always)]
fn sum(regs: Regs, a: Slot, b: Slot) -> u64 {
    (regs.get(a) as u32).wrapping_add(regs.get(b) as u32) as u64
}

/// The address of an `…AccAt` access: the wrapping i32 sum of the
/// accumulator and a slot.
#[inline(always)]
fn acc_plus(acc: u64, regs: Regs, b: Slot) -> u64 {
    (acc as u32).wrapping_add(regs.get(b) as u32) as u64
}

#[inline(always)]
fn un<A: Raw, R: Raw>(regs: Regs, d: Slot, a: Slot, f: impl Fn(A) -> R) {
    regs.set(d, f(A::from_raw(regs.get(a))).to_raw());
}

#[inline(always)]
fn bin<A: Raw, R: Raw>(regs: Regs, d: Slot, a: Slot, b: Slot, f: impl Fn(A, A) -> R) {
    regs.set(d, f(A::from_raw(regs.get(a)), A::from_raw(regs.get(b))).to_raw());
}

/// `f` of slots `a` and `b`, for the accumulator.
#[inline(always)]
fn to_acc<A: Raw>(regs: Regs, a: Slot, b: Slot, f: impl Fn(A, A) -> A) -> u64 {
    f(A::from_raw(regs.get(a)), A::from_raw(regs.get(b))).to_raw()
}

/// `f` of the accumulator and slot `b`.
#[inline(always)]
fn with_acc<A: Raw>(acc: u64, regs: Regs, b: Slot, f: impl Fn(A, A) -> A) -> u64 {
    f(A::from_raw(acc), A::from_raw(regs.get(b))).to_raw()
}

/// Whether comparison `f` holds between slots `a` and `b`.
#[inline(always)]
fn holds<A: Raw>(regs: Regs, a: Slot, b: Slot, f: impl Fn(A, A) -> bool) -> bool {
    f(A::from_raw(regs.get(a)), A::from_raw(regs.get(b)))
}

/// `d = d + step` by `add`: the sum's raw bits.
#[inline(always)]
fn stepped<A: Raw>(regs: Regs, d: Slot, step: Slot, add: impl Fn(A, A) -> A) -> u64 {
    let sum = add(A::from_raw(regs.get(d)), A::from_raw(regs.get(step))).to_raw();
    regs.set(d, sum);
    sum
}

/// `d = d + step` by `add`, then whether `compare` holds between the sum
/// and `bound`.
#[inline(always)]
fn step_holds<A: Raw, C: Raw>(
    regs: Regs,
    d: Slot,
    step: Slot,
    bound: ShortSlot,
    add: impl Fn(A, A) -> A,
    compare: impl Fn(C, C) -> bool,
) -> bool {
    let sum = stepped(regs, d, step, add);
    compare(C::from_raw(sum), C::from_raw(regs.get(Slot::from(bound))))
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

/// `result`'s value; or, when it is a trap, the handler stops with it. (Not
/// `?`: a handler returns a one-byte [`Flow`], the only return type with
/// which LLVM keeps the tail call a jump in every handler at `opt-level` 1.)
macro_rules! trap_on_err {
    ($ctx:ident, $result:expr) => {
        match $result {
            Ok(value) => value,
            Err(code) => return $ctx.trap(code),
        }
    };
}

/// Defines a handler function per instruction and the tables that map
/// opcodes to them. The bodies name the handler's state through the
/// identifiers given first (macro hygiene would hide the macro's own):
/// `at` the running instruction, `ip` the next one, `regs` the frame's
/// slots, `mem` memory 0 (or the selected one), `acc` the accumulator and `ctx` everything else;
/// a body may change `ip`, `regs`, `mem` and `acc`, and returns early only
/// to stop or trap.
/// A handler's only tail call is its last expression.
macro_rules! handlers {
    (
        |$at:ident, $ip:ident, $regs:ident, $mem:ident, $acc:ident, $ctx:ident|
        $( $name:ident $(( $($operand:pat),* ))? => $body:expr, )*
    ) => {
        $(
            #[allow(non_snake_case, unused_mut, unused_variables, unused_assignments, unreachable_code, clippy::unit_arg)]
            fn $name<const THREADED: bool>($at: Ip, $regs: Regs, $mem: Mem, $acc: u64, $ctx: &mut Ctx<'_>) -> Flow {
                // SAFETY: the tables call a handler only for its own opcode.
                let Instr::$name $(( $($operand),* ))? = (unsafe { *$at }) else {
                    unsafe { std::hint::unreachable_unchecked() }
                };
                // SAFETY: the code does not end after this instruction
                // unless it cannot fall through (`place_and_verify`).
                let mut $ip = unsafe { $at.add(1) };
                let mut $regs = $regs;
                let mut $mem = $mem;
                let mut $acc = $acc;
                $body;
                dispatch::<THREADED>($ip, $regs, $mem, $acc, $ctx)
            }
        )*

        impl<const THREADED: bool> Handlers<THREADED> {
            const TABLE: [Handler; NUM_OPCODES] = {
                let mut table = [Trap::<THREADED> as Handler; NUM_OPCODES];
                $( table[Opcode::$name as usize] = $name::<THREADED>; )*
                table
            };
        }

        /// A compile error when an instruction has no handler.
        #[allow(dead_code)]
        fn every_instruction_has_a_handler(instr: Instr) {
            match instr {
                $( Instr::$name { .. } => {} )*
            }
        }
    };
}

/// The `CallIndirect` at `at` when the callee cache did not know the
/// callee or `Ctx::try_enter` could not make the call (a host function,
/// another instance's, or a frame that needs the stack grown): checked by
/// `Ctx::indirect_callee` and made by `Ctx::call`, then the callee runs.
/// Out of line for the reason `enter_and_dispatch` is.
#[inline(never)]
fn call_and_dispatch<const THREADED: bool>(at: Ip, regs: Regs, mem: Mem, acc: u64, ctx: &mut Ctx<'_>) -> Flow {
    // SAFETY: called only by the `CallIndirect` handler, with its `at`.
    let Instr::CallIndirect(base, index, ty) = (unsafe { *at }) else { unreachable!("a CallIndirect") };
    // SAFETY: `at` is followed by its aux word (`place_and_verify`).
    let mut ip = unsafe { at.add(1) };
    let (table, _, _) = aux(&mut ip);
    let callee = trap_on_err!(ctx, ctx.indirect_callee(table, regs.get(index) as u32, ty));
    if let Some(stop) = trap_on_err!(ctx, ctx.call(ip, mem, callee, base)) {
        return stop;
    }
    let (ip, regs, mem, _) = ctx.state();
    dispatch::<THREADED>(ip, regs, mem, acc, ctx)
}

/// The first `N` 32-bit slot operands after the opcode of an instruction
/// declared with at least `N` (`repr(u16)` puts them at bytes 4, 8 and
/// 12). Only declared operands are read: past them lie padding bytes,
/// which are not initialized.
#[inline(always)]
fn slots<const N: usize>(at: Ip) -> [Slot; N] {
    let words = at.cast::<u32>();
    // SAFETY: `at` points at a whole 16-byte instruction (see `handler`)
    // whose first `N` operands are slots (the caller's declaration).
    std::array::from_fn(|i| unsafe { *words.add(1 + i) })
}

/// Defines the appliers of lane-wise SIMD instructions: each executes the
/// instruction at `at` and then dispatches the next one itself. Its handler
/// jumps to it with its own arguments (and the operator, a function item
/// of no size): the lane arrays live in the applier, which needs no frame
/// for them at opt-level 2 and above (`engine/build.rs`), and no call
/// returns to the handler, which would need one to keep the dispatch state.
macro_rules! vector_appliers {
    ($(
        $(#[$doc:meta])*
        $name:ident($($operator:ident: $ty:ty),*) = |$regs:ident, $operands:pat_param| $body:expr;
    )*) => {$(
        $(#[$doc])*
        #[inline(never)]
        fn $name<const THREADED: bool>(
            at: Ip,
            $regs: Regs,
            mem: Mem,
            acc: u64,
            ctx: &mut Ctx<'_>,
            $($operator: $ty),*
        ) -> Flow {
            let $operands = slots(at);
            $body;
            // SAFETY: a SIMD instruction is never the code's last
            // (`place_and_verify`).
            dispatch::<THREADED>(unsafe { at.add(1) }, $regs, mem, acc, ctx)
        }
    )*};
}

vector_appliers! {
    /// `(dst, a)`: `dst = f(a)`.
    vector_unary(f: impl Fn(simd::V128) -> simd::V128) = |regs, [d, a]| regs.set_lanes(d, f(regs.get_lanes(a)));
    /// `(dst, a, b)`: `dst = f(a, b)`.
    vector_binary(f: impl Fn(simd::V128, simd::V128) -> simd::V128) =
        |regs, [d, a, b]| regs.set_lanes(d, f(regs.get_lanes(a), regs.get_lanes(b)));
    /// `(a, b, c)`: `a = f(a, b, c)`.
    vector_ternary(f: impl Fn(simd::V128, simd::V128, simd::V128) -> simd::V128) =
        |regs, [a, b, c]| regs.set_lanes(a, f(regs.get_lanes(a), regs.get_lanes(b), regs.get_lanes(c)));
    /// `(dst, a, count)`: `dst = f(a, count)`.
    vector_shift(f: impl Fn(simd::V128, u32) -> simd::V128) =
        |regs, [d, a, n]| regs.set_lanes(d, f(regs.get_lanes(a), regs.get(n) as u32));
    /// `(dst, a)`: the scalar `dst = f(a)` (whole-vector tests, bitmasks).
    vector_test(f: impl Fn(simd::V128) -> u32) = |regs, [d, a]| regs.set(d, u64::from(f(regs.get_lanes(a))));
}

handlers! {
    |at, ip, regs, mem, acc, ctx|
    Trap(code) => return ctx.trap(code),
    Fuel(amount) => {
        let amount = amount as u64;
        if ctx.store.fuel < amount {
            ctx.store.fuel = 0;
            return ctx.trap(TrapCode::OutOfFuel);
        }
        ctx.store.fuel -= amount;
    },
    Cover(region) => {
        if let Some(c) = &ctx.function().coverage {
            c.hit(region);
        }
    },
    Br(target) => ip = branch(at, target),
    BrIfNez(c, target) => {
        if regs.get(c) as u32 != 0 {
            return take_branch::<THREADED>(at, target, regs, mem, acc, ctx);
        }
    },
    BrIfEqz(c, target) => {
        if regs.get(c) as u32 == 0 {
            return take_branch::<THREADED>(at, target, regs, mem, acc, ctx);
        }
    },
    BrI32Eq(a, b, target) => {
        if holds(regs, a, b, ops::i32_eq) {
            return take_branch::<THREADED>(at, target, regs, mem, acc, ctx);
        }
    },
    BrI32Ne(a, b, target) => {
        if holds(regs, a, b, ops::i32_ne) {
            return take_branch::<THREADED>(at, target, regs, mem, acc, ctx);
        }
    },
    BrI32LtS(a, b, target) => {
        if holds(regs, a, b, ops::i32_lt_s) {
            return take_branch::<THREADED>(at, target, regs, mem, acc, ctx);
        }
    },
    BrI32LtU(a, b, target) => {
        if holds(regs, a, b, ops::i32_lt_u) {
            return take_branch::<THREADED>(at, target, regs, mem, acc, ctx);
        }
    },
    BrI32GtS(a, b, target) => {
        if holds(regs, a, b, ops::i32_gt_s) {
            return take_branch::<THREADED>(at, target, regs, mem, acc, ctx);
        }
    },
    BrI32GtU(a, b, target) => {
        if holds(regs, a, b, ops::i32_gt_u) {
            return take_branch::<THREADED>(at, target, regs, mem, acc, ctx);
        }
    },
    BrI32LeS(a, b, target) => {
        if holds(regs, a, b, ops::i32_le_s) {
            return take_branch::<THREADED>(at, target, regs, mem, acc, ctx);
        }
    },
    BrI32LeU(a, b, target) => {
        if holds(regs, a, b, ops::i32_le_u) {
            return take_branch::<THREADED>(at, target, regs, mem, acc, ctx);
        }
    },
    BrI32GeS(a, b, target) => {
        if holds(regs, a, b, ops::i32_ge_s) {
            return take_branch::<THREADED>(at, target, regs, mem, acc, ctx);
        }
    },
    BrI32GeU(a, b, target) => {
        if holds(regs, a, b, ops::i32_ge_u) {
            return take_branch::<THREADED>(at, target, regs, mem, acc, ctx);
        }
    },
    BrI64Eq(a, b, target) => {
        if holds(regs, a, b, ops::i64_eq) {
            return take_branch::<THREADED>(at, target, regs, mem, acc, ctx);
        }
    },
    BrI64Ne(a, b, target) => {
        if holds(regs, a, b, ops::i64_ne) {
            return take_branch::<THREADED>(at, target, regs, mem, acc, ctx);
        }
    },
    BrI64LtS(a, b, target) => {
        if holds(regs, a, b, ops::i64_lt_s) {
            return take_branch::<THREADED>(at, target, regs, mem, acc, ctx);
        }
    },
    BrI64LtU(a, b, target) => {
        if holds(regs, a, b, ops::i64_lt_u) {
            return take_branch::<THREADED>(at, target, regs, mem, acc, ctx);
        }
    },
    BrI64GtS(a, b, target) => {
        if holds(regs, a, b, ops::i64_gt_s) {
            return take_branch::<THREADED>(at, target, regs, mem, acc, ctx);
        }
    },
    BrI64GtU(a, b, target) => {
        if holds(regs, a, b, ops::i64_gt_u) {
            return take_branch::<THREADED>(at, target, regs, mem, acc, ctx);
        }
    },
    BrI64LeS(a, b, target) => {
        if holds(regs, a, b, ops::i64_le_s) {
            return take_branch::<THREADED>(at, target, regs, mem, acc, ctx);
        }
    },
    BrI64LeU(a, b, target) => {
        if holds(regs, a, b, ops::i64_le_u) {
            return take_branch::<THREADED>(at, target, regs, mem, acc, ctx);
        }
    },
    BrI64GeS(a, b, target) => {
        if holds(regs, a, b, ops::i64_ge_s) {
            return take_branch::<THREADED>(at, target, regs, mem, acc, ctx);
        }
    },
    BrI64GeU(a, b, target) => {
        if holds(regs, a, b, ops::i64_ge_u) {
            return take_branch::<THREADED>(at, target, regs, mem, acc, ctx);
        }
    },
    BrI32StepNez(d, step, target) => {
        if stepped(regs, d, step, ops::i32_add) != 0 {
            return take_branch::<THREADED>(at, target, regs, mem, acc, ctx);
        }
    },
    BrI32StepEqz(d, step, target) => {
        if stepped(regs, d, step, ops::i32_add) == 0 {
            return take_branch::<THREADED>(at, target, regs, mem, acc, ctx);
        }
    },
    BrI32StepEq(bound, d, step, target) => {
        if step_holds(regs, d, step, bound, ops::i32_add, ops::i32_eq) {
            return take_branch::<THREADED>(at, target, regs, mem, acc, ctx);
        }
    },
    BrI32StepNe(bound, d, step, target) => {
        if step_holds(regs, d, step, bound, ops::i32_add, ops::i32_ne) {
            return take_branch::<THREADED>(at, target, regs, mem, acc, ctx);
        }
    },
    BrI32StepLtS(bound, d, step, target) => {
        if step_holds(regs, d, step, bound, ops::i32_add, ops::i32_lt_s) {
            return take_branch::<THREADED>(at, target, regs, mem, acc, ctx);
        }
    },
    BrI32StepLtU(bound, d, step, target) => {
        if step_holds(regs, d, step, bound, ops::i32_add, ops::i32_lt_u) {
            return take_branch::<THREADED>(at, target, regs, mem, acc, ctx);
        }
    },
    BrI32StepGtS(bound, d, step, target) => {
        if step_holds(regs, d, step, bound, ops::i32_add, ops::i32_gt_s) {
            return take_branch::<THREADED>(at, target, regs, mem, acc, ctx);
        }
    },
    BrI32StepGtU(bound, d, step, target) => {
        if step_holds(regs, d, step, bound, ops::i32_add, ops::i32_gt_u) {
            return take_branch::<THREADED>(at, target, regs, mem, acc, ctx);
        }
    },
    BrI32StepLeS(bound, d, step, target) => {
        if step_holds(regs, d, step, bound, ops::i32_add, ops::i32_le_s) {
            return take_branch::<THREADED>(at, target, regs, mem, acc, ctx);
        }
    },
    BrI32StepLeU(bound, d, step, target) => {
        if step_holds(regs, d, step, bound, ops::i32_add, ops::i32_le_u) {
            return take_branch::<THREADED>(at, target, regs, mem, acc, ctx);
        }
    },
    BrI32StepGeS(bound, d, step, target) => {
        if step_holds(regs, d, step, bound, ops::i32_add, ops::i32_ge_s) {
            return take_branch::<THREADED>(at, target, regs, mem, acc, ctx);
        }
    },
    BrI32StepGeU(bound, d, step, target) => {
        if step_holds(regs, d, step, bound, ops::i32_add, ops::i32_ge_u) {
            return take_branch::<THREADED>(at, target, regs, mem, acc, ctx);
        }
    },
    BrI64StepEq(bound, d, step, target) => {
        if step_holds(regs, d, step, bound, ops::i64_add, ops::i64_eq) {
            return take_branch::<THREADED>(at, target, regs, mem, acc, ctx);
        }
    },
    BrI64StepNe(bound, d, step, target) => {
        if step_holds(regs, d, step, bound, ops::i64_add, ops::i64_ne) {
            return take_branch::<THREADED>(at, target, regs, mem, acc, ctx);
        }
    },
    BrI64StepLtS(bound, d, step, target) => {
        if step_holds(regs, d, step, bound, ops::i64_add, ops::i64_lt_s) {
            return take_branch::<THREADED>(at, target, regs, mem, acc, ctx);
        }
    },
    BrI64StepLtU(bound, d, step, target) => {
        if step_holds(regs, d, step, bound, ops::i64_add, ops::i64_lt_u) {
            return take_branch::<THREADED>(at, target, regs, mem, acc, ctx);
        }
    },
    BrI64StepGtS(bound, d, step, target) => {
        if step_holds(regs, d, step, bound, ops::i64_add, ops::i64_gt_s) {
            return take_branch::<THREADED>(at, target, regs, mem, acc, ctx);
        }
    },
    BrI64StepGtU(bound, d, step, target) => {
        if step_holds(regs, d, step, bound, ops::i64_add, ops::i64_gt_u) {
            return take_branch::<THREADED>(at, target, regs, mem, acc, ctx);
        }
    },
    BrI64StepLeS(bound, d, step, target) => {
        if step_holds(regs, d, step, bound, ops::i64_add, ops::i64_le_s) {
            return take_branch::<THREADED>(at, target, regs, mem, acc, ctx);
        }
    },
    BrI64StepLeU(bound, d, step, target) => {
        if step_holds(regs, d, step, bound, ops::i64_add, ops::i64_le_u) {
            return take_branch::<THREADED>(at, target, regs, mem, acc, ctx);
        }
    },
    BrI64StepGeS(bound, d, step, target) => {
        if step_holds(regs, d, step, bound, ops::i64_add, ops::i64_ge_s) {
            return take_branch::<THREADED>(at, target, regs, mem, acc, ctx);
        }
    },
    BrI64StepGeU(bound, d, step, target) => {
        if step_holds(regs, d, step, bound, ops::i64_add, ops::i64_ge_u) {
            return take_branch::<THREADED>(at, target, regs, mem, acc, ctx);
        }
    },
    CopyBr(d, s, target) => {
        regs.set(d, regs.get(s));
        ip = branch(at, target);
    },
    BrTable(index, len) => {
        // SAFETY: the table's `len + 1` entries follow, each a `Br`
        // (`place_and_verify`).
        let entry = unsafe { ip.add((regs.get(index) as u32).min(len) as usize) };
        // SAFETY: as above.
        let Instr::Br(offset) = (unsafe { *entry }) else { unsafe { std::hint::unreachable_unchecked() } };
        ip = branch(entry, offset);
    },
    Return => {
        let Some(caller) = ctx.leave(mem) else { return Flow::Done };
        (ip, regs, mem) = caller;
    },
    ReturnFrom(first) => {
        if ctx.function().num_results == 1 {
            regs.set(0, regs.get(first));
        } else {
            for i in 0..ctx.function().num_results {
                regs.set(i, regs.get(first + i));
            }
        }
        let Some(caller) = ctx.leave(mem) else { return Flow::Done };
        (ip, regs, mem) = caller;
    },
    ReturnOne(value) => {
        regs.set(0, regs.get(value));
        let Some(caller) = ctx.leave(mem) else { return Flow::Done };
        (ip, regs, mem) = caller;
    },
    CallInternal(def_index, base) => {
        (ip, regs) = match ctx.try_enter(ip, def_index, base) {
            Some(callee) => callee,
            None => return enter_and_dispatch::<THREADED>(at, regs, mem, acc, ctx),
        }
    },
    Call(func, base) => {
        let index = ctx.store.instances[ctx.inst as usize].funcs[func as usize];
        if let Some(stop) = trap_on_err!(ctx, ctx.call(ip, mem, index, base)) {
            return stop;
        }
        (ip, regs, mem, _) = ctx.state();
    },
    CallIndirect(base, index, ty) => {
        let (table, _, _) = aux(&mut ip);
        (ip, regs) = match ctx.cached_callee(table, regs.get(index) as u32, ty).and_then(|def_index| ctx.try_enter(ip, def_index, base)) {
            Some(entered) => entered,
            None => return call_and_dispatch::<THREADED>(at, regs, mem, acc, ctx),
        }
    },
    Aux(_, _, _) => unreachable!("aux words are skipped by their instruction"),

    Copy(d, s) => regs.set(d, regs.get(s)),
    Const64(d, v) => regs.set(d, v),
    Select(a, b, c) => {
        if regs.get(c) as u32 == 0 {
            regs.set(a, regs.get(b));
        }
    },
    GlobalGet(d, g) => regs.set(d, ctx.vm.global(g).read()),
    GlobalSet(g, s) => ctx.vm.global(g).write(regs.get(s)),
    SelectV128(a, b, c) => {
        if regs.get(c) as u32 == 0 {
            regs.set_v128(a, regs.get_v128(b));
        }
    },
    GlobalGetV128(d, g) => regs.set_v128(d, ctx.vm.global(g).read_v128()),
    GlobalSetV128(g, s) => ctx.vm.global(g).write_v128(regs.get_v128(s)),

    I32Load(d, a, o) => regs.set(d, trap_on_err!(ctx, i32_load(mem, regs.get(a), o))),
    I32LoadAt(d, a, b) => regs.set(d, trap_on_err!(ctx, i32_load(mem, sum(regs, a, b), 0))),
    I32LoadAccAt(d, b) => regs.set(d, trap_on_err!(ctx, i32_load(mem, acc_plus(acc, regs, b), 0))),
    I32LoadA(a, o) => acc = trap_on_err!(ctx, i32_load(mem, regs.get(a), o)),
    I32LoadAtA(a, b) => acc = trap_on_err!(ctx, i32_load(mem, sum(regs, a, b), 0)),
    I32LoadAccAtA(b) => acc = trap_on_err!(ctx, i32_load(mem, acc_plus(acc, regs, b), 0)),
    I64Load(d, a, o) => regs.set(d, trap_on_err!(ctx, i64_load(mem, regs.get(a), o))),
    I64LoadAt(d, a, b) => regs.set(d, trap_on_err!(ctx, i64_load(mem, sum(regs, a, b), 0))),
    I64LoadAccAt(d, b) => regs.set(d, trap_on_err!(ctx, i64_load(mem, acc_plus(acc, regs, b), 0))),
    I64LoadA(a, o) => acc = trap_on_err!(ctx, i64_load(mem, regs.get(a), o)),
    I64LoadAtA(a, b) => acc = trap_on_err!(ctx, i64_load(mem, sum(regs, a, b), 0)),
    I64LoadAccAtA(b) => acc = trap_on_err!(ctx, i64_load(mem, acc_plus(acc, regs, b), 0)),
    I32Load8S(d, a, o) => regs.set(d, trap_on_err!(ctx, i32_load8_s(mem, regs.get(a), o))),
    I32Load8SAt(d, a, b) => regs.set(d, trap_on_err!(ctx, i32_load8_s(mem, sum(regs, a, b), 0))),
    I32Load8SAccAt(d, b) => regs.set(d, trap_on_err!(ctx, i32_load8_s(mem, acc_plus(acc, regs, b), 0))),
    I32Load8SA(a, o) => acc = trap_on_err!(ctx, i32_load8_s(mem, regs.get(a), o)),
    I32Load8SAtA(a, b) => acc = trap_on_err!(ctx, i32_load8_s(mem, sum(regs, a, b), 0)),
    I32Load8SAccAtA(b) => acc = trap_on_err!(ctx, i32_load8_s(mem, acc_plus(acc, regs, b), 0)),
    I32Load8U(d, a, o) => regs.set(d, trap_on_err!(ctx, i32_load8_u(mem, regs.get(a), o))),
    I32Load8UAt(d, a, b) => regs.set(d, trap_on_err!(ctx, i32_load8_u(mem, sum(regs, a, b), 0))),
    I32Load8UAccAt(d, b) => regs.set(d, trap_on_err!(ctx, i32_load8_u(mem, acc_plus(acc, regs, b), 0))),
    I32Load8UA(a, o) => acc = trap_on_err!(ctx, i32_load8_u(mem, regs.get(a), o)),
    I32Load8UAtA(a, b) => acc = trap_on_err!(ctx, i32_load8_u(mem, sum(regs, a, b), 0)),
    I32Load8UAccAtA(b) => acc = trap_on_err!(ctx, i32_load8_u(mem, acc_plus(acc, regs, b), 0)),
    I32Load16S(d, a, o) => regs.set(d, trap_on_err!(ctx, i32_load16_s(mem, regs.get(a), o))),
    I32Load16SAt(d, a, b) => regs.set(d, trap_on_err!(ctx, i32_load16_s(mem, sum(regs, a, b), 0))),
    I32Load16SAccAt(d, b) => regs.set(d, trap_on_err!(ctx, i32_load16_s(mem, acc_plus(acc, regs, b), 0))),
    I32Load16SA(a, o) => acc = trap_on_err!(ctx, i32_load16_s(mem, regs.get(a), o)),
    I32Load16SAtA(a, b) => acc = trap_on_err!(ctx, i32_load16_s(mem, sum(regs, a, b), 0)),
    I32Load16SAccAtA(b) => acc = trap_on_err!(ctx, i32_load16_s(mem, acc_plus(acc, regs, b), 0)),
    I32Load16U(d, a, o) => regs.set(d, trap_on_err!(ctx, i32_load16_u(mem, regs.get(a), o))),
    I32Load16UAt(d, a, b) => regs.set(d, trap_on_err!(ctx, i32_load16_u(mem, sum(regs, a, b), 0))),
    I32Load16UAccAt(d, b) => regs.set(d, trap_on_err!(ctx, i32_load16_u(mem, acc_plus(acc, regs, b), 0))),
    I32Load16UA(a, o) => acc = trap_on_err!(ctx, i32_load16_u(mem, regs.get(a), o)),
    I32Load16UAtA(a, b) => acc = trap_on_err!(ctx, i32_load16_u(mem, sum(regs, a, b), 0)),
    I32Load16UAccAtA(b) => acc = trap_on_err!(ctx, i32_load16_u(mem, acc_plus(acc, regs, b), 0)),
    I64Load8S(d, a, o) => regs.set(d, trap_on_err!(ctx, i64_load8_s(mem, regs.get(a), o))),
    I64Load8SAt(d, a, b) => regs.set(d, trap_on_err!(ctx, i64_load8_s(mem, sum(regs, a, b), 0))),
    I64Load8SAccAt(d, b) => regs.set(d, trap_on_err!(ctx, i64_load8_s(mem, acc_plus(acc, regs, b), 0))),
    I64Load8SA(a, o) => acc = trap_on_err!(ctx, i64_load8_s(mem, regs.get(a), o)),
    I64Load8SAtA(a, b) => acc = trap_on_err!(ctx, i64_load8_s(mem, sum(regs, a, b), 0)),
    I64Load8SAccAtA(b) => acc = trap_on_err!(ctx, i64_load8_s(mem, acc_plus(acc, regs, b), 0)),
    I64Load8U(d, a, o) => regs.set(d, trap_on_err!(ctx, i64_load8_u(mem, regs.get(a), o))),
    I64Load8UAt(d, a, b) => regs.set(d, trap_on_err!(ctx, i64_load8_u(mem, sum(regs, a, b), 0))),
    I64Load8UAccAt(d, b) => regs.set(d, trap_on_err!(ctx, i64_load8_u(mem, acc_plus(acc, regs, b), 0))),
    I64Load8UA(a, o) => acc = trap_on_err!(ctx, i64_load8_u(mem, regs.get(a), o)),
    I64Load8UAtA(a, b) => acc = trap_on_err!(ctx, i64_load8_u(mem, sum(regs, a, b), 0)),
    I64Load8UAccAtA(b) => acc = trap_on_err!(ctx, i64_load8_u(mem, acc_plus(acc, regs, b), 0)),
    I64Load16S(d, a, o) => regs.set(d, trap_on_err!(ctx, i64_load16_s(mem, regs.get(a), o))),
    I64Load16SAt(d, a, b) => regs.set(d, trap_on_err!(ctx, i64_load16_s(mem, sum(regs, a, b), 0))),
    I64Load16SAccAt(d, b) => regs.set(d, trap_on_err!(ctx, i64_load16_s(mem, acc_plus(acc, regs, b), 0))),
    I64Load16SA(a, o) => acc = trap_on_err!(ctx, i64_load16_s(mem, regs.get(a), o)),
    I64Load16SAtA(a, b) => acc = trap_on_err!(ctx, i64_load16_s(mem, sum(regs, a, b), 0)),
    I64Load16SAccAtA(b) => acc = trap_on_err!(ctx, i64_load16_s(mem, acc_plus(acc, regs, b), 0)),
    I64Load16U(d, a, o) => regs.set(d, trap_on_err!(ctx, i64_load16_u(mem, regs.get(a), o))),
    I64Load16UAt(d, a, b) => regs.set(d, trap_on_err!(ctx, i64_load16_u(mem, sum(regs, a, b), 0))),
    I64Load16UAccAt(d, b) => regs.set(d, trap_on_err!(ctx, i64_load16_u(mem, acc_plus(acc, regs, b), 0))),
    I64Load16UA(a, o) => acc = trap_on_err!(ctx, i64_load16_u(mem, regs.get(a), o)),
    I64Load16UAtA(a, b) => acc = trap_on_err!(ctx, i64_load16_u(mem, sum(regs, a, b), 0)),
    I64Load16UAccAtA(b) => acc = trap_on_err!(ctx, i64_load16_u(mem, acc_plus(acc, regs, b), 0)),
    I64Load32S(d, a, o) => regs.set(d, trap_on_err!(ctx, i64_load32_s(mem, regs.get(a), o))),
    I64Load32SAt(d, a, b) => regs.set(d, trap_on_err!(ctx, i64_load32_s(mem, sum(regs, a, b), 0))),
    I64Load32SAccAt(d, b) => regs.set(d, trap_on_err!(ctx, i64_load32_s(mem, acc_plus(acc, regs, b), 0))),
    I64Load32SA(a, o) => acc = trap_on_err!(ctx, i64_load32_s(mem, regs.get(a), o)),
    I64Load32SAtA(a, b) => acc = trap_on_err!(ctx, i64_load32_s(mem, sum(regs, a, b), 0)),
    I64Load32SAccAtA(b) => acc = trap_on_err!(ctx, i64_load32_s(mem, acc_plus(acc, regs, b), 0)),
    I64Load32U(d, a, o) => regs.set(d, trap_on_err!(ctx, i64_load32_u(mem, regs.get(a), o))),
    I64Load32UAt(d, a, b) => regs.set(d, trap_on_err!(ctx, i64_load32_u(mem, sum(regs, a, b), 0))),
    I64Load32UAccAt(d, b) => regs.set(d, trap_on_err!(ctx, i64_load32_u(mem, acc_plus(acc, regs, b), 0))),
    I64Load32UA(a, o) => acc = trap_on_err!(ctx, i64_load32_u(mem, regs.get(a), o)),
    I64Load32UAtA(a, b) => acc = trap_on_err!(ctx, i64_load32_u(mem, sum(regs, a, b), 0)),
    I64Load32UAccAtA(b) => acc = trap_on_err!(ctx, i64_load32_u(mem, acc_plus(acc, regs, b), 0)),
    I32Store(a, v, o) => trap_on_err!(ctx, i32_store(mem, regs.get(a), o, regs.get(v))),
    I32StoreAt(a, b, v) => trap_on_err!(ctx, i32_store(mem, sum(regs, a, b), 0, regs.get(v))),
    I32StoreAccAt(b, v) => trap_on_err!(ctx, i32_store(mem, acc_plus(acc, regs, b), 0, regs.get(v))),
    I32StoreAcc(a, o) => trap_on_err!(ctx, i32_store(mem, regs.get(a), o, acc)),
    I32StoreAtAcc(a, b) => trap_on_err!(ctx, i32_store(mem, sum(regs, a, b), 0, acc)),
    I64Store(a, v, o) => trap_on_err!(ctx, i64_store(mem, regs.get(a), o, regs.get(v))),
    I64StoreAt(a, b, v) => trap_on_err!(ctx, i64_store(mem, sum(regs, a, b), 0, regs.get(v))),
    I64StoreAccAt(b, v) => trap_on_err!(ctx, i64_store(mem, acc_plus(acc, regs, b), 0, regs.get(v))),
    I64StoreAcc(a, o) => trap_on_err!(ctx, i64_store(mem, regs.get(a), o, acc)),
    I64StoreAtAcc(a, b) => trap_on_err!(ctx, i64_store(mem, sum(regs, a, b), 0, acc)),
    I32Store8(a, v, o) => trap_on_err!(ctx, i32_store8(mem, regs.get(a), o, regs.get(v))),
    I32Store8At(a, b, v) => trap_on_err!(ctx, i32_store8(mem, sum(regs, a, b), 0, regs.get(v))),
    I32Store8AccAt(b, v) => trap_on_err!(ctx, i32_store8(mem, acc_plus(acc, regs, b), 0, regs.get(v))),
    I32Store8Acc(a, o) => trap_on_err!(ctx, i32_store8(mem, regs.get(a), o, acc)),
    I32Store8AtAcc(a, b) => trap_on_err!(ctx, i32_store8(mem, sum(regs, a, b), 0, acc)),
    I32Store16(a, v, o) => trap_on_err!(ctx, i32_store16(mem, regs.get(a), o, regs.get(v))),
    I32Store16At(a, b, v) => trap_on_err!(ctx, i32_store16(mem, sum(regs, a, b), 0, regs.get(v))),
    I32Store16AccAt(b, v) => trap_on_err!(ctx, i32_store16(mem, acc_plus(acc, regs, b), 0, regs.get(v))),
    I32Store16Acc(a, o) => trap_on_err!(ctx, i32_store16(mem, regs.get(a), o, acc)),
    I32Store16AtAcc(a, b) => trap_on_err!(ctx, i32_store16(mem, sum(regs, a, b), 0, acc)),
    I64Store8(a, v, o) => trap_on_err!(ctx, i64_store8(mem, regs.get(a), o, regs.get(v))),
    I64Store8At(a, b, v) => trap_on_err!(ctx, i64_store8(mem, sum(regs, a, b), 0, regs.get(v))),
    I64Store8AccAt(b, v) => trap_on_err!(ctx, i64_store8(mem, acc_plus(acc, regs, b), 0, regs.get(v))),
    I64Store8Acc(a, o) => trap_on_err!(ctx, i64_store8(mem, regs.get(a), o, acc)),
    I64Store8AtAcc(a, b) => trap_on_err!(ctx, i64_store8(mem, sum(regs, a, b), 0, acc)),
    I64Store16(a, v, o) => trap_on_err!(ctx, i64_store16(mem, regs.get(a), o, regs.get(v))),
    I64Store16At(a, b, v) => trap_on_err!(ctx, i64_store16(mem, sum(regs, a, b), 0, regs.get(v))),
    I64Store16AccAt(b, v) => trap_on_err!(ctx, i64_store16(mem, acc_plus(acc, regs, b), 0, regs.get(v))),
    I64Store16Acc(a, o) => trap_on_err!(ctx, i64_store16(mem, regs.get(a), o, acc)),
    I64Store16AtAcc(a, b) => trap_on_err!(ctx, i64_store16(mem, sum(regs, a, b), 0, acc)),
    I64Store32(a, v, o) => trap_on_err!(ctx, i64_store32(mem, regs.get(a), o, regs.get(v))),
    I64Store32At(a, b, v) => trap_on_err!(ctx, i64_store32(mem, sum(regs, a, b), 0, regs.get(v))),
    I64Store32AccAt(b, v) => trap_on_err!(ctx, i64_store32(mem, acc_plus(acc, regs, b), 0, regs.get(v))),
    I64Store32Acc(a, o) => trap_on_err!(ctx, i64_store32(mem, regs.get(a), o, acc)),
    I64Store32AtAcc(a, b) => trap_on_err!(ctx, i64_store32(mem, sum(regs, a, b), 0, acc)),
    SelectMemory(memory) => mem = ctx.vm.memory_at(memory),
    MemorySize(d, memory) => regs.set(d, ctx.vm.memory_at(memory).len as u64 / 65536),
    MemoryGrow(d, memory) => {
        let delta = regs.get(d) as u32 as u64;
        regs.set(d, ctx.store.memory_grow(ctx.inst, memory, delta));
        // Memory 0 too when it is the one grown (or imported twice).
        mem = ctx.vm.memory();
    },
    MemoryFill(d, v, n) => {
        let (memory, _, _) = aux(&mut ip);
        trap_on_err!(ctx, ctx.store.memory_fill(ctx.inst, memory, regs.get(d), regs.get(v), regs.get(n)))
    },
    MemoryCopy(d, s, n) => {
        let (dst_memory, src_memory, _) = aux(&mut ip);
        let (d, s, n) = (regs.get(d), regs.get(s), regs.get(n));
        trap_on_err!(ctx, ctx.store.memory_copy(ctx.inst, dst_memory, src_memory, d, s, n))
    },
    MemoryInit(d, s, n) => {
        let (seg, memory, _) = aux(&mut ip);
        trap_on_err!(ctx, ctx.store.memory_init(ctx.inst, memory, seg, regs.get(d), regs.get(s), regs.get(n)))
    },
    DataDrop(seg) => ctx.store.data_drop(ctx.inst, seg),

    TableGet(d, i, t) => regs.set(d, trap_on_err!(ctx, ctx.store.table_get(ctx.inst, t, regs.get(i)))),
    TableSet(i, v, t) => trap_on_err!(ctx, ctx.store.table_set(ctx.inst, t, regs.get(i), regs.get(v))),
    TableSize(d, t) => regs.set(d, ctx.store.table_size(ctx.inst, t)),
    TableGrow(d, n, t) => regs.set(d, ctx.store.table_grow(ctx.inst, t, regs.get(d), regs.get(n))),
    TableFill(i, v, n) => {
        let (t, _, _) = aux(&mut ip);
        trap_on_err!(ctx, ctx.store.table_fill(ctx.inst, t, regs.get(i), regs.get(v), regs.get(n)))
    },
    TableCopy(d, s, n) => {
        let (dt, st, _) = aux(&mut ip);
        trap_on_err!(ctx, ctx.store.table_copy(ctx.inst, dt, st, regs.get(d), regs.get(s), regs.get(n)))
    },
    TableInit(d, s, n) => {
        let (t, seg, _) = aux(&mut ip);
        trap_on_err!(ctx, ctx.store.table_init(ctx.inst, t, seg, regs.get(d), regs.get(s), regs.get(n)))
    },
    ElemDrop(seg) => ctx.store.elem_drop(ctx.inst, seg),
    RefIsNull(d, a) => regs.set(d, (regs.get(a) == 0) as u64),
    RefFunc(d, f) => regs.set(d, ctx.store.ref_func(ctx.inst, f)),

    I32Eqz(d, a) => un(regs, d, a, |x: u32| x == 0),
    I64Eqz(d, a) => un(regs, d, a, |x: u64| x == 0),
    I32Clz(d, a) => un(regs, d, a, u32::leading_zeros),
    I32Ctz(d, a) => un(regs, d, a, u32::trailing_zeros),
    I32Popcnt(d, a) => un(regs, d, a, u32::count_ones),
    I64Clz(d, a) => un(regs, d, a, |x: u64| x.leading_zeros() as u64),
    I64Ctz(d, a) => un(regs, d, a, |x: u64| x.trailing_zeros() as u64),
    I64Popcnt(d, a) => un(regs, d, a, |x: u64| x.count_ones() as u64),
    F32Abs(d, a) => un(regs, d, a, ops::f32_abs),
    F32Neg(d, a) => un(regs, d, a, ops::f32_neg),
    F32Ceil(d, a) => un(regs, d, a, ops::f32_ceil),
    F32Floor(d, a) => un(regs, d, a, ops::f32_floor),
    F32Trunc(d, a) => un(regs, d, a, ops::f32_trunc),
    F32Nearest(d, a) => un(regs, d, a, ops::f32_nearest),
    F32Sqrt(d, a) => un(regs, d, a, ops::f32_sqrt),
    F64Abs(d, a) => un(regs, d, a, ops::f64_abs),
    F64Neg(d, a) => un(regs, d, a, ops::f64_neg),
    F64Ceil(d, a) => un(regs, d, a, ops::f64_ceil),
    F64Floor(d, a) => un(regs, d, a, ops::f64_floor),
    F64Trunc(d, a) => un(regs, d, a, ops::f64_trunc),
    F64Nearest(d, a) => un(regs, d, a, ops::f64_nearest),
    F64Sqrt(d, a) => un(regs, d, a, ops::f64_sqrt),
    I32WrapI64(d, a) => un(regs, d, a, |x: u64| x as u32),
    I32TruncF32S(d, a) => trap_on_err!(ctx, try_un(regs, d, a, ops::i32_trunc_f32_s)),
    I32TruncF32U(d, a) => trap_on_err!(ctx, try_un(regs, d, a, ops::i32_trunc_f32_u)),
    I32TruncF64S(d, a) => trap_on_err!(ctx, try_un(regs, d, a, ops::i32_trunc_f64_s)),
    I32TruncF64U(d, a) => trap_on_err!(ctx, try_un(regs, d, a, ops::i32_trunc_f64_u)),
    I64ExtendI32S(d, a) => un(regs, d, a, |x: i32| x as i64),
    I64ExtendI32U(d, a) => un(regs, d, a, |x: u32| x as u64),
    I64TruncF32S(d, a) => trap_on_err!(ctx, try_un(regs, d, a, ops::i64_trunc_f32_s)),
    I64TruncF32U(d, a) => trap_on_err!(ctx, try_un(regs, d, a, ops::i64_trunc_f32_u)),
    I64TruncF64S(d, a) => trap_on_err!(ctx, try_un(regs, d, a, ops::i64_trunc_f64_s)),
    I64TruncF64U(d, a) => trap_on_err!(ctx, try_un(regs, d, a, ops::i64_trunc_f64_u)),
    F32ConvertI32S(d, a) => un(regs, d, a, |x: i32| x as f32),
    F32ConvertI32U(d, a) => un(regs, d, a, |x: u32| x as f32),
    F32ConvertI64S(d, a) => un(regs, d, a, |x: i64| x as f32),
    F32ConvertI64U(d, a) => un(regs, d, a, |x: u64| x as f32),
    F32DemoteF64(d, a) => un(regs, d, a, ops::f32_demote),
    F64ConvertI32S(d, a) => un(regs, d, a, |x: i32| x as f64),
    F64ConvertI32U(d, a) => un(regs, d, a, |x: u32| x as f64),
    F64ConvertI64S(d, a) => un(regs, d, a, |x: i64| x as f64),
    F64ConvertI64U(d, a) => un(regs, d, a, |x: u64| x as f64),
    F64PromoteF32(d, a) => un(regs, d, a, ops::f64_promote),
    I32Extend8S(d, a) => un(regs, d, a, |x: i32| x as i8 as i32),
    I32Extend16S(d, a) => un(regs, d, a, |x: i32| x as i16 as i32),
    I64Extend8S(d, a) => un(regs, d, a, |x: i64| x as i8 as i64),
    I64Extend16S(d, a) => un(regs, d, a, |x: i64| x as i16 as i64),
    I64Extend32S(d, a) => un(regs, d, a, |x: i64| x as i32 as i64),
    // Rust's float→int `as` saturates and maps NaN to 0, exactly
    // the nontrapping conversions' semantics.
    I32TruncSatF32S(d, a) => un(regs, d, a, |x: f32| x as i32),
    I32TruncSatF32U(d, a) => un(regs, d, a, |x: f32| x as u32),
    I32TruncSatF64S(d, a) => un(regs, d, a, |x: f64| x as i32),
    I32TruncSatF64U(d, a) => un(regs, d, a, |x: f64| x as u32),
    I64TruncSatF32S(d, a) => un(regs, d, a, |x: f32| x as i64),
    I64TruncSatF32U(d, a) => un(regs, d, a, |x: f32| x as u64),
    I64TruncSatF64S(d, a) => un(regs, d, a, |x: f64| x as i64),
    I64TruncSatF64U(d, a) => un(regs, d, a, |x: f64| x as u64),

    I32Eq(d, a, b) => bin(regs, d, a, b, ops::i32_eq),
    I32Ne(d, a, b) => bin(regs, d, a, b, ops::i32_ne),
    I32LtS(d, a, b) => bin(regs, d, a, b, ops::i32_lt_s),
    I32LtU(d, a, b) => bin(regs, d, a, b, ops::i32_lt_u),
    I32GtS(d, a, b) => bin(regs, d, a, b, ops::i32_gt_s),
    I32GtU(d, a, b) => bin(regs, d, a, b, ops::i32_gt_u),
    I32LeS(d, a, b) => bin(regs, d, a, b, ops::i32_le_s),
    I32LeU(d, a, b) => bin(regs, d, a, b, ops::i32_le_u),
    I32GeS(d, a, b) => bin(regs, d, a, b, ops::i32_ge_s),
    I32GeU(d, a, b) => bin(regs, d, a, b, ops::i32_ge_u),
    I64Eq(d, a, b) => bin(regs, d, a, b, ops::i64_eq),
    I64Ne(d, a, b) => bin(regs, d, a, b, ops::i64_ne),
    I64LtS(d, a, b) => bin(regs, d, a, b, ops::i64_lt_s),
    I64LtU(d, a, b) => bin(regs, d, a, b, ops::i64_lt_u),
    I64GtS(d, a, b) => bin(regs, d, a, b, ops::i64_gt_s),
    I64GtU(d, a, b) => bin(regs, d, a, b, ops::i64_gt_u),
    I64LeS(d, a, b) => bin(regs, d, a, b, ops::i64_le_s),
    I64LeU(d, a, b) => bin(regs, d, a, b, ops::i64_le_u),
    I64GeS(d, a, b) => bin(regs, d, a, b, ops::i64_ge_s),
    I64GeU(d, a, b) => bin(regs, d, a, b, ops::i64_ge_u),
    F32Eq(d, a, b) => bin(regs, d, a, b, |x: f32, y| x == y),
    F32Ne(d, a, b) => bin(regs, d, a, b, |x: f32, y| x != y),
    F32Lt(d, a, b) => bin(regs, d, a, b, |x: f32, y| x < y),
    F32Gt(d, a, b) => bin(regs, d, a, b, |x: f32, y| x > y),
    F32Le(d, a, b) => bin(regs, d, a, b, |x: f32, y| x <= y),
    F32Ge(d, a, b) => bin(regs, d, a, b, |x: f32, y| x >= y),
    F64Eq(d, a, b) => bin(regs, d, a, b, |x: f64, y| x == y),
    F64Ne(d, a, b) => bin(regs, d, a, b, |x: f64, y| x != y),
    F64Lt(d, a, b) => bin(regs, d, a, b, |x: f64, y| x < y),
    F64Gt(d, a, b) => bin(regs, d, a, b, |x: f64, y| x > y),
    F64Le(d, a, b) => bin(regs, d, a, b, |x: f64, y| x <= y),
    F64Ge(d, a, b) => bin(regs, d, a, b, |x: f64, y| x >= y),
    I32Add(d, a, b) => bin(regs, d, a, b, ops::i32_add),
    I32Sub(d, a, b) => bin(regs, d, a, b, ops::i32_sub),
    I32Mul(d, a, b) => bin(regs, d, a, b, ops::i32_mul),
    I32DivS(d, a, b) => trap_on_err!(ctx, try_bin(regs, d, a, b, ops::i32_div_s)),
    I32DivU(d, a, b) => trap_on_err!(ctx, try_bin(regs, d, a, b, ops::i32_div_u)),
    I32RemS(d, a, b) => trap_on_err!(ctx, try_bin(regs, d, a, b, ops::i32_rem_s)),
    I32RemU(d, a, b) => trap_on_err!(ctx, try_bin(regs, d, a, b, ops::i32_rem_u)),
    I32And(d, a, b) => bin(regs, d, a, b, ops::i32_and),
    I32Or(d, a, b) => bin(regs, d, a, b, ops::i32_or),
    I32Xor(d, a, b) => bin(regs, d, a, b, ops::i32_xor),
    I32Shl(d, a, b) => bin(regs, d, a, b, ops::i32_shl),
    I32ShrS(d, a, b) => bin(regs, d, a, b, ops::i32_shr_s),
    I32ShrU(d, a, b) => bin(regs, d, a, b, ops::i32_shr_u),
    I32Rotl(d, a, b) => bin(regs, d, a, b, |x: u32, y| x.rotate_left(y)),
    I32Rotr(d, a, b) => bin(regs, d, a, b, |x: u32, y| x.rotate_right(y)),
    I64Add(d, a, b) => bin(regs, d, a, b, ops::i64_add),
    I64Sub(d, a, b) => bin(regs, d, a, b, ops::i64_sub),
    I64Mul(d, a, b) => bin(regs, d, a, b, ops::i64_mul),
    I64DivS(d, a, b) => trap_on_err!(ctx, try_bin(regs, d, a, b, ops::i64_div_s)),
    I64DivU(d, a, b) => trap_on_err!(ctx, try_bin(regs, d, a, b, ops::i64_div_u)),
    I64RemS(d, a, b) => trap_on_err!(ctx, try_bin(regs, d, a, b, ops::i64_rem_s)),
    I64RemU(d, a, b) => trap_on_err!(ctx, try_bin(regs, d, a, b, ops::i64_rem_u)),
    I64And(d, a, b) => bin(regs, d, a, b, ops::i64_and),
    I64Or(d, a, b) => bin(regs, d, a, b, ops::i64_or),
    I64Xor(d, a, b) => bin(regs, d, a, b, ops::i64_xor),
    I64Shl(d, a, b) => bin(regs, d, a, b, ops::i64_shl),
    I64ShrS(d, a, b) => bin(regs, d, a, b, ops::i64_shr_s),
    I64ShrU(d, a, b) => bin(regs, d, a, b, ops::i64_shr_u),
    I64Rotl(d, a, b) => bin(regs, d, a, b, |x: u64, y| x.rotate_left((y % 64) as u32)),
    I64Rotr(d, a, b) => bin(regs, d, a, b, |x: u64, y| x.rotate_right((y % 64) as u32)),
    F32Add(d, a, b) => bin(regs, d, a, b, |x: f32, y| x + y),
    F32Sub(d, a, b) => bin(regs, d, a, b, |x: f32, y| x - y),
    F32Mul(d, a, b) => bin(regs, d, a, b, |x: f32, y| x * y),
    F32Div(d, a, b) => bin(regs, d, a, b, |x: f32, y| x / y),
    F32Min(d, a, b) => bin(regs, d, a, b, ops::f32_min),
    F32Max(d, a, b) => bin(regs, d, a, b, ops::f32_max),
    F32Copysign(d, a, b) => bin(regs, d, a, b, ops::f32_copysign),
    F64Add(d, a, b) => bin(regs, d, a, b, ops::f64_add),
    F64Sub(d, a, b) => bin(regs, d, a, b, ops::f64_sub),
    F64Mul(d, a, b) => bin(regs, d, a, b, ops::f64_mul),
    F64Div(d, a, b) => bin(regs, d, a, b, ops::f64_div),
    F64Min(d, a, b) => bin(regs, d, a, b, ops::f64_min),
    F64Max(d, a, b) => bin(regs, d, a, b, ops::f64_max),
    F64Copysign(d, a, b) => bin(regs, d, a, b, ops::f64_copysign),
    I32AddA(a, b) => acc = to_acc(regs, a, b, ops::i32_add),
    I32AddAcc(b) => acc = with_acc(acc, regs, b, ops::i32_add),
    I32AddAccTo(d, b) => regs.set(d, with_acc(acc, regs, b, ops::i32_add)),
    I32SubA(a, b) => acc = to_acc(regs, a, b, ops::i32_sub),
    I32SubAcc(b) => acc = with_acc(acc, regs, b, ops::i32_sub),
    I32SubAccTo(d, b) => regs.set(d, with_acc(acc, regs, b, ops::i32_sub)),
    I32MulA(a, b) => acc = to_acc(regs, a, b, ops::i32_mul),
    I32MulAcc(b) => acc = with_acc(acc, regs, b, ops::i32_mul),
    I32MulAccTo(d, b) => regs.set(d, with_acc(acc, regs, b, ops::i32_mul)),
    I32AndA(a, b) => acc = to_acc(regs, a, b, ops::i32_and),
    I32AndAcc(b) => acc = with_acc(acc, regs, b, ops::i32_and),
    I32AndAccTo(d, b) => regs.set(d, with_acc(acc, regs, b, ops::i32_and)),
    I32OrA(a, b) => acc = to_acc(regs, a, b, ops::i32_or),
    I32OrAcc(b) => acc = with_acc(acc, regs, b, ops::i32_or),
    I32OrAccTo(d, b) => regs.set(d, with_acc(acc, regs, b, ops::i32_or)),
    I32XorA(a, b) => acc = to_acc(regs, a, b, ops::i32_xor),
    I32XorAcc(b) => acc = with_acc(acc, regs, b, ops::i32_xor),
    I32XorAccTo(d, b) => regs.set(d, with_acc(acc, regs, b, ops::i32_xor)),
    I32ShlA(a, b) => acc = to_acc(regs, a, b, ops::i32_shl),
    I32ShlAcc(b) => acc = with_acc(acc, regs, b, ops::i32_shl),
    I32ShlAccTo(d, b) => regs.set(d, with_acc(acc, regs, b, ops::i32_shl)),
    I32ShrSA(a, b) => acc = to_acc(regs, a, b, ops::i32_shr_s),
    I32ShrSAcc(b) => acc = with_acc(acc, regs, b, ops::i32_shr_s),
    I32ShrSAccTo(d, b) => regs.set(d, with_acc(acc, regs, b, ops::i32_shr_s)),
    I32ShrUA(a, b) => acc = to_acc(regs, a, b, ops::i32_shr_u),
    I32ShrUAcc(b) => acc = with_acc(acc, regs, b, ops::i32_shr_u),
    I32ShrUAccTo(d, b) => regs.set(d, with_acc(acc, regs, b, ops::i32_shr_u)),
    I64AddA(a, b) => acc = to_acc(regs, a, b, ops::i64_add),
    I64AddAcc(b) => acc = with_acc(acc, regs, b, ops::i64_add),
    I64AddAccTo(d, b) => regs.set(d, with_acc(acc, regs, b, ops::i64_add)),
    I64SubA(a, b) => acc = to_acc(regs, a, b, ops::i64_sub),
    I64SubAcc(b) => acc = with_acc(acc, regs, b, ops::i64_sub),
    I64SubAccTo(d, b) => regs.set(d, with_acc(acc, regs, b, ops::i64_sub)),
    I64MulA(a, b) => acc = to_acc(regs, a, b, ops::i64_mul),
    I64MulAcc(b) => acc = with_acc(acc, regs, b, ops::i64_mul),
    I64MulAccTo(d, b) => regs.set(d, with_acc(acc, regs, b, ops::i64_mul)),
    I64AndA(a, b) => acc = to_acc(regs, a, b, ops::i64_and),
    I64AndAcc(b) => acc = with_acc(acc, regs, b, ops::i64_and),
    I64AndAccTo(d, b) => regs.set(d, with_acc(acc, regs, b, ops::i64_and)),
    I64OrA(a, b) => acc = to_acc(regs, a, b, ops::i64_or),
    I64OrAcc(b) => acc = with_acc(acc, regs, b, ops::i64_or),
    I64OrAccTo(d, b) => regs.set(d, with_acc(acc, regs, b, ops::i64_or)),
    I64XorA(a, b) => acc = to_acc(regs, a, b, ops::i64_xor),
    I64XorAcc(b) => acc = with_acc(acc, regs, b, ops::i64_xor),
    I64XorAccTo(d, b) => regs.set(d, with_acc(acc, regs, b, ops::i64_xor)),
    I64ShlA(a, b) => acc = to_acc(regs, a, b, ops::i64_shl),
    I64ShlAcc(b) => acc = with_acc(acc, regs, b, ops::i64_shl),
    I64ShlAccTo(d, b) => regs.set(d, with_acc(acc, regs, b, ops::i64_shl)),
    I64ShrSA(a, b) => acc = to_acc(regs, a, b, ops::i64_shr_s),
    I64ShrSAcc(b) => acc = with_acc(acc, regs, b, ops::i64_shr_s),
    I64ShrSAccTo(d, b) => regs.set(d, with_acc(acc, regs, b, ops::i64_shr_s)),
    I64ShrUA(a, b) => acc = to_acc(regs, a, b, ops::i64_shr_u),
    I64ShrUAcc(b) => acc = with_acc(acc, regs, b, ops::i64_shr_u),
    I64ShrUAccTo(d, b) => regs.set(d, with_acc(acc, regs, b, ops::i64_shr_u)),
    F64AddA(a, b) => acc = to_acc(regs, a, b, ops::f64_add),
    F64AddAcc(b) => acc = with_acc(acc, regs, b, ops::f64_add),
    F64AddAccTo(d, b) => regs.set(d, with_acc(acc, regs, b, ops::f64_add)),
    F64SubA(a, b) => acc = to_acc(regs, a, b, ops::f64_sub),
    F64SubAcc(b) => acc = with_acc(acc, regs, b, ops::f64_sub),
    F64SubAccTo(d, b) => regs.set(d, with_acc(acc, regs, b, ops::f64_sub)),
    F64MulA(a, b) => acc = to_acc(regs, a, b, ops::f64_mul),
    F64MulAcc(b) => acc = with_acc(acc, regs, b, ops::f64_mul),
    F64MulAccTo(d, b) => regs.set(d, with_acc(acc, regs, b, ops::f64_mul)),
    F64DivA(a, b) => acc = to_acc(regs, a, b, ops::f64_div),
    F64DivAcc(b) => acc = with_acc(acc, regs, b, ops::f64_div),
    F64DivAccTo(d, b) => regs.set(d, with_acc(acc, regs, b, ops::f64_div)),

    V128Load(d, a, o) => regs.set_v128(d, u128::from_le_bytes(trap_on_err!(ctx, mem.load(regs.get(a), o)))),
    V128Load8x8S(d, a, o) => simd::widen(regs, d, trap_on_err!(ctx, mem.load(regs.get(a), o)), simd::i16x8_extend_low_i8x16_s),
    V128Load8x8U(d, a, o) => simd::widen(regs, d, trap_on_err!(ctx, mem.load(regs.get(a), o)), simd::i16x8_extend_low_i8x16_u),
    V128Load16x4S(d, a, o) => simd::widen(regs, d, trap_on_err!(ctx, mem.load(regs.get(a), o)), simd::i32x4_extend_low_i16x8_s),
    V128Load16x4U(d, a, o) => simd::widen(regs, d, trap_on_err!(ctx, mem.load(regs.get(a), o)), simd::i32x4_extend_low_i16x8_u),
    V128Load32x2S(d, a, o) => simd::widen(regs, d, trap_on_err!(ctx, mem.load(regs.get(a), o)), simd::i64x2_extend_low_i32x4_s),
    V128Load32x2U(d, a, o) => simd::widen(regs, d, trap_on_err!(ctx, mem.load(regs.get(a), o)), simd::i64x2_extend_low_i32x4_u),
    V128Load8Splat(d, a, o) => simd::splat_halves(regs, d, trap_on_err!(ctx, i64_load8_u(mem, regs.get(a), o)), simd::i8x16_splat),
    V128Load16Splat(d, a, o) => simd::splat_halves(regs, d, trap_on_err!(ctx, i64_load16_u(mem, regs.get(a), o)), simd::i16x8_splat),
    V128Load32Splat(d, a, o) => simd::splat_halves(regs, d, trap_on_err!(ctx, i64_load32_u(mem, regs.get(a), o)), simd::i32x4_splat),
    V128Load64Splat(d, a, o) => simd::splat_halves(regs, d, trap_on_err!(ctx, i64_load(mem, regs.get(a), o)), simd::i64x2_splat),
    V128Load32Zero(d, a, o) => regs.set_v128(d, u128::from(trap_on_err!(ctx, i64_load32_u(mem, regs.get(a), o)))),
    V128Load64Zero(d, a, o) => regs.set_v128(d, u128::from(trap_on_err!(ctx, i64_load(mem, regs.get(a), o)))),
    V128Store(a, v, o) => trap_on_err!(ctx, mem.store(regs.get(a), o, regs.get_v128(v).to_le_bytes())),
    V128Load8Lane(lane, v, a, o) => {
        let x = trap_on_err!(ctx, i64_load8_u(mem, regs.get(a), o));
        simd::replace(regs, v, v, lane, x, simd::i8x16_replace_lane);
    },
    V128Load16Lane(lane, v, a, o) => {
        let x = trap_on_err!(ctx, i64_load16_u(mem, regs.get(a), o));
        simd::replace(regs, v, v, lane, x, simd::i16x8_replace_lane);
    },
    V128Load32Lane(lane, v, a, o) => {
        let x = trap_on_err!(ctx, i64_load32_u(mem, regs.get(a), o));
        simd::replace_word_lane::<32>(regs, v, v, lane, x);
    },
    V128Load64Lane(lane, v, a, o) => {
        let x = trap_on_err!(ctx, i64_load(mem, regs.get(a), o));
        simd::replace_word_lane::<64>(regs, v, v, lane, x);
    },
    V128Store8Lane(lane, a, v, o) => {
        let x = simd::lane(regs, v, lane, simd::i8x16_extract_lane_u);
        trap_on_err!(ctx, i64_store8(mem, regs.get(a), o, x))
    },
    V128Store16Lane(lane, a, v, o) => {
        let x = simd::lane(regs, v, lane, simd::i16x8_extract_lane_u);
        trap_on_err!(ctx, i64_store16(mem, regs.get(a), o, x))
    },
    V128Store32Lane(lane, a, v, o) => {
        let x = simd::word_lane::<32>(regs, v, lane);
        trap_on_err!(ctx, i64_store32(mem, regs.get(a), o, x))
    },
    V128Store64Lane(lane, a, v, o) => {
        let x = simd::word_lane::<64>(regs, v, lane);
        trap_on_err!(ctx, i64_store(mem, regs.get(a), o, x))
    },
    CopyV128(d, s) => regs.set_v128(d, regs.get_v128(s)),
    I8x16Shuffle(d, a, b) => {
        let (m0, m1, m2) = aux(&mut ip);
        let (m3, _, _) = aux(&mut ip);
        simd::shuffle(regs, d, a, b, u64::from(m0) | u64::from(m1) << 32, u64::from(m2) | u64::from(m3) << 32);
    },
    I32x4Shuffle(lanes, d, a, b) => simd::dword_shuffle(regs, d, a, b, lanes),
    I16x8Shuffle(lanes, d, a) => simd::word_shuffle(regs, d, a, lanes),
    I8x16Abs(d, a) => return vector_unary::<THREADED>(at, regs, mem, acc, ctx, simd::i8x16_abs),
    I8x16Neg(d, a) => return vector_unary::<THREADED>(at, regs, mem, acc, ctx, simd::i8x16_neg),
    I8x16Popcnt(d, a) => return vector_unary::<THREADED>(at, regs, mem, acc, ctx, simd::i8x16_popcnt),
    I16x8Abs(d, a) => return vector_unary::<THREADED>(at, regs, mem, acc, ctx, simd::i16x8_abs),
    I16x8Neg(d, a) => return vector_unary::<THREADED>(at, regs, mem, acc, ctx, simd::i16x8_neg),
    I32x4Abs(d, a) => return vector_unary::<THREADED>(at, regs, mem, acc, ctx, simd::i32x4_abs),
    I32x4Neg(d, a) => return vector_unary::<THREADED>(at, regs, mem, acc, ctx, simd::i32x4_neg),
    I64x2Abs(d, a) => return vector_unary::<THREADED>(at, regs, mem, acc, ctx, simd::i64x2_abs),
    I64x2Neg(d, a) => simd::halves_unary(regs, d, a, simd::i64x2_neg),
    F32x4Abs(d, a) => return vector_unary::<THREADED>(at, regs, mem, acc, ctx, simd::f32x4_abs),
    F32x4Neg(d, a) => return vector_unary::<THREADED>(at, regs, mem, acc, ctx, simd::f32x4_neg),
    F32x4Sqrt(d, a) => return vector_unary::<THREADED>(at, regs, mem, acc, ctx, simd::f32x4_sqrt),
    F32x4Ceil(d, a) => return vector_unary::<THREADED>(at, regs, mem, acc, ctx, simd::f32x4_ceil),
    F32x4Floor(d, a) => return vector_unary::<THREADED>(at, regs, mem, acc, ctx, simd::f32x4_floor),
    F32x4Trunc(d, a) => return vector_unary::<THREADED>(at, regs, mem, acc, ctx, simd::f32x4_trunc),
    F32x4Nearest(d, a) => return vector_unary::<THREADED>(at, regs, mem, acc, ctx, simd::f32x4_nearest),
    F64x2Abs(d, a) => return vector_unary::<THREADED>(at, regs, mem, acc, ctx, simd::f64x2_abs),
    F64x2Neg(d, a) => return vector_unary::<THREADED>(at, regs, mem, acc, ctx, simd::f64x2_neg),
    F64x2Sqrt(d, a) => return vector_unary::<THREADED>(at, regs, mem, acc, ctx, simd::f64x2_sqrt),
    F64x2Ceil(d, a) => return vector_unary::<THREADED>(at, regs, mem, acc, ctx, simd::f64x2_ceil),
    F64x2Floor(d, a) => return vector_unary::<THREADED>(at, regs, mem, acc, ctx, simd::f64x2_floor),
    F64x2Trunc(d, a) => return vector_unary::<THREADED>(at, regs, mem, acc, ctx, simd::f64x2_trunc),
    F64x2Nearest(d, a) => return vector_unary::<THREADED>(at, regs, mem, acc, ctx, simd::f64x2_nearest),
    I32x4TruncSatF32x4S(d, a) => return vector_unary::<THREADED>(at, regs, mem, acc, ctx, simd::i32x4_trunc_sat_f32x4_s),
    I32x4TruncSatF32x4U(d, a) => return vector_unary::<THREADED>(at, regs, mem, acc, ctx, simd::i32x4_trunc_sat_f32x4_u),
    F32x4ConvertI32x4S(d, a) => return vector_unary::<THREADED>(at, regs, mem, acc, ctx, simd::f32x4_convert_i32x4_s),
    F32x4ConvertI32x4U(d, a) => return vector_unary::<THREADED>(at, regs, mem, acc, ctx, simd::f32x4_convert_i32x4_u),
    I32x4TruncSatF64x2SZero(d, a) => return vector_unary::<THREADED>(at, regs, mem, acc, ctx, simd::i32x4_trunc_sat_f64x2_s_zero),
    I32x4TruncSatF64x2UZero(d, a) => return vector_unary::<THREADED>(at, regs, mem, acc, ctx, simd::i32x4_trunc_sat_f64x2_u_zero),
    F64x2ConvertLowI32x4S(d, a) => return vector_unary::<THREADED>(at, regs, mem, acc, ctx, simd::f64x2_convert_low_i32x4_s),
    F64x2ConvertLowI32x4U(d, a) => return vector_unary::<THREADED>(at, regs, mem, acc, ctx, simd::f64x2_convert_low_i32x4_u),
    F32x4DemoteF64x2Zero(d, a) => return vector_unary::<THREADED>(at, regs, mem, acc, ctx, simd::f32x4_demote_f64x2_zero),
    F64x2PromoteLowF32x4(d, a) => return vector_unary::<THREADED>(at, regs, mem, acc, ctx, simd::f64x2_promote_low_f32x4),
    V128Not(d, a) => simd::halves_unary(regs, d, a, simd::v128_not),
    I16x8ExtAddPairwiseI8x16S(d, a) => return vector_unary::<THREADED>(at, regs, mem, acc, ctx, simd::i16x8_extadd_pairwise_i8x16_s),
    I16x8ExtAddPairwiseI8x16U(d, a) => return vector_unary::<THREADED>(at, regs, mem, acc, ctx, simd::i16x8_extadd_pairwise_i8x16_u),
    I32x4ExtAddPairwiseI16x8S(d, a) => return vector_unary::<THREADED>(at, regs, mem, acc, ctx, simd::i32x4_extadd_pairwise_i16x8_s),
    I32x4ExtAddPairwiseI16x8U(d, a) => return vector_unary::<THREADED>(at, regs, mem, acc, ctx, simd::i32x4_extadd_pairwise_i16x8_u),
    I16x8ExtendLowI8x16S(d, a) => return vector_unary::<THREADED>(at, regs, mem, acc, ctx, simd::i16x8_extend_low_i8x16_s),
    I16x8ExtMulLowI8x16S(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i16x8_extmul_low_i8x16_s),
    I16x8ExtendLowI8x16U(d, a) => return vector_unary::<THREADED>(at, regs, mem, acc, ctx, simd::i16x8_extend_low_i8x16_u),
    I16x8ExtMulLowI8x16U(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i16x8_extmul_low_i8x16_u),
    I16x8ExtendHighI8x16S(d, a) => return vector_unary::<THREADED>(at, regs, mem, acc, ctx, simd::i16x8_extend_high_i8x16_s),
    I16x8ExtMulHighI8x16S(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i16x8_extmul_high_i8x16_s),
    I16x8ExtendHighI8x16U(d, a) => return vector_unary::<THREADED>(at, regs, mem, acc, ctx, simd::i16x8_extend_high_i8x16_u),
    I16x8ExtMulHighI8x16U(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i16x8_extmul_high_i8x16_u),
    I32x4ExtendLowI16x8S(d, a) => return vector_unary::<THREADED>(at, regs, mem, acc, ctx, simd::i32x4_extend_low_i16x8_s),
    I32x4ExtMulLowI16x8S(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i32x4_extmul_low_i16x8_s),
    I32x4ExtendLowI16x8U(d, a) => return vector_unary::<THREADED>(at, regs, mem, acc, ctx, simd::i32x4_extend_low_i16x8_u),
    I32x4ExtMulLowI16x8U(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i32x4_extmul_low_i16x8_u),
    I32x4ExtendHighI16x8S(d, a) => return vector_unary::<THREADED>(at, regs, mem, acc, ctx, simd::i32x4_extend_high_i16x8_s),
    I32x4ExtMulHighI16x8S(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i32x4_extmul_high_i16x8_s),
    I32x4ExtendHighI16x8U(d, a) => return vector_unary::<THREADED>(at, regs, mem, acc, ctx, simd::i32x4_extend_high_i16x8_u),
    I32x4ExtMulHighI16x8U(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i32x4_extmul_high_i16x8_u),
    I64x2ExtendLowI32x4S(d, a) => return vector_unary::<THREADED>(at, regs, mem, acc, ctx, simd::i64x2_extend_low_i32x4_s),
    I64x2ExtMulLowI32x4S(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i64x2_extmul_low_i32x4_s),
    I64x2ExtendLowI32x4U(d, a) => return vector_unary::<THREADED>(at, regs, mem, acc, ctx, simd::i64x2_extend_low_i32x4_u),
    I64x2ExtMulLowI32x4U(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i64x2_extmul_low_i32x4_u),
    I64x2ExtendHighI32x4S(d, a) => return vector_unary::<THREADED>(at, regs, mem, acc, ctx, simd::i64x2_extend_high_i32x4_s),
    I64x2ExtMulHighI32x4S(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i64x2_extmul_high_i32x4_s),
    I64x2ExtendHighI32x4U(d, a) => return vector_unary::<THREADED>(at, regs, mem, acc, ctx, simd::i64x2_extend_high_i32x4_u),
    I64x2ExtMulHighI32x4U(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i64x2_extmul_high_i32x4_u),
    I8x16Add(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i8x16_add),
    I8x16Sub(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i8x16_sub),
    I8x16AddSatS(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i8x16_add_sat_s),
    I8x16AddSatU(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i8x16_add_sat_u),
    I8x16SubSatS(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i8x16_sub_sat_s),
    I8x16SubSatU(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i8x16_sub_sat_u),
    I8x16AvgrU(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i8x16_avgr_u),
    I8x16MinS(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i8x16_min_s),
    I8x16MinU(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i8x16_min_u),
    I8x16MaxS(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i8x16_max_s),
    I8x16MaxU(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i8x16_max_u),
    I8x16Eq(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i8x16_eq),
    I8x16Ne(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i8x16_ne),
    I8x16LtS(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i8x16_lt_s),
    I8x16GtS(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i8x16_gt_s),
    I8x16LeS(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i8x16_le_s),
    I8x16GeS(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i8x16_ge_s),
    I8x16LtU(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i8x16_lt_u),
    I8x16GtU(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i8x16_gt_u),
    I8x16LeU(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i8x16_le_u),
    I8x16GeU(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i8x16_ge_u),
    I16x8Add(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i16x8_add),
    I16x8Sub(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i16x8_sub),
    I16x8Mul(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i16x8_mul),
    I16x8AddSatS(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i16x8_add_sat_s),
    I16x8AddSatU(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i16x8_add_sat_u),
    I16x8SubSatS(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i16x8_sub_sat_s),
    I16x8SubSatU(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i16x8_sub_sat_u),
    I16x8AvgrU(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i16x8_avgr_u),
    I16x8MinS(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i16x8_min_s),
    I16x8MinU(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i16x8_min_u),
    I16x8MaxS(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i16x8_max_s),
    I16x8MaxU(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i16x8_max_u),
    I16x8Eq(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i16x8_eq),
    I16x8Ne(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i16x8_ne),
    I16x8LtS(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i16x8_lt_s),
    I16x8GtS(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i16x8_gt_s),
    I16x8LeS(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i16x8_le_s),
    I16x8GeS(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i16x8_ge_s),
    I16x8LtU(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i16x8_lt_u),
    I16x8GtU(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i16x8_gt_u),
    I16x8LeU(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i16x8_le_u),
    I16x8GeU(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i16x8_ge_u),
    I32x4Add(d, a, b) => simd::halves(regs, d, a, b, simd::i32x4_add),
    I32x4Sub(d, a, b) => simd::halves(regs, d, a, b, simd::i32x4_sub),
    I32x4Mul(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i32x4_mul),
    I32x4MinS(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i32x4_min_s),
    I32x4MinU(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i32x4_min_u),
    I32x4MaxS(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i32x4_max_s),
    I32x4MaxU(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i32x4_max_u),
    I32x4Eq(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i32x4_eq),
    I32x4Ne(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i32x4_ne),
    I32x4LtS(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i32x4_lt_s),
    I32x4GtS(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i32x4_gt_s),
    I32x4LeS(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i32x4_le_s),
    I32x4GeS(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i32x4_ge_s),
    I32x4LtU(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i32x4_lt_u),
    I32x4GtU(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i32x4_gt_u),
    I32x4LeU(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i32x4_le_u),
    I32x4GeU(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i32x4_ge_u),
    I64x2Add(d, a, b) => simd::halves(regs, d, a, b, simd::i64x2_add),
    I64x2Sub(d, a, b) => simd::halves(regs, d, a, b, simd::i64x2_sub),
    I64x2Mul(d, a, b) => simd::halves(regs, d, a, b, simd::i64x2_mul),
    I64x2Eq(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i64x2_eq),
    I64x2Ne(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i64x2_ne),
    I64x2LtS(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i64x2_lt_s),
    I64x2GtS(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i64x2_gt_s),
    I64x2LeS(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i64x2_le_s),
    I64x2GeS(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i64x2_ge_s),
    F32x4Add(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::f32x4_add),
    F32x4Sub(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::f32x4_sub),
    F32x4Mul(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::f32x4_mul),
    F32x4Div(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::f32x4_div),
    F32x4Min(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::f32x4_min),
    F32x4Max(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::f32x4_max),
    F32x4PMin(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::f32x4_pmin),
    F32x4PMax(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::f32x4_pmax),
    F32x4Eq(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::f32x4_eq),
    F32x4Ne(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::f32x4_ne),
    F32x4Lt(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::f32x4_lt),
    F32x4Gt(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::f32x4_gt),
    F32x4Le(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::f32x4_le),
    F32x4Ge(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::f32x4_ge),
    F64x2Add(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::f64x2_add),
    F64x2Sub(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::f64x2_sub),
    F64x2Mul(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::f64x2_mul),
    F64x2Div(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::f64x2_div),
    F64x2Min(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::f64x2_min),
    F64x2Max(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::f64x2_max),
    F64x2PMin(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::f64x2_pmin),
    F64x2PMax(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::f64x2_pmax),
    F64x2Eq(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::f64x2_eq),
    F64x2Ne(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::f64x2_ne),
    F64x2Lt(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::f64x2_lt),
    F64x2Gt(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::f64x2_gt),
    F64x2Le(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::f64x2_le),
    F64x2Ge(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::f64x2_ge),
    V128And(d, a, b) => simd::halves(regs, d, a, b, simd::v128_and),
    V128AndNot(d, a, b) => simd::halves(regs, d, a, b, simd::v128_andnot),
    V128Or(d, a, b) => simd::halves(regs, d, a, b, simd::v128_or),
    V128Xor(d, a, b) => simd::halves(regs, d, a, b, simd::v128_xor),
    I8x16Swizzle(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i8x16_swizzle),
    I8x16NarrowI16x8S(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i8x16_narrow_i16x8_s),
    I8x16NarrowI16x8U(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i8x16_narrow_i16x8_u),
    I16x8NarrowI32x4S(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i16x8_narrow_i32x4_s),
    I16x8NarrowI32x4U(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i16x8_narrow_i32x4_u),
    I16x8Q15MulrSatS(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i16x8_q15mulr_sat_s),
    I32x4DotI16x8S(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i32x4_dot_i16x8_s),
    I16x8RelaxedDotI8x16I7x16S(d, a, b) => return vector_binary::<THREADED>(at, regs, mem, acc, ctx, simd::i16x8_relaxed_dot_i8x16_i7x16_s),
    V128Bitselect(a, b, c) => return vector_ternary::<THREADED>(at, regs, mem, acc, ctx, simd::v128_bitselect),
    F32x4RelaxedMadd(a, b, c) => return vector_ternary::<THREADED>(at, regs, mem, acc, ctx, simd::f32x4_relaxed_madd),
    F32x4RelaxedNmadd(a, b, c) => return vector_ternary::<THREADED>(at, regs, mem, acc, ctx, simd::f32x4_relaxed_nmadd),
    F64x2RelaxedMadd(a, b, c) => return vector_ternary::<THREADED>(at, regs, mem, acc, ctx, simd::f64x2_relaxed_madd),
    F64x2RelaxedNmadd(a, b, c) => return vector_ternary::<THREADED>(at, regs, mem, acc, ctx, simd::f64x2_relaxed_nmadd),
    I32x4RelaxedDotI8x16I7x16AddS(a, b, c) => return vector_ternary::<THREADED>(at, regs, mem, acc, ctx, simd::i32x4_relaxed_dot_i8x16_i7x16_add_s),
    I8x16Shl(d, a, n) => return vector_shift::<THREADED>(at, regs, mem, acc, ctx, simd::i8x16_shl),
    I8x16ShrS(d, a, n) => return vector_shift::<THREADED>(at, regs, mem, acc, ctx, simd::i8x16_shr_s),
    I8x16ShrU(d, a, n) => return vector_shift::<THREADED>(at, regs, mem, acc, ctx, simd::i8x16_shr_u),
    I16x8Shl(d, a, n) => return vector_shift::<THREADED>(at, regs, mem, acc, ctx, simd::i16x8_shl),
    I16x8ShrS(d, a, n) => return vector_shift::<THREADED>(at, regs, mem, acc, ctx, simd::i16x8_shr_s),
    I16x8ShrU(d, a, n) => return vector_shift::<THREADED>(at, regs, mem, acc, ctx, simd::i16x8_shr_u),
    I32x4Shl(d, a, n) => return vector_shift::<THREADED>(at, regs, mem, acc, ctx, simd::i32x4_shl),
    I32x4ShrS(d, a, n) => return vector_shift::<THREADED>(at, regs, mem, acc, ctx, simd::i32x4_shr_s),
    I32x4ShrU(d, a, n) => return vector_shift::<THREADED>(at, regs, mem, acc, ctx, simd::i32x4_shr_u),
    I64x2Shl(d, a, n) => simd::halves_shift(regs, d, a, regs.get(n) as u32, simd::i64x2_shl),
    I64x2ShrS(d, a, n) => simd::halves_shift(regs, d, a, regs.get(n) as u32, simd::i64x2_shr_s),
    I64x2ShrU(d, a, n) => simd::halves_shift(regs, d, a, regs.get(n) as u32, simd::i64x2_shr_u),
    V128AnyTrue(d, a) => return vector_test::<THREADED>(at, regs, mem, acc, ctx, simd::v128_any_true),
    I8x16AllTrue(d, a) => return vector_test::<THREADED>(at, regs, mem, acc, ctx, simd::i8x16_all_true),
    I8x16Bitmask(d, a) => return vector_test::<THREADED>(at, regs, mem, acc, ctx, simd::i8x16_bitmask),
    I16x8AllTrue(d, a) => return vector_test::<THREADED>(at, regs, mem, acc, ctx, simd::i16x8_all_true),
    I16x8Bitmask(d, a) => return vector_test::<THREADED>(at, regs, mem, acc, ctx, simd::i16x8_bitmask),
    I32x4AllTrue(d, a) => return vector_test::<THREADED>(at, regs, mem, acc, ctx, simd::i32x4_all_true),
    I32x4Bitmask(d, a) => return vector_test::<THREADED>(at, regs, mem, acc, ctx, simd::i32x4_bitmask),
    I64x2AllTrue(d, a) => return vector_test::<THREADED>(at, regs, mem, acc, ctx, simd::i64x2_all_true),
    I64x2Bitmask(d, a) => return vector_test::<THREADED>(at, regs, mem, acc, ctx, simd::i64x2_bitmask),
    I8x16Splat(d, a) => simd::splat_halves(regs, d, regs.get(a), simd::i8x16_splat),
    I16x8Splat(d, a) => simd::splat_halves(regs, d, regs.get(a), simd::i16x8_splat),
    I32x4Splat(d, a) => simd::splat_halves(regs, d, regs.get(a), simd::i32x4_splat),
    I64x2Splat(d, a) => simd::splat_halves(regs, d, regs.get(a), simd::i64x2_splat),
    I8x16ExtractLaneS(lane, d, a) => regs.set(d, simd::lane(regs, a, lane, simd::i8x16_extract_lane_s)),
    I8x16ExtractLaneU(lane, d, a) => regs.set(d, simd::lane(regs, a, lane, simd::i8x16_extract_lane_u)),
    I16x8ExtractLaneS(lane, d, a) => regs.set(d, simd::lane(regs, a, lane, simd::i16x8_extract_lane_s)),
    I16x8ExtractLaneU(lane, d, a) => regs.set(d, simd::lane(regs, a, lane, simd::i16x8_extract_lane_u)),
    I32x4ExtractLane(lane, d, a) => regs.set(d, simd::word_lane::<32>(regs, a, lane)),
    I64x2ExtractLane(lane, d, a) => regs.set(d, simd::word_lane::<64>(regs, a, lane)),
    I8x16ReplaceLane(lane, d, a, x) => simd::replace(regs, d, a, lane, regs.get(x), simd::i8x16_replace_lane),
    I16x8ReplaceLane(lane, d, a, x) => simd::replace(regs, d, a, lane, regs.get(x), simd::i16x8_replace_lane),
    I32x4ReplaceLane(lane, d, a, x) => simd::replace_word_lane::<32>(regs, d, a, lane, regs.get(x)),
    I64x2ReplaceLane(lane, d, a, x) => simd::replace_word_lane::<64>(regs, d, a, lane, regs.get(x)),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_the_operands_in_declaration_order() {
        let instr = Instr::F32x4Add(7, 9, 11);
        assert_eq!(slots(&instr), [7, 9, 11]);
        let instr = Instr::I8x16Swizzle(u32::MAX, 0, 0x1234_5678);
        assert_eq!(slots(&instr), [u32::MAX, 0, 0x1234_5678]);
        let instr = Instr::I8x16Abs(5, 3);
        assert_eq!(slots(&instr), [5, 3]);
    }
}
