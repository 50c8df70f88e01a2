//! Float operators with SSE (SSE4.1 for rounding) on slots (arithmetic and
//! comparisons are in `registers.rs`): operands are loaded from their
//! slots into xmm0/xmm1, the result stored back into the first operand's
//! slot. Sign operations work on the bits in place.

use dynasmrt::{DynasmApi, DynasmLabelApi, dynasm};
use wasmparser::Operator;

use super::{Translator, unsupported};
use crate::error::{Error, Result, TrapCode};

#[derive(Clone, Copy)]
pub(super) enum Cmp {
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
}

/// The integer a truncation produces.
#[derive(Clone, Copy)]
enum Int {
    I32,
    U32,
    I64,
    U64,
}

impl Translator<'_> {
    pub(super) fn float(&mut self, op: &Operator<'_>) -> Result<()> {
        use Operator as O;
        match *op {
            O::F32Min => self.min_max(false, true),
            O::F32Max => self.min_max(false, false),
            O::F64Min => self.min_max(true, true),
            O::F64Max => self.min_max(true, false),
            O::F32Nearest => self.round(false, 0)?,
            O::F32Floor => self.round(false, 1)?,
            O::F32Ceil => self.round(false, 2)?,
            O::F32Trunc => self.round(false, 3)?,
            O::F64Nearest => self.round(true, 0)?,
            O::F64Floor => self.round(true, 1)?,
            O::F64Ceil => self.round(true, 2)?,
            O::F64Trunc => self.round(true, 3)?,
            O::F32Copysign => {
                let b = self.pop();
                let a = self.slot(self.depth - 1);
                dynasm!(self.ops
                    ; .arch x64
                    ; mov eax, [rsp + a]
                    ; and eax, 0x7fff_ffff
                    ; mov ecx, [rsp + b]
                    ; and ecx, i32::MIN
                    ; or eax, ecx
                    ; mov [rsp + a], eax
                );
            }
            O::F64Copysign => {
                let b = self.pop();
                let a = self.slot(self.depth - 1);
                dynasm!(self.ops
                    ; .arch x64
                    ; mov rax, [rsp + a]
                    ; btr rax, 63
                    ; mov rcx, [rsp + b]
                    ; shr rcx, 63
                    ; shl rcx, 63
                    ; or rax, rcx
                    ; mov [rsp + a], rax
                );
            }
            O::F32DemoteF64 => self.unary(false, |t, at| dynasm!(t.ops ; .arch x64 ; cvtsd2ss xmm0, QWORD [rsp + at])),
            O::F64PromoteF32 => self.unary(true, |t, at| dynasm!(t.ops ; .arch x64 ; cvtss2sd xmm0, DWORD [rsp + at])),
            O::F32ConvertI32S => {
                self.unary(false, |t, at| dynasm!(t.ops ; .arch x64 ; cvtsi2ss xmm0, DWORD [rsp + at]))
            }
            O::F64ConvertI32S => self.unary(true, |t, at| dynasm!(t.ops ; .arch x64 ; cvtsi2sd xmm0, DWORD [rsp + at])),
            O::F32ConvertI64S => {
                self.unary(false, |t, at| dynasm!(t.ops ; .arch x64 ; cvtsi2ss xmm0, QWORD [rsp + at]))
            }
            O::F64ConvertI64S => self.unary(true, |t, at| dynasm!(t.ops ; .arch x64 ; cvtsi2sd xmm0, QWORD [rsp + at])),
            // Zero-extended, a u32 is a non-negative i64.
            O::F32ConvertI32U => {
                self.unary(false, |t, at| dynasm!(t.ops ; .arch x64 ; mov eax, [rsp + at] ; cvtsi2ss xmm0, rax))
            }
            O::F64ConvertI32U => {
                self.unary(true, |t, at| dynasm!(t.ops ; .arch x64 ; mov eax, [rsp + at] ; cvtsi2sd xmm0, rax))
            }
            O::F32ConvertI64U => self.convert_u64(false),
            O::F64ConvertI64U => self.convert_u64(true),
            O::I32TruncF32S => self.truncate(false, Int::I32),
            O::I32TruncF32U => self.truncate(false, Int::U32),
            O::I32TruncF64S => self.truncate(true, Int::I32),
            O::I32TruncF64U => self.truncate(true, Int::U32),
            O::I64TruncF32S => self.truncate(false, Int::I64),
            O::I64TruncF32U => self.truncate(false, Int::U64),
            O::I64TruncF64S => self.truncate(true, Int::I64),
            O::I64TruncF64U => self.truncate(true, Int::U64),
            O::I32TruncSatF32S => self.truncate_saturating(false, Int::I32),
            O::I32TruncSatF32U => self.truncate_saturating(false, Int::U32),
            O::I32TruncSatF64S => self.truncate_saturating(true, Int::I32),
            O::I32TruncSatF64U => self.truncate_saturating(true, Int::U32),
            O::I64TruncSatF32S => self.truncate_saturating(false, Int::I64),
            O::I64TruncSatF32U => self.truncate_saturating(false, Int::U64),
            O::I64TruncSatF64S => self.truncate_saturating(true, Int::I64),
            O::I64TruncSatF64U => self.truncate_saturating(true, Int::U64),
            _ => return Err(unsupported(op)),
        }
        Ok(())
    }

    /// Stores xmm0 (a float of the given width) into slot `at`.
    fn store_xmm0(&mut self, wide: bool, at: i32) {
        if wide {
            dynasm!(self.ops ; .arch x64 ; movsd QWORD [rsp + at], xmm0);
        } else {
            dynasm!(self.ops ; .arch x64 ; movss DWORD [rsp + at], xmm0);
        }
    }

    /// Replaces the top value by the float `compute` leaves in xmm0.
    fn unary(&mut self, wide: bool, compute: impl FnOnce(&mut Self, i32)) {
        let at = self.slot(self.depth - 1);
        compute(self, at);
        self.store_xmm0(wide, at);
    }

    /// Loads the two top floats into xmm0 (first) and xmm1 (second).
    fn load_pair(&mut self, wide: bool) -> i32 {
        let b = self.pop();
        let a = self.slot(self.depth - 1);
        if wide {
            dynasm!(self.ops ; .arch x64 ; movsd xmm0, QWORD [rsp + a] ; movsd xmm1, QWORD [rsp + b]);
        } else {
            dynasm!(self.ops ; .arch x64 ; movss xmm0, DWORD [rsp + a] ; movss xmm1, DWORD [rsp + b]);
        }
        a
    }

    /// `ucomis[sd] first, second`.
    fn ucomi(&mut self, wide: bool, swapped: bool) {
        match (wide, swapped) {
            (false, false) => dynasm!(self.ops ; .arch x64 ; ucomiss xmm0, xmm1),
            (false, true) => dynasm!(self.ops ; .arch x64 ; ucomiss xmm1, xmm0),
            (true, false) => dynasm!(self.ops ; .arch x64 ; ucomisd xmm0, xmm1),
            (true, true) => dynasm!(self.ops ; .arch x64 ; ucomisd xmm1, xmm0),
        }
    }

    /// wasm's min and max: NaN if either is NaN, and -0 below +0.
    fn min_max(&mut self, wide: bool, min: bool) {
        let a = self.load_pair(wide);
        let (nan, ordinary, done) =
            (self.ops.new_dynamic_label(), self.ops.new_dynamic_label(), self.ops.new_dynamic_label());
        self.ucomi(wide, false);
        dynasm!(self.ops ; .arch x64 ; jp =>nan ; jne =>ordinary);
        // Equal: only the zeros' signs can differ.
        match (wide, min) {
            (false, true) | (true, true) => dynasm!(self.ops ; .arch x64 ; orps xmm0, xmm1),
            (false, false) | (true, false) => dynasm!(self.ops ; .arch x64 ; andps xmm0, xmm1),
        }
        dynasm!(self.ops ; .arch x64 ; jmp =>done ; =>nan);
        if wide {
            dynasm!(self.ops ; .arch x64 ; addsd xmm0, xmm1);
        } else {
            dynasm!(self.ops ; .arch x64 ; addss xmm0, xmm1);
        }
        dynasm!(self.ops ; .arch x64 ; jmp =>done ; =>ordinary);
        match (wide, min) {
            (false, true) => dynasm!(self.ops ; .arch x64 ; minss xmm0, xmm1),
            (false, false) => dynasm!(self.ops ; .arch x64 ; maxss xmm0, xmm1),
            (true, true) => dynasm!(self.ops ; .arch x64 ; minsd xmm0, xmm1),
            (true, false) => dynasm!(self.ops ; .arch x64 ; maxsd xmm0, xmm1),
        }
        dynasm!(self.ops ; .arch x64 ; =>done);
        self.store_xmm0(wide, a);
    }

    /// Compares xmm0 with xmm1 into al (0 or 1); unordered operands make
    /// every comparison false but `ne`.
    pub(super) fn float_condition(&mut self, wide: bool, cmp: Cmp) {
        match cmp {
            Cmp::Eq => {
                self.ucomi(wide, false);
                dynasm!(self.ops ; .arch x64 ; sete al ; setnp cl ; and al, cl);
            }
            Cmp::Ne => {
                self.ucomi(wide, false);
                dynasm!(self.ops ; .arch x64 ; setne al ; setp cl ; or al, cl);
            }
            Cmp::Gt => {
                self.ucomi(wide, false);
                dynasm!(self.ops ; .arch x64 ; seta al);
            }
            Cmp::Ge => {
                self.ucomi(wide, false);
                dynasm!(self.ops ; .arch x64 ; setae al);
            }
            Cmp::Lt => {
                self.ucomi(wide, true);
                dynasm!(self.ops ; .arch x64 ; seta al);
            }
            Cmp::Le => {
                self.ucomi(wide, true);
                dynasm!(self.ops ; .arch x64 ; setae al);
            }
        }
    }

    fn round(&mut self, wide: bool, mode: i8) -> Result<()> {
        if !std::arch::is_x86_feature_detected!("sse4.1") {
            return Err(Error::Unsupported("the baseline tier needs SSE4.1 to round floats".into()));
        }
        // Bit 3 suppresses the inexact exception; 0-3 pick the rounding.
        let mode = mode | 8;
        if wide {
            self.unary(
                true,
                |t, at| dynasm!(t.ops ; .arch x64 ; movsd xmm0, QWORD [rsp + at] ; roundsd xmm0, xmm0, mode),
            );
        } else {
            self.unary(
                false,
                |t, at| dynasm!(t.ops ; .arch x64 ; movss xmm0, DWORD [rsp + at] ; roundss xmm0, xmm0, mode),
            );
        }
        Ok(())
    }

    /// u64 → float: directly when the sign bit is clear, else halve (keeping
    /// the lowest bit for rounding), convert and double.
    fn convert_u64(&mut self, wide: bool) {
        let at = self.slot(self.depth - 1);
        let (large, done) = (self.ops.new_dynamic_label(), self.ops.new_dynamic_label());
        dynasm!(self.ops ; .arch x64 ; mov rax, [rsp + at] ; test rax, rax ; js =>large);
        if wide {
            dynasm!(self.ops ; .arch x64 ; cvtsi2sd xmm0, rax ; jmp =>done ; =>large);
        } else {
            dynasm!(self.ops ; .arch x64 ; cvtsi2ss xmm0, rax ; jmp =>done ; =>large);
        }
        dynasm!(self.ops ; .arch x64 ; mov rcx, rax ; shr rcx, 1 ; and eax, 1 ; or rcx, rax);
        if wide {
            dynasm!(self.ops ; .arch x64 ; cvtsi2sd xmm0, rcx ; addsd xmm0, xmm0);
        } else {
            dynasm!(self.ops ; .arch x64 ; cvtsi2ss xmm0, rcx ; addss xmm0, xmm0);
        }
        dynasm!(self.ops ; .arch x64 ; =>done);
        self.store_xmm0(wide, at);
    }

    /// Loads the top float into xmm0 as an f64 (a promoted f32 is exact)
    /// and returns the exclusive bounds (lo, hi) of values that fit `to`.
    fn truncation_operand(&mut self, wide: bool, to: Int) -> (i32, f64, f64) {
        let at = self.slot(self.depth - 1);
        if wide {
            dynasm!(self.ops ; .arch x64 ; movsd xmm0, QWORD [rsp + at]);
        } else {
            dynasm!(self.ops ; .arch x64 ; cvtss2sd xmm0, DWORD [rsp + at]);
        }
        let (lo, hi) = match to {
            Int::I32 => (-2_147_483_649.0, 2_147_483_648.0),
            Int::U32 => (-1.0, 4_294_967_296.0),
            Int::I64 => (-9_223_372_036_854_777_856.0, 9_223_372_036_854_775_808.0),
            Int::U64 => (-1.0, 18_446_744_073_709_551_616.0),
        };
        (at, lo, hi)
    }

    /// Jumps to `nan`, `low` or `high` unless lo < xmm0 < hi.
    fn check_range(&mut self, lo: f64, hi: f64, labels: [dynasmrt::DynamicLabel; 3]) {
        let [nan, low, high] = labels;
        dynasm!(self.ops
            ; .arch x64
            ; ucomisd xmm0, xmm0
            ; jp =>nan
            ; mov rax, QWORD lo.to_bits() as i64
            ; movq xmm1, rax
            ; ucomisd xmm0, xmm1
            ; jbe =>low
            ; mov rax, QWORD hi.to_bits() as i64
            ; movq xmm1, rax
            ; ucomisd xmm1, xmm0
            ; jbe =>high
        );
    }

    /// Converts xmm0 (in range) to `to` and stores it in slot `at`.
    fn convert_in_range(&mut self, to: Int, at: i32) {
        match to {
            Int::I32 => dynasm!(self.ops ; .arch x64 ; cvttsd2si eax, xmm0 ; mov [rsp + at], rax),
            Int::U32 | Int::I64 => dynasm!(self.ops ; .arch x64 ; cvttsd2si rax, xmm0 ; mov [rsp + at], rax),
            Int::U64 => {
                // At or above 2^63: subtract it, convert, set the top bit.
                let (small, done) = (self.ops.new_dynamic_label(), self.ops.new_dynamic_label());
                let two63 = 9_223_372_036_854_775_808.0f64.to_bits() as i64;
                dynasm!(self.ops
                    ; .arch x64
                    ; mov rax, QWORD two63
                    ; movq xmm1, rax
                    ; ucomisd xmm0, xmm1
                    ; jb =>small
                    ; subsd xmm0, xmm1
                    ; cvttsd2si rax, xmm0
                    ; btc rax, 63
                    ; jmp =>done
                    ; =>small
                    ; cvttsd2si rax, xmm0
                    ; =>done
                    ; mov [rsp + at], rax
                );
            }
        }
    }

    /// Trapping float → integer: NaN traps as a bad conversion, a value
    /// out of range as an overflow.
    fn truncate(&mut self, wide: bool, to: Int) {
        let (at, lo, hi) = self.truncation_operand(wide, to);
        let labels = [self.ops.new_dynamic_label(), self.ops.new_dynamic_label(), self.ops.new_dynamic_label()];
        let fits = self.ops.new_dynamic_label();
        self.check_range(lo, hi, labels);
        self.convert_in_range(to, at);
        dynasm!(self.ops ; .arch x64 ; jmp =>fits ; =>labels[0]);
        self.trap(TrapCode::BadConversionToInteger);
        dynasm!(self.ops ; .arch x64 ; =>labels[1] ; =>labels[2]);
        self.trap(TrapCode::IntegerOverflow);
        dynasm!(self.ops ; .arch x64 ; =>fits);
    }

    /// Saturating float → integer: NaN is 0, out of range the nearest
    /// bound.
    fn truncate_saturating(&mut self, wide: bool, to: Int) {
        let (at, lo, hi) = self.truncation_operand(wide, to);
        let labels = [self.ops.new_dynamic_label(), self.ops.new_dynamic_label(), self.ops.new_dynamic_label()];
        let done = self.ops.new_dynamic_label();
        self.check_range(lo, hi, labels);
        self.convert_in_range(to, at);
        let (min, max): (i64, i64) = match to {
            Int::I32 => (i64::from(i32::MIN as u32), i64::from(i32::MAX)),
            Int::U32 => (0, i64::from(u32::MAX)),
            Int::I64 => (i64::MIN, i64::MAX),
            Int::U64 => (0, -1),
        };
        dynasm!(self.ops
            ; .arch x64
            ; jmp =>done
            ; =>labels[0]
            ; mov QWORD [rsp + at], 0
            ; jmp =>done
            ; =>labels[1]
            ; mov rax, QWORD min
            ; mov [rsp + at], rax
            ; jmp =>done
            ; =>labels[2]
            ; mov rax, QWORD max
            ; mov [rsp + at], rax
            ; =>done
        );
    }
}
