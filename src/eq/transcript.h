// Stage-2 transcript tokens (spec §5.7): what an E[Q] dataset stores beside each decision so
// Forge's Stage-2 model can be trained on it — the declaration, the actor's remaining tiles and
// every play so far.
#pragma once
#include <array>
#include <cstdint>

#include "game/state.h"

namespace eqvk::eq {

constexpr int TRANSCRIPT_TOKENS = 36;  // 1 + 7 + 28
constexpr int TRANSCRIPT_FEATURES =
    8;  // high, low, is_double, count_class, rel_player, is_in_hand, decl, type

/// Tokens [36][8] (zero rows after `length`) of `state` from the view of the player to move.
struct Transcript {
    std::array<std::array<int8_t, TRANSCRIPT_FEATURES>, TRANSCRIPT_TOKENS> tokens{};
    int length = 0;  // 1 + |actor's remaining hand| + |plays so far|
};

/// Spec §5.7: token 0 = decl (col 6 = decl, col 7 = 0); then the actor's remaining tiles in slot
/// order (rel_player 0, is_in_hand 1, type 1); then the plays in order (rel_player of who played,
/// is_in_hand 0, type 2). count_class: 0 / 1 / 2 for 0 / 5 / 10 points.
Transcript transcript_tokens(const game::State& state);

}  // namespace eqvk::eq
