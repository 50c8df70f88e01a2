// SIMD lanes (built with -msimd128): n rounds over two 32 KiB byte images
// and a 4,096-sample float signal. Each round alpha-blends the images in
// 16-bit lanes (widen, multiply, shift, narrow), sums the absolute
// differences to one image (saturating subtracts, pairwise widening adds),
// feeds the blend back byte-reversed through a shuffle, and runs a 16-tap
// f32x4 FIR filter whose damped output becomes the next round's signal.
// The checksum folds the sums and the filter's magnitude.
#include <wasm_simd128.h>

#define PIXELS 32768
#define SAMPLES 4096
#define TAPS 16

static unsigned char image_a[PIXELS], image_b[PIXELS];
static float signal[SAMPLES + TAPS], filtered[SAMPLES], taps[TAPS];

static unsigned long long state = 0x243f6a8885a308d3ULL;

static unsigned long long next(void) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

static v128_t blend_half(v128_t x, v128_t y, v128_t alpha, v128_t inverse) {
    return wasm_u16x8_shr(wasm_i16x8_add(wasm_i16x8_mul(x, alpha), wasm_i16x8_mul(y, inverse)), 8);
}

long long run(int n) {
    // Every call starts from the same inputs: the harness calls run again
    // on the same instance and expects the same checksum.
    state = 0x243f6a8885a308d3ULL;
    for (int i = 0; i < PIXELS; i++) {
        unsigned long long r = next();
        image_a[i] = (unsigned char)r;
        image_b[i] = (unsigned char)(r >> 8);
    }
    for (int i = 0; i < SAMPLES + TAPS; i++) {
        signal[i] = (float)((int)(next() & 0xffff) - 32768) / 32768.0f;
    }
    for (int t = 0; t < TAPS; t++) {
        taps[t] = 0.4f / (float)(t + 2);
    }
    const v128_t reverse = wasm_i8x16_const(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
    unsigned long long result = 0;
    for (int round = 0; round < n; round++) {
        unsigned short a = (unsigned short)((round * 37) & 0xff);
        v128_t alpha = wasm_u16x8_splat(a), inverse = wasm_u16x8_splat((unsigned short)(255 - a));
        v128_t differences = wasm_i32x4_splat(0);
        for (int i = 0; i < PIXELS; i += 16) {
            v128_t x = wasm_v128_load(image_a + i), y = wasm_v128_load(image_b + i);
            v128_t low = blend_half(wasm_u16x8_extend_low_u8x16(x), wasm_u16x8_extend_low_u8x16(y), alpha, inverse);
            v128_t high = blend_half(wasm_u16x8_extend_high_u8x16(x), wasm_u16x8_extend_high_u8x16(y), alpha, inverse);
            v128_t blended = wasm_u8x16_narrow_i16x8(low, high);
            v128_t difference = wasm_v128_or(wasm_u8x16_sub_sat(blended, x), wasm_u8x16_sub_sat(x, blended));
            differences = wasm_i32x4_add(
                differences, wasm_u32x4_extadd_pairwise_u16x8(wasm_u16x8_extadd_pairwise_u8x16(difference)));
            wasm_v128_store(image_a + i, wasm_i8x16_swizzle(blended, reverse));
        }
        v128_t magnitude = wasm_f32x4_splat(0.0f);
        for (int i = 0; i < SAMPLES; i += 4) {
            v128_t sum = wasm_f32x4_splat(0.0f);
            for (int t = 0; t < TAPS; t++) {
                sum = wasm_f32x4_add(sum, wasm_f32x4_mul(wasm_v128_load(signal + i + t), wasm_f32x4_splat(taps[t])));
            }
            magnitude = wasm_f32x4_add(magnitude, wasm_f32x4_abs(sum));
            wasm_v128_store(filtered + i, sum);
        }
        for (int i = 0; i < SAMPLES; i += 4) {
            v128_t kept = wasm_f32x4_add(wasm_v128_load(filtered + i), wasm_f32x4_splat(0.001f * (float)(round & 7)));
            wasm_v128_store(signal + i, kept);
        }
        v128_t scaled = wasm_i32x4_trunc_sat_f32x4(wasm_f32x4_mul(magnitude, wasm_f32x4_splat(1024.0f)));
        v128_t folded = wasm_i64x2_add(wasm_i64x2_extend_low_i32x4(differences), wasm_i64x2_extend_high_i32x4(scaled));
        result = result * 0x9e3779b97f4a7c15ULL + (unsigned long long)wasm_i64x2_extract_lane(folded, 0)
                 + (unsigned long long)wasm_i64x2_extract_lane(folded, 1) + (unsigned int)wasm_i32x4_bitmask(scaled);
    }
    return (long long)result;
}
