//! Edge values of each type: where operators change behaviour, and so
//! where engines disagree. One table per type, used by every generator
//! (call-plan arguments, `arith`'s constants, the probes' operand tables).

/// Integer edges: zero, one and small indices (`br_table`, tables), sign
/// and width boundaries, shift counts around the width, byte and half-word
/// masks (narrow loads and stores, extensions).
pub const I32: &[i32] =
    &[0, 1, -1, 2, 3, 4, i32::MIN, i32::MAX, 31, 32, 33, 0x7f, 0x80, -0x80, 0xff, 0x7fff, 0x8000, -0x8000, 0xffff];
pub const I64: &[i64] = &[
    0,
    1,
    -1,
    i64::MIN,
    i64::MAX,
    63,
    64,
    65,
    0x80,
    0x8000,
    1 << 31,
    -(1 << 31),
    u32::MAX as i64,
    1 << 32,
    i32::MIN as i64,
];
/// Float edges: signed zeros and ones, exact halves and ties (rounding),
/// subnormals and the smallest normal, the integer conversion boundaries
/// (2^31, 2^32, 2^63, 2^64 and their neighbours), the largest finite (and
/// for f64, the limits of f32 that demotion meets), the
/// infinities and a NaN (which generators canonicalize or avoid: NaN
/// payloads may legally differ between engines).
pub const F32: &[f32] = &[
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.5,
    -0.5,
    1.5,
    2.5,
    -2.5,
    4194304.5,
    f32::from_bits(1),
    f32::from_bits(0x007f_ffff),
    f32::MIN_POSITIVE,
    2147483648.0,
    -2147483648.0,
    -2147483904.0,
    4294967296.0,
    9223372036854775808.0,
    18446744073709551616.0,
    f32::MAX,
    f32::INFINITY,
    f32::NEG_INFINITY,
    f32::NAN,
];
pub const F64: &[f64] = &[
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.5,
    -0.5,
    1.5,
    2.5,
    -2.5,
    4503599627370495.5,
    f64::from_bits(1),
    f64::from_bits(0x000f_ffff_ffff_ffff),
    f64::MIN_POSITIVE,
    2147483647.5,
    2147483648.0,
    -2147483649.0,
    4294967296.0,
    -4294967296.0,
    9223372036854775808.0,
    18446744073709551616.0,
    f64::MAX,
    // Demotion to f32: its smallest subnormal and normal, its largest
    // finite, and a tie between two f32s next to 1.
    1.401298464324817e-45,
    1.1754943508222875e-38,
    3.4028234663852886e38,
    1.0000000596046448,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NAN,
];

/// A NaN as the generators write it: the canonical quiet NaN (payloads of
/// NaN inputs and results may legally differ between engines).
pub fn canonical_f32(x: f32) -> f32 {
    if x.is_nan() { f32::from_bits(0x7fc0_0000) } else { x }
}

/// See [`canonical_f32`].
pub fn canonical_f64(x: f64) -> f64 {
    if x.is_nan() { f64::from_bits(0x7ff8_0000_0000_0000) } else { x }
}
