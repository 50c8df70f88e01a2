//! Numeric semantics that Rust's operators do not give directly.

use crate::error::TrapCode;

/// Raw slot encoding of value types.
pub(crate) trait Raw: Copy {
    fn from_raw(raw: u64) -> Self;
    fn to_raw(self) -> u64;
}

impl Raw for i32 {
    #[inline(always)]
    fn from_raw(raw: u64) -> Self {
        raw as u32 as i32
    }
    #[inline(always)]
    fn to_raw(self) -> u64 {
        self as u32 as u64
    }
}
impl Raw for u32 {
    #[inline(always)]
    fn from_raw(raw: u64) -> Self {
        raw as u32
    }
    #[inline(always)]
    fn to_raw(self) -> u64 {
        self as u64
    }
}
impl Raw for i64 {
    #[inline(always)]
    fn from_raw(raw: u64) -> Self {
        raw as i64
    }
    #[inline(always)]
    fn to_raw(self) -> u64 {
        self as u64
    }
}
impl Raw for u64 {
    #[inline(always)]
    fn from_raw(raw: u64) -> Self {
        raw
    }
    #[inline(always)]
    fn to_raw(self) -> u64 {
        self
    }
}
impl Raw for f32 {
    #[inline(always)]
    fn from_raw(raw: u64) -> Self {
        f32::from_bits(raw as u32)
    }
    #[inline(always)]
    fn to_raw(self) -> u64 {
        self.to_bits() as u64
    }
}
impl Raw for f64 {
    #[inline(always)]
    fn from_raw(raw: u64) -> Self {
        f64::from_bits(raw)
    }
    #[inline(always)]
    fn to_raw(self) -> u64 {
        self.to_bits()
    }
}
impl Raw for bool {
    #[inline(always)]
    fn from_raw(raw: u64) -> Self {
        raw != 0
    }
    #[inline(always)]
    fn to_raw(self) -> u64 {
        self as u64
    }
}

macro_rules! int_ops {
    ($s:ty, $u:ty, $div_s:ident, $div_u:ident, $rem_s:ident, $rem_u:ident) => {
        pub(crate) fn $div_s(a: $s, b: $s) -> Result<$s, TrapCode> {
            if b == 0 {
                Err(TrapCode::IntegerDivisionByZero)
            } else if a == <$s>::MIN && b == -1 {
                Err(TrapCode::IntegerOverflow)
            } else {
                Ok(a / b)
            }
        }
        pub(crate) fn $div_u(a: $u, b: $u) -> Result<$u, TrapCode> {
            a.checked_div(b).ok_or(TrapCode::IntegerDivisionByZero)
        }
        pub(crate) fn $rem_s(a: $s, b: $s) -> Result<$s, TrapCode> {
            if b == 0 { Err(TrapCode::IntegerDivisionByZero) } else { Ok(a.wrapping_rem(b)) }
        }
        pub(crate) fn $rem_u(a: $u, b: $u) -> Result<$u, TrapCode> {
            a.checked_rem(b).ok_or(TrapCode::IntegerDivisionByZero)
        }
    };
}

int_ops!(i32, u32, i32_div_s, i32_div_u, i32_rem_s, i32_rem_u);
int_ops!(i64, u64, i64_div_s, i64_div_u, i64_rem_s, i64_rem_u);

macro_rules! float_ops {
    ($f:ty, $bits:ty, $sign:expr, $min:ident, $max:ident, $copysign:ident, $abs:ident, $neg:ident) => {
        /// wasm `min`: NaN if either is NaN, and -0 < +0.
        pub(crate) fn $min(a: $f, b: $f) -> $f {
            if a.is_nan() || b.is_nan() {
                <$f>::NAN
            } else if a == b {
                <$f>::from_bits(a.to_bits() | b.to_bits())
            } else {
                a.min(b)
            }
        }
        /// wasm `max`: NaN if either is NaN, and +0 > -0.
        pub(crate) fn $max(a: $f, b: $f) -> $f {
            if a.is_nan() || b.is_nan() {
                <$f>::NAN
            } else if a == b {
                <$f>::from_bits(a.to_bits() & b.to_bits())
            } else {
                a.max(b)
            }
        }
        pub(crate) fn $copysign(a: $bits, b: $bits) -> $bits {
            (a & !$sign) | (b & $sign)
        }
        pub(crate) fn $abs(a: $bits) -> $bits {
            a & !$sign
        }
        pub(crate) fn $neg(a: $bits) -> $bits {
            a ^ $sign
        }
    };
}

float_ops!(f32, u32, 0x8000_0000u32, f32_min, f32_max, f32_copysign, f32_abs, f32_neg);
float_ops!(f64, u64, 0x8000_0000_0000_0000u64, f64_min, f64_max, f64_copysign, f64_abs, f64_neg);

/// Truncates toward zero, trapping on NaN or when the result falls outside
/// `[lo, hi)`. Every f32 is exactly representable as f64, so one routine
/// serves both widths.
#[inline]
fn trunc_checked(x: f64, lo: f64, hi: f64) -> Result<f64, TrapCode> {
    if x.is_nan() {
        return Err(TrapCode::BadConversionToInteger);
    }
    let t = x.trunc();
    if t >= lo && t < hi { Ok(t) } else { Err(TrapCode::IntegerOverflow) }
}

const I32_LO: f64 = -2147483648.0;
const I32_HI: f64 = 2147483648.0;
const U32_HI: f64 = 4294967296.0;
const I64_LO: f64 = -9223372036854775808.0;
const I64_HI: f64 = 9223372036854775808.0;
const U64_HI: f64 = 18446744073709551616.0;

pub(crate) fn i32_trunc_f32_s(x: f32) -> Result<i32, TrapCode> {
    trunc_checked(x as f64, I32_LO, I32_HI).map(|t| t as i32)
}
pub(crate) fn i32_trunc_f32_u(x: f32) -> Result<u32, TrapCode> {
    trunc_checked(x as f64, 0.0, U32_HI).map(|t| t as u32)
}
pub(crate) fn i32_trunc_f64_s(x: f64) -> Result<i32, TrapCode> {
    trunc_checked(x, I32_LO, I32_HI).map(|t| t as i32)
}
pub(crate) fn i32_trunc_f64_u(x: f64) -> Result<u32, TrapCode> {
    trunc_checked(x, 0.0, U32_HI).map(|t| t as u32)
}
pub(crate) fn i64_trunc_f32_s(x: f32) -> Result<i64, TrapCode> {
    trunc_checked(x as f64, I64_LO, I64_HI).map(|t| t as i64)
}
pub(crate) fn i64_trunc_f32_u(x: f32) -> Result<u64, TrapCode> {
    trunc_checked(x as f64, 0.0, U64_HI).map(|t| t as u64)
}
pub(crate) fn i64_trunc_f64_s(x: f64) -> Result<i64, TrapCode> {
    trunc_checked(x, I64_LO, I64_HI).map(|t| t as i64)
}
pub(crate) fn i64_trunc_f64_u(x: f64) -> Result<u64, TrapCode> {
    trunc_checked(x, 0.0, U64_HI).map(|t| t as u64)
}

macro_rules! quieting {
    ($($name:ident: $f:ty, $quiet:expr => $op:expr;)*) => {$(
        /// Arithmetic on a signaling NaN must produce a quiet NaN; Rust's
        /// rounding functions may return the signaling input unchanged.
        pub(crate) fn $name(x: $f) -> $f {
            if x.is_nan() { <$f>::from_bits(x.to_bits() | $quiet) } else { $op(x) }
        }
    )*};
}

quieting! {
    f32_ceil: f32, 0x0040_0000 => f32::ceil;
    f32_floor: f32, 0x0040_0000 => f32::floor;
    f32_trunc: f32, 0x0040_0000 => f32::trunc;
    f32_nearest: f32, 0x0040_0000 => f32::round_ties_even;
    f32_sqrt: f32, 0x0040_0000 => f32::sqrt;
    f64_ceil: f64, 1 << 51 => f64::ceil;
    f64_floor: f64, 1 << 51 => f64::floor;
    f64_trunc: f64, 1 << 51 => f64::trunc;
    f64_nearest: f64, 1 << 51 => f64::round_ties_even;
    f64_sqrt: f64, 1 << 51 => f64::sqrt;
}

/// `f32.demote_f64` with a quiet NaN result for any NaN input.
pub(crate) fn f32_demote(x: f64) -> f32 {
    if x.is_nan() { f32::from_bits((x as f32).to_bits() | 0x0040_0000) } else { x as f32 }
}

/// `f64.promote_f32` with a quiet NaN result for any NaN input.
pub(crate) fn f64_promote(x: f32) -> f64 {
    if x.is_nan() { f64::from_bits((x as f64).to_bits() | 1 << 51) } else { x as f64 }
}

/// The integer comparisons, one function each: the value-producing
/// instructions (`I32LtS` …) and the compare-and-branch ones (`BrI32LtS` …)
/// both call these.
macro_rules! int_comparisons {
    ($($name:ident: $t:ty, $op:tt;)*) => {
        $(
            #[inline(always)]
            pub(crate) fn $name(a: $t, b: $t) -> bool {
                a $op b
            }
        )*
    };
}

int_comparisons! {
    i32_eq: u32, ==;
    i32_ne: u32, !=;
    i32_lt_s: i32, <;
    i32_lt_u: u32, <;
    i32_gt_s: i32, >;
    i32_gt_u: u32, >;
    i32_le_s: i32, <=;
    i32_le_u: u32, <=;
    i32_ge_s: i32, >=;
    i32_ge_u: u32, >=;
    i64_eq: u64, ==;
    i64_ne: u64, !=;
    i64_lt_s: i64, <;
    i64_lt_u: u64, <;
    i64_gt_s: i64, >;
    i64_gt_u: u64, >;
    i64_le_s: i64, <=;
    i64_le_u: u64, <=;
    i64_ge_s: i64, >=;
    i64_ge_u: u64, >=;
}

/// The binary operators the interpreter also runs with the accumulator as
/// an operand or destination: each written once, for all its forms.
macro_rules! accumulating {
    ($($name:ident: $t:ty = |$x:ident, $y:ident| $e:expr;)*) => {
        $(
            #[inline(always)]
            pub(crate) fn $name($x: $t, $y: $t) -> $t {
                $e
            }
        )*
    };
}

accumulating! {
    i32_add: u32 = |x, y| x.wrapping_add(y);
    i32_sub: u32 = |x, y| x.wrapping_sub(y);
    i32_mul: u32 = |x, y| x.wrapping_mul(y);
    i32_and: u32 = |x, y| x & y;
    i32_or: u32 = |x, y| x | y;
    i32_xor: u32 = |x, y| x ^ y;
    i32_shl: u32 = |x, y| x.wrapping_shl(y);
    i32_shr_s: i32 = |x, y| x.wrapping_shr(y as u32);
    i32_shr_u: u32 = |x, y| x.wrapping_shr(y);
    i64_add: u64 = |x, y| x.wrapping_add(y);
    i64_sub: u64 = |x, y| x.wrapping_sub(y);
    i64_mul: u64 = |x, y| x.wrapping_mul(y);
    i64_and: u64 = |x, y| x & y;
    i64_or: u64 = |x, y| x | y;
    i64_xor: u64 = |x, y| x ^ y;
    i64_shl: u64 = |x, y| x.wrapping_shl(y as u32);
    i64_shr_s: i64 = |x, y| x.wrapping_shr(y as u32);
    i64_shr_u: u64 = |x, y| x.wrapping_shr(y as u32);
    f64_add: f64 = |x, y| x + y;
    f64_sub: f64 = |x, y| x - y;
    f64_mul: f64 = |x, y| x * y;
    f64_div: f64 = |x, y| x / y;
}
