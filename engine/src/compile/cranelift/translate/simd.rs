//! SIMD and relaxed SIMD operators: v128 values as Cranelift vectors.
//!
//! A v128 is an `I8X16` wherever it crosses a boundary the translation
//! shares with scalar code (the operand stack, locals, block parameters,
//! globals, calls), so every construct sees one type per wasm type. Each
//! operator re-types its operands to the lane shape it works on with a
//! little-endian `bitcast` (free on x86-64) and pushes an `I8X16` again.
//!
//! Relaxed SIMD takes one deterministic result per operator, the one the
//! other tiers and wasmi 2.0 produce (documented in ARCHITECTURE.md):
//! `relaxed_swizzle` is `swizzle`, `relaxed_trunc*` are the saturating
//! conversions, `relaxed_madd`/`nmadd` are fused, `relaxed_laneselect` is
//! `bitselect`, `relaxed_min`/`max` are `min`/`max`, `relaxed_q15mulr_s` is
//! `q15mulr_sat_s`, and both relaxed dot products treat both operands as
//! signed with wrapping 16-bit pair sums.

use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{ConstantData, Endianness, InstBuilder, MemFlagsData, Type, Value, types};
use cranelift_frontend::FunctionBuilder;
use wasmparser::{MemArg, Operator};

use super::FuncState;
use crate::error::Result;

/// The type every v128 has outside the operator working on it.
pub(crate) const V128: Type = types::I8X16;

const I8X16: Type = types::I8X16;
const I16X8: Type = types::I16X8;
const I32X4: Type = types::I32X4;
const I64X2: Type = types::I64X2;
const F32X4: Type = types::F32X4;
const F64X2: Type = types::F64X2;

/// A v128 value re-typed as `ty` (the same 128 bits, lanes little-endian).
fn retype(b: &mut FunctionBuilder<'_>, ty: Type, v: Value) -> Value {
    if b.func.dfg.value_type(v) == ty {
        return v;
    }
    b.ins().bitcast(ty, MemFlagsData::new().with_endianness(Endianness::Little), v)
}

/// The zero v128.
pub(crate) fn zero(b: &mut FunctionBuilder<'_>) -> Value {
    constant(b, V128, [0; 16])
}

/// A vector constant of type `ty` (typed as its user needs it: Cranelift's
/// x86-64 lowering recognises some patterns only with a constant of the
/// lane type, e.g. the zero half of `snarrow`).
fn constant(b: &mut FunctionBuilder<'_>, ty: Type, bytes: [u8; 16]) -> Value {
    let handle = b.func.dfg.constants.insert(ConstantData::from(bytes.to_vec()));
    b.ins().vconst(ty, handle)
}

/// Memory flags for a v128 in runtime storage that is only 8-byte aligned
/// (call buffers, global definitions): trusted not to trap, but never
/// claimed aligned, so no instruction that needs 16-byte alignment reads it.
pub(crate) fn unaligned_trusted() -> MemFlagsData {
    MemFlagsData::new().with_notrap()
}

impl FuncState<'_> {
    fn pop_as(&mut self, b: &mut FunctionBuilder<'_>, ty: Type) -> Value {
        let v = self.pop();
        retype(b, ty, v)
    }

    fn push_v128(&mut self, b: &mut FunctionBuilder<'_>, v: Value) {
        let v = retype(b, V128, v);
        self.stack.push(v);
    }

    fn v_unary(
        &mut self,
        b: &mut FunctionBuilder<'_>,
        ty: Type,
        f: impl FnOnce(&mut FunctionBuilder<'_>, Value) -> Value,
    ) {
        let x = self.pop_as(b, ty);
        let v = f(b, x);
        self.push_v128(b, v);
    }

    fn v_binary(
        &mut self,
        b: &mut FunctionBuilder<'_>,
        ty: Type,
        f: impl FnOnce(&mut FunctionBuilder<'_>, Value, Value) -> Value,
    ) {
        let y = self.pop_as(b, ty);
        let x = self.pop_as(b, ty);
        let v = f(b, x, y);
        self.push_v128(b, v);
    }

    fn v_ternary(
        &mut self,
        b: &mut FunctionBuilder<'_>,
        ty: Type,
        f: impl FnOnce(&mut FunctionBuilder<'_>, Value, Value, Value) -> Value,
    ) {
        let z = self.pop_as(b, ty);
        let y = self.pop_as(b, ty);
        let x = self.pop_as(b, ty);
        let v = f(b, x, y, z);
        self.push_v128(b, v);
    }

    fn v_icmp(&mut self, b: &mut FunctionBuilder<'_>, ty: Type, cc: IntCC) {
        self.v_binary(b, ty, |b, x, y| b.ins().icmp(cc, x, y));
    }

    fn v_fcmp(&mut self, b: &mut FunctionBuilder<'_>, ty: Type, cc: FloatCC) {
        self.v_binary(b, ty, |b, x, y| b.ins().fcmp(cc, x, y));
    }

    /// A lane shift: Cranelift takes the i32 count modulo the lane width,
    /// as wasm does.
    fn v_shift(
        &mut self,
        b: &mut FunctionBuilder<'_>,
        ty: Type,
        f: fn(&mut FunctionBuilder<'_>, Value, Value) -> Value,
    ) {
        let count = self.pop();
        let x = self.pop_as(b, ty);
        let v = f(b, x, count);
        self.push_v128(b, v);
    }

    /// A predicate of the whole vector (`any_true`, `all_true`) as an i32.
    fn v_test(&mut self, b: &mut FunctionBuilder<'_>, ty: Type, all: bool) {
        let x = self.pop_as(b, ty);
        let flag = if all { b.ins().vall_true(x) } else { b.ins().vany_true(x) };
        self.push_bool(b, flag);
    }

    fn v_bitmask(&mut self, b: &mut FunctionBuilder<'_>, ty: Type) {
        let x = self.pop_as(b, ty);
        let v = b.ins().vhigh_bits(types::I32, x);
        self.stack.push(v);
    }

    /// `splat` of an i32/i64/f32/f64 operand, narrowed to the lane first.
    fn v_splat(&mut self, b: &mut FunctionBuilder<'_>, ty: Type) {
        let x = self.pop();
        let lane = ty.lane_type();
        let x = if b.func.dfg.value_type(x) == lane { x } else { b.ins().ireduce(lane, x) };
        let v = b.ins().splat(ty, x);
        self.push_v128(b, v);
    }

    /// `extract_lane`; narrow integer lanes are extended to i32.
    fn v_extract(&mut self, b: &mut FunctionBuilder<'_>, ty: Type, lane: u8, signed: Option<bool>) {
        let x = self.pop_as(b, ty);
        let v = b.ins().extractlane(x, lane);
        let v = match signed {
            Some(true) => b.ins().sextend(types::I32, v),
            Some(false) => b.ins().uextend(types::I32, v),
            None => v,
        };
        self.stack.push(v);
    }

    fn v_replace(&mut self, b: &mut FunctionBuilder<'_>, ty: Type, lane: u8) {
        let scalar = self.pop();
        let x = self.pop_as(b, ty);
        let lane_type = ty.lane_type();
        let scalar =
            if b.func.dfg.value_type(scalar) == lane_type { scalar } else { b.ins().ireduce(lane_type, scalar) };
        let v = b.ins().insertlane(x, scalar, lane);
        self.push_v128(b, v);
    }

    /// Lanes of the low (`high == false`) or high half, widened.
    fn widen(b: &mut FunctionBuilder<'_>, x: Value, signed: bool, high: bool) -> Value {
        match (signed, high) {
            (true, false) => b.ins().swiden_low(x),
            (true, true) => b.ins().swiden_high(x),
            (false, false) => b.ins().uwiden_low(x),
            (false, true) => b.ins().uwiden_high(x),
        }
    }

    fn v_extend(&mut self, b: &mut FunctionBuilder<'_>, narrow: Type, signed: bool, high: bool) {
        self.v_unary(b, narrow, |b, x| Self::widen(b, x, signed, high));
    }

    fn v_extmul(&mut self, b: &mut FunctionBuilder<'_>, narrow: Type, signed: bool, high: bool) {
        self.v_binary(b, narrow, |b, x, y| {
            let x = Self::widen(b, x, signed, high);
            let y = Self::widen(b, y, signed, high);
            b.ins().imul(x, y)
        });
    }

    /// Sums of adjacent lanes, widened to lanes twice as wide.
    fn extadd_pairwise(b: &mut FunctionBuilder<'_>, x: Value, signed: bool) -> Value {
        let low = Self::widen(b, x, signed, false);
        let high = Self::widen(b, x, signed, true);
        b.ins().iadd_pairwise(low, high)
    }

    /// Products of signed lanes, adjacent pairs summed (wrapping) in
    /// lanes twice as wide: `i32x4.dot_i16x8_s`, and the relaxed i8 dot
    /// with both operands signed.
    fn dot(b: &mut FunctionBuilder<'_>, x: Value, y: Value) -> Value {
        let (x_low, y_low) = (Self::widen(b, x, true, false), Self::widen(b, y, true, false));
        let (x_high, y_high) = (Self::widen(b, x, true, true), Self::widen(b, y, true, true));
        let low = b.ins().imul(x_low, y_low);
        let high = b.ins().imul(x_high, y_high);
        b.ins().iadd_pairwise(low, high)
    }

    /// `pmin`/`pmax`: `y < x ? y : x` (`pmin`) or `x < y ? y : x`
    /// (`pmax`), the comparison of the lanes as given, NaN-blind.
    fn v_pseudo_min_max(&mut self, b: &mut FunctionBuilder<'_>, ty: Type, max: bool) {
        self.v_binary(b, ty, |b, x, y| {
            let take_y =
                if max { b.ins().fcmp(FloatCC::LessThan, x, y) } else { b.ins().fcmp(FloatCC::LessThan, y, x) };
            let mask = retype(b, ty, take_y);
            b.ins().bitselect(mask, y, x)
        });
    }

    /// `trunc_sat_f64x2_*_zero`: two saturated i32 lanes, then two zeros.
    fn v_trunc_sat_f64x2_zero(&mut self, b: &mut FunctionBuilder<'_>, signed: bool) {
        self.v_unary(b, F64X2, |b, x| {
            let zero = constant(b, I64X2, [0; 16]);
            if signed {
                let wide = b.ins().fcvt_to_sint_sat(I64X2, x);
                b.ins().snarrow(wide, zero)
            } else {
                let wide = b.ins().fcvt_to_uint_sat(I64X2, x);
                b.ins().uunarrow(wide, zero)
            }
        });
    }

    /// A v128 load of `load` (its shape and how it fills the vector).
    fn v_load(&mut self, b: &mut FunctionBuilder<'_>, memarg: MemArg, load: VectorLoad) -> Result<()> {
        let address = self.pop();
        let at = self.checked_address(b, memarg, address, load.bytes())?;
        let flags = MemFlagsData::new().with_endianness(Endianness::Little);
        let v = match load {
            VectorLoad::Full => b.ins().load(V128, flags, at, 0),
            VectorLoad::Extend { narrow, signed } => match (narrow, signed) {
                (I8X16, true) => b.ins().sload8x8(flags, at, 0),
                (I8X16, false) => b.ins().uload8x8(flags, at, 0),
                (I16X8, true) => b.ins().sload16x4(flags, at, 0),
                (I16X8, false) => b.ins().uload16x4(flags, at, 0),
                (_, true) => b.ins().sload32x2(flags, at, 0),
                (_, false) => b.ins().uload32x2(flags, at, 0),
            },
            VectorLoad::Splat(ty) => {
                let lane = b.ins().load(ty.lane_type(), flags, at, 0);
                b.ins().splat(ty, lane)
            }
            VectorLoad::Zero(ty) => {
                let lane = b.ins().load(ty.lane_type(), flags, at, 0);
                b.ins().scalar_to_vector(ty, lane)
            }
        };
        self.push_v128(b, v);
        Ok(())
    }

    /// `v128.loadN_lane`: one lane of the vector on the stack from memory.
    fn v_load_lane(&mut self, b: &mut FunctionBuilder<'_>, memarg: MemArg, ty: Type, lane: u8) -> Result<()> {
        let x = self.pop_as(b, ty);
        let address = self.pop();
        let lane_type = ty.lane_type();
        let at = self.checked_address(b, memarg, address, lane_type.bytes())?;
        let value = b.ins().load(lane_type, MemFlagsData::new().with_endianness(Endianness::Little), at, 0);
        let v = b.ins().insertlane(x, value, lane);
        self.push_v128(b, v);
        Ok(())
    }

    /// `v128.storeN_lane`: one lane of the vector into memory.
    fn v_store_lane(&mut self, b: &mut FunctionBuilder<'_>, memarg: MemArg, ty: Type, lane: u8) -> Result<()> {
        let x = self.pop_as(b, ty);
        let address = self.pop();
        let at = self.checked_address(b, memarg, address, ty.lane_type().bytes())?;
        let value = b.ins().extractlane(x, lane);
        b.ins().store(MemFlagsData::new().with_endianness(Endianness::Little), value, at, 0);
        Ok(())
    }

    /// SIMD and relaxed SIMD operators; `false` when `op` is not one.
    pub(super) fn simd_operator(&mut self, b: &mut FunctionBuilder<'_>, op: &Operator<'_>) -> Result<bool> {
        use Operator as O;
        match *op {
            O::V128Load { memarg } => self.v_load(b, memarg, VectorLoad::Full)?,
            O::V128Load8x8S { memarg } => self.v_load(b, memarg, VectorLoad::Extend { narrow: I8X16, signed: true })?,
            O::V128Load8x8U { memarg } => {
                self.v_load(b, memarg, VectorLoad::Extend { narrow: I8X16, signed: false })?
            }
            O::V128Load16x4S { memarg } => {
                self.v_load(b, memarg, VectorLoad::Extend { narrow: I16X8, signed: true })?
            }
            O::V128Load16x4U { memarg } => {
                self.v_load(b, memarg, VectorLoad::Extend { narrow: I16X8, signed: false })?
            }
            O::V128Load32x2S { memarg } => {
                self.v_load(b, memarg, VectorLoad::Extend { narrow: I32X4, signed: true })?
            }
            O::V128Load32x2U { memarg } => {
                self.v_load(b, memarg, VectorLoad::Extend { narrow: I32X4, signed: false })?
            }
            O::V128Load8Splat { memarg } => self.v_load(b, memarg, VectorLoad::Splat(I8X16))?,
            O::V128Load16Splat { memarg } => self.v_load(b, memarg, VectorLoad::Splat(I16X8))?,
            O::V128Load32Splat { memarg } => self.v_load(b, memarg, VectorLoad::Splat(I32X4))?,
            O::V128Load64Splat { memarg } => self.v_load(b, memarg, VectorLoad::Splat(I64X2))?,
            O::V128Load32Zero { memarg } => self.v_load(b, memarg, VectorLoad::Zero(I32X4))?,
            O::V128Load64Zero { memarg } => self.v_load(b, memarg, VectorLoad::Zero(I64X2))?,
            O::V128Store { memarg } => self.store(b, memarg, None)?,
            O::V128Load8Lane { memarg, lane } => self.v_load_lane(b, memarg, I8X16, lane)?,
            O::V128Load16Lane { memarg, lane } => self.v_load_lane(b, memarg, I16X8, lane)?,
            O::V128Load32Lane { memarg, lane } => self.v_load_lane(b, memarg, I32X4, lane)?,
            O::V128Load64Lane { memarg, lane } => self.v_load_lane(b, memarg, I64X2, lane)?,
            O::V128Store8Lane { memarg, lane } => self.v_store_lane(b, memarg, I8X16, lane)?,
            O::V128Store16Lane { memarg, lane } => self.v_store_lane(b, memarg, I16X8, lane)?,
            O::V128Store32Lane { memarg, lane } => self.v_store_lane(b, memarg, I32X4, lane)?,
            O::V128Store64Lane { memarg, lane } => self.v_store_lane(b, memarg, I64X2, lane)?,
            O::V128Const { value } => {
                let v = constant(b, V128, *value.bytes());
                self.stack.push(v);
            }
            O::I8x16Shuffle { lanes } => {
                let mask = b.func.dfg.immediates.push(ConstantData::from(lanes.to_vec()));
                self.v_binary(b, I8X16, |b, x, y| b.ins().shuffle(x, y, mask));
            }
            O::I8x16Swizzle | O::I8x16RelaxedSwizzle => self.v_binary(b, I8X16, |b, x, y| b.ins().swizzle(x, y)),
            O::I8x16ExtractLaneS { lane } => self.v_extract(b, I8X16, lane, Some(true)),
            O::I8x16ExtractLaneU { lane } => self.v_extract(b, I8X16, lane, Some(false)),
            O::I16x8ExtractLaneS { lane } => self.v_extract(b, I16X8, lane, Some(true)),
            O::I16x8ExtractLaneU { lane } => self.v_extract(b, I16X8, lane, Some(false)),
            O::I32x4ExtractLane { lane } => self.v_extract(b, I32X4, lane, None),
            O::I64x2ExtractLane { lane } => self.v_extract(b, I64X2, lane, None),
            O::F32x4ExtractLane { lane } => self.v_extract(b, F32X4, lane, None),
            O::F64x2ExtractLane { lane } => self.v_extract(b, F64X2, lane, None),
            O::I8x16ReplaceLane { lane } => self.v_replace(b, I8X16, lane),
            O::I16x8ReplaceLane { lane } => self.v_replace(b, I16X8, lane),
            O::I32x4ReplaceLane { lane } => self.v_replace(b, I32X4, lane),
            O::I64x2ReplaceLane { lane } => self.v_replace(b, I64X2, lane),
            O::F32x4ReplaceLane { lane } => self.v_replace(b, F32X4, lane),
            O::F64x2ReplaceLane { lane } => self.v_replace(b, F64X2, lane),
            O::I8x16Splat => self.v_splat(b, I8X16),
            O::I16x8Splat => self.v_splat(b, I16X8),
            O::I32x4Splat => self.v_splat(b, I32X4),
            O::I64x2Splat => self.v_splat(b, I64X2),
            O::F32x4Splat => self.v_splat(b, F32X4),
            O::F64x2Splat => self.v_splat(b, F64X2),

            O::I8x16Eq => self.v_icmp(b, I8X16, IntCC::Equal),
            O::I8x16Ne => self.v_icmp(b, I8X16, IntCC::NotEqual),
            O::I8x16LtS => self.v_icmp(b, I8X16, IntCC::SignedLessThan),
            O::I8x16LtU => self.v_icmp(b, I8X16, IntCC::UnsignedLessThan),
            O::I8x16GtS => self.v_icmp(b, I8X16, IntCC::SignedGreaterThan),
            O::I8x16GtU => self.v_icmp(b, I8X16, IntCC::UnsignedGreaterThan),
            O::I8x16LeS => self.v_icmp(b, I8X16, IntCC::SignedLessThanOrEqual),
            O::I8x16LeU => self.v_icmp(b, I8X16, IntCC::UnsignedLessThanOrEqual),
            O::I8x16GeS => self.v_icmp(b, I8X16, IntCC::SignedGreaterThanOrEqual),
            O::I8x16GeU => self.v_icmp(b, I8X16, IntCC::UnsignedGreaterThanOrEqual),
            O::I16x8Eq => self.v_icmp(b, I16X8, IntCC::Equal),
            O::I16x8Ne => self.v_icmp(b, I16X8, IntCC::NotEqual),
            O::I16x8LtS => self.v_icmp(b, I16X8, IntCC::SignedLessThan),
            O::I16x8LtU => self.v_icmp(b, I16X8, IntCC::UnsignedLessThan),
            O::I16x8GtS => self.v_icmp(b, I16X8, IntCC::SignedGreaterThan),
            O::I16x8GtU => self.v_icmp(b, I16X8, IntCC::UnsignedGreaterThan),
            O::I16x8LeS => self.v_icmp(b, I16X8, IntCC::SignedLessThanOrEqual),
            O::I16x8LeU => self.v_icmp(b, I16X8, IntCC::UnsignedLessThanOrEqual),
            O::I16x8GeS => self.v_icmp(b, I16X8, IntCC::SignedGreaterThanOrEqual),
            O::I16x8GeU => self.v_icmp(b, I16X8, IntCC::UnsignedGreaterThanOrEqual),
            O::I32x4Eq => self.v_icmp(b, I32X4, IntCC::Equal),
            O::I32x4Ne => self.v_icmp(b, I32X4, IntCC::NotEqual),
            O::I32x4LtS => self.v_icmp(b, I32X4, IntCC::SignedLessThan),
            O::I32x4LtU => self.v_icmp(b, I32X4, IntCC::UnsignedLessThan),
            O::I32x4GtS => self.v_icmp(b, I32X4, IntCC::SignedGreaterThan),
            O::I32x4GtU => self.v_icmp(b, I32X4, IntCC::UnsignedGreaterThan),
            O::I32x4LeS => self.v_icmp(b, I32X4, IntCC::SignedLessThanOrEqual),
            O::I32x4LeU => self.v_icmp(b, I32X4, IntCC::UnsignedLessThanOrEqual),
            O::I32x4GeS => self.v_icmp(b, I32X4, IntCC::SignedGreaterThanOrEqual),
            O::I32x4GeU => self.v_icmp(b, I32X4, IntCC::UnsignedGreaterThanOrEqual),
            O::I64x2Eq => self.v_icmp(b, I64X2, IntCC::Equal),
            O::I64x2Ne => self.v_icmp(b, I64X2, IntCC::NotEqual),
            O::I64x2LtS => self.v_icmp(b, I64X2, IntCC::SignedLessThan),
            O::I64x2GtS => self.v_icmp(b, I64X2, IntCC::SignedGreaterThan),
            O::I64x2LeS => self.v_icmp(b, I64X2, IntCC::SignedLessThanOrEqual),
            O::I64x2GeS => self.v_icmp(b, I64X2, IntCC::SignedGreaterThanOrEqual),
            O::F32x4Eq => self.v_fcmp(b, F32X4, FloatCC::Equal),
            O::F32x4Ne => self.v_fcmp(b, F32X4, FloatCC::NotEqual),
            O::F32x4Lt => self.v_fcmp(b, F32X4, FloatCC::LessThan),
            O::F32x4Gt => self.v_fcmp(b, F32X4, FloatCC::GreaterThan),
            O::F32x4Le => self.v_fcmp(b, F32X4, FloatCC::LessThanOrEqual),
            O::F32x4Ge => self.v_fcmp(b, F32X4, FloatCC::GreaterThanOrEqual),
            O::F64x2Eq => self.v_fcmp(b, F64X2, FloatCC::Equal),
            O::F64x2Ne => self.v_fcmp(b, F64X2, FloatCC::NotEqual),
            O::F64x2Lt => self.v_fcmp(b, F64X2, FloatCC::LessThan),
            O::F64x2Gt => self.v_fcmp(b, F64X2, FloatCC::GreaterThan),
            O::F64x2Le => self.v_fcmp(b, F64X2, FloatCC::LessThanOrEqual),
            O::F64x2Ge => self.v_fcmp(b, F64X2, FloatCC::GreaterThanOrEqual),

            O::V128Not => self.v_unary(b, I8X16, |b, x| b.ins().bnot(x)),
            O::V128And => self.v_binary(b, I8X16, |b, x, y| b.ins().band(x, y)),
            O::V128AndNot => self.v_binary(b, I8X16, |b, x, y| b.ins().band_not(x, y)),
            O::V128Or => self.v_binary(b, I8X16, |b, x, y| b.ins().bor(x, y)),
            O::V128Xor => self.v_binary(b, I8X16, |b, x, y| b.ins().bxor(x, y)),
            // bitselect(v1, v2, c): v1's bits where c is set, v2's elsewhere.
            O::V128Bitselect
            | O::I8x16RelaxedLaneselect
            | O::I16x8RelaxedLaneselect
            | O::I32x4RelaxedLaneselect
            | O::I64x2RelaxedLaneselect => self.v_ternary(b, I8X16, |b, x, y, c| b.ins().bitselect(c, x, y)),
            O::V128AnyTrue => self.v_test(b, I8X16, false),
            O::I8x16AllTrue => self.v_test(b, I8X16, true),
            O::I16x8AllTrue => self.v_test(b, I16X8, true),
            O::I32x4AllTrue => self.v_test(b, I32X4, true),
            O::I64x2AllTrue => self.v_test(b, I64X2, true),
            O::I8x16Bitmask => self.v_bitmask(b, I8X16),
            O::I16x8Bitmask => self.v_bitmask(b, I16X8),
            O::I32x4Bitmask => self.v_bitmask(b, I32X4),
            O::I64x2Bitmask => self.v_bitmask(b, I64X2),

            O::I8x16Abs => self.v_unary(b, I8X16, |b, x| b.ins().iabs(x)),
            O::I16x8Abs => self.v_unary(b, I16X8, |b, x| b.ins().iabs(x)),
            O::I32x4Abs => self.v_unary(b, I32X4, |b, x| b.ins().iabs(x)),
            O::I64x2Abs => self.v_unary(b, I64X2, |b, x| b.ins().iabs(x)),
            O::I8x16Neg => self.v_unary(b, I8X16, |b, x| b.ins().ineg(x)),
            O::I16x8Neg => self.v_unary(b, I16X8, |b, x| b.ins().ineg(x)),
            O::I32x4Neg => self.v_unary(b, I32X4, |b, x| b.ins().ineg(x)),
            O::I64x2Neg => self.v_unary(b, I64X2, |b, x| b.ins().ineg(x)),
            O::I8x16Popcnt => self.v_unary(b, I8X16, |b, x| b.ins().popcnt(x)),
            O::I8x16NarrowI16x8S => self.v_binary(b, I16X8, |b, x, y| b.ins().snarrow(x, y)),
            O::I8x16NarrowI16x8U => self.v_binary(b, I16X8, |b, x, y| b.ins().unarrow(x, y)),
            O::I16x8NarrowI32x4S => self.v_binary(b, I32X4, |b, x, y| b.ins().snarrow(x, y)),
            O::I16x8NarrowI32x4U => self.v_binary(b, I32X4, |b, x, y| b.ins().unarrow(x, y)),
            O::I16x8ExtendLowI8x16S => self.v_extend(b, I8X16, true, false),
            O::I16x8ExtendHighI8x16S => self.v_extend(b, I8X16, true, true),
            O::I16x8ExtendLowI8x16U => self.v_extend(b, I8X16, false, false),
            O::I16x8ExtendHighI8x16U => self.v_extend(b, I8X16, false, true),
            O::I32x4ExtendLowI16x8S => self.v_extend(b, I16X8, true, false),
            O::I32x4ExtendHighI16x8S => self.v_extend(b, I16X8, true, true),
            O::I32x4ExtendLowI16x8U => self.v_extend(b, I16X8, false, false),
            O::I32x4ExtendHighI16x8U => self.v_extend(b, I16X8, false, true),
            O::I64x2ExtendLowI32x4S => self.v_extend(b, I32X4, true, false),
            O::I64x2ExtendHighI32x4S => self.v_extend(b, I32X4, true, true),
            O::I64x2ExtendLowI32x4U => self.v_extend(b, I32X4, false, false),
            O::I64x2ExtendHighI32x4U => self.v_extend(b, I32X4, false, true),

            O::I8x16Shl => self.v_shift(b, I8X16, |b, x, n| b.ins().ishl(x, n)),
            O::I8x16ShrS => self.v_shift(b, I8X16, |b, x, n| b.ins().sshr(x, n)),
            O::I8x16ShrU => self.v_shift(b, I8X16, |b, x, n| b.ins().ushr(x, n)),
            O::I16x8Shl => self.v_shift(b, I16X8, |b, x, n| b.ins().ishl(x, n)),
            O::I16x8ShrS => self.v_shift(b, I16X8, |b, x, n| b.ins().sshr(x, n)),
            O::I16x8ShrU => self.v_shift(b, I16X8, |b, x, n| b.ins().ushr(x, n)),
            O::I32x4Shl => self.v_shift(b, I32X4, |b, x, n| b.ins().ishl(x, n)),
            O::I32x4ShrS => self.v_shift(b, I32X4, |b, x, n| b.ins().sshr(x, n)),
            O::I32x4ShrU => self.v_shift(b, I32X4, |b, x, n| b.ins().ushr(x, n)),
            O::I64x2Shl => self.v_shift(b, I64X2, |b, x, n| b.ins().ishl(x, n)),
            O::I64x2ShrS => self.v_shift(b, I64X2, |b, x, n| b.ins().sshr(x, n)),
            O::I64x2ShrU => self.v_shift(b, I64X2, |b, x, n| b.ins().ushr(x, n)),

            O::I8x16Add => self.v_binary(b, I8X16, |b, x, y| b.ins().iadd(x, y)),
            O::I16x8Add => self.v_binary(b, I16X8, |b, x, y| b.ins().iadd(x, y)),
            O::I32x4Add => self.v_binary(b, I32X4, |b, x, y| b.ins().iadd(x, y)),
            O::I64x2Add => self.v_binary(b, I64X2, |b, x, y| b.ins().iadd(x, y)),
            O::I8x16Sub => self.v_binary(b, I8X16, |b, x, y| b.ins().isub(x, y)),
            O::I16x8Sub => self.v_binary(b, I16X8, |b, x, y| b.ins().isub(x, y)),
            O::I32x4Sub => self.v_binary(b, I32X4, |b, x, y| b.ins().isub(x, y)),
            O::I64x2Sub => self.v_binary(b, I64X2, |b, x, y| b.ins().isub(x, y)),
            O::I16x8Mul => self.v_binary(b, I16X8, |b, x, y| b.ins().imul(x, y)),
            O::I32x4Mul => self.v_binary(b, I32X4, |b, x, y| b.ins().imul(x, y)),
            O::I64x2Mul => self.v_binary(b, I64X2, |b, x, y| b.ins().imul(x, y)),
            O::I8x16AddSatS => self.v_binary(b, I8X16, |b, x, y| b.ins().sadd_sat(x, y)),
            O::I8x16AddSatU => self.v_binary(b, I8X16, |b, x, y| b.ins().uadd_sat(x, y)),
            O::I8x16SubSatS => self.v_binary(b, I8X16, |b, x, y| b.ins().ssub_sat(x, y)),
            O::I8x16SubSatU => self.v_binary(b, I8X16, |b, x, y| b.ins().usub_sat(x, y)),
            O::I16x8AddSatS => self.v_binary(b, I16X8, |b, x, y| b.ins().sadd_sat(x, y)),
            O::I16x8AddSatU => self.v_binary(b, I16X8, |b, x, y| b.ins().uadd_sat(x, y)),
            O::I16x8SubSatS => self.v_binary(b, I16X8, |b, x, y| b.ins().ssub_sat(x, y)),
            O::I16x8SubSatU => self.v_binary(b, I16X8, |b, x, y| b.ins().usub_sat(x, y)),
            O::I8x16MinS => self.v_binary(b, I8X16, |b, x, y| b.ins().smin(x, y)),
            O::I8x16MinU => self.v_binary(b, I8X16, |b, x, y| b.ins().umin(x, y)),
            O::I8x16MaxS => self.v_binary(b, I8X16, |b, x, y| b.ins().smax(x, y)),
            O::I8x16MaxU => self.v_binary(b, I8X16, |b, x, y| b.ins().umax(x, y)),
            O::I16x8MinS => self.v_binary(b, I16X8, |b, x, y| b.ins().smin(x, y)),
            O::I16x8MinU => self.v_binary(b, I16X8, |b, x, y| b.ins().umin(x, y)),
            O::I16x8MaxS => self.v_binary(b, I16X8, |b, x, y| b.ins().smax(x, y)),
            O::I16x8MaxU => self.v_binary(b, I16X8, |b, x, y| b.ins().umax(x, y)),
            O::I32x4MinS => self.v_binary(b, I32X4, |b, x, y| b.ins().smin(x, y)),
            O::I32x4MinU => self.v_binary(b, I32X4, |b, x, y| b.ins().umin(x, y)),
            O::I32x4MaxS => self.v_binary(b, I32X4, |b, x, y| b.ins().smax(x, y)),
            O::I32x4MaxU => self.v_binary(b, I32X4, |b, x, y| b.ins().umax(x, y)),
            O::I8x16AvgrU => self.v_binary(b, I8X16, |b, x, y| b.ins().avg_round(x, y)),
            O::I16x8AvgrU => self.v_binary(b, I16X8, |b, x, y| b.ins().avg_round(x, y)),
            O::I16x8Q15MulrSatS | O::I16x8RelaxedQ15mulrS => {
                self.v_binary(b, I16X8, |b, x, y| b.ins().sqmul_round_sat(x, y))
            }
            O::I16x8ExtAddPairwiseI8x16S => self.v_unary(b, I8X16, |b, x| Self::extadd_pairwise(b, x, true)),
            O::I16x8ExtAddPairwiseI8x16U => self.v_unary(b, I8X16, |b, x| Self::extadd_pairwise(b, x, false)),
            O::I32x4ExtAddPairwiseI16x8S => self.v_unary(b, I16X8, |b, x| Self::extadd_pairwise(b, x, true)),
            O::I32x4ExtAddPairwiseI16x8U => self.v_unary(b, I16X8, |b, x| Self::extadd_pairwise(b, x, false)),
            O::I16x8ExtMulLowI8x16S => self.v_extmul(b, I8X16, true, false),
            O::I16x8ExtMulHighI8x16S => self.v_extmul(b, I8X16, true, true),
            O::I16x8ExtMulLowI8x16U => self.v_extmul(b, I8X16, false, false),
            O::I16x8ExtMulHighI8x16U => self.v_extmul(b, I8X16, false, true),
            O::I32x4ExtMulLowI16x8S => self.v_extmul(b, I16X8, true, false),
            O::I32x4ExtMulHighI16x8S => self.v_extmul(b, I16X8, true, true),
            O::I32x4ExtMulLowI16x8U => self.v_extmul(b, I16X8, false, false),
            O::I32x4ExtMulHighI16x8U => self.v_extmul(b, I16X8, false, true),
            O::I64x2ExtMulLowI32x4S => self.v_extmul(b, I32X4, true, false),
            O::I64x2ExtMulHighI32x4S => self.v_extmul(b, I32X4, true, true),
            O::I64x2ExtMulLowI32x4U => self.v_extmul(b, I32X4, false, false),
            O::I64x2ExtMulHighI32x4U => self.v_extmul(b, I32X4, false, true),
            O::I32x4DotI16x8S => self.v_binary(b, I16X8, Self::dot),
            O::I16x8RelaxedDotI8x16I7x16S => self.v_binary(b, I8X16, Self::dot),
            O::I32x4RelaxedDotI8x16I7x16AddS => {
                let accumulator = self.pop_as(b, I32X4);
                let y = self.pop_as(b, I8X16);
                let x = self.pop_as(b, I8X16);
                let pairs = Self::dot(b, x, y);
                let quads = Self::extadd_pairwise(b, pairs, true);
                let v = b.ins().iadd(quads, accumulator);
                self.push_v128(b, v);
            }

            O::F32x4Ceil => self.v_unary(b, F32X4, |b, x| b.ins().ceil(x)),
            O::F64x2Ceil => self.v_unary(b, F64X2, |b, x| b.ins().ceil(x)),
            O::F32x4Floor => self.v_unary(b, F32X4, |b, x| b.ins().floor(x)),
            O::F64x2Floor => self.v_unary(b, F64X2, |b, x| b.ins().floor(x)),
            O::F32x4Trunc => self.v_unary(b, F32X4, |b, x| b.ins().trunc(x)),
            O::F64x2Trunc => self.v_unary(b, F64X2, |b, x| b.ins().trunc(x)),
            O::F32x4Nearest => self.v_unary(b, F32X4, |b, x| b.ins().nearest(x)),
            O::F64x2Nearest => self.v_unary(b, F64X2, |b, x| b.ins().nearest(x)),
            O::F32x4Abs => self.v_unary(b, F32X4, |b, x| b.ins().fabs(x)),
            O::F64x2Abs => self.v_unary(b, F64X2, |b, x| b.ins().fabs(x)),
            O::F32x4Neg => self.v_unary(b, F32X4, |b, x| b.ins().fneg(x)),
            O::F64x2Neg => self.v_unary(b, F64X2, |b, x| b.ins().fneg(x)),
            O::F32x4Sqrt => self.v_unary(b, F32X4, |b, x| b.ins().sqrt(x)),
            O::F64x2Sqrt => self.v_unary(b, F64X2, |b, x| b.ins().sqrt(x)),
            O::F32x4Add => self.v_binary(b, F32X4, |b, x, y| b.ins().fadd(x, y)),
            O::F64x2Add => self.v_binary(b, F64X2, |b, x, y| b.ins().fadd(x, y)),
            O::F32x4Sub => self.v_binary(b, F32X4, |b, x, y| b.ins().fsub(x, y)),
            O::F64x2Sub => self.v_binary(b, F64X2, |b, x, y| b.ins().fsub(x, y)),
            O::F32x4Mul => self.v_binary(b, F32X4, |b, x, y| b.ins().fmul(x, y)),
            O::F64x2Mul => self.v_binary(b, F64X2, |b, x, y| b.ins().fmul(x, y)),
            O::F32x4Div => self.v_binary(b, F32X4, |b, x, y| b.ins().fdiv(x, y)),
            O::F64x2Div => self.v_binary(b, F64X2, |b, x, y| b.ins().fdiv(x, y)),
            // Cranelift's fmin/fmax follow wasm: NaN wins, -0 < +0.
            O::F32x4Min | O::F32x4RelaxedMin => self.v_binary(b, F32X4, |b, x, y| b.ins().fmin(x, y)),
            O::F64x2Min | O::F64x2RelaxedMin => self.v_binary(b, F64X2, |b, x, y| b.ins().fmin(x, y)),
            O::F32x4Max | O::F32x4RelaxedMax => self.v_binary(b, F32X4, |b, x, y| b.ins().fmax(x, y)),
            O::F64x2Max | O::F64x2RelaxedMax => self.v_binary(b, F64X2, |b, x, y| b.ins().fmax(x, y)),
            O::F32x4PMin => self.v_pseudo_min_max(b, F32X4, false),
            O::F64x2PMin => self.v_pseudo_min_max(b, F64X2, false),
            O::F32x4PMax => self.v_pseudo_min_max(b, F32X4, true),
            O::F64x2PMax => self.v_pseudo_min_max(b, F64X2, true),
            O::F32x4RelaxedMadd => self.v_ternary(b, F32X4, |b, x, y, z| b.ins().fma(x, y, z)),
            O::F64x2RelaxedMadd => self.v_ternary(b, F64X2, |b, x, y, z| b.ins().fma(x, y, z)),
            O::F32x4RelaxedNmadd | O::F64x2RelaxedNmadd => {
                let ty = if matches!(op, O::F32x4RelaxedNmadd) { F32X4 } else { F64X2 };
                self.v_ternary(b, ty, |b, x, y, z| {
                    let minus_x = b.ins().fneg(x);
                    b.ins().fma(minus_x, y, z)
                })
            }

            O::I32x4TruncSatF32x4S | O::I32x4RelaxedTruncF32x4S => {
                self.v_unary(b, F32X4, |b, x| b.ins().fcvt_to_sint_sat(I32X4, x))
            }
            O::I32x4TruncSatF32x4U | O::I32x4RelaxedTruncF32x4U => {
                self.v_unary(b, F32X4, |b, x| b.ins().fcvt_to_uint_sat(I32X4, x))
            }
            O::I32x4TruncSatF64x2SZero | O::I32x4RelaxedTruncF64x2SZero => self.v_trunc_sat_f64x2_zero(b, true),
            O::I32x4TruncSatF64x2UZero | O::I32x4RelaxedTruncF64x2UZero => self.v_trunc_sat_f64x2_zero(b, false),
            O::F32x4ConvertI32x4S => self.v_unary(b, I32X4, |b, x| b.ins().fcvt_from_sint(F32X4, x)),
            O::F32x4ConvertI32x4U => self.v_unary(b, I32X4, |b, x| b.ins().fcvt_from_uint(F32X4, x)),
            O::F64x2ConvertLowI32x4S => self.v_unary(b, I32X4, |b, x| {
                let wide = b.ins().swiden_low(x);
                b.ins().fcvt_from_sint(F64X2, wide)
            }),
            O::F64x2ConvertLowI32x4U => self.v_unary(b, I32X4, |b, x| {
                let wide = b.ins().uwiden_low(x);
                b.ins().fcvt_from_uint(F64X2, wide)
            }),
            O::F32x4DemoteF64x2Zero => self.v_unary(b, F64X2, |b, x| b.ins().fvdemote(x)),
            O::F64x2PromoteLowF32x4 => self.v_unary(b, F32X4, |b, x| b.ins().fvpromote_low(x)),
            _ => return Ok(false),
        }
        Ok(true)
    }
}

/// How a v128 load fills the vector.
#[derive(Clone, Copy)]
enum VectorLoad {
    /// All 16 bytes.
    Full,
    /// Eight bytes: the half of `narrow`'s lanes, each widened.
    Extend { narrow: Type, signed: bool },
    /// One lane of `ty`, copied to every lane.
    Splat(Type),
    /// One lane of `ty` into lane 0, the rest zero.
    Zero(Type),
}

impl VectorLoad {
    /// The bytes read from memory.
    fn bytes(self) -> u32 {
        match self {
            VectorLoad::Full => 16,
            VectorLoad::Extend { .. } => 8,
            VectorLoad::Splat(ty) | VectorLoad::Zero(ty) => ty.lane_type().bytes(),
        }
    }
}
