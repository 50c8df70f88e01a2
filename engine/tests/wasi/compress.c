// A compute program: LZ77-style compression of a generated text, then
// decompression; prints the sizes, whether the round trip is exact and an
// FNV-1a checksum of the compressed bytes.
#include <stdio.h>
#include <string.h>

#define SIZE 40000
static unsigned char input[SIZE], packed[SIZE * 2], unpacked[SIZE];

static size_t compress(const unsigned char *in, size_t n, unsigned char *out) {
    size_t i = 0, o = 0;
    while (i < n) {
        size_t best_len = 0, best_dist = 0;
        size_t start = i > 4095 ? i - 4095 : 0;
        for (size_t j = start; j < i; j++) {
            size_t len = 0;
            while (len < 255 && i + len < n && in[j + len] == in[i + len]) len++;
            if (len > best_len) { best_len = len; best_dist = i - j; }
        }
        if (best_len >= 4) {
            out[o++] = 0xff;
            out[o++] = (unsigned char)(best_dist >> 8);
            out[o++] = (unsigned char)best_dist;
            out[o++] = (unsigned char)best_len;
            i += best_len;
        } else {
            if (in[i] == 0xff) out[o++] = 0xff, out[o++] = 0, out[o++] = 0, out[o++] = 0;
            else out[o++] = in[i];
            i++;
        }
    }
    return o;
}

static size_t decompress(const unsigned char *in, size_t n, unsigned char *out) {
    size_t i = 0, o = 0;
    while (i < n) {
        if (in[i] != 0xff) { out[o++] = in[i++]; continue; }
        size_t dist = ((size_t)in[i + 1] << 8) | in[i + 2], len = in[i + 3];
        i += 4;
        if (len == 0) { out[o++] = 0xff; continue; }
        for (size_t k = 0; k < len; k++, o++) out[o] = out[o - dist];
    }
    return o;
}

int main(void) {
    const char *words[] = {"wasm ", "crucible ", "tier ", "trap ", "fuzz ", "oracle ", "\n"};
    unsigned state = 12345;
    for (size_t i = 0; i < SIZE;) {
        state = state * 1103515245 + 12345;
        const char *w = words[(state >> 16) % 7];
        for (size_t k = 0; w[k] && i < SIZE; k++) input[i++] = (unsigned char)w[k];
    }
    size_t packed_size = compress(input, SIZE, packed);
    size_t unpacked_size = decompress(packed, packed_size, unpacked);
    unsigned long long fnv = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < packed_size; i++) fnv = (fnv ^ packed[i]) * 0x100000001b3ULL;
    printf("input %d bytes, compressed %zu bytes, round trip %s, checksum %016llx\n", SIZE, packed_size,
           unpacked_size == SIZE && memcmp(input, unpacked, SIZE) == 0 ? "exact" : "BROKEN", fnv);
    return 0;
}
