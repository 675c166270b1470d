// Philox-4x32-10 counter-based generator (Salmon et al., SC'11) and an exactly uniform integer
// below n; bit-identical to src/eq/rng.h (tested on many counters). Include-only.
#ifndef EQVK_PHILOX_GLSL
#define EQVK_PHILOX_GLSL

uvec4 philox4x32_10(uvec4 c, uvec2 k) {
    for (int round = 0; round < 10; ++round) {
        if (round > 0) k += uvec2(0x9E3779B9u, 0xBB67AE85u);
        uint hi0, lo0, hi1, lo1;
        umulExtended(0xD2511F53u, c.x, hi0, lo0);
        umulExtended(0xCD9E8D57u, c.z, hi1, lo1);
        c = uvec4(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
    }
    return c;
}

const uint RNG_STREAM_WORLD = 0u;

// rng.h rng_counter: {stream<<29 | decision<<24 | block, world, game seed lo, game seed hi}.
uvec4 rng_counter(uvec2 game_seed, uint decision, uint world, uint block, uint stream) {
    return uvec4(stream << 29 | decision << 24 | block, world, game_seed.x, game_seed.y);
}

// rng.h uniform_below: Lemire multiply-shift, low product >= 2^32 mod n accepted.
uint uniform_below(uint n, uvec4 ctr, uvec2 key) {
    uint threshold = (0u - n) % n;
    uint hi = 0u;
    for (uint block = 0u; block < 16u; ++block) {
        uvec4 x = philox4x32_10(uvec4(ctr.x + block, ctr.yzw), key);
        for (int j = 0; j < 4; ++j) {
            uint lo;
            umulExtended(x[j], n, hi, lo);
            if (lo >= threshold) return hi;
        }
    }
    return hi;
}

#endif
