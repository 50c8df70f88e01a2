//! The meaning of each SIMD and relaxed SIMD operator on v128 values
//! (`V128`, lane 0 in the low bits), lane by lane, for the interpreter's
//! handlers. Scalar rules the lanes share with scalar operators (float
//! `min`/`max`, rounding, NaN quieting) come from [`super::ops`].
//!
//! Relaxed SIMD: one deterministic result per operator, the same as the
//! other tiers' (ARCHITECTURE.md, "Relaxed SIMD").
//!
//! A v128 is its 16 bytes ([`V128`], lane order), and every operator is a
//! function of arrays of lanes, inlined into its applier (the handlers'
//! `vector_unary`, `vector_binary`, …): there the operands are loaded from
//! the frame as vectors and LLVM compiles the lane-wise code into vector
//! instructions (one `psubusb` for `i8x16.sub_sat_u`). As `u128` values,
//! operands travelled in pairs of general registers and each lane was
//! extracted with shifts (six times slower). An applier is out of line and
//! dispatches the next instruction itself: inlined into a handler, lane
//! arrays would live in the handler's frame, and a call from the handler
//! would make it keep the dispatch state in a frame too. Its dispatch is a
//! jump only where the lane arrays stay in registers, which opt-level 2
//! achieves (`engine/build.rs`) as long as the operators call nothing with
//! their lanes' addresses: loops rather than `map` where an operator indexes
//! lanes by value (`tests/interp_dispatch.rs` catches a dispatch that is a
//! call).
//!
//! Operators whose result half depends only on the same half of the
//! operands (bitwise ones, 64-bit lanes, 32-bit lane additions), splats,
//! 32- and 64-bit lane access and shuffles of whole 32-bit lanes are
//! computed on the two 64-bit words instead, inline in their handlers
//! (`halves`, `word_lane`, `dword_shuffle`): scalar code with no call.

use std::array::from_fn;

use super::exec::Regs;
use super::instr::Slot;

use super::ops;

/// A v128: its 16 bytes, lane 0 first (wasm's little-endian lane order).
pub(super) type V128 = [u8; 16];

// The remaining out-of-line appliers (lane access of narrow lanes, widening
// loads, byte shuffles) are called by their handlers; each is a function of
// its own per operator (`f` is the operator's function item), taking only
// scalars.

/// `d = f(x)` in both halves, for a scalar `x` (splats).
#[inline(always)]
pub(super) fn splat_halves(regs: Regs, d: Slot, x: u64, f: impl Fn(u64) -> u64) {
    let word = f(x);
    regs.set(d, word);
    regs.set(d + 1, word);
}

/// `d = f(v)`, `v` the v128 whose low half is `low` (little-endian) and
/// whose high half is zero: the widening loads.
#[inline(never)]
pub(super) fn widen(regs: Regs, d: Slot, low: [u8; 8], f: impl Fn(V128) -> V128) {
    let mut v = [0; 16];
    v[..8].copy_from_slice(&low);
    regs.set_lanes(d, f(v));
}

/// Lane `lane` of `a`, as raw bits.
#[inline(never)]
pub(super) fn lane(regs: Regs, a: Slot, lane: u8, f: impl Fn(V128, u8) -> u64) -> u64 {
    f(regs.get_lanes(a), lane)
}

/// `d = a` with lane `lane` replaced by `x`.
#[inline(never)]
pub(super) fn replace(regs: Regs, d: Slot, a: Slot, lane: u8, x: u64, f: impl Fn(V128, u8, u64) -> V128) {
    regs.set_lanes(d, f(regs.get_lanes(a), lane, x));
}

// The operators on each 64-bit half run inline in their handlers, in
// general registers: with no lane arrays the handler needs no frame, and
// it skips the call of an out-of-line applier (a third of the time of
// SIMD code made of them, such as argon2's). The halves are read and
// written as words, as scalar code and `v128.load`/`store` access them.

/// `d = f(a)` on each half.
#[inline(always)]
pub(super) fn halves_unary(regs: Regs, d: Slot, a: Slot, f: impl Fn(u64) -> u64) {
    let (low, high) = (f(regs.get(a)), f(regs.get(a + 1)));
    regs.set(d, low);
    regs.set(d + 1, high);
}

/// `d = f(a, b)` on each half.
#[inline(always)]
pub(super) fn halves(regs: Regs, d: Slot, a: Slot, b: Slot, f: impl Fn(u64, u64) -> u64) {
    let (low, high) = (f(regs.get(a), regs.get(b)), f(regs.get(a + 1), regs.get(b + 1)));
    regs.set(d, low);
    regs.set(d + 1, high);
}

/// `d = f(a, count)` on each half.
#[inline(always)]
pub(super) fn halves_shift(regs: Regs, d: Slot, a: Slot, count: u32, f: impl Fn(u64, u32) -> u64) {
    let (low, high) = (f(regs.get(a), count), f(regs.get(a + 1), count));
    regs.set(d, low);
    regs.set(d + 1, high);
}

/// Lane `lane` (validated: below the lane count) of `a`'s lanes of
/// `BITS` (32 or 64) bits, zero-extended.
#[inline(always)]
pub(super) fn word_lane<const BITS: u32>(regs: Regs, a: Slot, lane: u8) -> u64 {
    let per_half = 64 / BITS;
    let half = regs.get(a + u32::from(lane) / per_half);
    let shift = (u32::from(lane) % per_half) * BITS;
    (half >> shift) & (u64::MAX >> (64 - BITS))
}

/// `d = a` with lane `lane` of `BITS` (32 or 64) bits replaced by `x`'s
/// low bits.
#[inline(always)]
pub(super) fn replace_word_lane<const BITS: u32>(regs: Regs, d: Slot, a: Slot, lane: u8, x: u64) {
    let per_half = 64 / BITS;
    let (mut low, mut high) = (regs.get(a), regs.get(a + 1));
    let half = if u32::from(lane) / per_half == 0 { &mut low } else { &mut high };
    let shift = (u32::from(lane) % per_half) * BITS;
    let mask = (u64::MAX >> (64 - BITS)) << shift;
    *half = (*half & !mask) | ((x << shift) & mask);
    regs.set(d, low);
    regs.set(d + 1, high);
}

/// `d` = the 32-bit lanes of `a` then `b` that `lanes` picks (3 bits per
/// result lane, lane 0's lowest), read and written as words.
#[inline(always)]
pub(super) fn dword_shuffle(regs: Regs, d: Slot, a: Slot, b: Slot, lanes: u16) {
    let (a, b) = ((regs.get(a), regs.get(a + 1)), (regs.get(b), regs.get(b + 1)));
    let lanes = u32::from(lanes);
    let low = dword_lane(a, b, lanes, 0) | dword_lane(a, b, lanes, 1) << 32;
    let high = dword_lane(a, b, lanes, 2) | dword_lane(a, b, lanes, 3) << 32;
    regs.set(d, low);
    regs.set(d + 1, high);
}

/// Result lane `i` of `dword_shuffle`. Selections, not an indexed table,
/// and no closure or iterator left to a call: the lanes would go to
/// memory, and the handler's dispatch could no longer be a jump.
#[inline(always)]
fn dword_lane(a: (u64, u64), b: (u64, u64), lanes: u32, i: u32) -> u64 {
    let index = (lanes >> (3 * i)) & 7;
    let operand = if index & 4 == 0 { a } else { b };
    let word = if index & 2 == 0 { operand.0 } else { operand.1 };
    (word >> ((index & 1) * 32)) & 0xffff_ffff
}

/// `d` = the 16-bit lanes of `a` that `lanes` picks (3 bits per result
/// lane, lane 0's lowest), read and written as words.
#[inline(always)]
pub(super) fn word_shuffle(regs: Regs, d: Slot, a: Slot, lanes: u32) {
    let a = (regs.get(a), regs.get(a + 1));
    let half = |first: u32| {
        half_word_lane(a, lanes, first)
            | half_word_lane(a, lanes, first + 1) << 16
            | half_word_lane(a, lanes, first + 2) << 32
            | half_word_lane(a, lanes, first + 3) << 48
    };
    let (low, high) = (half(0), half(4));
    regs.set(d, low);
    regs.set(d + 1, high);
}

/// Result lane `i` of `word_shuffle` (as `dword_lane`).
#[inline(always)]
fn half_word_lane(a: (u64, u64), lanes: u32, i: u32) -> u64 {
    let index = (lanes >> (3 * i)) & 7;
    let word = if index & 4 == 0 { a.0 } else { a.1 };
    (word >> ((index & 3) * 16)) & 0xffff
}

/// `d = i8x16.shuffle(a, b, mask)`, the mask's bytes in two words (low
/// first: scalars, as an array argument would put the handler in a frame).
#[inline(never)]
pub(super) fn shuffle(regs: Regs, d: Slot, a: Slot, b: Slot, mask_low: u64, mask_high: u64) {
    let mask = from_u64x2([mask_low, mask_high]);
    regs.set_lanes(d, i8x16_shuffle(regs.get_lanes(a), regs.get_lanes(b), mask));
}

/// The v128 of the bits of `v` (lane 0 in the low bits).
#[cfg(any(test, not(target_endian = "little")))]
pub(super) fn v128_of(v: u128) -> V128 {
    v.to_le_bytes()
}

/// Converts between a v128 and its lanes of one shape: on a little-endian
/// host, a reinterpretation.
macro_rules! shapes {
    ($($to:ident, $from:ident: $t:ty, $n:literal;)*) => {$(
        #[inline(always)]
        pub(super) fn $to(v: V128) -> [$t; $n] {
            #[cfg(target_endian = "little")]
            // SAFETY: both are 16 bytes of plain numbers, every bit pattern
            // valid; on a little-endian host lane i's bytes are the i-th
            // `$t` in memory order, as wasm numbers lanes.
            return unsafe { std::mem::transmute::<V128, [$t; $n]>(v) };
            #[cfg(not(target_endian = "little"))]
            {
                const SIZE: usize = std::mem::size_of::<$t>();
                from_fn(|i| {
                    let mut lane = [0u8; SIZE];
                    lane.copy_from_slice(&v[i * SIZE..(i + 1) * SIZE]);
                    <$t>::from_le_bytes(lane)
                })
            }
        }

        #[inline(always)]
        pub(super) fn $from(lanes: [$t; $n]) -> V128 {
            #[cfg(target_endian = "little")]
            // SAFETY: as in the conversion the other way.
            return unsafe { std::mem::transmute::<[$t; $n], V128>(lanes) };
            #[cfg(not(target_endian = "little"))]
            {
                const SIZE: usize = std::mem::size_of::<$t>();
                let mut bytes = [0u8; 16];
                for (i, lane) in lanes.iter().enumerate() {
                    bytes[i * SIZE..(i + 1) * SIZE].copy_from_slice(&lane.to_le_bytes());
                }
                bytes
            }
        }
    )*};
}

/// The bytes of a v128 (already its u8 lanes).
#[inline(always)]
pub(super) fn u8x16(v: V128) -> [u8; 16] {
    v
}

#[inline(always)]
pub(super) fn from_u8x16(lanes: [u8; 16]) -> V128 {
    lanes
}

shapes! {
    i8x16, from_i8x16: i8, 16;
    i16x8, from_i16x8: i16, 8;
    u16x8, from_u16x8: u16, 8;
    i32x4, from_i32x4: i32, 4;
    u32x4, from_u32x4: u32, 4;
    i64x2, from_i64x2: i64, 2;
    u64x2, from_u64x2: u64, 2;
    f32x4, from_f32x4: f32, 4;
    f64x2, from_f64x2: f64, 2;
}

/// Lane-wise unary operators: `name: shape |x| result`.
macro_rules! unary {
    ($($name:ident: $to:ident, $from:ident, |$x:ident| $e:expr;)*) => {$(
        #[inline(always)]
        pub(super) fn $name(a: V128) -> V128 {
            $from($to(a).map(|$x| $e))
        }
    )*};
}

/// Lane-wise binary operators: `name: shape |x, y| result`.
macro_rules! binary {
    ($($name:ident: $to:ident, $from:ident, |$x:ident, $y:ident| $e:expr;)*) => {$(
        #[inline(always)]
        pub(super) fn $name(a: V128, b: V128) -> V128 {
            let (a, b) = ($to(a), $to(b));
            $from(from_fn(|i| {
                let ($x, $y) = (a[i], b[i]);
                $e
            }))
        }
    )*};
}

/// Lane-wise comparisons: all ones where `x op y` holds, else zero, in
/// integer lanes of the operands' width (`$mask`).
macro_rules! comparisons {
    ($($name:ident: $to:ident, $mask:ident, $from:ident, |$x:ident, $y:ident| $e:expr;)*) => {$(
        #[inline(always)]
        pub(super) fn $name(a: V128, b: V128) -> V128 {
            let (a, b) = ($to(a), $to(b));
            $from(from_fn(|i| {
                let ($x, $y) = (a[i], b[i]);
                if $e { $mask::MAX } else { 0 }
            }))
        }
    )*};
}

/// Shifts by a count taken modulo the lane width, as wasm does.
macro_rules! shifts {
    ($($name:ident: $to:ident, $from:ident, |$x:ident, $n:ident| $e:expr;)*) => {$(
        #[inline(always)]
        pub(super) fn $name(a: V128, count: u32) -> V128 {
            let $n = count;
            $from($to(a).map(|$x| $e))
        }
    )*};
}

// Integer lane arithmetic, wrapping unless named saturating.
binary! {
    i8x16_add: i8x16, from_i8x16, |x, y| x.wrapping_add(y);
    i8x16_sub: i8x16, from_i8x16, |x, y| x.wrapping_sub(y);
    i8x16_add_sat_s: i8x16, from_i8x16, |x, y| x.saturating_add(y);
    i8x16_add_sat_u: u8x16, from_u8x16, |x, y| x.saturating_add(y);
    i8x16_sub_sat_s: i8x16, from_i8x16, |x, y| x.saturating_sub(y);
    i8x16_sub_sat_u: u8x16, from_u8x16, |x, y| x.saturating_sub(y);
    i8x16_min_s: i8x16, from_i8x16, |x, y| x.min(y);
    i8x16_min_u: u8x16, from_u8x16, |x, y| x.min(y);
    i8x16_max_s: i8x16, from_i8x16, |x, y| x.max(y);
    i8x16_max_u: u8x16, from_u8x16, |x, y| x.max(y);
    i8x16_avgr_u: u8x16, from_u8x16, |x, y| ((u16::from(x) + u16::from(y)).div_ceil(2)) as u8;
    i16x8_add: i16x8, from_i16x8, |x, y| x.wrapping_add(y);
    i16x8_sub: i16x8, from_i16x8, |x, y| x.wrapping_sub(y);
    i16x8_mul: i16x8, from_i16x8, |x, y| x.wrapping_mul(y);
    i16x8_add_sat_s: i16x8, from_i16x8, |x, y| x.saturating_add(y);
    i16x8_add_sat_u: u16x8, from_u16x8, |x, y| x.saturating_add(y);
    i16x8_sub_sat_s: i16x8, from_i16x8, |x, y| x.saturating_sub(y);
    i16x8_sub_sat_u: u16x8, from_u16x8, |x, y| x.saturating_sub(y);
    i16x8_min_s: i16x8, from_i16x8, |x, y| x.min(y);
    i16x8_min_u: u16x8, from_u16x8, |x, y| x.min(y);
    i16x8_max_s: i16x8, from_i16x8, |x, y| x.max(y);
    i16x8_max_u: u16x8, from_u16x8, |x, y| x.max(y);
    i16x8_avgr_u: u16x8, from_u16x8, |x, y| ((u32::from(x) + u32::from(y)).div_ceil(2)) as u16;
    // Rounding, saturating Q15 multiplication (only MIN × MIN saturates);
    // the relaxed form is the same.
    i16x8_q15mulr_sat_s: i16x8, from_i16x8, |x, y| {
        ((i32::from(x) * i32::from(y) + 0x4000) >> 15).clamp(i32::from(i16::MIN), i32::from(i16::MAX)) as i16
    };
    i32x4_mul: i32x4, from_i32x4, |x, y| x.wrapping_mul(y);
    i32x4_min_s: i32x4, from_i32x4, |x, y| x.min(y);
    i32x4_min_u: u32x4, from_u32x4, |x, y| x.min(y);
    i32x4_max_s: i32x4, from_i32x4, |x, y| x.max(y);
    i32x4_max_u: u32x4, from_u32x4, |x, y| x.max(y);
}

// Float lane arithmetic; `min`/`max` are wasm's (NaN wins, -0 < +0) and
// so are the relaxed forms; `pmin`/`pmax` compare the lanes as given.
binary! {
    f32x4_add: f32x4, from_f32x4, |x, y| x + y;
    f32x4_sub: f32x4, from_f32x4, |x, y| x - y;
    f32x4_mul: f32x4, from_f32x4, |x, y| x * y;
    f32x4_div: f32x4, from_f32x4, |x, y| x / y;
    f32x4_min: f32x4, from_f32x4, |x, y| ops::f32_min(x, y);
    f32x4_max: f32x4, from_f32x4, |x, y| ops::f32_max(x, y);
    f32x4_pmin: f32x4, from_f32x4, |x, y| if y < x { y } else { x };
    f32x4_pmax: f32x4, from_f32x4, |x, y| if x < y { y } else { x };
    f64x2_add: f64x2, from_f64x2, |x, y| x + y;
    f64x2_sub: f64x2, from_f64x2, |x, y| x - y;
    f64x2_mul: f64x2, from_f64x2, |x, y| x * y;
    f64x2_div: f64x2, from_f64x2, |x, y| x / y;
    f64x2_min: f64x2, from_f64x2, |x, y| ops::f64_min(x, y);
    f64x2_max: f64x2, from_f64x2, |x, y| ops::f64_max(x, y);
    f64x2_pmin: f64x2, from_f64x2, |x, y| if y < x { y } else { x };
    f64x2_pmax: f64x2, from_f64x2, |x, y| if x < y { y } else { x };
}

comparisons! {
    i8x16_eq: u8x16, u8, from_u8x16, |x, y| x == y;
    i8x16_ne: u8x16, u8, from_u8x16, |x, y| x != y;
    i8x16_lt_s: i8x16, u8, from_u8x16, |x, y| x < y;
    i8x16_lt_u: u8x16, u8, from_u8x16, |x, y| x < y;
    i8x16_gt_s: i8x16, u8, from_u8x16, |x, y| x > y;
    i8x16_gt_u: u8x16, u8, from_u8x16, |x, y| x > y;
    i8x16_le_s: i8x16, u8, from_u8x16, |x, y| x <= y;
    i8x16_le_u: u8x16, u8, from_u8x16, |x, y| x <= y;
    i8x16_ge_s: i8x16, u8, from_u8x16, |x, y| x >= y;
    i8x16_ge_u: u8x16, u8, from_u8x16, |x, y| x >= y;
    i16x8_eq: u16x8, u16, from_u16x8, |x, y| x == y;
    i16x8_ne: u16x8, u16, from_u16x8, |x, y| x != y;
    i16x8_lt_s: i16x8, u16, from_u16x8, |x, y| x < y;
    i16x8_lt_u: u16x8, u16, from_u16x8, |x, y| x < y;
    i16x8_gt_s: i16x8, u16, from_u16x8, |x, y| x > y;
    i16x8_gt_u: u16x8, u16, from_u16x8, |x, y| x > y;
    i16x8_le_s: i16x8, u16, from_u16x8, |x, y| x <= y;
    i16x8_le_u: u16x8, u16, from_u16x8, |x, y| x <= y;
    i16x8_ge_s: i16x8, u16, from_u16x8, |x, y| x >= y;
    i16x8_ge_u: u16x8, u16, from_u16x8, |x, y| x >= y;
    i32x4_eq: u32x4, u32, from_u32x4, |x, y| x == y;
    i32x4_ne: u32x4, u32, from_u32x4, |x, y| x != y;
    i32x4_lt_s: i32x4, u32, from_u32x4, |x, y| x < y;
    i32x4_lt_u: u32x4, u32, from_u32x4, |x, y| x < y;
    i32x4_gt_s: i32x4, u32, from_u32x4, |x, y| x > y;
    i32x4_gt_u: u32x4, u32, from_u32x4, |x, y| x > y;
    i32x4_le_s: i32x4, u32, from_u32x4, |x, y| x <= y;
    i32x4_le_u: u32x4, u32, from_u32x4, |x, y| x <= y;
    i32x4_ge_s: i32x4, u32, from_u32x4, |x, y| x >= y;
    i32x4_ge_u: u32x4, u32, from_u32x4, |x, y| x >= y;
    i64x2_eq: u64x2, u64, from_u64x2, |x, y| x == y;
    i64x2_ne: u64x2, u64, from_u64x2, |x, y| x != y;
    i64x2_lt_s: i64x2, u64, from_u64x2, |x, y| x < y;
    i64x2_gt_s: i64x2, u64, from_u64x2, |x, y| x > y;
    i64x2_le_s: i64x2, u64, from_u64x2, |x, y| x <= y;
    i64x2_ge_s: i64x2, u64, from_u64x2, |x, y| x >= y;
    f32x4_eq: f32x4, u32, from_u32x4, |x, y| x == y;
    f32x4_ne: f32x4, u32, from_u32x4, |x, y| x != y;
    f32x4_lt: f32x4, u32, from_u32x4, |x, y| x < y;
    f32x4_gt: f32x4, u32, from_u32x4, |x, y| x > y;
    f32x4_le: f32x4, u32, from_u32x4, |x, y| x <= y;
    f32x4_ge: f32x4, u32, from_u32x4, |x, y| x >= y;
    f64x2_eq: f64x2, u64, from_u64x2, |x, y| x == y;
    f64x2_ne: f64x2, u64, from_u64x2, |x, y| x != y;
    f64x2_lt: f64x2, u64, from_u64x2, |x, y| x < y;
    f64x2_gt: f64x2, u64, from_u64x2, |x, y| x > y;
    f64x2_le: f64x2, u64, from_u64x2, |x, y| x <= y;
    f64x2_ge: f64x2, u64, from_u64x2, |x, y| x >= y;
}

unary! {
    i8x16_abs: i8x16, from_i8x16, |x| x.wrapping_abs();
    i8x16_neg: i8x16, from_i8x16, |x| x.wrapping_neg();
    i8x16_popcnt: u8x16, from_u8x16, |x| x.count_ones() as u8;
    i16x8_abs: i16x8, from_i16x8, |x| x.wrapping_abs();
    i16x8_neg: i16x8, from_i16x8, |x| x.wrapping_neg();
    i32x4_abs: i32x4, from_i32x4, |x| x.wrapping_abs();
    i32x4_neg: i32x4, from_i32x4, |x| x.wrapping_neg();
    i64x2_abs: i64x2, from_i64x2, |x| x.wrapping_abs();
    f32x4_abs: u32x4, from_u32x4, |x| ops::f32_abs(x);
    f32x4_neg: u32x4, from_u32x4, |x| ops::f32_neg(x);
    f32x4_sqrt: f32x4, from_f32x4, |x| ops::f32_sqrt(x);
    f32x4_ceil: f32x4, from_f32x4, |x| ops::f32_ceil(x);
    f32x4_floor: f32x4, from_f32x4, |x| ops::f32_floor(x);
    f32x4_trunc: f32x4, from_f32x4, |x| ops::f32_trunc(x);
    f32x4_nearest: f32x4, from_f32x4, |x| ops::f32_nearest(x);
    f64x2_abs: u64x2, from_u64x2, |x| ops::f64_abs(x);
    f64x2_neg: u64x2, from_u64x2, |x| ops::f64_neg(x);
    f64x2_sqrt: f64x2, from_f64x2, |x| ops::f64_sqrt(x);
    f64x2_ceil: f64x2, from_f64x2, |x| ops::f64_ceil(x);
    f64x2_floor: f64x2, from_f64x2, |x| ops::f64_floor(x);
    f64x2_trunc: f64x2, from_f64x2, |x| ops::f64_trunc(x);
    f64x2_nearest: f64x2, from_f64x2, |x| ops::f64_nearest(x);
    // Saturating conversions (NaN → 0), which the relaxed forms share;
    // Rust's `as` saturates the same way.
    i32x4_trunc_sat_f32x4_s: f32x4, from_i32x4, |x| x as i32;
    i32x4_trunc_sat_f32x4_u: f32x4, from_u32x4, |x| x as u32;
    f32x4_convert_i32x4_s: i32x4, from_f32x4, |x| x as f32;
    f32x4_convert_i32x4_u: u32x4, from_f32x4, |x| x as f32;
}

shifts! {
    i8x16_shl: i8x16, from_i8x16, |x, n| x.wrapping_shl(n);
    i8x16_shr_s: i8x16, from_i8x16, |x, n| x.wrapping_shr(n);
    i8x16_shr_u: u8x16, from_u8x16, |x, n| x.wrapping_shr(n);
    i16x8_shl: i16x8, from_i16x8, |x, n| x.wrapping_shl(n);
    i16x8_shr_s: i16x8, from_i16x8, |x, n| x.wrapping_shr(n);
    i16x8_shr_u: u16x8, from_u16x8, |x, n| x.wrapping_shr(n);
    i32x4_shl: i32x4, from_i32x4, |x, n| x.wrapping_shl(n);
    i32x4_shr_s: i32x4, from_i32x4, |x, n| x.wrapping_shr(n);
    i32x4_shr_u: u32x4, from_u32x4, |x, n| x.wrapping_shr(n);
}

// Operators on each 64-bit half alone (bitwise, 64-bit lanes, and 32-bit
// lane additions computed per half): see `halves`.
#[inline(always)]
pub(super) fn v128_not(x: u64) -> u64 {
    !x
}
#[inline(always)]
pub(super) fn v128_and(x: u64, y: u64) -> u64 {
    x & y
}
#[inline(always)]
pub(super) fn v128_andnot(x: u64, y: u64) -> u64 {
    x & !y
}
#[inline(always)]
pub(super) fn v128_or(x: u64, y: u64) -> u64 {
    x | y
}
#[inline(always)]
pub(super) fn v128_xor(x: u64, y: u64) -> u64 {
    x ^ y
}
#[inline(always)]
pub(super) fn i64x2_neg(x: u64) -> u64 {
    x.wrapping_neg()
}
#[inline(always)]
pub(super) fn i64x2_add(x: u64, y: u64) -> u64 {
    x.wrapping_add(y)
}
#[inline(always)]
pub(super) fn i64x2_sub(x: u64, y: u64) -> u64 {
    x.wrapping_sub(y)
}
#[inline(always)]
pub(super) fn i64x2_mul(x: u64, y: u64) -> u64 {
    x.wrapping_mul(y)
}
/// Shift counts are taken modulo the lane width, as `wrapping_sh*` does.
#[inline(always)]
pub(super) fn i64x2_shl(x: u64, n: u32) -> u64 {
    x.wrapping_shl(n)
}
#[inline(always)]
pub(super) fn i64x2_shr_s(x: u64, n: u32) -> u64 {
    (x as i64).wrapping_shr(n) as u64
}
#[inline(always)]
pub(super) fn i64x2_shr_u(x: u64, n: u32) -> u64 {
    x.wrapping_shr(n)
}
/// The two 32-bit lanes of a half, each by `f`.
#[inline(always)]
fn i32_lanes_of_half(x: u64, y: u64, f: impl Fn(u32, u32) -> u32) -> u64 {
    let low = f(x as u32, y as u32);
    let high = f((x >> 32) as u32, (y >> 32) as u32);
    u64::from(low) | u64::from(high) << 32
}
#[inline(always)]
pub(super) fn i32x4_add(x: u64, y: u64) -> u64 {
    i32_lanes_of_half(x, y, u32::wrapping_add)
}
#[inline(always)]
pub(super) fn i32x4_sub(x: u64, y: u64) -> u64 {
    i32_lanes_of_half(x, y, u32::wrapping_sub)
}

/// `a`'s bits where `mask` is set, `b`'s elsewhere (also every relaxed
/// `laneselect`: each bit of the mask selects).
#[inline(always)]
pub(super) fn v128_bitselect(a: V128, b: V128, mask: V128) -> V128 {
    let (a, b, mask) = (u64x2(a), u64x2(b), u64x2(mask));
    from_u64x2(from_fn(|i| (a[i] & mask[i]) | (b[i] & !mask[i])))
}

// Whole-vector tests, as i32.
#[inline(always)]
pub(super) fn v128_any_true(a: V128) -> u32 {
    u32::from(u64x2(a).iter().any(|x| *x != 0))
}
#[inline(always)]
pub(super) fn i8x16_all_true(a: V128) -> u32 {
    u32::from(u8x16(a).iter().all(|x| *x != 0))
}
#[inline(always)]
pub(super) fn i16x8_all_true(a: V128) -> u32 {
    u32::from(u16x8(a).iter().all(|x| *x != 0))
}
#[inline(always)]
pub(super) fn i32x4_all_true(a: V128) -> u32 {
    u32::from(u32x4(a).iter().all(|x| *x != 0))
}
#[inline(always)]
pub(super) fn i64x2_all_true(a: V128) -> u32 {
    u32::from(u64x2(a).iter().all(|x| *x != 0))
}
#[inline(always)]
pub(super) fn i8x16_bitmask(a: V128) -> u32 {
    i8x16(a).iter().enumerate().fold(0, |mask, (i, x)| mask | u32::from(*x < 0) << i)
}
#[inline(always)]
pub(super) fn i16x8_bitmask(a: V128) -> u32 {
    i16x8(a).iter().enumerate().fold(0, |mask, (i, x)| mask | u32::from(*x < 0) << i)
}
#[inline(always)]
pub(super) fn i32x4_bitmask(a: V128) -> u32 {
    i32x4(a).iter().enumerate().fold(0, |mask, (i, x)| mask | u32::from(*x < 0) << i)
}
#[inline(always)]
pub(super) fn i64x2_bitmask(a: V128) -> u32 {
    i64x2(a).iter().enumerate().fold(0, |mask, (i, x)| mask | u32::from(*x < 0) << i)
}

// Splats of a scalar's raw bits, as the word both halves hold (see
// `splat_halves`).
#[inline(always)]
pub(super) fn i8x16_splat(x: u64) -> u64 {
    u64::from(x as u8) * 0x0101_0101_0101_0101
}
#[inline(always)]
pub(super) fn i16x8_splat(x: u64) -> u64 {
    u64::from(x as u16) * 0x0001_0001_0001_0001
}
#[inline(always)]
pub(super) fn i32x4_splat(x: u64) -> u64 {
    u64::from(x as u32) * 0x0000_0001_0000_0001
}
#[inline(always)]
pub(super) fn i64x2_splat(x: u64) -> u64 {
    x
}

/// Lane `lane` (below the lane count: validated) of `a`, as raw bits.
macro_rules! lanes_access {
    ($($extract:ident, $replace:ident: $to:ident, $from:ident, $t:ty => |$x:ident| $raw:expr, |$r:ident| $back:expr;)*) => {$(
        #[inline(always)]
        pub(super) fn $extract(a: V128, lane: u8) -> u64 {
            let $x = $to(a)[lane as usize];
            $raw
        }
        #[inline(always)]
        pub(super) fn $replace(a: V128, lane: u8, $r: u64) -> V128 {
            let mut lanes = $to(a);
            lanes[lane as usize] = $back;
            $from(lanes)
        }
    )*};
}

lanes_access! {
    i8x16_extract_lane_s, i8x16_replace_lane: i8x16, from_i8x16, i8 => |x| x as i32 as u32 as u64, |r| r as i8;
    i16x8_extract_lane_s, i16x8_replace_lane: i16x8, from_i16x8, i16 => |x| x as i32 as u32 as u64, |r| r as i16;
}

#[inline(always)]
pub(super) fn i8x16_extract_lane_u(a: V128, lane: u8) -> u64 {
    u64::from(u8x16(a)[lane as usize])
}
#[inline(always)]
pub(super) fn i16x8_extract_lane_u(a: V128, lane: u8) -> u64 {
    u64::from(u16x8(a)[lane as usize])
}

/// `i8x16.shuffle`: lane `i` of the result is lane `mask`'s byte `i` of
/// `a ++ b` (validation keeps the indices below 32).
#[inline(always)]
pub(super) fn i8x16_shuffle(a: V128, b: V128, mask: V128) -> V128 {
    let mut both = [0u8; 32];
    both[..16].copy_from_slice(&a);
    both[16..].copy_from_slice(&b);
    mask.map(|m| both[(m & 31) as usize])
}

/// `i8x16.swizzle` (and the relaxed form): an index of 16 or more selects 0.
#[inline(always)]
pub(super) fn i8x16_swizzle(a: V128, indices: V128) -> V128 {
    // A loop, not `map`: a call left out of line would take the lanes'
    // addresses, and the applier's dispatch could no longer be a jump.
    let mut out = [0; 16];
    for (lane, index) in out.iter_mut().zip(indices) {
        *lane = if index < 16 { a[usize::from(index & 15)] } else { 0 };
    }
    out
}

// Narrowing with saturation: two vectors' lanes, halved in width.
#[inline(always)]
pub(super) fn i8x16_narrow_i16x8_s(a: V128, b: V128) -> V128 {
    let (a, b) = (i16x8(a), i16x8(b));
    from_i8x16(from_fn(|i| (if i < 8 { a[i] } else { b[i - 8] }).clamp(i8::MIN.into(), i8::MAX.into()) as i8))
}
#[inline(always)]
pub(super) fn i8x16_narrow_i16x8_u(a: V128, b: V128) -> V128 {
    let (a, b) = (i16x8(a), i16x8(b));
    from_u8x16(from_fn(|i| (if i < 8 { a[i] } else { b[i - 8] }).clamp(0, u8::MAX.into()) as u8))
}
#[inline(always)]
pub(super) fn i16x8_narrow_i32x4_s(a: V128, b: V128) -> V128 {
    let (a, b) = (i32x4(a), i32x4(b));
    from_i16x8(from_fn(|i| (if i < 4 { a[i] } else { b[i - 4] }).clamp(i16::MIN.into(), i16::MAX.into()) as i16))
}
#[inline(always)]
pub(super) fn i16x8_narrow_i32x4_u(a: V128, b: V128) -> V128 {
    let (a, b) = (i32x4(a), i32x4(b));
    from_u16x8(from_fn(|i| (if i < 4 { a[i] } else { b[i - 4] }).clamp(0, u16::MAX.into()) as u16))
}

/// Widening of the low or high half's lanes: `name: narrow shape, wide
/// constructor, wide lane type, which half`.
macro_rules! extends {
    ($($name:ident: $to:ident, $from:ident, $wide:ty, $half:literal;)*) => {$(
        #[inline(always)]
        pub(super) fn $name(a: V128) -> V128 {
            let lanes = $to(a);
            const N: usize = 16 / std::mem::size_of::<$wide>();
            $from(from_fn(|i| <$wide>::from(lanes[$half * N + i])))
        }
    )*};
}

extends! {
    i16x8_extend_low_i8x16_s: i8x16, from_i16x8, i16, 0;
    i16x8_extend_high_i8x16_s: i8x16, from_i16x8, i16, 1;
    i16x8_extend_low_i8x16_u: u8x16, from_u16x8, u16, 0;
    i16x8_extend_high_i8x16_u: u8x16, from_u16x8, u16, 1;
    i32x4_extend_low_i16x8_s: i16x8, from_i32x4, i32, 0;
    i32x4_extend_high_i16x8_s: i16x8, from_i32x4, i32, 1;
    i32x4_extend_low_i16x8_u: u16x8, from_u32x4, u32, 0;
    i32x4_extend_high_i16x8_u: u16x8, from_u32x4, u32, 1;
    i64x2_extend_low_i32x4_s: i32x4, from_i64x2, i64, 0;
    i64x2_extend_high_i32x4_s: i32x4, from_i64x2, i64, 1;
    i64x2_extend_low_i32x4_u: u32x4, from_u64x2, u64, 0;
    i64x2_extend_high_i32x4_u: u32x4, from_u64x2, u64, 1;
}

/// Products of the low or high halves' lanes, widened first (exact).
macro_rules! extmuls {
    ($($name:ident: $to:ident, $from:ident, $wide:ty, $half:literal;)*) => {$(
        #[inline(always)]
        pub(super) fn $name(a: V128, b: V128) -> V128 {
            let (a, b) = ($to(a), $to(b));
            const N: usize = 16 / std::mem::size_of::<$wide>();
            $from(from_fn(|i| <$wide>::from(a[$half * N + i]).wrapping_mul(<$wide>::from(b[$half * N + i]))))
        }
    )*};
}

extmuls! {
    i16x8_extmul_low_i8x16_s: i8x16, from_i16x8, i16, 0;
    i16x8_extmul_high_i8x16_s: i8x16, from_i16x8, i16, 1;
    i16x8_extmul_low_i8x16_u: u8x16, from_u16x8, u16, 0;
    i16x8_extmul_high_i8x16_u: u8x16, from_u16x8, u16, 1;
    i32x4_extmul_low_i16x8_s: i16x8, from_i32x4, i32, 0;
    i32x4_extmul_high_i16x8_s: i16x8, from_i32x4, i32, 1;
    i32x4_extmul_low_i16x8_u: u16x8, from_u32x4, u32, 0;
    i32x4_extmul_high_i16x8_u: u16x8, from_u32x4, u32, 1;
    i64x2_extmul_low_i32x4_s: i32x4, from_i64x2, i64, 0;
    i64x2_extmul_high_i32x4_s: i32x4, from_i64x2, i64, 1;
    i64x2_extmul_low_i32x4_u: u32x4, from_u64x2, u64, 0;
    i64x2_extmul_high_i32x4_u: u32x4, from_u64x2, u64, 1;
}

/// Sums of adjacent lanes, widened (exact).
macro_rules! extadd_pairwise {
    ($($name:ident: $to:ident, $from:ident, $wide:ty;)*) => {$(
        #[inline(always)]
        pub(super) fn $name(a: V128) -> V128 {
            let lanes = $to(a);
            $from(from_fn(|i| <$wide>::from(lanes[2 * i]) + <$wide>::from(lanes[2 * i + 1])))
        }
    )*};
}

extadd_pairwise! {
    i16x8_extadd_pairwise_i8x16_s: i8x16, from_i16x8, i16;
    i16x8_extadd_pairwise_i8x16_u: u8x16, from_u16x8, u16;
    i32x4_extadd_pairwise_i16x8_s: i16x8, from_i32x4, i32;
    i32x4_extadd_pairwise_i16x8_u: u16x8, from_u32x4, u32;
}

/// Products of signed i16 lanes, adjacent pairs summed (wrapping: only
/// MIN × MIN twice overflows).
#[inline(always)]
pub(super) fn i32x4_dot_i16x8_s(a: V128, b: V128) -> V128 {
    let (a, b) = (i16x8(a), i16x8(b));
    let product = |i: usize| i32::from(a[i]) * i32::from(b[i]);
    from_i32x4(from_fn(|i| product(2 * i).wrapping_add(product(2 * i + 1))))
}

/// The relaxed i8 dot product: both operands signed, each pair of products
/// summed in a wrapping i16.
#[inline(always)]
pub(super) fn i16x8_relaxed_dot_i8x16_i7x16_s(a: V128, b: V128) -> V128 {
    let (a, b) = (i8x16(a), i8x16(b));
    let product = |i: usize| i16::from(a[i]) * i16::from(b[i]);
    from_i16x8(from_fn(|i| product(2 * i).wrapping_add(product(2 * i + 1))))
}

/// The relaxed i8 dot product's pair sums, adjacent pairs of them added
/// (sign-extended) to the i32 lanes of `c`.
#[inline(always)]
pub(super) fn i32x4_relaxed_dot_i8x16_i7x16_add_s(a: V128, b: V128, c: V128) -> V128 {
    let pairs = i16x8(i16x8_relaxed_dot_i8x16_i7x16_s(a, b));
    let c = i32x4(c);
    from_i32x4(from_fn(|i| (i32::from(pairs[2 * i]) + i32::from(pairs[2 * i + 1])).wrapping_add(c[i])))
}

/// Fused multiply-add, one rounding (the relaxed `madd`); `nmadd` negates
/// the product.
#[inline(always)]
pub(super) fn f32x4_relaxed_madd(a: V128, b: V128, c: V128) -> V128 {
    let (a, b, c) = (f32x4(a), f32x4(b), f32x4(c));
    from_f32x4(from_fn(|i| a[i].mul_add(b[i], c[i])))
}
#[inline(always)]
pub(super) fn f32x4_relaxed_nmadd(a: V128, b: V128, c: V128) -> V128 {
    let (a, b, c) = (f32x4(a), f32x4(b), f32x4(c));
    from_f32x4(from_fn(|i| (-a[i]).mul_add(b[i], c[i])))
}
#[inline(always)]
pub(super) fn f64x2_relaxed_madd(a: V128, b: V128, c: V128) -> V128 {
    let (a, b, c) = (f64x2(a), f64x2(b), f64x2(c));
    from_f64x2(from_fn(|i| a[i].mul_add(b[i], c[i])))
}
#[inline(always)]
pub(super) fn f64x2_relaxed_nmadd(a: V128, b: V128, c: V128) -> V128 {
    let (a, b, c) = (f64x2(a), f64x2(b), f64x2(c));
    from_f64x2(from_fn(|i| (-a[i]).mul_add(b[i], c[i])))
}

// Conversions between the f64x2 lanes and half of another shape.
#[inline(always)]
pub(super) fn i32x4_trunc_sat_f64x2_s_zero(a: V128) -> V128 {
    let a = f64x2(a);
    from_i32x4([a[0] as i32, a[1] as i32, 0, 0])
}
#[inline(always)]
pub(super) fn i32x4_trunc_sat_f64x2_u_zero(a: V128) -> V128 {
    let a = f64x2(a);
    from_u32x4([a[0] as u32, a[1] as u32, 0, 0])
}
#[inline(always)]
pub(super) fn f64x2_convert_low_i32x4_s(a: V128) -> V128 {
    let a = i32x4(a);
    from_f64x2([f64::from(a[0]), f64::from(a[1])])
}
#[inline(always)]
pub(super) fn f64x2_convert_low_i32x4_u(a: V128) -> V128 {
    let a = u32x4(a);
    from_f64x2([f64::from(a[0]), f64::from(a[1])])
}
#[inline(always)]
pub(super) fn f32x4_demote_f64x2_zero(a: V128) -> V128 {
    let a = f64x2(a);
    from_f32x4([ops::f32_demote(a[0]), ops::f32_demote(a[1]), 0.0, 0.0])
}
#[inline(always)]
pub(super) fn f64x2_promote_low_f32x4(a: V128) -> V128 {
    let a = f32x4(a);
    from_f64x2([ops::f64_promote(a[0]), ops::f64_promote(a[1])])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lanes_are_little_endian_and_round_trip() {
        let v = v128_of(0x0f0e_0d0c_0b0a_0908_0706_0504_0302_0100u128);
        assert_eq!(u8x16(v), std::array::from_fn(|i| i as u8));
        assert_eq!(u16x8(v)[1], 0x0302);
        assert_eq!(u32x4(v)[3], 0x0f0e_0d0c);
        assert_eq!(from_u64x2(u64x2(v)), v);
        assert_eq!(from_f32x4(f32x4(v)), v);
    }

    #[test]
    fn edge_cases_follow_the_spec() {
        // Extended halves, pairwise sums, the i16 wrap of the relaxed dot.
        let bytes = from_i8x16(std::array::from_fn(|i| if i % 2 == 0 { -128 } else { 127 }));
        assert_eq!(i16x8(i16x8_extend_high_i8x16_s(bytes)), [-128, 127, -128, 127, -128, 127, -128, 127]);
        assert_eq!(i16x8(i16x8_extadd_pairwise_i8x16_s(bytes)), [-1; 8]);
        let minus = from_i8x16([-128; 16]);
        assert_eq!(i16x8(i16x8_relaxed_dot_i8x16_i7x16_s(minus, minus)), [i16::MIN; 8]);
        assert_eq!(
            i32x4(i32x4_extmul_high_i16x8_s(from_i16x8([i16::MIN; 8]), from_i16x8([i16::MIN; 8]))),
            [1 << 30; 4]
        );
        // Narrowing saturates; avgr rounds up; q15mulr saturates MIN × MIN only.
        assert_eq!(u8x16(i8x16_narrow_i16x8_u(from_i16x8([-5, 300, 7, 0, 0, 0, 0, 0]), [0; 16]))[..3], [0, 255, 7]);
        assert_eq!(u8x16(i8x16_avgr_u(from_u8x16([255; 16]), from_u8x16([0; 16])))[0], 128);
        assert_eq!(i16x8(i16x8_q15mulr_sat_s(from_i16x8([i16::MIN; 8]), from_i16x8([i16::MIN; 8])))[0], i16::MAX);
        // Shuffle across both operands; swizzle out of range gives 0.
        let (a, b) = (from_u8x16(std::array::from_fn(|i| i as u8)), from_u8x16(std::array::from_fn(|i| 16 + i as u8)));
        assert_eq!(u8x16(i8x16_shuffle(a, b, from_u8x16(std::array::from_fn(|i| 31 - i as u8))))[0], 31);
        assert_eq!(
            u8x16(i8x16_swizzle(a, from_u8x16([16, 1, 255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])))[..3],
            [0, 1, 0]
        );
        // Bitmask reads each lane's sign.
        assert_eq!(i32x4_bitmask(from_i32x4([-1, 0, i32::MIN, 5])), 0b0101);
        // Saturating conversions: NaN → 0, out of range clamps.
        assert_eq!(
            i32x4(i32x4_trunc_sat_f32x4_s(from_f32x4([f32::NAN, 3e9, -3e9, -1.5]))),
            [0, i32::MAX, i32::MIN, -1]
        );
        assert_eq!(u32x4(i32x4_trunc_sat_f64x2_u_zero(from_f64x2([-1.0, 1e10]))), [0, u32::MAX, 0, 0]);
    }
}
