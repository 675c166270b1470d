// Counter-based random numbers for world sampling (ARCHITECTURE decision 3): Philox-4x32-10 of
// Salmon et al. (SC'11), bit-identical to shaders/common/philox.glsl. Every draw is a pure function
// of (run seed, game seed, stream, decision, world, draw index), so worlds are the same on every
// device and for every chunking of games or worlds.
#pragma once
#include <array>
#include <cstdint>

namespace eqvk::eq {

using PhiloxCounter = std::array<uint32_t, 4>;
using PhiloxKey = std::array<uint32_t, 2>;

/// Philox-4x32 with 10 rounds (Random123's philox4x32_R(10, ctr, key)).
constexpr std::array<uint32_t, 4> philox4x32_10(PhiloxCounter c, PhiloxKey k) {
    constexpr uint32_t M0 = 0xD2511F53u, M1 = 0xCD9E8D57u;  // multipliers
    constexpr uint32_t W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;  // Weyl key increments
    for (int round = 0; round < 10; ++round) {
        if (round > 0) k = {k[0] + W0, k[1] + W1};
        uint64_t p0 = uint64_t{M0} * c[0], p1 = uint64_t{M1} * c[2];
        uint32_t hi0 = uint32_t(p0 >> 32), lo0 = uint32_t(p0);
        uint32_t hi1 = uint32_t(p1 >> 32), lo1 = uint32_t(p1);
        c = {hi1 ^ c[1] ^ k[0], lo1, hi0 ^ c[3] ^ k[1], lo0};
    }
    return c;
}

/// Streams separate independent uses of the same (game, decision, world).
inline constexpr uint32_t RNG_STREAM_WORLD = 0;

/// Key = the 64-bit run seed (config `sampling.seed`).
constexpr PhiloxKey rng_key(uint64_t run_seed) {
    return {uint32_t(run_seed), uint32_t(run_seed >> 32)};
}

/// Counter of draw block `block` (4 words each, block < 2^24) for one world of one decision
/// (0..27) of the game dealt from `game_seed`: {stream<<29 | decision<<24 | block, world,
/// game_seed lo, game_seed hi}. Distinct inputs never share a counter.
constexpr PhiloxCounter rng_counter(uint64_t game_seed, uint32_t decision, uint32_t world,
                                    uint32_t block, uint32_t stream = RNG_STREAM_WORLD) {
    return {stream << 29 | decision << 24 | block, world, uint32_t(game_seed),
            uint32_t(game_seed >> 32)};
}

/// Exactly uniform integer in [0, n), n >= 1, from the words of successive blocks of `ctr`
/// (Lemire's multiply-shift with rejection of the low product below 2^32 mod n; the first word
/// is accepted with probability >= 1 - n/2^32). Same algorithm as philox.glsl uniform_below.
constexpr uint32_t uniform_below(uint32_t n, PhiloxCounter ctr, PhiloxKey key) {
    const uint32_t threshold = (0u - n) % n;  // 2^32 mod n
    uint32_t hi = 0;
    for (uint32_t block = 0; block < 16; ++block) {
        auto x = philox4x32_10({ctr[0] + block, ctr[1], ctr[2], ctr[3]}, key);
        for (uint32_t v : x) {
            uint64_t m = uint64_t{v} * n;
            hi = uint32_t(m >> 32);
            if (uint32_t(m) >= threshold) return hi;
        }
    }
    return hi;  // 64 rejections in a row: probability < (n / 2^32)^64, never in practice
}

}  // namespace eqvk::eq
