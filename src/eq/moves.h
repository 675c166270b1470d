// CPU reference of the move kernels (eq_legal; eq_apply's reference is game::State::do_play_slot):
// the seat to move's legal dealt slots as a 7-bit mask, the form the pipeline's move choice uses.
#pragma once
#include <cstdint>

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

}  // namespace eqvk::eq
