// Forge-identical deals (spec §2.1): CPython's random.Random(seed).shuffle of 0..27, hands = sorted
// 7-slices. PyRandom reimplements exactly the parts of CPython's Mersenne Twister that shuffle uses
// (init_by_array seeding, getrandbits, randbelow by rejection); std::mt19937's seeding and
// distributions differ.
#pragma once
#include <array>
#include <cstdint>
#include <span>

#include "game/tiles.h"

namespace eqvk::game {

/// A player's hand: 7 tile ids, sorted ascending. Slot i = i-th smallest id (the Q-value slot,
/// spec §2.1).
using Hand = std::array<uint8_t, HAND_SIZE>;
/// Hands of seats 0..3.
using Deal = std::array<Hand, N_PLAYERS>;

/// CPython's `random.Random(int)` generator: MT19937 seeded with init_by_array over the 32-bit
/// little-endian words of the seed (seed 0 → key [0]); draws match CPython 3.11 bit for bit.
class PyRandom {
public:
    explicit PyRandom(uint64_t seed);
    /// genrand_uint32 of the reference MT19937.
    uint32_t next_u32();
    /// random.getrandbits(k) for 1 <= k <= 32.
    uint32_t getrandbits(int k) { return next_u32() >> (32 - k); }
    /// random._randbelow(n) for 1 <= n < 2^32: rejection on bit_length(n) bits.
    uint32_t randbelow(uint32_t n);
    /// random.shuffle(x): for i from the end down to 1, swap x[i] with x[randbelow(i + 1)].
    void shuffle(std::span<uint8_t> x);

private:
    void init_by_array(std::span<const uint32_t> key);
    std::array<uint32_t, 624> mt_{};
    int mti_ = 625;
};

/// random.Random(seed).shuffle(list(range(28))), for any 64-bit seed (spec §2.1).
std::array<uint8_t, N_TILES> shuffled_tiles(uint64_t seed);

/// Forge's deal_from_seed: seat p gets sorted(shuffled[7p : 7p+7]) (spec §2.1).
Deal deal_from_seed(uint64_t seed);

/// Forge's deal_with_fixed_p0: the 21 ids not in `p0_hand`, ascending, are shuffled with
/// random.Random(seed); seats 1..3 get sorted slices [0:7], [7:14], [14:21]; seat 0 gets
/// sorted(p0_hand). Throws InputError when p0_hand has an id outside 0..27 or a repeated id.
Deal deal_with_fixed_p0(const Hand& p0_hand, uint64_t seed);

/// Mask of the tiles of a hand.
constexpr TileMask hand_mask(const Hand& h) {
    TileMask m = 0;
    for (uint8_t t : h) m |= TileMask{1} << t;
    return m;
}

}  // namespace eqvk::game
