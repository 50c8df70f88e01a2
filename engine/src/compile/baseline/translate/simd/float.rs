//! Float lanes: SSE's packed arithmetic, with wasm's semantics where x86's
//! differ — `min`/`max` (NaN propagates, −0 < +0), the saturating
//! truncations (NaN → 0, out of range → the nearest bound), the unsigned
//! conversions (SSE converts signed lanes only).

use dynasmrt::{DynasmApi, DynasmLabelApi, dynasm};
use wasmparser::Operator;

use super::super::registers::Operand;
use super::super::{Asm, Translator};
use super::{Binary, Unary, splat32, splat64};
use crate::error::Result;

/// 2^31 and 2^32 as f32 bits.
const F32_2_POW_31: u32 = 0x4f00_0000;
const F32_2_POW_32: u32 = 0x4f80_0000;
/// 2^52 as f64 bits: an integer below 2^52 ORed into its mantissa makes
/// the double 2^52 + that integer.
const F64_2_POW_52: u64 = 0x4330_0000_0000_0000;

/// The opcodes (map 0F38) of vfmadd231pd and vfnmadd231pd.
const FMADD231: u8 = 0xb8;
const FNMADD231: u8 = 0xbc;

/// `vf(n)madd231pd x, a, b` (x = ±a·b + x), encoded here: dynasm 5.1
/// encodes the `pd` forms without VEX.W, which makes them the `ps` ones.
fn fma_pd(ops: &mut Asm, opcode: u8, x: u8, a: u8, b: u8) {
    // Three-byte VEX: inverted R and B (high bits of x and b), X unused,
    // map 0F38; W1, inverted vvvv (a), 128 bits, prefix 66.
    let rxb_map = (u8::from(x < 8) << 7) | (1 << 6) | (u8::from(b < 8) << 5) | 0b00010;
    let w_vvvv_l_pp = (1 << 7) | ((!a & 0xf) << 3) | 0b001;
    let modrm = 0b1100_0000 | ((x & 7) << 3) | (b & 7);
    ops.extend([0xc4, rxb_map, w_vvvv_l_pp, opcode, modrm]);
}

impl Translator<'_> {
    pub(super) fn float_simd_operator(&mut self, op: &Operator<'_>) -> Result<bool> {
        use Operator as O;
        match *op {
            O::F32x4Add => self.binary(true, binary!(addps)),
            O::F32x4Sub => self.binary(false, binary!(subps)),
            O::F32x4Mul => self.binary(true, binary!(mulps)),
            O::F32x4Div => self.binary(false, binary!(divps)),
            O::F64x2Add => self.binary(true, binary!(addpd)),
            O::F64x2Sub => self.binary(false, binary!(subpd)),
            O::F64x2Mul => self.binary(true, binary!(mulpd)),
            O::F64x2Div => self.binary(false, binary!(divpd)),
            O::F32x4Sqrt => self.v_unary(unary!(sqrtps)),
            O::F64x2Sqrt => self.v_unary(unary!(sqrtpd)),
            O::F32x4Ceil => self.v_unary(unary!(roundps, 2)),
            O::F32x4Floor => self.v_unary(unary!(roundps, 1)),
            O::F32x4Trunc => self.v_unary(unary!(roundps, 3)),
            O::F32x4Nearest => self.v_unary(unary!(roundps, 0)),
            O::F64x2Ceil => self.v_unary(unary!(roundpd, 2)),
            O::F64x2Floor => self.v_unary(unary!(roundpd, 1)),
            O::F64x2Trunc => self.v_unary(unary!(roundpd, 3)),
            O::F64x2Nearest => self.v_unary(unary!(roundpd, 0)),
            O::F32x4Abs => {
                let mask = self.constant(splat32(0x7fff_ffff));
                self.unary_constant(mask, |ops, x, c| dynasm!(ops ; .arch x64 ; andps Rx(x), [=>c]));
            }
            O::F32x4Neg => {
                let sign = self.constant(splat32(0x8000_0000));
                self.unary_constant(sign, |ops, x, c| dynasm!(ops ; .arch x64 ; xorps Rx(x), [=>c]));
            }
            O::F64x2Abs => {
                let mask = self.constant(splat64(0x7fff_ffff_ffff_ffff));
                self.unary_constant(mask, |ops, x, c| dynasm!(ops ; .arch x64 ; andpd Rx(x), [=>c]));
            }
            O::F64x2Neg => {
                let sign = self.constant(splat64(1 << 63));
                self.unary_constant(sign, |ops, x, c| dynasm!(ops ; .arch x64 ; xorpd Rx(x), [=>c]));
            }
            O::F32x4Min | O::F32x4RelaxedMin => self.v_min_max(false, false),
            O::F32x4Max | O::F32x4RelaxedMax => self.v_min_max(false, true),
            O::F64x2Min | O::F64x2RelaxedMin => self.v_min_max(true, false),
            O::F64x2Max | O::F64x2RelaxedMax => self.v_min_max(true, true),
            // pmin(a, b) = b < a ? b : a, which is minps on (b, a) (its
            // second operand when unordered or equal); pmax likewise.
            O::F32x4PMin => self.binary_swapped(binary!(minps)),
            O::F32x4PMax => self.binary_swapped(binary!(maxps)),
            O::F64x2PMin => self.binary_swapped(binary!(minpd)),
            O::F64x2PMax => self.binary_swapped(binary!(maxpd)),
            O::F32x4Eq => self.binary(true, binary!(cmpeqps)),
            O::F32x4Ne => self.binary(true, binary!(cmpneqps)),
            O::F32x4Lt => self.binary(false, binary!(cmpltps)),
            O::F32x4Le => self.binary(false, binary!(cmpleps)),
            O::F32x4Gt => self.binary_swapped(binary!(cmpltps)),
            O::F32x4Ge => self.binary_swapped(binary!(cmpleps)),
            O::F64x2Eq => self.binary(true, binary!(cmpeqpd)),
            O::F64x2Ne => self.binary(true, binary!(cmpneqpd)),
            O::F64x2Lt => self.binary(false, binary!(cmpltpd)),
            O::F64x2Le => self.binary(false, binary!(cmplepd)),
            O::F64x2Gt => self.binary_swapped(binary!(cmpltpd)),
            O::F64x2Ge => self.binary_swapped(binary!(cmplepd)),

            O::F32x4DemoteF64x2Zero => self.v_unary(unary!(cvtpd2ps)),
            O::F64x2PromoteLowF32x4 => self.v_unary(unary!(cvtps2pd)),
            O::F32x4ConvertI32x4S => self.v_unary(unary!(cvtdq2ps)),
            O::F64x2ConvertLowI32x4S => self.v_unary(unary!(cvtdq2pd)),
            O::F32x4ConvertI32x4U => {
                // High and low 16 bits converted apart (exactly), the high
                // scaled by 2^16 (exactly), summed: one rounding.
                let scale = self.constant(splat32(0x4780_0000));
                self.unary_constant(scale, |ops, x, c| {
                    dynasm!(ops
                        ; .arch x64
                        ; movdqa xmm0, Rx(x)
                        ; pslld xmm0, 16
                        ; psrld xmm0, 16
                        ; psrld Rx(x), 16
                        ; cvtdq2ps Rx(x), Rx(x)
                        ; mulps Rx(x), [=>c]
                        ; cvtdq2ps xmm0, xmm0
                        ; addps Rx(x), xmm0
                    )
                });
            }
            O::F64x2ConvertLowI32x4U => {
                let magic = self.constant(splat64(F64_2_POW_52));
                self.unary_constant(magic, |ops, x, c| {
                    dynasm!(ops
                        ; .arch x64
                        ; pmovzxdq Rx(x), Rx(x)
                        ; por Rx(x), [=>c]
                        ; subpd Rx(x), [=>c]
                    )
                });
            }
            O::I32x4TruncSatF32x4S | O::I32x4RelaxedTruncF32x4S => {
                // NaN lanes zeroed; cvttps2dq gives 0x8000_0000 out of
                // range, right below, flipped to 0x7fff_ffff above (the lanes
                // ≥ 2^31, as a mask).
                let limit = self.constant(splat32(F32_2_POW_31));
                self.unary_constant(limit, |ops, x, c| {
                    dynasm!(ops
                        ; .arch x64
                        ; movaps xmm0, Rx(x)
                        ; cmpeqps xmm0, Rx(x)
                        ; andps Rx(x), xmm0
                        ; movaps xmm0, [=>c]
                        ; cmpleps xmm0, Rx(x)
                        ; cvttps2dq Rx(x), Rx(x)
                        ; pxor Rx(x), xmm0
                    )
                });
            }
            O::I32x4TruncSatF32x4U | O::I32x4RelaxedTruncF32x4U => self.truncate_f32x4_unsigned(),
            O::I32x4TruncSatF64x2SZero | O::I32x4RelaxedTruncF64x2SZero => {
                let limit = self.constant(splat64(f64::from(i32::MAX).to_bits()));
                self.unary_constant(limit, |ops, x, c| {
                    dynasm!(ops
                        ; .arch x64
                        ; movapd xmm0, Rx(x)
                        ; cmpeqpd xmm0, Rx(x)
                        ; andpd Rx(x), xmm0
                        ; minpd Rx(x), [=>c]
                        ; cvttpd2dq Rx(x), Rx(x)
                    )
                });
            }
            O::I32x4TruncSatF64x2UZero | O::I32x4RelaxedTruncF64x2UZero => {
                // Clamped to [0, 2^32 - 1] (maxpd gives its second operand,
                // 0, for NaN), truncated, added to 2^52: each integer is
                // then its double's low 32 bits, gathered by shufps with
                // zeros above.
                let (limit, magic) =
                    (self.constant(splat64(f64::from(u32::MAX).to_bits())), self.constant(splat64(F64_2_POW_52)));
                let a = self.pop_v128();
                let x = self.owned_v128(a, &[]);
                dynasm!(self.ops
                    ; .arch x64
                    ; xorpd xmm0, xmm0
                    ; maxpd Rx(x), xmm0
                    ; minpd Rx(x), [=>limit]
                    ; roundpd Rx(x), Rx(x), 3
                    ; addpd Rx(x), [=>magic]
                    ; shufps Rx(x), xmm0, 0x88_u8 as i8
                );
                self.push_v128(x);
            }
            O::F32x4RelaxedMadd => {
                self.fused(|ops, x, a, b| dynasm!(ops ; .arch x64 ; vfmadd231ps Rx(x), Rx(a), Rx(b)))
            }
            O::F32x4RelaxedNmadd => {
                self.fused(|ops, x, a, b| dynasm!(ops ; .arch x64 ; vfnmadd231ps Rx(x), Rx(a), Rx(b)))
            }
            O::F64x2RelaxedMadd => self.fused(|ops, x, a, b| fma_pd(ops, FMADD231, x, a, b)),
            O::F64x2RelaxedNmadd => self.fused(|ops, x, a, b| fma_pd(ops, FNMADD231, x, a, b)),
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// wasm's `min`/`max`: x86's return their second operand when the
    /// lanes are unordered or equal, so both orders are computed; for
    /// `min` their OR keeps a NaN and makes −0 of ±0; for `max`, with d
    /// their XOR (nonzero only there), (m | d) − d keeps a NaN and makes +0
    /// of ±0. NaN lanes then become the canonical NaN (sign kept).
    fn v_min_max(&mut self, wide: bool, max: bool) {
        let b = self.pop_v128();
        let a = self.pop_v128();
        let x = self.owned_v128(a, &[b]);
        // b's register: scratch, or its own, free since popped.
        let s = self.v128_in(b, 1);
        match (wide, max) {
            (false, false) => dynasm!(self.ops
                ; .arch x64
                ; movaps xmm0, Rx(x)
                ; minps xmm0, Rx(s)
                ; minps Rx(s), Rx(x)
                ; orps xmm0, Rx(s)
            ),
            (true, false) => dynasm!(self.ops
                ; .arch x64
                ; movapd xmm0, Rx(x)
                ; minpd xmm0, Rx(s)
                ; minpd Rx(s), Rx(x)
                ; orpd xmm0, Rx(s)
            ),
            (false, true) => dynasm!(self.ops
                ; .arch x64
                ; movaps xmm0, Rx(x)
                ; maxps xmm0, Rx(s)
                ; maxps Rx(s), Rx(x)
                ; movaps Rx(x), xmm0
                ; xorps Rx(x), Rx(s)
                ; orps xmm0, Rx(x)
                ; subps xmm0, Rx(x)
            ),
            (true, true) => dynasm!(self.ops
                ; .arch x64
                ; movapd xmm0, Rx(x)
                ; maxpd xmm0, Rx(s)
                ; maxpd Rx(s), Rx(x)
                ; movapd Rx(x), xmm0
                ; xorpd Rx(x), Rx(s)
                ; orpd xmm0, Rx(x)
                ; subpd xmm0, Rx(x)
            ),
        }
        // Canonical NaNs: the unordered lanes' mask ORed in, then all but
        // the sign, exponent and quiet bit cleared.
        if wide {
            dynasm!(self.ops
                ; .arch x64
                ; movapd Rx(x), xmm0
                ; cmpunordpd Rx(x), xmm0
                ; orpd xmm0, Rx(x)
                ; psrlq Rx(x), 13
                ; andnpd Rx(x), xmm0
            );
        } else {
            dynasm!(self.ops
                ; .arch x64
                ; movaps Rx(x), xmm0
                ; cmpunordps Rx(x), xmm0
                ; orps xmm0, Rx(x)
                ; psrld Rx(x), 10
                ; andnps Rx(x), xmm0
            );
        }
        self.push_v128(x);
    }

    /// `i32x4.trunc_sat_f32x4_u`: clamped below at 0 (NaN too: maxps gives
    /// its second operand); lanes below 2^31 by cvttps2dq; those from 2^31
    /// as (x − 2^31) converted, its top bit set; those from 2^32 all ones.
    fn truncate_f32x4_unsigned(&mut self) {
        let (two_31, two_32) = (self.constant(splat32(F32_2_POW_31)), self.constant(splat32(F32_2_POW_32)));
        let a = self.pop_v128();
        let x = self.owned_v128(a, &[]);
        let t = self.alloc_xmm(&[Operand::Xmm(x)]);
        dynasm!(self.ops
            ; .arch x64
            ; xorps xmm0, xmm0
            ; maxps Rx(x), xmm0
            ; movaps Rx(t), Rx(x)
            ; subps Rx(t), [=>two_31]
            ; movaps xmm0, [=>two_31]
            ; cmpleps xmm0, Rx(x)
            ; movaps xmm1, [=>two_32]
            ; cmpleps xmm1, Rx(x)
            ; cvttps2dq Rx(x), Rx(x)
            ; cvttps2dq Rx(t), Rx(t)
            ; pand Rx(t), xmm0
            ; pxor Rx(x), Rx(t)
            ; por Rx(x), xmm1
        );
        self.push_v128(x);
    }

    /// A relaxed (fused) multiply-add: `emit(x, a, b)` computes ±a·b + x in
    /// x, which holds the addend.
    fn fused(&mut self, emit: fn(&mut Asm, u8, u8, u8)) {
        let c = self.pop_v128();
        let b = self.pop_v128();
        let a = self.pop_v128();
        let x = self.owned_v128(c, &[a, b]);
        let sa = self.v128_in(a, 0);
        let sb = self.v128_in(b, 1);
        emit(self.ops, x, sa, sb);
        self.push_v128(x);
    }
}
