// CPython-compatible MT19937 (Modules/_randommodule.c semantics, reimplemented) and Forge's deal
// functions.
#include "game/deal.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>

#include "util/error.h"

namespace eqvk::game {

namespace {
constexpr int MT_N = 624, MT_M = 397;
}

PyRandom::PyRandom(uint64_t seed) {
    // random.seed(int): key = 32-bit little-endian words of |seed|, at least one word.
    std::array<uint32_t, 2> key{static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32)};
    init_by_array(std::span<const uint32_t>(key.data(), (seed >> 32) ? 2 : 1));
}

void PyRandom::init_by_array(std::span<const uint32_t> key) {
    mt_[0] = 19650218U;  // init_genrand(19650218)
    for (int i = 1; i < MT_N; ++i)
        mt_[i] = 1812433253U * (mt_[i - 1] ^ (mt_[i - 1] >> 30)) + static_cast<uint32_t>(i);
    const size_t len = key.size();
    size_t i = 1, j = 0;
    for (size_t k = std::max<size_t>(MT_N, len); k; --k) {
        mt_[i] = (mt_[i] ^ ((mt_[i - 1] ^ (mt_[i - 1] >> 30)) * 1664525U)) + key[j] +
                 static_cast<uint32_t>(j);
        ++i, ++j;
        if (i >= MT_N) mt_[0] = mt_[MT_N - 1], i = 1;
        if (j >= len) j = 0;
    }
    for (size_t k = MT_N - 1; k; --k) {
        mt_[i] =
            (mt_[i] ^ ((mt_[i - 1] ^ (mt_[i - 1] >> 30)) * 1566083941U)) - static_cast<uint32_t>(i);
        ++i;
        if (i >= MT_N) mt_[0] = mt_[MT_N - 1], i = 1;
    }
    mt_[0] = 0x80000000U;
    mti_ = MT_N;
}

uint32_t PyRandom::next_u32() {
    constexpr uint32_t UPPER = 0x80000000U, LOWER = 0x7fffffffU, MATRIX_A = 0x9908b0dfU;
    if (mti_ >= MT_N) {
        for (int k = 0; k < MT_N; ++k) {
            uint32_t y = (mt_[k] & UPPER) | (mt_[(k + 1) % MT_N] & LOWER);
            mt_[k] = mt_[(k + MT_M) % MT_N] ^ (y >> 1) ^ ((y & 1U) ? MATRIX_A : 0U);
        }
        mti_ = 0;
    }
    uint32_t y = mt_[mti_++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680U;
    y ^= (y << 15) & 0xefc60000U;
    y ^= y >> 18;
    return y;
}

uint32_t PyRandom::randbelow(uint32_t n) {
    EQVK_ASSERT(n >= 1);
    int k = std::bit_width(n);
    uint32_t r = getrandbits(k);
    while (r >= n) r = getrandbits(k);
    return r;
}

void PyRandom::shuffle(std::span<uint8_t> x) {
    for (size_t i = x.size() - 1; i >= 1; --i) {
        size_t j = randbelow(static_cast<uint32_t>(i + 1));
        std::swap(x[i], x[j]);
    }
}

std::array<uint8_t, N_TILES> shuffled_tiles(uint64_t seed) {
    std::array<uint8_t, N_TILES> d;
    for (int i = 0; i < N_TILES; ++i) d[i] = static_cast<uint8_t>(i);
    PyRandom rng(seed);
    rng.shuffle(d);
    return d;
}

Deal deal_from_seed(uint64_t seed) {
    auto d = shuffled_tiles(seed);
    Deal deal;
    for (int p = 0; p < N_PLAYERS; ++p) {
        std::copy_n(d.begin() + HAND_SIZE * p, HAND_SIZE, deal[p].begin());
        std::sort(deal[p].begin(), deal[p].end());
    }
    return deal;
}

Deal deal_with_fixed_p0(const Hand& p0_hand, uint64_t seed) {
    TileMask p0 = 0;
    for (uint8_t t : p0_hand) {
        if (t >= N_TILES || (p0 >> t & 1U))
            throw InputError(
                fmt::format("deal_with_fixed_p0: p0 hand has a bad or repeated tile id {}", t));
        p0 |= TileMask{1} << t;
    }
    std::array<uint8_t, N_TILES - HAND_SIZE> rest;
    size_t n = 0;
    for (int t = 0; t < N_TILES; ++t)
        if (!(p0 >> t & 1U)) rest[n++] = static_cast<uint8_t>(t);
    PyRandom rng(seed);
    rng.shuffle(rest);
    Deal deal;
    deal[0] = p0_hand;
    std::sort(deal[0].begin(), deal[0].end());
    for (int p = 1; p < N_PLAYERS; ++p) {
        std::copy_n(rest.begin() + HAND_SIZE * (p - 1), HAND_SIZE, deal[p].begin());
        std::sort(deal[p].begin(), deal[p].end());
    }
    return deal;
}

}  // namespace eqvk::game
