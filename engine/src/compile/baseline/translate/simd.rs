//! SIMD: a v128 takes two words of the operand stack (low first, as in a
//! call's values buffer), and while straight-line code allows it lives in
//! an xmm register of the pool instead (`Value::V128` with `Value::Upper`
//! above it), so most operators are one or a few SSE instructions on
//! registers. Operands that are in their slots (or a v128 local's) are read
//! from there: unaligned, so through `movdqu` into a scratch register (the
//! frame keeps 8-byte alignment only; SSE's memory operands want 16).
//! Constants (masks, lookup tables, a shuffle's selectors) sit in a pool
//! after the function's code, 16-byte aligned, read RIP-relative.
//!
//! Needs SSE4.2, SSSE3 and, for relaxed SIMD's fused multiply-add, FMA
//! (`baseline::missing_cpu_features`): the engine refuses the proposals on a CPU
//! without them rather than execute an illegal instruction.
//!
//! Scratch: xmm0 and xmm1 (xmm0 is also `pblendvb`'s implicit mask), rax,
//! rcx, rdx, r10, r11 (general-purpose).
//!
//! Relaxed SIMD computes the one documented result per operator that the
//! other tiers compute (ARCHITECTURE.md, "Relaxed SIMD"): each relaxed
//! operator is translated as its deterministic counterpart.

use dynasmrt::{DynamicLabel, DynasmApi, DynasmLabelApi, dynasm};
use wasmparser::{MemArg, Operator};

use super::condition::Cc;
use super::registers::{Operand, Value};
use super::{Asm, Translator};
use crate::compile::native::TrapSite;
use crate::error::{Result, TrapCode};
use crate::runtime::vmctx::VMGlobalDefinition;

/// An operation on xmm register `x` in place, with the second operand in
/// xmm register `s` (which it leaves alone); it may use xmm0.
type Binary = fn(&mut Asm, u8, u8);
/// An operation on xmm register `x` in place; it may use xmm0 and xmm1.
type Unary = fn(&mut Asm, u8);
/// An operation on xmm register `x` in place with a temporary xmm `t`.
type UnaryWithTemp = fn(&mut Asm, u8, u8);
/// An access of memory at `[base + index + displacement]` with xmm `x`,
/// the access first (the trap site).
type Access = fn(&mut Asm, u8, u8, u8, i32);
/// The same for one lane.
type LaneAccess = fn(&mut Asm, u8, u8, u8, i32, i8);

macro_rules! binary {
    ($op:ident) => {
        (|ops: &mut Asm, x: u8, s: u8| dynasm!(ops ; .arch x64 ; $op Rx(x), Rx(s))) as Binary
    };
}

/// `$op`, then every bit complemented.
macro_rules! complemented {
    ($op:ident) => {
        (|ops: &mut Asm, x: u8, s: u8| {
            dynasm!(ops ; .arch x64 ; $op Rx(x), Rx(s) ; pcmpeqd xmm0, xmm0 ; pxor Rx(x), xmm0)
        }) as Binary
    };
}

/// `$op x, x` (with an immediate, if given) as a `Unary`; this module's
/// macros serve `float.rs` too (declared before it).
macro_rules! unary {
    ($op:ident $(, $imm:literal)?) => {
        (|ops: &mut Asm, x: u8| dynasm!(ops ; .arch x64 ; $op Rx(x), Rx(x) $(, $imm)?)) as Unary
    };
}

macro_rules! access {
    ($op:ident $size:ident $(; $($rest:tt)*)?) => {
        (|ops: &mut Asm, x: u8, base: u8, index: u8, d: i32| {
            dynasm!(ops ; .arch x64 ; $op Rx(x), $size [Rq(base) + Rq(index) + d] $(; $($rest)*)?)
        }) as Access
    };
}

/// A shuffle that moves whole 32-bit lanes of one operand: that operand
/// (0 or 1) and pshufd's order immediate (two bits per result lane).
fn dword_shuffle(lanes: &[u8; 16]) -> Option<(u8, u8)> {
    let source = lanes[0] / 16;
    let mut order = 0;
    for (i, dword) in lanes.chunks(4).enumerate() {
        let first = dword[0];
        let whole = first % 4 == 0 && dword.iter().enumerate().all(|(k, &l)| l == first + k as u8);
        if !whole || first / 16 != source {
            return None;
        }
        order |= ((first % 16) / 4) << (2 * i);
    }
    Some((source, order))
}

/// Which integer lanes an operation works on.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Lanes {
    I8,
    I16,
    I32,
    I64,
}

/// How an integer comparison is computed.
#[derive(Clone, Copy)]
enum IntCmp {
    Eq,
    Ne,
    LtS,
    GtS,
    LeS,
    GeS,
    LtU,
    GtU,
    LeU,
    GeU,
}

#[derive(Clone, Copy)]
enum Shift {
    Shl,
    ShrS,
    ShrU,
}

/// The four bytes of `value` in every 32-bit lane.
fn splat32(value: u32) -> [u8; 16] {
    let mut bytes = [0; 16];
    for lane in bytes.chunks_mut(4) {
        lane.copy_from_slice(&value.to_le_bytes());
    }
    bytes
}

fn splat64(value: u64) -> [u8; 16] {
    let mut bytes = [0; 16];
    for lane in bytes.chunks_mut(8) {
        lane.copy_from_slice(&value.to_le_bytes());
    }
    bytes
}

fn splat16(value: u16) -> [u8; 16] {
    splat32(u32::from(value) * 0x0001_0001)
}

fn splat8(value: u8) -> [u8; 16] {
    [value; 16]
}

impl Translator<'_> {
    /// SIMD operators; `Ok(false)` when `op` is not one.
    pub(super) fn simd_operator(&mut self, op: &Operator<'_>) -> Result<bool> {
        use Operator as O;
        match *op {
            O::V128Const { value } => self.v128_constant(*value.bytes()),
            O::V128Load { memarg } => self.load_v128(memarg, 16, access!(movdqu OWORD))?,
            O::V128Load8x8S { memarg } => self.load_v128(memarg, 8, access!(pmovsxbw QWORD))?,
            O::V128Load8x8U { memarg } => self.load_v128(memarg, 8, access!(pmovzxbw QWORD))?,
            O::V128Load16x4S { memarg } => self.load_v128(memarg, 8, access!(pmovsxwd QWORD))?,
            O::V128Load16x4U { memarg } => self.load_v128(memarg, 8, access!(pmovzxwd QWORD))?,
            O::V128Load32x2S { memarg } => self.load_v128(memarg, 8, access!(pmovsxdq QWORD))?,
            O::V128Load32x2U { memarg } => self.load_v128(memarg, 8, access!(pmovzxdq QWORD))?,
            O::V128Load8Splat { memarg } => {
                self.load_v128(memarg, 1, |ops, x, base, index, d| {
                    dynasm!(ops
                        ; .arch x64
                        ; pinsrb Rx(x), BYTE [Rq(base) + Rq(index) + d], 0
                        ; pxor xmm0, xmm0
                        ; pshufb Rx(x), xmm0
                    )
                })?
            }
            O::V128Load16Splat { memarg } => self.load_v128(memarg, 2, |ops, x, base, index, d| {
                dynasm!(ops
                    ; .arch x64
                    ; pinsrw Rx(x), WORD [Rq(base) + Rq(index) + d], 0
                    ; pshuflw Rx(x), Rx(x), 0
                    ; pshufd Rx(x), Rx(x), 0
                )
            })?,
            O::V128Load32Splat { memarg } => {
                self.load_v128(memarg, 4, |ops, x, base, index, d| {
                    dynasm!(ops ; .arch x64 ; movss Rx(x), DWORD [Rq(base) + Rq(index) + d] ; pshufd Rx(x), Rx(x), 0)
                })?
            }
            O::V128Load64Splat { memarg } => self.load_v128(memarg, 8, access!(movddup QWORD))?,
            O::V128Load32Zero { memarg } => self.load_v128(memarg, 4, access!(movss DWORD))?,
            O::V128Load64Zero { memarg } => self.load_v128(memarg, 8, access!(movq QWORD))?,
            O::V128Load8Lane { memarg, lane } => self.load_lane(memarg, 1, lane, |ops, x, base, index, d, lane| {
                dynasm!(ops ; .arch x64 ; pinsrb Rx(x), BYTE [Rq(base) + Rq(index) + d], lane)
            })?,
            O::V128Load16Lane { memarg, lane } => self.load_lane(memarg, 2, lane, |ops, x, base, index, d, lane| {
                dynasm!(ops ; .arch x64 ; pinsrw Rx(x), WORD [Rq(base) + Rq(index) + d], lane)
            })?,
            O::V128Load32Lane { memarg, lane } => self.load_lane(memarg, 4, lane, |ops, x, base, index, d, lane| {
                dynasm!(ops ; .arch x64 ; pinsrd Rx(x), DWORD [Rq(base) + Rq(index) + d], lane)
            })?,
            O::V128Load64Lane { memarg, lane } => self.load_lane(memarg, 8, lane, |ops, x, base, index, d, lane| {
                dynasm!(ops ; .arch x64 ; pinsrq Rx(x), QWORD [Rq(base) + Rq(index) + d], lane)
            })?,
            O::V128Store { memarg } => self.store_lane(memarg, 16, 0, |ops, x, base, index, d, _| {
                dynasm!(ops ; .arch x64 ; movdqu OWORD [Rq(base) + Rq(index) + d], Rx(x))
            })?,
            O::V128Store8Lane { memarg, lane } => self.store_lane(memarg, 1, lane, |ops, x, base, index, d, lane| {
                dynasm!(ops ; .arch x64 ; pextrb BYTE [Rq(base) + Rq(index) + d], Rx(x), lane)
            })?,
            O::V128Store16Lane { memarg, lane } => self.store_lane(memarg, 2, lane, |ops, x, base, index, d, lane| {
                dynasm!(ops ; .arch x64 ; pextrw WORD [Rq(base) + Rq(index) + d], Rx(x), lane)
            })?,
            O::V128Store32Lane { memarg, lane } => self.store_lane(memarg, 4, lane, |ops, x, base, index, d, lane| {
                dynasm!(ops ; .arch x64 ; pextrd DWORD [Rq(base) + Rq(index) + d], Rx(x), lane)
            })?,
            O::V128Store64Lane { memarg, lane } => self.store_lane(memarg, 8, lane, |ops, x, base, index, d, lane| {
                dynasm!(ops ; .arch x64 ; pextrq QWORD [Rq(base) + Rq(index) + d], Rx(x), lane)
            })?,

            O::I8x16Shuffle { lanes } => self.shuffle(lanes),
            O::I8x16Swizzle | O::I8x16RelaxedSwizzle => self.swizzle(),
            O::I8x16Splat => self.splat(false, |ops, x| dynasm!(ops ; .arch x64 ; pxor xmm0, xmm0 ; pshufb Rx(x), xmm0)),
            O::I16x8Splat => {
                self.splat(false, |ops, x| dynasm!(ops ; .arch x64 ; pshuflw Rx(x), Rx(x), 0 ; pshufd Rx(x), Rx(x), 0))
            }
            O::I32x4Splat | O::F32x4Splat => self.splat(false, |ops, x| dynasm!(ops ; .arch x64 ; pshufd Rx(x), Rx(x), 0)),
            O::I64x2Splat | O::F64x2Splat => self.splat(true, |ops, x| dynasm!(ops ; .arch x64 ; punpcklqdq Rx(x), Rx(x))),
            O::I8x16ExtractLaneS { lane } => self.extract_integer(Lanes::I8, true, lane),
            O::I8x16ExtractLaneU { lane } => self.extract_integer(Lanes::I8, false, lane),
            O::I16x8ExtractLaneS { lane } => self.extract_integer(Lanes::I16, true, lane),
            O::I16x8ExtractLaneU { lane } => self.extract_integer(Lanes::I16, false, lane),
            O::I32x4ExtractLane { lane } => self.extract_integer(Lanes::I32, false, lane),
            O::I64x2ExtractLane { lane } => self.extract_integer(Lanes::I64, false, lane),
            O::F32x4ExtractLane { lane } => self.extract_float(false, lane),
            O::F64x2ExtractLane { lane } => self.extract_float(true, lane),
            O::I8x16ReplaceLane { lane } => self.replace_integer(Lanes::I8, lane),
            O::I16x8ReplaceLane { lane } => self.replace_integer(Lanes::I16, lane),
            O::I32x4ReplaceLane { lane } => self.replace_integer(Lanes::I32, lane),
            O::I64x2ReplaceLane { lane } => self.replace_integer(Lanes::I64, lane),
            O::F32x4ReplaceLane { lane } => self.replace_float(false, lane),
            O::F64x2ReplaceLane { lane } => self.replace_float(true, lane),

            O::V128Not => self.v_unary(|ops, x| dynasm!(ops ; .arch x64 ; pcmpeqd xmm0, xmm0 ; pxor Rx(x), xmm0)),
            O::V128And => self.binary(true, binary!(pand)),
            O::V128Or => self.binary(true, binary!(por)),
            O::V128Xor => self.binary(true, binary!(pxor)),
            // a & !b: `pandn` complements its destination.
            O::V128AndNot => self.binary_swapped(binary!(pandn)),
            O::V128Bitselect
            | O::I8x16RelaxedLaneselect
            | O::I16x8RelaxedLaneselect
            | O::I32x4RelaxedLaneselect
            | O::I64x2RelaxedLaneselect => self.bitselect(),
            O::V128AnyTrue => self.test(None),
            O::I8x16AllTrue => self.test(Some(Lanes::I8)),
            O::I16x8AllTrue => self.test(Some(Lanes::I16)),
            O::I32x4AllTrue => self.test(Some(Lanes::I32)),
            O::I64x2AllTrue => self.test(Some(Lanes::I64)),
            O::I8x16Bitmask => self.bitmask(|ops, r, x| dynasm!(ops ; .arch x64 ; pmovmskb Rd(r), Rx(x))),
            O::I16x8Bitmask => self.bitmask(|ops, r, x| {
                dynasm!(ops
                    ; .arch x64
                    ; movdqa xmm0, Rx(x)
                    ; packsswb xmm0, xmm0
                    ; pmovmskb Rd(r), xmm0
                    ; and Rd(r), 0xff
                )
            }),
            O::I32x4Bitmask => self.bitmask(|ops, r, x| dynasm!(ops ; .arch x64 ; movmskps Rd(r), Rx(x))),
            O::I64x2Bitmask => self.bitmask(|ops, r, x| dynasm!(ops ; .arch x64 ; movmskpd Rd(r), Rx(x))),

            O::I8x16Eq => self.int_compare(Lanes::I8, IntCmp::Eq),
            O::I8x16Ne => self.int_compare(Lanes::I8, IntCmp::Ne),
            O::I8x16LtS => self.int_compare(Lanes::I8, IntCmp::LtS),
            O::I8x16LtU => self.int_compare(Lanes::I8, IntCmp::LtU),
            O::I8x16GtS => self.int_compare(Lanes::I8, IntCmp::GtS),
            O::I8x16GtU => self.int_compare(Lanes::I8, IntCmp::GtU),
            O::I8x16LeS => self.int_compare(Lanes::I8, IntCmp::LeS),
            O::I8x16LeU => self.int_compare(Lanes::I8, IntCmp::LeU),
            O::I8x16GeS => self.int_compare(Lanes::I8, IntCmp::GeS),
            O::I8x16GeU => self.int_compare(Lanes::I8, IntCmp::GeU),
            O::I16x8Eq => self.int_compare(Lanes::I16, IntCmp::Eq),
            O::I16x8Ne => self.int_compare(Lanes::I16, IntCmp::Ne),
            O::I16x8LtS => self.int_compare(Lanes::I16, IntCmp::LtS),
            O::I16x8LtU => self.int_compare(Lanes::I16, IntCmp::LtU),
            O::I16x8GtS => self.int_compare(Lanes::I16, IntCmp::GtS),
            O::I16x8GtU => self.int_compare(Lanes::I16, IntCmp::GtU),
            O::I16x8LeS => self.int_compare(Lanes::I16, IntCmp::LeS),
            O::I16x8LeU => self.int_compare(Lanes::I16, IntCmp::LeU),
            O::I16x8GeS => self.int_compare(Lanes::I16, IntCmp::GeS),
            O::I16x8GeU => self.int_compare(Lanes::I16, IntCmp::GeU),
            O::I32x4Eq => self.int_compare(Lanes::I32, IntCmp::Eq),
            O::I32x4Ne => self.int_compare(Lanes::I32, IntCmp::Ne),
            O::I32x4LtS => self.int_compare(Lanes::I32, IntCmp::LtS),
            O::I32x4LtU => self.int_compare(Lanes::I32, IntCmp::LtU),
            O::I32x4GtS => self.int_compare(Lanes::I32, IntCmp::GtS),
            O::I32x4GtU => self.int_compare(Lanes::I32, IntCmp::GtU),
            O::I32x4LeS => self.int_compare(Lanes::I32, IntCmp::LeS),
            O::I32x4LeU => self.int_compare(Lanes::I32, IntCmp::LeU),
            O::I32x4GeS => self.int_compare(Lanes::I32, IntCmp::GeS),
            O::I32x4GeU => self.int_compare(Lanes::I32, IntCmp::GeU),
            O::I64x2Eq => self.int_compare(Lanes::I64, IntCmp::Eq),
            O::I64x2Ne => self.int_compare(Lanes::I64, IntCmp::Ne),
            O::I64x2LtS => self.int_compare(Lanes::I64, IntCmp::LtS),
            O::I64x2GtS => self.int_compare(Lanes::I64, IntCmp::GtS),
            O::I64x2LeS => self.int_compare(Lanes::I64, IntCmp::LeS),
            O::I64x2GeS => self.int_compare(Lanes::I64, IntCmp::GeS),

            O::I8x16Add => self.binary(true, binary!(paddb)),
            O::I8x16AddSatS => self.binary(true, binary!(paddsb)),
            O::I8x16AddSatU => self.binary(true, binary!(paddusb)),
            O::I8x16Sub => self.binary(false, binary!(psubb)),
            O::I8x16SubSatS => self.binary(false, binary!(psubsb)),
            O::I8x16SubSatU => self.binary(false, binary!(psubusb)),
            O::I8x16MinS => self.binary(true, binary!(pminsb)),
            O::I8x16MinU => self.binary(true, binary!(pminub)),
            O::I8x16MaxS => self.binary(true, binary!(pmaxsb)),
            O::I8x16MaxU => self.binary(true, binary!(pmaxub)),
            O::I8x16AvgrU => self.binary(true, binary!(pavgb)),
            O::I8x16Abs => self.v_unary(unary!(pabsb)),
            O::I8x16Neg => self.negate(Lanes::I8),
            O::I8x16Popcnt => self.popcnt(),
            O::I8x16NarrowI16x8S => self.binary(false, binary!(packsswb)),
            O::I8x16NarrowI16x8U => self.binary(false, binary!(packuswb)),
            O::I8x16Shl => self.v_shift(Lanes::I8, Shift::Shl),
            O::I8x16ShrS => self.v_shift(Lanes::I8, Shift::ShrS),
            O::I8x16ShrU => self.v_shift(Lanes::I8, Shift::ShrU),

            O::I16x8Add => self.binary(true, binary!(paddw)),
            O::I16x8AddSatS => self.binary(true, binary!(paddsw)),
            O::I16x8AddSatU => self.binary(true, binary!(paddusw)),
            O::I16x8Sub => self.binary(false, binary!(psubw)),
            O::I16x8SubSatS => self.binary(false, binary!(psubsw)),
            O::I16x8SubSatU => self.binary(false, binary!(psubusw)),
            O::I16x8Mul => self.binary(true, binary!(pmullw)),
            O::I16x8MinS => self.binary(true, binary!(pminsw)),
            O::I16x8MinU => self.binary(true, binary!(pminuw)),
            O::I16x8MaxS => self.binary(true, binary!(pmaxsw)),
            O::I16x8MaxU => self.binary(true, binary!(pmaxuw)),
            O::I16x8AvgrU => self.binary(true, binary!(pavgw)),
            O::I16x8Abs => self.v_unary(unary!(pabsw)),
            O::I16x8Neg => self.negate(Lanes::I16),
            O::I16x8Q15MulrSatS | O::I16x8RelaxedQ15mulrS => self.q15mulr(),
            O::I16x8NarrowI32x4S => self.binary(false, binary!(packssdw)),
            O::I16x8NarrowI32x4U => self.binary(false, binary!(packusdw)),
            O::I16x8ExtendLowI8x16S => self.v_extend(Widen::I8S, false),
            O::I16x8ExtendHighI8x16S => self.v_extend(Widen::I8S, true),
            O::I16x8ExtendLowI8x16U => self.v_extend(Widen::I8U, false),
            O::I16x8ExtendHighI8x16U => self.v_extend(Widen::I8U, true),
            O::I16x8ExtMulLowI8x16S => self.extmul(Widen::I8S, false, binary!(pmullw)),
            O::I16x8ExtMulHighI8x16S => self.extmul(Widen::I8S, true, binary!(pmullw)),
            O::I16x8ExtMulLowI8x16U => self.extmul(Widen::I8U, false, binary!(pmullw)),
            O::I16x8ExtMulHighI8x16U => self.extmul(Widen::I8U, true, binary!(pmullw)),
            O::I16x8ExtAddPairwiseI8x16S => {
                // pmaddubsw: unsigned bytes of the destination (ones) times
                // signed bytes of the source, pairs summed.
                let ones = self.constant(splat8(1));
                let a = self.pop_v128();
                let x = self.alloc_xmm(&[a]);
                let s = self.v128_in(a, 1);
                dynasm!(self.ops ; .arch x64 ; movdqa Rx(x), [=>ones] ; pmaddubsw Rx(x), Rx(s));
                self.push_v128(x);
            }
            O::I16x8ExtAddPairwiseI8x16U => {
                let ones = self.constant(splat8(1));
                self.unary_constant(ones, |ops, x, c| dynasm!(ops ; .arch x64 ; pmaddubsw Rx(x), [=>c]));
            }
            O::I16x8Shl => self.v_shift(Lanes::I16, Shift::Shl),
            O::I16x8ShrS => self.v_shift(Lanes::I16, Shift::ShrS),
            O::I16x8ShrU => self.v_shift(Lanes::I16, Shift::ShrU),

            O::I32x4Add => self.binary(true, binary!(paddd)),
            O::I32x4Sub => self.binary(false, binary!(psubd)),
            O::I32x4Mul => self.binary(true, binary!(pmulld)),
            O::I32x4MinS => self.binary(true, binary!(pminsd)),
            O::I32x4MinU => self.binary(true, binary!(pminud)),
            O::I32x4MaxS => self.binary(true, binary!(pmaxsd)),
            O::I32x4MaxU => self.binary(true, binary!(pmaxud)),
            O::I32x4Abs => self.v_unary(unary!(pabsd)),
            O::I32x4Neg => self.negate(Lanes::I32),
            O::I32x4DotI16x8S => self.binary(true, binary!(pmaddwd)),
            O::I32x4ExtendLowI16x8S => self.v_extend(Widen::I16S, false),
            O::I32x4ExtendHighI16x8S => self.v_extend(Widen::I16S, true),
            O::I32x4ExtendLowI16x8U => self.v_extend(Widen::I16U, false),
            O::I32x4ExtendHighI16x8U => self.v_extend(Widen::I16U, true),
            O::I32x4ExtMulLowI16x8S => self.extmul(Widen::I16S, false, binary!(pmulld)),
            O::I32x4ExtMulHighI16x8S => self.extmul(Widen::I16S, true, binary!(pmulld)),
            O::I32x4ExtMulLowI16x8U => self.extmul(Widen::I16U, false, binary!(pmulld)),
            O::I32x4ExtMulHighI16x8U => self.extmul(Widen::I16U, true, binary!(pmulld)),
            O::I32x4ExtAddPairwiseI16x8S => {
                let ones = self.constant(splat16(1));
                self.unary_constant(ones, |ops, x, c| dynasm!(ops ; .arch x64 ; pmaddwd Rx(x), [=>c]));
            }
            O::I32x4ExtAddPairwiseI16x8U => {
                // Biased to signed, summed in pairs, the bias (2 × 2^15) added
                // back.
                let (bias, ones, unbias) =
                    (self.constant(splat16(0x8000)), self.constant(splat16(1)), self.constant(splat32(0x1_0000)));
                let a = self.pop_v128();
                let x = self.owned_v128(a, &[]);
                dynasm!(self.ops
                    ; .arch x64
                    ; pxor Rx(x), [=>bias]
                    ; pmaddwd Rx(x), [=>ones]
                    ; paddd Rx(x), [=>unbias]
                );
                self.push_v128(x);
            }
            O::I32x4Shl => self.v_shift(Lanes::I32, Shift::Shl),
            O::I32x4ShrS => self.v_shift(Lanes::I32, Shift::ShrS),
            O::I32x4ShrU => self.v_shift(Lanes::I32, Shift::ShrU),

            O::I64x2Add => self.binary(true, binary!(paddq)),
            O::I64x2Sub => self.binary(false, binary!(psubq)),
            O::I64x2Mul => self.i64x2_mul(),
            O::I64x2Abs => self.unary_with_temp(|ops, x, t| {
                // Each lane's sign (the high dword's, copied to both
                // dwords) flips it and adds one where negative.
                dynasm!(ops
                    ; .arch x64
                    ; movdqa Rx(t), Rx(x)
                    ; psrad Rx(t), 31
                    ; pshufd Rx(t), Rx(t), 0xf5_u8 as i8
                    ; pxor Rx(x), Rx(t)
                    ; psubq Rx(x), Rx(t)
                )
            }),
            O::I64x2Neg => self.negate(Lanes::I64),
            O::I64x2ExtendLowI32x4S => self.v_extend(Widen::I32S, false),
            O::I64x2ExtendHighI32x4S => self.v_extend(Widen::I32S, true),
            O::I64x2ExtendLowI32x4U => self.v_extend(Widen::I32U, false),
            O::I64x2ExtendHighI32x4U => self.v_extend(Widen::I32U, true),
            // The 32-bit multiplies read each 64-bit lane's low half,
            // widened exactly.
            O::I64x2ExtMulLowI32x4S => self.extmul(Widen::I32S, false, binary!(pmuldq)),
            O::I64x2ExtMulHighI32x4S => self.extmul(Widen::I32S, true, binary!(pmuldq)),
            O::I64x2ExtMulLowI32x4U => self.extmul(Widen::I32U, false, binary!(pmuludq)),
            O::I64x2ExtMulHighI32x4U => self.extmul(Widen::I32U, true, binary!(pmuludq)),
            O::I64x2Shl => self.v_shift(Lanes::I64, Shift::Shl),
            O::I64x2ShrS => self.v_shift(Lanes::I64, Shift::ShrS),
            O::I64x2ShrU => self.v_shift(Lanes::I64, Shift::ShrU),

            O::I16x8RelaxedDotI8x16I7x16S => self.relaxed_dot(false),
            O::I32x4RelaxedDotI8x16I7x16AddS => self.relaxed_dot(true),

            _ => return self.float_simd_operator(op),
        }
        Ok(true)
    }

    // ---- The v128 stack entries.

    /// Pops a v128: its xmm register, or the offset of its first slot.
    pub(super) fn pop_v128(&mut self) -> Operand {
        self.stack.pop();
        let low = self.stack.pop().expect("validated: a v128 takes two entries");
        self.depth -= 2;
        match low {
            Value::V128(x) => Operand::Xmm(x),
            _ => Operand::Mem(self.slot(self.depth)),
        }
    }

    /// Pushes the v128 in pool register `x`.
    pub(super) fn push_v128(&mut self, x: u8) {
        self.push_value(Value::V128(x));
        self.push_value(Value::Upper);
    }

    /// `operand` in a pool register the caller may overwrite: its own if it
    /// has one, else a fresh one (not one of `avoid`'s).
    fn owned_v128(&mut self, operand: Operand, avoid: &[Operand]) -> u8 {
        match operand {
            Operand::Xmm(x) if self.xmm_pool.contains(&x) => x,
            _ => {
                let x = self.alloc_xmm(avoid);
                self.load_v128_into(x, operand);
                x
            }
        }
    }

    /// `operand` in an xmm register for reading: its own, else loaded into
    /// `scratch`.
    fn v128_in(&mut self, operand: Operand, scratch: u8) -> u8 {
        match operand {
            Operand::Xmm(x) => x,
            _ => {
                self.load_v128_into(scratch, operand);
                scratch
            }
        }
    }

    fn load_v128_into(&mut self, x: u8, operand: Operand) {
        match operand {
            Operand::Xmm(s) if s == x => {}
            Operand::Xmm(s) => dynasm!(self.ops ; .arch x64 ; movdqa Rx(x), Rx(s)),
            Operand::Mem(m) => dynasm!(self.ops ; .arch x64 ; movdqu Rx(x), [rsp + m]),
            Operand::Reg(_) | Operand::Imm(_) => unreachable!("a v128 is in an xmm register or in memory"),
        }
    }

    /// A 16-byte constant of the function's pool (see `place_constants`).
    pub(super) fn constant(&mut self, bytes: [u8; 16]) -> DynamicLabel {
        if let Some((label, _)) = self.constants.iter().find(|(_, known)| *known == bytes) {
            return *label;
        }
        let label = self.ops.new_dynamic_label();
        self.constants.push((label, bytes));
        label
    }

    /// The constant pool, after the function's code, 16-byte aligned (so
    /// SSE instructions may read it as a memory operand).
    pub(super) fn place_constants(&mut self) {
        if self.constants.is_empty() {
            return;
        }
        while !self.ops.offset().0.is_multiple_of(16) {
            self.ops.push(0xcc);
        }
        for (label, bytes) in std::mem::take(&mut self.constants) {
            dynasm!(self.ops ; .arch x64 ; =>label);
            self.ops.extend(bytes);
        }
    }

    fn v128_constant(&mut self, bytes: [u8; 16]) {
        let x = self.alloc_xmm(&[]);
        if bytes == [0; 16] {
            dynasm!(self.ops ; .arch x64 ; pxor Rx(x), Rx(x));
        } else if bytes == [0xff; 16] {
            dynasm!(self.ops ; .arch x64 ; pcmpeqd Rx(x), Rx(x));
        } else {
            let label = self.constant(bytes);
            dynasm!(self.ops ; .arch x64 ; movdqa Rx(x), [=>label]);
        }
        self.push_v128(x);
    }

    // ---- Locals, globals.

    /// `local.get`, `local.set` or `local.tee` of a v128 local: in its
    /// slots, or in an xmm register for the whole function (`locals.rs`).
    pub(super) fn v128_local(&mut self, op: &Operator<'_>, local: u32) {
        let home = self.local_operand(local);
        if let Operator::LocalGet { .. } = op {
            let x = self.alloc_xmm(&[]);
            self.load_v128_into(x, home);
            self.push_v128(x);
            return;
        }
        let value = self.pop_v128();
        match home {
            Operand::Xmm(h) => self.load_v128_into(h, value),
            Operand::Mem(at) => {
                let x = self.v128_in(value, 1);
                dynasm!(self.ops ; .arch x64 ; movdqu [rsp + at], Rx(x));
            }
            Operand::Reg(_) | Operand::Imm(_) => unreachable!("a v128 local is in an xmm register or its slots"),
        }
        if let Operator::LocalTee { .. } = op {
            let x = match value {
                Operand::Xmm(x) => x,
                _ => {
                    let x = self.alloc_xmm(&[]);
                    self.load_v128_into(x, home);
                    x
                }
            };
            self.push_v128(x);
        }
    }

    /// `global.get` or `global.set` of a v128 global.
    pub(super) fn v128_global(&mut self, op: &Operator<'_>, global: u32) {
        let (global, field) = (self.offsets.global(global) as i32, VMGlobalDefinition::VALUE);
        if let Operator::GlobalGet { .. } = op {
            let x = self.alloc_xmm(&[]);
            dynasm!(self.ops ; .arch x64 ; mov rax, [r15 + global] ; movdqu Rx(x), [rax + field]);
            self.push_v128(x);
        } else {
            let value = self.pop_v128();
            let x = self.v128_in(value, 1);
            dynasm!(self.ops ; .arch x64 ; mov rax, [r15 + global] ; movdqu [rax + field], Rx(x));
        }
    }

    // ---- Memory.

    fn load_v128(&mut self, memarg: MemArg, size: u32, access: Access) -> Result<()> {
        let address = self.pop_operand();
        let x = self.alloc_xmm(&[]);
        let (base, index, d) = self.address(address, memarg, size)?;
        self.site(TrapSite::Raise(TrapCode::MemoryOutOfBounds));
        access(self.ops, x, base, index, d);
        self.push_v128(x);
        Ok(())
    }

    fn load_lane(&mut self, memarg: MemArg, size: u32, lane: u8, access: LaneAccess) -> Result<()> {
        let vector = self.pop_v128();
        let address = self.pop_operand();
        let x = self.owned_v128(vector, &[]);
        let (base, index, d) = self.address(address, memarg, size)?;
        self.site(TrapSite::Raise(TrapCode::MemoryOutOfBounds));
        access(self.ops, x, base, index, d, lane as i8);
        self.push_v128(x);
        Ok(())
    }

    /// A store of the whole v128 or of one lane.
    fn store_lane(&mut self, memarg: MemArg, size: u32, lane: u8, access: LaneAccess) -> Result<()> {
        let vector = self.pop_v128();
        let address = self.pop_operand();
        let x = self.v128_in(vector, 1);
        let (base, index, d) = self.address(address, memarg, size)?;
        self.site(TrapSite::Raise(TrapCode::MemoryOutOfBounds));
        access(self.ops, x, base, index, d, lane as i8);
        Ok(())
    }

    // ---- Shapes of operators.

    fn v_unary(&mut self, emit: Unary) {
        let a = self.pop_v128();
        let x = self.owned_v128(a, &[]);
        emit(self.ops, x);
        self.push_v128(x);
    }

    fn unary_with_temp(&mut self, emit: UnaryWithTemp) {
        let a = self.pop_v128();
        let x = self.owned_v128(a, &[]);
        let t = self.alloc_xmm(&[Operand::Xmm(x)]);
        emit(self.ops, x, t);
        self.push_v128(x);
    }

    /// An operation on the operand in place with constant `c`.
    fn unary_constant(&mut self, c: DynamicLabel, emit: fn(&mut Asm, u8, DynamicLabel)) {
        let a = self.pop_v128();
        let x = self.owned_v128(a, &[]);
        emit(self.ops, x, c);
        self.push_v128(x);
    }

    /// `emit` on (a, b), into a's register; `commutative`: or b's, when
    /// only b's may be overwritten.
    fn binary(&mut self, commutative: bool, emit: Binary) {
        let b = self.pop_v128();
        let a = self.pop_v128();
        let owned = |operand: Operand| matches!(operand, Operand::Xmm(x) if self.xmm_pool.contains(&x));
        let (a, b) = if commutative && !owned(a) && owned(b) { (b, a) } else { (a, b) };
        let x = self.owned_v128(a, &[b]);
        let s = self.v128_in(b, 1);
        emit(self.ops, x, s);
        self.push_v128(x);
    }

    /// `emit` on (b, a), into b's register.
    fn binary_swapped(&mut self, emit: Binary) {
        let b = self.pop_v128();
        let a = self.pop_v128();
        let x = self.owned_v128(b, &[a]);
        let s = self.v128_in(a, 1);
        emit(self.ops, x, s);
        self.push_v128(x);
    }

    /// Three operands (a, b, c) into a fresh register or a's: `emit` gets
    /// a's register (to overwrite), b's and c's (to read).
    fn ternary(&mut self, emit: fn(&mut Asm, u8, u8, u8)) {
        let c = self.pop_v128();
        let b = self.pop_v128();
        let a = self.pop_v128();
        let x = self.owned_v128(a, &[b, c]);
        let sb = self.v128_in(b, 1);
        let sc = self.v128_in(c, 0);
        emit(self.ops, x, sb, sc);
        self.push_v128(x);
    }

    fn bitselect(&mut self) {
        // b ^ ((a ^ b) & c): each bit of a where c's is set, else of b.
        self.ternary(
            |ops, x, b, c| dynasm!(ops ; .arch x64 ; pxor Rx(x), Rx(b) ; pand Rx(x), Rx(c) ; pxor Rx(x), Rx(b)),
        );
    }

    /// `any_true` (`lanes` none) or `all_true`: the answer in the flags.
    fn test(&mut self, lanes: Option<Lanes>) {
        let a = self.pop_v128();
        let x = self.v128_in(a, 1);
        let Some(lanes) = lanes else {
            dynasm!(self.ops ; .arch x64 ; ptest Rx(x), Rx(x));
            self.push_value(Value::Flags(Cc::Ne));
            return;
        };
        // The lanes equal to zero, as a mask: none for all_true.
        dynasm!(self.ops ; .arch x64 ; pxor xmm0, xmm0);
        match lanes {
            Lanes::I8 => dynasm!(self.ops ; .arch x64 ; pcmpeqb xmm0, Rx(x)),
            Lanes::I16 => dynasm!(self.ops ; .arch x64 ; pcmpeqw xmm0, Rx(x)),
            Lanes::I32 => dynasm!(self.ops ; .arch x64 ; pcmpeqd xmm0, Rx(x)),
            Lanes::I64 => dynasm!(self.ops ; .arch x64 ; pcmpeqq xmm0, Rx(x)),
        }
        dynasm!(self.ops ; .arch x64 ; ptest xmm0, xmm0);
        self.push_value(Value::Flags(Cc::Eq));
    }

    fn bitmask(&mut self, emit: fn(&mut Asm, u8, u8)) {
        let a = self.pop_v128();
        let x = self.v128_in(a, 1);
        let r = self.alloc(&[]);
        emit(self.ops, r, x);
        self.push_value(Value::Reg(r));
    }

    // ---- Lanes.

    /// A scalar into every lane: `spread` copies the low lane of the
    /// register to the others.
    fn splat(&mut self, wide: bool, spread: Unary) {
        let a = self.pop_operand();
        let x = self.alloc_xmm(&[]);
        self.load_xmm(x, wide, a);
        spread(self.ops, x);
        self.push_v128(x);
    }

    fn extract_integer(&mut self, lanes: Lanes, signed: bool, lane: u8) {
        let a = self.pop_v128();
        let r = self.alloc(&[]);
        let l = lane as i8;
        match a {
            // Straight from the slot.
            Operand::Mem(m) => {
                let at = m + i32::from(lane) * lanes.bytes();
                match (lanes, signed) {
                    (Lanes::I8, true) => dynasm!(self.ops ; .arch x64 ; movsx Rd(r), BYTE [rsp + at]),
                    (Lanes::I8, false) => dynasm!(self.ops ; .arch x64 ; movzx Rd(r), BYTE [rsp + at]),
                    (Lanes::I16, true) => dynasm!(self.ops ; .arch x64 ; movsx Rd(r), WORD [rsp + at]),
                    (Lanes::I16, false) => dynasm!(self.ops ; .arch x64 ; movzx Rd(r), WORD [rsp + at]),
                    (Lanes::I32, _) => dynasm!(self.ops ; .arch x64 ; mov Rd(r), DWORD [rsp + at]),
                    (Lanes::I64, _) => dynasm!(self.ops ; .arch x64 ; mov Rq(r), QWORD [rsp + at]),
                }
            }
            _ => {
                let x = self.v128_in(a, 1);
                match (lanes, signed) {
                    (Lanes::I8, true) => dynasm!(self.ops ; .arch x64 ; pextrb eax, Rx(x), l ; movsx Rd(r), al),
                    (Lanes::I8, false) => dynasm!(self.ops ; .arch x64 ; pextrb Rd(r), Rx(x), l),
                    (Lanes::I16, true) => dynasm!(self.ops ; .arch x64 ; pextrw eax, Rx(x), l ; movsx Rd(r), ax),
                    (Lanes::I16, false) => dynasm!(self.ops ; .arch x64 ; pextrw Rd(r), Rx(x), l),
                    (Lanes::I32, _) => dynasm!(self.ops ; .arch x64 ; pextrd Rd(r), Rx(x), l),
                    (Lanes::I64, _) => dynasm!(self.ops ; .arch x64 ; pextrq Rq(r), Rx(x), l),
                }
            }
        }
        self.push_value(Value::Reg(r));
    }

    /// A float lane, as a scalar float in an xmm register (whose other
    /// bits are not read).
    fn extract_float(&mut self, wide: bool, lane: u8) {
        let a = self.pop_v128();
        if let Operand::Mem(m) = a {
            let x = self.alloc_xmm(&[]);
            let at = m + i32::from(lane) * if wide { 8 } else { 4 };
            if wide {
                dynasm!(self.ops ; .arch x64 ; movsd Rx(x), QWORD [rsp + at]);
            } else {
                dynasm!(self.ops ; .arch x64 ; movss Rx(x), DWORD [rsp + at]);
            }
            self.push_value(Value::Xmm(x));
            return;
        }
        let x = self.owned_v128(a, &[]);
        // The lane's dwords to the bottom.
        match (wide, lane) {
            (_, 0) => {}
            (false, _) => dynasm!(self.ops ; .arch x64 ; pshufd Rx(x), Rx(x), lane as i8),
            (true, _) => dynasm!(self.ops ; .arch x64 ; pshufd Rx(x), Rx(x), 0xee_u8 as i8),
        }
        self.push_value(Value::Xmm(x));
    }

    fn replace_integer(&mut self, lanes: Lanes, lane: u8) {
        let value = self.pop_operand();
        let vector = self.pop_v128();
        let x = self.owned_v128(vector, &[]);
        let r = match value {
            Operand::Reg(r) => r,
            _ => {
                self.load_into(0, lanes == Lanes::I64, value);
                0
            }
        };
        let l = lane as i8;
        match lanes {
            Lanes::I8 => dynasm!(self.ops ; .arch x64 ; pinsrb Rx(x), Rd(r), l),
            Lanes::I16 => dynasm!(self.ops ; .arch x64 ; pinsrw Rx(x), Rd(r), l),
            Lanes::I32 => dynasm!(self.ops ; .arch x64 ; pinsrd Rx(x), Rd(r), l),
            Lanes::I64 => dynasm!(self.ops ; .arch x64 ; pinsrq Rx(x), Rq(r), l),
        }
        self.push_v128(x);
    }

    fn replace_float(&mut self, wide: bool, lane: u8) {
        let value = self.pop_operand();
        let vector = self.pop_v128();
        let x = self.owned_v128(vector, &[value]);
        let s = match value {
            Operand::Xmm(s) => s,
            _ => {
                self.load_xmm(1, wide, value);
                1
            }
        };
        match (wide, lane) {
            (false, _) => dynasm!(self.ops ; .arch x64 ; insertps Rx(x), Rx(s), (lane << 4) as i8),
            // The register form of movsd replaces the low 64 bits only.
            (true, 0) => dynasm!(self.ops ; .arch x64 ; movsd Rx(x), Rx(s)),
            (true, _) => dynasm!(self.ops ; .arch x64 ; movlhps Rx(x), Rx(s)),
        }
        self.push_v128(x);
    }

    fn shuffle(&mut self, lanes: [u8; 16]) {
        // Each operand's bytes picked by pshufb (a selector with bit 7 set
        // gives 0), the two ORed.
        let from_a = lanes.map(|l| if l < 16 { l } else { 0x80 });
        let from_b = lanes.map(|l| if l >= 16 { l - 16 } else { 0x80 });
        let b = self.pop_v128();
        let a = self.pop_v128();
        if let Some((source, order)) = dword_shuffle(&lanes) {
            // Whole 32-bit lanes of one operand: one pshufd.
            let source = if source == 0 { a } else { b };
            let x = match source {
                Operand::Xmm(s) if self.xmm_pool.contains(&s) => s,
                _ => self.alloc_xmm(&[a, b]),
            };
            match source {
                Operand::Xmm(s) => dynasm!(self.ops ; .arch x64 ; pshufd Rx(x), Rx(s), order as i8),
                Operand::Mem(m) => {
                    dynasm!(self.ops ; .arch x64 ; movdqu Rx(x), [rsp + m] ; pshufd Rx(x), Rx(x), order as i8)
                }
                Operand::Reg(_) | Operand::Imm(_) => unreachable!("a v128 is in an xmm register or in memory"),
            }
            self.push_v128(x);
            return;
        }
        let uses_a = from_a.iter().any(|&l| l < 16);
        let uses_b = from_b.iter().any(|&l| l < 16);
        let (from_a, from_b) = (self.constant(from_a), self.constant(from_b));
        let x = self.owned_v128(if uses_a { a } else { b }, &[a, b]);
        if uses_a && uses_b {
            let y = self.alloc_xmm(&[a, b, Operand::Xmm(x)]);
            self.load_v128_into(y, b);
            dynasm!(self.ops
                ; .arch x64
                ; pshufb Rx(x), [=>from_a]
                ; pshufb Rx(y), [=>from_b]
                ; por Rx(x), Rx(y)
            );
        } else if uses_a {
            dynasm!(self.ops ; .arch x64 ; pshufb Rx(x), [=>from_a]);
        } else {
            dynasm!(self.ops ; .arch x64 ; pshufb Rx(x), [=>from_b]);
        }
        self.push_v128(x);
    }

    fn swizzle(&mut self) {
        // Selectors of 16 and up saturate to bit 7 set (pshufb's zero);
        // those below stay below 0x80.
        let bias = self.constant(splat8(0x70));
        let selectors = self.pop_v128();
        let a = self.pop_v128();
        let x = self.owned_v128(a, &[selectors]);
        self.load_v128_into(0, selectors);
        dynasm!(self.ops ; .arch x64 ; paddusb xmm0, [=>bias] ; pshufb Rx(x), xmm0);
        self.push_v128(x);
    }

    // ---- Integer lanes.

    fn negate(&mut self, lanes: Lanes) {
        let a = self.pop_v128();
        let s = self.v128_in(a, 1);
        let x = self.alloc_xmm(&[a]);
        dynasm!(self.ops ; .arch x64 ; pxor Rx(x), Rx(x));
        match lanes {
            Lanes::I8 => dynasm!(self.ops ; .arch x64 ; psubb Rx(x), Rx(s)),
            Lanes::I16 => dynasm!(self.ops ; .arch x64 ; psubw Rx(x), Rx(s)),
            Lanes::I32 => dynasm!(self.ops ; .arch x64 ; psubd Rx(x), Rx(s)),
            Lanes::I64 => dynasm!(self.ops ; .arch x64 ; psubq Rx(x), Rx(s)),
        }
        self.push_v128(x);
    }

    fn popcnt(&mut self) {
        // Each nibble's count from a 16-entry table (pshufb), summed.
        let (nibbles, counts) =
            (self.constant(splat8(0x0f)), self.constant([0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4]));
        let a = self.pop_v128();
        let x = self.owned_v128(a, &[]);
        dynasm!(self.ops
            ; .arch x64
            ; movdqa xmm1, Rx(x)
            ; psrlw xmm1, 4
            ; pand xmm1, [=>nibbles]
            ; pand Rx(x), [=>nibbles]
            ; movdqa xmm0, [=>counts]
            ; pshufb xmm0, Rx(x)
            ; movdqa Rx(x), [=>counts]
            ; pshufb Rx(x), xmm1
            ; paddb Rx(x), xmm0
        );
        self.push_v128(x);
    }

    fn i64x2_mul(&mut self) {
        // From 32-bit halves (pmuludq multiplies each lane's low ones):
        // lo·lo + ((hi(a)·lo(b) + lo(a)·hi(b)) << 32).
        let b = self.pop_v128();
        let a = self.pop_v128();
        let x = self.owned_v128(a, &[b]);
        let s = self.v128_in(b, 1);
        let t = self.alloc_xmm(&[Operand::Xmm(x), b]);
        dynasm!(self.ops
            ; .arch x64
            ; movdqa xmm0, Rx(x)
            ; psrlq xmm0, 32
            ; pmuludq xmm0, Rx(s)
            ; movdqa Rx(t), Rx(s)
            ; psrlq Rx(t), 32
            ; pmuludq Rx(t), Rx(x)
            ; paddq xmm0, Rx(t)
            ; psllq xmm0, 32
            ; pmuludq Rx(x), Rx(s)
            ; paddq Rx(x), xmm0
        );
        self.push_v128(x);
    }

    fn q15mulr(&mut self) {
        // pmulhrsw rounds as q15mulr does; only -1 × -1 overflows, to
        // 0x8000, which saturates to 0x7fff.
        let overflow = self.constant(splat16(0x8000));
        let b = self.pop_v128();
        let a = self.pop_v128();
        let x = self.owned_v128(a, &[b]);
        let s = self.v128_in(b, 1);
        dynasm!(self.ops
            ; .arch x64
            ; pmulhrsw Rx(x), Rx(s)
            ; movdqa xmm0, [=>overflow]
            ; pcmpeqw xmm0, Rx(x)
            ; pxor Rx(x), xmm0
        );
        self.push_v128(x);
    }

    fn int_compare(&mut self, lanes: Lanes, cmp: IntCmp) {
        use IntCmp as C;
        match cmp {
            C::Eq | C::Ne | C::GtS | C::LeS => self.binary(false, lanes.compare_equal_or_greater(cmp)),
            // b > a.
            C::LtS | C::GeS => self.binary_swapped(lanes.compare_equal_or_greater(cmp)),
            C::LtU | C::GtU | C::LeU | C::GeU => self.binary(false, lanes.compare_unsigned(cmp)),
        }
    }

    fn v_shift(&mut self, lanes: Lanes, shift: Shift) {
        let count = self.pop_operand();
        let a = self.pop_v128();
        let x = self.owned_v128(a, &[]);
        if let Operand::Imm(count) = count {
            self.shift_by_constant(lanes, shift, x, (count & i64::from(lanes.bits() - 1)) as u8);
            self.push_v128(x);
            return;
        }
        // The count, masked to the lane width, in ecx and xmm0.
        self.load_into(1, false, count);
        dynasm!(self.ops ; .arch x64 ; and ecx, lanes.bits() - 1 ; movd xmm0, ecx);
        match (lanes, shift) {
            (Lanes::I8, Shift::Shl | Shift::ShrU) => {
                // Shifted as 16-bit lanes, then the bits that crossed from
                // the neighbouring byte masked off.
                if let Shift::Shl = shift {
                    dynasm!(self.ops ; .arch x64 ; psllw Rx(x), xmm0 ; mov eax, 0xff ; shl eax, cl);
                } else {
                    dynasm!(self.ops ; .arch x64 ; psrlw Rx(x), xmm0 ; mov eax, 0xff ; shr eax, cl);
                }
                dynasm!(self.ops
                    ; .arch x64
                    ; movzx eax, al
                    ; imul eax, eax, 0x0101_0101
                    ; movd xmm1, eax
                    ; pshufd xmm1, xmm1, 0
                    ; pand Rx(x), xmm1
                );
            }
            (Lanes::I8, Shift::ShrS) => {
                // Each byte doubled into a 16-bit lane (its copy on top),
                // shifted arithmetically by 8 more, packed back.
                dynasm!(self.ops
                    ; .arch x64
                    ; add ecx, 8
                    ; movd xmm0, ecx
                    ; movdqa xmm1, Rx(x)
                    ; punpckhbw xmm1, xmm1
                    ; punpcklbw Rx(x), Rx(x)
                    ; psraw xmm1, xmm0
                    ; psraw Rx(x), xmm0
                    ; packsswb Rx(x), xmm1
                );
            }
            (Lanes::I16, Shift::Shl) => dynasm!(self.ops ; .arch x64 ; psllw Rx(x), xmm0),
            (Lanes::I16, Shift::ShrS) => dynasm!(self.ops ; .arch x64 ; psraw Rx(x), xmm0),
            (Lanes::I16, Shift::ShrU) => dynasm!(self.ops ; .arch x64 ; psrlw Rx(x), xmm0),
            (Lanes::I32, Shift::Shl) => dynasm!(self.ops ; .arch x64 ; pslld Rx(x), xmm0),
            (Lanes::I32, Shift::ShrS) => dynasm!(self.ops ; .arch x64 ; psrad Rx(x), xmm0),
            (Lanes::I32, Shift::ShrU) => dynasm!(self.ops ; .arch x64 ; psrld Rx(x), xmm0),
            (Lanes::I64, Shift::Shl) => dynasm!(self.ops ; .arch x64 ; psllq Rx(x), xmm0),
            (Lanes::I64, Shift::ShrU) => dynasm!(self.ops ; .arch x64 ; psrlq Rx(x), xmm0),
            (Lanes::I64, Shift::ShrS) => {
                // No 64-bit arithmetic shift: shifted logically, then the
                // sign bit's new place s sign-extends by (v ^ s) - s.
                let sign = self.constant(splat64(1 << 63));
                dynasm!(self.ops
                    ; .arch x64
                    ; movdqa xmm1, [=>sign]
                    ; psrlq xmm1, xmm0
                    ; psrlq Rx(x), xmm0
                    ; pxor Rx(x), xmm1
                    ; psubq Rx(x), xmm1
                );
            }
        }
        self.push_v128(x);
    }

    /// `v_shift` by a constant `n` (masked): the immediate forms, the 8-bit
    /// lanes' masks and the sign bit known when translating.
    fn shift_by_constant(&mut self, lanes: Lanes, shift: Shift, x: u8, n: u8) {
        if n == 0 {
            return;
        }
        let n8 = n as i8;
        match (lanes, shift) {
            (Lanes::I8, Shift::Shl) => {
                let mask = self.constant(splat8(0xff << n));
                dynasm!(self.ops ; .arch x64 ; psllw Rx(x), n8 ; pand Rx(x), [=>mask]);
            }
            (Lanes::I8, Shift::ShrU) => {
                let mask = self.constant(splat8(0xff >> n));
                dynasm!(self.ops ; .arch x64 ; psrlw Rx(x), n8 ; pand Rx(x), [=>mask]);
            }
            (Lanes::I8, Shift::ShrS) => {
                let by = n8 + 8;
                dynasm!(self.ops
                    ; .arch x64
                    ; movdqa xmm1, Rx(x)
                    ; punpckhbw xmm1, xmm1
                    ; punpcklbw Rx(x), Rx(x)
                    ; psraw xmm1, by
                    ; psraw Rx(x), by
                    ; packsswb Rx(x), xmm1
                );
            }
            (Lanes::I16, Shift::Shl) => dynasm!(self.ops ; .arch x64 ; psllw Rx(x), n8),
            (Lanes::I16, Shift::ShrS) => dynasm!(self.ops ; .arch x64 ; psraw Rx(x), n8),
            (Lanes::I16, Shift::ShrU) => dynasm!(self.ops ; .arch x64 ; psrlw Rx(x), n8),
            (Lanes::I32, Shift::Shl) => dynasm!(self.ops ; .arch x64 ; pslld Rx(x), n8),
            (Lanes::I32, Shift::ShrS) => dynasm!(self.ops ; .arch x64 ; psrad Rx(x), n8),
            (Lanes::I32, Shift::ShrU) => dynasm!(self.ops ; .arch x64 ; psrld Rx(x), n8),
            (Lanes::I64, Shift::Shl) => dynasm!(self.ops ; .arch x64 ; psllq Rx(x), n8),
            (Lanes::I64, Shift::ShrU) => dynasm!(self.ops ; .arch x64 ; psrlq Rx(x), n8),
            (Lanes::I64, Shift::ShrS) => {
                let sign = self.constant(splat64((1u64 << 63) >> n));
                dynasm!(self.ops
                    ; .arch x64
                    ; psrlq Rx(x), n8
                    ; pxor Rx(x), [=>sign]
                    ; psubq Rx(x), [=>sign]
                );
            }
        }
    }

    /// Half of the operand (`high`: its upper 8 bytes) widened to lanes of
    /// twice the width, into a register the caller may overwrite.
    fn widened(&mut self, operand: Operand, widen: Widen, high: bool, avoid: &[Operand]) -> u8 {
        let x = match operand {
            Operand::Xmm(s) if self.xmm_pool.contains(&s) => s,
            _ => self.alloc_xmm(avoid),
        };
        match operand {
            Operand::Mem(m) => {
                let at = m + if high { 8 } else { 0 };
                widen.emit_from_memory(self.ops, x, at);
            }
            Operand::Xmm(s) => {
                if high {
                    dynasm!(self.ops ; .arch x64 ; pshufd Rx(x), Rx(s), 0xee_u8 as i8);
                    widen.emit(self.ops, x, x);
                } else {
                    widen.emit(self.ops, x, s);
                }
            }
            Operand::Reg(_) | Operand::Imm(_) => unreachable!("a v128 is in an xmm register or in memory"),
        }
        x
    }

    fn v_extend(&mut self, widen: Widen, high: bool) {
        let a = self.pop_v128();
        let x = self.widened(a, widen, high, &[]);
        self.push_v128(x);
    }

    /// Both operands' halves widened, then multiplied by `multiply`.
    fn extmul(&mut self, widen: Widen, high: bool, multiply: Binary) {
        let b = self.pop_v128();
        let a = self.pop_v128();
        let x = self.widened(a, widen, high, &[b]);
        let y = self.widened(b, widen, high, &[Operand::Xmm(x)]);
        multiply(self.ops, x, y);
        self.push_v128(x);
    }

    /// `i16x8.relaxed_dot_i8x16_i7x16_s` (both operands signed, each
    /// pair of products summed in a wrapping i16), and with `add` the
    /// `i32x4` form (those sums' pairs added to the accumulator).
    fn relaxed_dot(&mut self, add: bool) {
        let accumulator = if add { Some(self.pop_v128()) } else { None };
        let b = self.pop_v128();
        let a = self.pop_v128();
        let keep: Vec<Operand> = accumulator.into_iter().collect();
        let avoid_low: Vec<Operand> = keep.iter().copied().chain([a, b]).collect();
        // Low halves' products in x, high halves' in y, then pairs summed
        // by phaddw (which wraps).
        let x = self.alloc_xmm(&avoid_low);
        self.load_v128_into(x, a);
        dynasm!(self.ops ; .arch x64 ; pmovsxbw Rx(x), Rx(x));
        let y = self.alloc_xmm(&[&avoid_low[..], &[Operand::Xmm(x)]].concat());
        self.load_v128_into(y, b);
        dynasm!(self.ops ; .arch x64 ; pmovsxbw Rx(y), Rx(y) ; pmullw Rx(x), Rx(y));
        self.load_v128_into(y, a);
        self.load_v128_into(0, b);
        dynasm!(self.ops
            ; .arch x64
            ; pshufd Rx(y), Rx(y), 0xee_u8 as i8
            ; pmovsxbw Rx(y), Rx(y)
            ; pshufd xmm0, xmm0, 0xee_u8 as i8
            ; pmovsxbw xmm0, xmm0
            ; pmullw Rx(y), xmm0
            ; phaddw Rx(x), Rx(y)
        );
        if let Some(accumulator) = accumulator {
            let ones = self.constant(splat16(1));
            let c = self.v128_in(accumulator, 1);
            dynasm!(self.ops ; .arch x64 ; pmaddwd Rx(x), [=>ones] ; paddd Rx(x), Rx(c));
        }
        self.push_v128(x);
    }
}

/// A widening of half a v128's lanes.
#[derive(Clone, Copy)]
enum Widen {
    I8S,
    I8U,
    I16S,
    I16U,
    I32S,
    I32U,
}

impl Widen {
    fn emit(self, ops: &mut Asm, x: u8, s: u8) {
        match self {
            Widen::I8S => dynasm!(ops ; .arch x64 ; pmovsxbw Rx(x), Rx(s)),
            Widen::I8U => dynasm!(ops ; .arch x64 ; pmovzxbw Rx(x), Rx(s)),
            Widen::I16S => dynasm!(ops ; .arch x64 ; pmovsxwd Rx(x), Rx(s)),
            Widen::I16U => dynasm!(ops ; .arch x64 ; pmovzxwd Rx(x), Rx(s)),
            Widen::I32S => dynasm!(ops ; .arch x64 ; pmovsxdq Rx(x), Rx(s)),
            Widen::I32U => dynasm!(ops ; .arch x64 ; pmovzxdq Rx(x), Rx(s)),
        }
    }

    fn emit_from_memory(self, ops: &mut Asm, x: u8, at: i32) {
        match self {
            Widen::I8S => dynasm!(ops ; .arch x64 ; pmovsxbw Rx(x), QWORD [rsp + at]),
            Widen::I8U => dynasm!(ops ; .arch x64 ; pmovzxbw Rx(x), QWORD [rsp + at]),
            Widen::I16S => dynasm!(ops ; .arch x64 ; pmovsxwd Rx(x), QWORD [rsp + at]),
            Widen::I16U => dynasm!(ops ; .arch x64 ; pmovzxwd Rx(x), QWORD [rsp + at]),
            Widen::I32S => dynasm!(ops ; .arch x64 ; pmovsxdq Rx(x), QWORD [rsp + at]),
            Widen::I32U => dynasm!(ops ; .arch x64 ; pmovzxdq Rx(x), QWORD [rsp + at]),
        }
    }
}

impl Lanes {
    fn bytes(self) -> i32 {
        match self {
            Lanes::I8 => 1,
            Lanes::I16 => 2,
            Lanes::I32 => 4,
            Lanes::I64 => 8,
        }
    }

    fn bits(self) -> i32 {
        8 * self.bytes()
    }

    /// Eq, Ne, and the signed comparisons as a greater-than of the
    /// register by the source (the callers swap the operands for LtS and
    /// GeS), complemented for Ne, LeS and GeS.
    fn compare_equal_or_greater(self, cmp: IntCmp) -> Binary {
        use IntCmp as C;
        match (self, cmp) {
            (Lanes::I8, C::Eq) => binary!(pcmpeqb),
            (Lanes::I16, C::Eq) => binary!(pcmpeqw),
            (Lanes::I32, C::Eq) => binary!(pcmpeqd),
            (Lanes::I64, C::Eq) => binary!(pcmpeqq),
            (Lanes::I8, C::Ne) => complemented!(pcmpeqb),
            (Lanes::I16, C::Ne) => complemented!(pcmpeqw),
            (Lanes::I32, C::Ne) => complemented!(pcmpeqd),
            (Lanes::I64, C::Ne) => complemented!(pcmpeqq),
            (Lanes::I8, C::GtS | C::LtS) => binary!(pcmpgtb),
            (Lanes::I16, C::GtS | C::LtS) => binary!(pcmpgtw),
            (Lanes::I32, C::GtS | C::LtS) => binary!(pcmpgtd),
            (Lanes::I64, C::GtS | C::LtS) => binary!(pcmpgtq),
            (Lanes::I8, _) => complemented!(pcmpgtb),
            (Lanes::I16, _) => complemented!(pcmpgtw),
            (Lanes::I32, _) => complemented!(pcmpgtd),
            (Lanes::I64, _) => complemented!(pcmpgtq),
        }
    }

    /// Unsigned comparisons through min and max: a ≥ b where max(a, b) = a,
    /// a ≤ b where min(a, b) = a; less and greater are their complements.
    /// (No 64-bit unsigned comparisons in wasm.)
    fn compare_unsigned(self, cmp: IntCmp) -> Binary {
        use IntCmp as C;
        macro_rules! through {
            ($extreme:ident, $eq:ident, $complement:literal) => {
                (|ops: &mut Asm, x: u8, s: u8| {
                    dynasm!(ops ; .arch x64 ; movdqa xmm0, Rx(x) ; $extreme xmm0, Rx(s) ; $eq Rx(x), xmm0);
                    if $complement {
                        dynasm!(ops ; .arch x64 ; pcmpeqd xmm0, xmm0 ; pxor Rx(x), xmm0);
                    }
                }) as Binary
            };
        }
        match (self, cmp) {
            (Lanes::I8, C::GeU) => through!(pmaxub, pcmpeqb, false),
            (Lanes::I8, C::LtU) => through!(pmaxub, pcmpeqb, true),
            (Lanes::I8, C::LeU) => through!(pminub, pcmpeqb, false),
            (Lanes::I8, _) => through!(pminub, pcmpeqb, true),
            (Lanes::I16, C::GeU) => through!(pmaxuw, pcmpeqw, false),
            (Lanes::I16, C::LtU) => through!(pmaxuw, pcmpeqw, true),
            (Lanes::I16, C::LeU) => through!(pminuw, pcmpeqw, false),
            (Lanes::I16, _) => through!(pminuw, pcmpeqw, true),
            (_, C::GeU) => through!(pmaxud, pcmpeqd, false),
            (_, C::LtU) => through!(pmaxud, pcmpeqd, true),
            (_, C::LeU) => through!(pminud, pcmpeqd, false),
            (_, _) => through!(pminud, pcmpeqd, true),
        }
    }
}

mod float;
