// CPU reference of the move kernels (eq_legal; eq_apply's reference is game::State::do_play_slot):
// the seat to move's legal dealt slots as a 7-bit mask, the form the pipeline's move choice uses;
// and random legal play-outs for tests and selftest.
#pragma once
#include <bit>
#include <cstdint>
#include <random>

#include "game/state.h"

namespace eqvk::eq {

/// Bit i set when slot i of the current player's sorted dealt hand is held and legal (spec §1.3);
/// 0 when the hand is over.
inline uint32_t legal_slots(const game::State& s) {
    if (s.is_terminal()) return 0;
    game::TileMask legal = s.legal_tiles();
    uint32_t out = 0;
    for (int i = 0; i < game::HAND_SIZE; ++i)
        if (legal >> s.deal()[s.current_player()][i] & 1u) out |= 1u << i;
    return out;
}

/// Plays up to `n_plays` uniformly random legal tiles from `s` (stops at the end of the hand):
/// varied game states for tests and `eqvk selftest`.
inline void random_playout(game::State& s, int n_plays, std::mt19937_64& rng) {
    for (int k = 0; k < n_plays && !s.is_terminal(); ++k) {
        game::TileMask legal = s.legal_tiles();
        int pick = int(rng() % uint64_t(std::popcount(legal)));
        for (; pick > 0; --pick) legal &= legal - 1;
        s.do_play(std::countr_zero(legal));
    }
}

}  // namespace eqvk::eq
