//! SIMD operators: a v128 is two words at adjacent heights (low first),
//! read by the instructions as a pair of adjacent slots.

use wasmparser::Operator;

use super::{Source, Translator, memory32_offset};
use crate::compile::interp::instr::{Instr, Operand, Slot};
use crate::error::Result;

/// Constructor of a lane access with memory: (lane, vector or address,
/// address or vector, offset).
type LaneAccess = fn(u8, Slot, Slot, u32) -> Instr;

/// The lanes of an `i8x16.shuffle` that moves whole 32-bit lanes, as
/// `Instr::I32x4Shuffle` takes them (3 bits per result lane), if it does.
fn dword_lanes(lanes: &[u8; 16]) -> Option<u16> {
    let mut dwords = 0;
    for (i, group) in lanes.chunks_exact(4).enumerate() {
        let first = group[0];
        let whole = first % 4 == 0 && group.iter().zip(first..).all(|(lane, expected)| *lane == expected);
        if !whole {
            return None;
        }
        dwords |= u16::from(first / 4) << (3 * i);
    }
    Some(dwords)
}

/// The lanes of an `i8x16.shuffle` that moves whole 16-bit lanes of one
/// operand, as `Instr::I16x8Shuffle` takes them (3 bits per result lane),
/// and which operand (`b` when true), if it does.
fn word_lanes_of_one(lanes: &[u8; 16]) -> Option<(bool, u32)> {
    let from_b = lanes[0] >= 16;
    let mut words = 0;
    for (i, pair) in lanes.chunks_exact(2).enumerate() {
        let whole = pair[0] % 2 == 0 && pair[1] == pair[0] + 1 && (pair[0] >= 16) == from_b;
        if !whole {
            return None;
        }
        words |= u32::from(pair[0] % 16 / 2) << (3 * i);
    }
    Some((from_b, words))
}

impl Translator<'_> {
    /// Marks the `words` values from `height` as in their own slots.
    fn in_own_slots(&mut self, height: u32, words: u32) {
        for entry in &mut self.stack[height as usize..(height + words) as usize] {
            *entry = None;
        }
    }

    /// Emits an instruction whose first `vdest` operand only receives its
    /// result (no input is read there), so that a `local.set` right after
    /// may make it write the local instead.
    fn emit_v128_result(&mut self, instr: Instr) {
        let at = self.emit(instr);
        self.v128_last = Some((at, instr));
    }

    /// `local.set` (`tee`: and keep the value) of the v128 whose low word is
    /// at `low`, when both words are in their own slots: one `CopyV128`, or
    /// none when the instruction that computed it can write the local
    /// itself. `false` (nothing done) otherwise.
    pub(super) fn set_v128_local(&mut self, low: u32, local: Slot, tee: bool) -> bool {
        if self.stack[low as usize].is_some() || self.stack[low as usize + 1].is_some() {
            return false;
        }
        // Values below that read the local keep its old value.
        for height in 0..low {
            if matches!(self.stack[height as usize], Some(Source::Local(l)) if l == local || l == local + 1) {
                self.materialize(height);
            }
        }
        let s = self.slot(low);
        if !self.retarget_v128_into(s, local) {
            self.emit(Instr::CopyV128(local, s));
        }
        if tee {
            self.stack[low as usize] = Some(Source::Local(local));
            self.stack[low as usize + 1] = Some(Source::Local(local + 1));
        }
        true
    }

    /// Makes the last instruction, when it computed a v128 into `s` (see
    /// `emit_v128_result`) and no branch lands after it, write `local`.
    fn retarget_v128_into(&mut self, s: Slot, local: Slot) -> bool {
        let Some((at, instr)) = self.v128_last.take() else { return false };
        // The instruction as emitted, still last (instructions before it
        // may have been removed since, shifting indices).
        if at + 1 != self.code.len() || at < self.barrier || self.code[at] != instr {
            return false;
        }
        let mut first = true;
        let mut retargeted = false;
        self.code[at].visit_operands(&mut |operand| {
            if let Operand::VDest(d) = operand {
                if first && *d == s {
                    *d = local;
                    retargeted = true;
                }
                first = false;
            }
        });
        retargeted
    }

    fn v_unary(&mut self, h: u32, make: fn(Slot, Slot) -> Instr) {
        let a = self.v128_operand(h - 2);
        self.emit_v128_result(make(self.slot(h - 2), a));
        self.in_own_slots(h - 2, 2);
    }

    fn v_binary(&mut self, h: u32, make: impl FnOnce(Slot, Slot, Slot) -> Instr) {
        let (a, b) = (self.v128_operand(h - 4), self.v128_operand(h - 2));
        self.emit_v128_result(make(self.slot(h - 4), a, b));
        self.in_own_slots(h - 4, 2);
    }

    /// The first operand's slots are the result's.
    fn v_ternary(&mut self, h: u32, make: fn(Slot, Slot, Slot) -> Instr) {
        self.materialize_range(h - 6, h - 4);
        let (b, c) = (self.v128_operand(h - 4), self.v128_operand(h - 2));
        self.emit(make(self.slot(h - 6), b, c));
    }

    fn v_shift(&mut self, h: u32, make: fn(Slot, Slot, Slot) -> Instr) {
        let (a, count) = (self.v128_operand(h - 3), self.operand(h - 1));
        self.emit_v128_result(make(self.slot(h - 3), a, count));
        self.in_own_slots(h - 3, 2);
    }

    /// A v128 → i32 operator.
    fn v_test(&mut self, h: u32, make: fn(Slot, Slot) -> Instr) {
        let a = self.v128_operand(h - 2);
        self.emit(make(self.slot(h - 2), a));
        self.in_own_slots(h - 2, 1);
    }

    fn v_splat(&mut self, h: u32, make: fn(Slot, Slot) -> Instr) {
        let a = self.operand(h - 1);
        self.emit_v128_result(make(self.slot(h - 1), a));
        self.in_own_slots(h - 1, 1);
    }

    fn v_extract(&mut self, h: u32, lane: u8, make: fn(u8, Slot, Slot) -> Instr) {
        let a = self.v128_operand(h - 2);
        self.emit(make(lane, self.slot(h - 2), a));
        self.in_own_slots(h - 2, 1);
    }

    fn v_replace(&mut self, h: u32, lane: u8, make: fn(u8, Slot, Slot, Slot) -> Instr) {
        let (a, x) = (self.v128_operand(h - 3), self.operand(h - 1));
        self.emit_v128_result(make(lane, self.slot(h - 3), a, x));
        self.in_own_slots(h - 3, 2);
    }

    /// A load whose v128 result takes the address's place (and the word
    /// above it).
    fn v_load(&mut self, h: u32, offset: u64, make: fn(Slot, Slot, u32) -> Instr) -> Result<()> {
        let offset = memory32_offset(offset)?;
        let a = self.low_half_operand(h - 1);
        self.emit_v128_result(make(self.slot(h - 1), a, offset));
        self.in_own_slots(h - 1, 1);
        Ok(())
    }

    /// A lane load: the lane is replaced in the vector's own slots, which
    /// then move down over the address.
    fn v_load_lane(&mut self, h: u32, offset: u64, lane: u8, make: fn(u8, Slot, Slot, u32) -> Instr) -> Result<()> {
        let offset = memory32_offset(offset)?;
        self.materialize_range(h - 2, h);
        let a = self.operand(h - 3);
        self.emit(make(lane, self.slot(h - 2), a, offset));
        self.emit(Instr::CopyV128(self.slot(h - 3), self.slot(h - 2)));
        self.in_own_slots(h - 3, 2);
        Ok(())
    }

    fn v_store(&mut self, h: u32, offset: u64, lane: Option<(u8, LaneAccess)>) -> Result<()> {
        let offset = memory32_offset(offset)?;
        let v = self.v128_operand(h - 2);
        let a = self.low_half_operand(h - 3);
        self.emit(match lane {
            Some((lane, make)) => make(lane, a, v, offset),
            None => Instr::V128Store(a, v, offset),
        });
        Ok(())
    }

    /// Translates SIMD operator `op` at height `h`; `false` when `op` is
    /// not one.
    pub(super) fn simd_operator(&mut self, op: &Operator<'_>, h: u32) -> Result<bool> {
        use Operator as O;
        match *op {
            O::V128Const { value } => {
                let bits = value.i128() as u128;
                self.push_source(h, Source::Const(bits as u64));
                self.push_source(h + 1, Source::Const((bits >> 64) as u64));
            }
            O::V128Load { memarg } => self.v_load(h, memarg.offset, Instr::V128Load)?,
            O::V128Load8x8S { memarg } => self.v_load(h, memarg.offset, Instr::V128Load8x8S)?,
            O::V128Load8x8U { memarg } => self.v_load(h, memarg.offset, Instr::V128Load8x8U)?,
            O::V128Load16x4S { memarg } => self.v_load(h, memarg.offset, Instr::V128Load16x4S)?,
            O::V128Load16x4U { memarg } => self.v_load(h, memarg.offset, Instr::V128Load16x4U)?,
            O::V128Load32x2S { memarg } => self.v_load(h, memarg.offset, Instr::V128Load32x2S)?,
            O::V128Load32x2U { memarg } => self.v_load(h, memarg.offset, Instr::V128Load32x2U)?,
            O::V128Load8Splat { memarg } => self.v_load(h, memarg.offset, Instr::V128Load8Splat)?,
            O::V128Load16Splat { memarg } => self.v_load(h, memarg.offset, Instr::V128Load16Splat)?,
            O::V128Load32Splat { memarg } => self.v_load(h, memarg.offset, Instr::V128Load32Splat)?,
            O::V128Load64Splat { memarg } => self.v_load(h, memarg.offset, Instr::V128Load64Splat)?,
            O::V128Load32Zero { memarg } => self.v_load(h, memarg.offset, Instr::V128Load32Zero)?,
            O::V128Load64Zero { memarg } => self.v_load(h, memarg.offset, Instr::V128Load64Zero)?,
            O::V128Store { memarg } => self.v_store(h, memarg.offset, None)?,
            O::V128Load8Lane { memarg, lane } => self.v_load_lane(h, memarg.offset, lane, Instr::V128Load8Lane)?,
            O::V128Load16Lane { memarg, lane } => self.v_load_lane(h, memarg.offset, lane, Instr::V128Load16Lane)?,
            O::V128Load32Lane { memarg, lane } => self.v_load_lane(h, memarg.offset, lane, Instr::V128Load32Lane)?,
            O::V128Load64Lane { memarg, lane } => self.v_load_lane(h, memarg.offset, lane, Instr::V128Load64Lane)?,
            O::V128Store8Lane { memarg, lane } => {
                self.v_store(h, memarg.offset, Some((lane, Instr::V128Store8Lane)))?
            }
            O::V128Store16Lane { memarg, lane } => {
                self.v_store(h, memarg.offset, Some((lane, Instr::V128Store16Lane)))?
            }
            O::V128Store32Lane { memarg, lane } => {
                self.v_store(h, memarg.offset, Some((lane, Instr::V128Store32Lane)))?
            }
            O::V128Store64Lane { memarg, lane } => {
                self.v_store(h, memarg.offset, Some((lane, Instr::V128Store64Lane)))?
            }
            O::I8x16Shuffle { lanes } if let Some(dwords) = dword_lanes(&lanes) => {
                self.v_binary(h, |d, a, b| Instr::I32x4Shuffle(dwords, d, a, b));
            }
            O::I8x16Shuffle { lanes } if let Some((from_b, words)) = word_lanes_of_one(&lanes) => {
                self.v_binary(h, |d, a, b| Instr::I16x8Shuffle(words, d, if from_b { b } else { a }));
            }
            O::I8x16Shuffle { lanes } => {
                self.v_binary(h, Instr::I8x16Shuffle);
                let word = |i: usize| u32::from_le_bytes([lanes[i], lanes[i + 1], lanes[i + 2], lanes[i + 3]]);
                self.emit(Instr::Aux(word(0), word(4), word(8)));
                self.emit(Instr::Aux(word(12), 0, 0));
            }
            O::I8x16Abs => self.v_unary(h, Instr::I8x16Abs),
            O::I8x16Neg => self.v_unary(h, Instr::I8x16Neg),
            O::I8x16Popcnt => self.v_unary(h, Instr::I8x16Popcnt),
            O::I16x8Abs => self.v_unary(h, Instr::I16x8Abs),
            O::I16x8Neg => self.v_unary(h, Instr::I16x8Neg),
            O::I32x4Abs => self.v_unary(h, Instr::I32x4Abs),
            O::I32x4Neg => self.v_unary(h, Instr::I32x4Neg),
            O::I64x2Abs => self.v_unary(h, Instr::I64x2Abs),
            O::I64x2Neg => self.v_unary(h, Instr::I64x2Neg),
            O::F32x4Abs => self.v_unary(h, Instr::F32x4Abs),
            O::F32x4Neg => self.v_unary(h, Instr::F32x4Neg),
            O::F32x4Sqrt => self.v_unary(h, Instr::F32x4Sqrt),
            O::F32x4Ceil => self.v_unary(h, Instr::F32x4Ceil),
            O::F32x4Floor => self.v_unary(h, Instr::F32x4Floor),
            O::F32x4Trunc => self.v_unary(h, Instr::F32x4Trunc),
            O::F32x4Nearest => self.v_unary(h, Instr::F32x4Nearest),
            O::F64x2Abs => self.v_unary(h, Instr::F64x2Abs),
            O::F64x2Neg => self.v_unary(h, Instr::F64x2Neg),
            O::F64x2Sqrt => self.v_unary(h, Instr::F64x2Sqrt),
            O::F64x2Ceil => self.v_unary(h, Instr::F64x2Ceil),
            O::F64x2Floor => self.v_unary(h, Instr::F64x2Floor),
            O::F64x2Trunc => self.v_unary(h, Instr::F64x2Trunc),
            O::F64x2Nearest => self.v_unary(h, Instr::F64x2Nearest),
            O::I32x4TruncSatF32x4S => self.v_unary(h, Instr::I32x4TruncSatF32x4S),
            O::I32x4TruncSatF32x4U => self.v_unary(h, Instr::I32x4TruncSatF32x4U),
            O::F32x4ConvertI32x4S => self.v_unary(h, Instr::F32x4ConvertI32x4S),
            O::F32x4ConvertI32x4U => self.v_unary(h, Instr::F32x4ConvertI32x4U),
            O::I32x4TruncSatF64x2SZero => self.v_unary(h, Instr::I32x4TruncSatF64x2SZero),
            O::I32x4TruncSatF64x2UZero => self.v_unary(h, Instr::I32x4TruncSatF64x2UZero),
            O::F64x2ConvertLowI32x4S => self.v_unary(h, Instr::F64x2ConvertLowI32x4S),
            O::F64x2ConvertLowI32x4U => self.v_unary(h, Instr::F64x2ConvertLowI32x4U),
            O::F32x4DemoteF64x2Zero => self.v_unary(h, Instr::F32x4DemoteF64x2Zero),
            O::F64x2PromoteLowF32x4 => self.v_unary(h, Instr::F64x2PromoteLowF32x4),
            O::V128Not => self.v_unary(h, Instr::V128Not),
            O::I16x8ExtAddPairwiseI8x16S => self.v_unary(h, Instr::I16x8ExtAddPairwiseI8x16S),
            O::I16x8ExtAddPairwiseI8x16U => self.v_unary(h, Instr::I16x8ExtAddPairwiseI8x16U),
            O::I32x4ExtAddPairwiseI16x8S => self.v_unary(h, Instr::I32x4ExtAddPairwiseI16x8S),
            O::I32x4ExtAddPairwiseI16x8U => self.v_unary(h, Instr::I32x4ExtAddPairwiseI16x8U),
            O::I16x8ExtendLowI8x16S => self.v_unary(h, Instr::I16x8ExtendLowI8x16S),
            O::I16x8ExtMulLowI8x16S => self.v_binary(h, Instr::I16x8ExtMulLowI8x16S),
            O::I16x8ExtendLowI8x16U => self.v_unary(h, Instr::I16x8ExtendLowI8x16U),
            O::I16x8ExtMulLowI8x16U => self.v_binary(h, Instr::I16x8ExtMulLowI8x16U),
            O::I16x8ExtendHighI8x16S => self.v_unary(h, Instr::I16x8ExtendHighI8x16S),
            O::I16x8ExtMulHighI8x16S => self.v_binary(h, Instr::I16x8ExtMulHighI8x16S),
            O::I16x8ExtendHighI8x16U => self.v_unary(h, Instr::I16x8ExtendHighI8x16U),
            O::I16x8ExtMulHighI8x16U => self.v_binary(h, Instr::I16x8ExtMulHighI8x16U),
            O::I32x4ExtendLowI16x8S => self.v_unary(h, Instr::I32x4ExtendLowI16x8S),
            O::I32x4ExtMulLowI16x8S => self.v_binary(h, Instr::I32x4ExtMulLowI16x8S),
            O::I32x4ExtendLowI16x8U => self.v_unary(h, Instr::I32x4ExtendLowI16x8U),
            O::I32x4ExtMulLowI16x8U => self.v_binary(h, Instr::I32x4ExtMulLowI16x8U),
            O::I32x4ExtendHighI16x8S => self.v_unary(h, Instr::I32x4ExtendHighI16x8S),
            O::I32x4ExtMulHighI16x8S => self.v_binary(h, Instr::I32x4ExtMulHighI16x8S),
            O::I32x4ExtendHighI16x8U => self.v_unary(h, Instr::I32x4ExtendHighI16x8U),
            O::I32x4ExtMulHighI16x8U => self.v_binary(h, Instr::I32x4ExtMulHighI16x8U),
            O::I64x2ExtendLowI32x4S => self.v_unary(h, Instr::I64x2ExtendLowI32x4S),
            O::I64x2ExtMulLowI32x4S => self.v_binary(h, Instr::I64x2ExtMulLowI32x4S),
            O::I64x2ExtendLowI32x4U => self.v_unary(h, Instr::I64x2ExtendLowI32x4U),
            O::I64x2ExtMulLowI32x4U => self.v_binary(h, Instr::I64x2ExtMulLowI32x4U),
            O::I64x2ExtendHighI32x4S => self.v_unary(h, Instr::I64x2ExtendHighI32x4S),
            O::I64x2ExtMulHighI32x4S => self.v_binary(h, Instr::I64x2ExtMulHighI32x4S),
            O::I64x2ExtendHighI32x4U => self.v_unary(h, Instr::I64x2ExtendHighI32x4U),
            O::I64x2ExtMulHighI32x4U => self.v_binary(h, Instr::I64x2ExtMulHighI32x4U),
            O::I32x4RelaxedTruncF32x4S => self.v_unary(h, Instr::I32x4TruncSatF32x4S),
            O::I32x4RelaxedTruncF32x4U => self.v_unary(h, Instr::I32x4TruncSatF32x4U),
            O::I32x4RelaxedTruncF64x2SZero => self.v_unary(h, Instr::I32x4TruncSatF64x2SZero),
            O::I32x4RelaxedTruncF64x2UZero => self.v_unary(h, Instr::I32x4TruncSatF64x2UZero),
            O::I8x16Add => self.v_binary(h, Instr::I8x16Add),
            O::I8x16Sub => self.v_binary(h, Instr::I8x16Sub),
            O::I8x16AddSatS => self.v_binary(h, Instr::I8x16AddSatS),
            O::I8x16AddSatU => self.v_binary(h, Instr::I8x16AddSatU),
            O::I8x16SubSatS => self.v_binary(h, Instr::I8x16SubSatS),
            O::I8x16SubSatU => self.v_binary(h, Instr::I8x16SubSatU),
            O::I8x16AvgrU => self.v_binary(h, Instr::I8x16AvgrU),
            O::I8x16MinS => self.v_binary(h, Instr::I8x16MinS),
            O::I8x16MinU => self.v_binary(h, Instr::I8x16MinU),
            O::I8x16MaxS => self.v_binary(h, Instr::I8x16MaxS),
            O::I8x16MaxU => self.v_binary(h, Instr::I8x16MaxU),
            O::I8x16Eq => self.v_binary(h, Instr::I8x16Eq),
            O::I8x16Ne => self.v_binary(h, Instr::I8x16Ne),
            O::I8x16LtS => self.v_binary(h, Instr::I8x16LtS),
            O::I8x16GtS => self.v_binary(h, Instr::I8x16GtS),
            O::I8x16LeS => self.v_binary(h, Instr::I8x16LeS),
            O::I8x16GeS => self.v_binary(h, Instr::I8x16GeS),
            O::I8x16LtU => self.v_binary(h, Instr::I8x16LtU),
            O::I8x16GtU => self.v_binary(h, Instr::I8x16GtU),
            O::I8x16LeU => self.v_binary(h, Instr::I8x16LeU),
            O::I8x16GeU => self.v_binary(h, Instr::I8x16GeU),
            O::I16x8Add => self.v_binary(h, Instr::I16x8Add),
            O::I16x8Sub => self.v_binary(h, Instr::I16x8Sub),
            O::I16x8Mul => self.v_binary(h, Instr::I16x8Mul),
            O::I16x8AddSatS => self.v_binary(h, Instr::I16x8AddSatS),
            O::I16x8AddSatU => self.v_binary(h, Instr::I16x8AddSatU),
            O::I16x8SubSatS => self.v_binary(h, Instr::I16x8SubSatS),
            O::I16x8SubSatU => self.v_binary(h, Instr::I16x8SubSatU),
            O::I16x8AvgrU => self.v_binary(h, Instr::I16x8AvgrU),
            O::I16x8MinS => self.v_binary(h, Instr::I16x8MinS),
            O::I16x8MinU => self.v_binary(h, Instr::I16x8MinU),
            O::I16x8MaxS => self.v_binary(h, Instr::I16x8MaxS),
            O::I16x8MaxU => self.v_binary(h, Instr::I16x8MaxU),
            O::I16x8Eq => self.v_binary(h, Instr::I16x8Eq),
            O::I16x8Ne => self.v_binary(h, Instr::I16x8Ne),
            O::I16x8LtS => self.v_binary(h, Instr::I16x8LtS),
            O::I16x8GtS => self.v_binary(h, Instr::I16x8GtS),
            O::I16x8LeS => self.v_binary(h, Instr::I16x8LeS),
            O::I16x8GeS => self.v_binary(h, Instr::I16x8GeS),
            O::I16x8LtU => self.v_binary(h, Instr::I16x8LtU),
            O::I16x8GtU => self.v_binary(h, Instr::I16x8GtU),
            O::I16x8LeU => self.v_binary(h, Instr::I16x8LeU),
            O::I16x8GeU => self.v_binary(h, Instr::I16x8GeU),
            O::I32x4Add => self.v_binary(h, Instr::I32x4Add),
            O::I32x4Sub => self.v_binary(h, Instr::I32x4Sub),
            O::I32x4Mul => self.v_binary(h, Instr::I32x4Mul),
            O::I32x4MinS => self.v_binary(h, Instr::I32x4MinS),
            O::I32x4MinU => self.v_binary(h, Instr::I32x4MinU),
            O::I32x4MaxS => self.v_binary(h, Instr::I32x4MaxS),
            O::I32x4MaxU => self.v_binary(h, Instr::I32x4MaxU),
            O::I32x4Eq => self.v_binary(h, Instr::I32x4Eq),
            O::I32x4Ne => self.v_binary(h, Instr::I32x4Ne),
            O::I32x4LtS => self.v_binary(h, Instr::I32x4LtS),
            O::I32x4GtS => self.v_binary(h, Instr::I32x4GtS),
            O::I32x4LeS => self.v_binary(h, Instr::I32x4LeS),
            O::I32x4GeS => self.v_binary(h, Instr::I32x4GeS),
            O::I32x4LtU => self.v_binary(h, Instr::I32x4LtU),
            O::I32x4GtU => self.v_binary(h, Instr::I32x4GtU),
            O::I32x4LeU => self.v_binary(h, Instr::I32x4LeU),
            O::I32x4GeU => self.v_binary(h, Instr::I32x4GeU),
            O::I64x2Add => self.v_binary(h, Instr::I64x2Add),
            O::I64x2Sub => self.v_binary(h, Instr::I64x2Sub),
            O::I64x2Mul => self.v_binary(h, Instr::I64x2Mul),
            O::I64x2Eq => self.v_binary(h, Instr::I64x2Eq),
            O::I64x2Ne => self.v_binary(h, Instr::I64x2Ne),
            O::I64x2LtS => self.v_binary(h, Instr::I64x2LtS),
            O::I64x2GtS => self.v_binary(h, Instr::I64x2GtS),
            O::I64x2LeS => self.v_binary(h, Instr::I64x2LeS),
            O::I64x2GeS => self.v_binary(h, Instr::I64x2GeS),
            O::F32x4Add => self.v_binary(h, Instr::F32x4Add),
            O::F32x4Sub => self.v_binary(h, Instr::F32x4Sub),
            O::F32x4Mul => self.v_binary(h, Instr::F32x4Mul),
            O::F32x4Div => self.v_binary(h, Instr::F32x4Div),
            O::F32x4Min => self.v_binary(h, Instr::F32x4Min),
            O::F32x4Max => self.v_binary(h, Instr::F32x4Max),
            O::F32x4PMin => self.v_binary(h, Instr::F32x4PMin),
            O::F32x4PMax => self.v_binary(h, Instr::F32x4PMax),
            O::F32x4Eq => self.v_binary(h, Instr::F32x4Eq),
            O::F32x4Ne => self.v_binary(h, Instr::F32x4Ne),
            O::F32x4Lt => self.v_binary(h, Instr::F32x4Lt),
            O::F32x4Gt => self.v_binary(h, Instr::F32x4Gt),
            O::F32x4Le => self.v_binary(h, Instr::F32x4Le),
            O::F32x4Ge => self.v_binary(h, Instr::F32x4Ge),
            O::F64x2Add => self.v_binary(h, Instr::F64x2Add),
            O::F64x2Sub => self.v_binary(h, Instr::F64x2Sub),
            O::F64x2Mul => self.v_binary(h, Instr::F64x2Mul),
            O::F64x2Div => self.v_binary(h, Instr::F64x2Div),
            O::F64x2Min => self.v_binary(h, Instr::F64x2Min),
            O::F64x2Max => self.v_binary(h, Instr::F64x2Max),
            O::F64x2PMin => self.v_binary(h, Instr::F64x2PMin),
            O::F64x2PMax => self.v_binary(h, Instr::F64x2PMax),
            O::F64x2Eq => self.v_binary(h, Instr::F64x2Eq),
            O::F64x2Ne => self.v_binary(h, Instr::F64x2Ne),
            O::F64x2Lt => self.v_binary(h, Instr::F64x2Lt),
            O::F64x2Gt => self.v_binary(h, Instr::F64x2Gt),
            O::F64x2Le => self.v_binary(h, Instr::F64x2Le),
            O::F64x2Ge => self.v_binary(h, Instr::F64x2Ge),
            O::F32x4RelaxedMin => self.v_binary(h, Instr::F32x4Min),
            O::F32x4RelaxedMax => self.v_binary(h, Instr::F32x4Max),
            O::F64x2RelaxedMin => self.v_binary(h, Instr::F64x2Min),
            O::F64x2RelaxedMax => self.v_binary(h, Instr::F64x2Max),
            O::V128And => self.v_binary(h, Instr::V128And),
            O::V128AndNot => self.v_binary(h, Instr::V128AndNot),
            O::V128Or => self.v_binary(h, Instr::V128Or),
            O::V128Xor => self.v_binary(h, Instr::V128Xor),
            O::I8x16Swizzle => self.v_binary(h, Instr::I8x16Swizzle),
            O::I8x16NarrowI16x8S => self.v_binary(h, Instr::I8x16NarrowI16x8S),
            O::I8x16NarrowI16x8U => self.v_binary(h, Instr::I8x16NarrowI16x8U),
            O::I16x8NarrowI32x4S => self.v_binary(h, Instr::I16x8NarrowI32x4S),
            O::I16x8NarrowI32x4U => self.v_binary(h, Instr::I16x8NarrowI32x4U),
            O::I16x8Q15MulrSatS => self.v_binary(h, Instr::I16x8Q15MulrSatS),
            O::I32x4DotI16x8S => self.v_binary(h, Instr::I32x4DotI16x8S),
            O::I16x8RelaxedDotI8x16I7x16S => self.v_binary(h, Instr::I16x8RelaxedDotI8x16I7x16S),
            O::I8x16RelaxedSwizzle => self.v_binary(h, Instr::I8x16Swizzle),
            O::I16x8RelaxedQ15mulrS => self.v_binary(h, Instr::I16x8Q15MulrSatS),
            O::V128Bitselect => self.v_ternary(h, Instr::V128Bitselect),
            O::I8x16RelaxedLaneselect => self.v_ternary(h, Instr::V128Bitselect),
            O::I16x8RelaxedLaneselect => self.v_ternary(h, Instr::V128Bitselect),
            O::I32x4RelaxedLaneselect => self.v_ternary(h, Instr::V128Bitselect),
            O::I64x2RelaxedLaneselect => self.v_ternary(h, Instr::V128Bitselect),
            O::F32x4RelaxedMadd => self.v_ternary(h, Instr::F32x4RelaxedMadd),
            O::F32x4RelaxedNmadd => self.v_ternary(h, Instr::F32x4RelaxedNmadd),
            O::F64x2RelaxedMadd => self.v_ternary(h, Instr::F64x2RelaxedMadd),
            O::F64x2RelaxedNmadd => self.v_ternary(h, Instr::F64x2RelaxedNmadd),
            O::I32x4RelaxedDotI8x16I7x16AddS => self.v_ternary(h, Instr::I32x4RelaxedDotI8x16I7x16AddS),
            O::I8x16Shl => self.v_shift(h, Instr::I8x16Shl),
            O::I8x16ShrS => self.v_shift(h, Instr::I8x16ShrS),
            O::I8x16ShrU => self.v_shift(h, Instr::I8x16ShrU),
            O::I16x8Shl => self.v_shift(h, Instr::I16x8Shl),
            O::I16x8ShrS => self.v_shift(h, Instr::I16x8ShrS),
            O::I16x8ShrU => self.v_shift(h, Instr::I16x8ShrU),
            O::I32x4Shl => self.v_shift(h, Instr::I32x4Shl),
            O::I32x4ShrS => self.v_shift(h, Instr::I32x4ShrS),
            O::I32x4ShrU => self.v_shift(h, Instr::I32x4ShrU),
            O::I64x2Shl => self.v_shift(h, Instr::I64x2Shl),
            O::I64x2ShrS => self.v_shift(h, Instr::I64x2ShrS),
            O::I64x2ShrU => self.v_shift(h, Instr::I64x2ShrU),
            O::V128AnyTrue => self.v_test(h, Instr::V128AnyTrue),
            O::I8x16AllTrue => self.v_test(h, Instr::I8x16AllTrue),
            O::I8x16Bitmask => self.v_test(h, Instr::I8x16Bitmask),
            O::I16x8AllTrue => self.v_test(h, Instr::I16x8AllTrue),
            O::I16x8Bitmask => self.v_test(h, Instr::I16x8Bitmask),
            O::I32x4AllTrue => self.v_test(h, Instr::I32x4AllTrue),
            O::I32x4Bitmask => self.v_test(h, Instr::I32x4Bitmask),
            O::I64x2AllTrue => self.v_test(h, Instr::I64x2AllTrue),
            O::I64x2Bitmask => self.v_test(h, Instr::I64x2Bitmask),
            O::I8x16Splat => self.v_splat(h, Instr::I8x16Splat),
            O::I16x8Splat => self.v_splat(h, Instr::I16x8Splat),
            O::I32x4Splat => self.v_splat(h, Instr::I32x4Splat),
            O::I64x2Splat => self.v_splat(h, Instr::I64x2Splat),
            O::F32x4Splat => self.v_splat(h, Instr::I32x4Splat),
            O::F64x2Splat => self.v_splat(h, Instr::I64x2Splat),
            O::I8x16ExtractLaneS { lane } => self.v_extract(h, lane, Instr::I8x16ExtractLaneS),
            O::I8x16ExtractLaneU { lane } => self.v_extract(h, lane, Instr::I8x16ExtractLaneU),
            O::I16x8ExtractLaneS { lane } => self.v_extract(h, lane, Instr::I16x8ExtractLaneS),
            O::I16x8ExtractLaneU { lane } => self.v_extract(h, lane, Instr::I16x8ExtractLaneU),
            O::I32x4ExtractLane { lane } => self.v_extract(h, lane, Instr::I32x4ExtractLane),
            O::I64x2ExtractLane { lane } => self.v_extract(h, lane, Instr::I64x2ExtractLane),
            O::F32x4ExtractLane { lane } => self.v_extract(h, lane, Instr::I32x4ExtractLane),
            O::F64x2ExtractLane { lane } => self.v_extract(h, lane, Instr::I64x2ExtractLane),
            O::I8x16ReplaceLane { lane } => self.v_replace(h, lane, Instr::I8x16ReplaceLane),
            O::I16x8ReplaceLane { lane } => self.v_replace(h, lane, Instr::I16x8ReplaceLane),
            O::I32x4ReplaceLane { lane } => self.v_replace(h, lane, Instr::I32x4ReplaceLane),
            O::I64x2ReplaceLane { lane } => self.v_replace(h, lane, Instr::I64x2ReplaceLane),
            O::F32x4ReplaceLane { lane } => self.v_replace(h, lane, Instr::I32x4ReplaceLane),
            O::F64x2ReplaceLane { lane } => self.v_replace(h, lane, Instr::I64x2ReplaceLane),
            _ => return Ok(false),
        }
        Ok(true)
    }
}
