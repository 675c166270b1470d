// CPU reference of the oracle tokeniser (spec §5): one game state + one world (the opponents'
// hidden tiles) → 32 tokens × 12 int8 features, the int8 mask and the actor. Encoding::Faithful is
// the oracle's training format (§5.1–5.4: every seat's dealt hand rebuilt as sorted(remaining ∪
// played by that seat)); Encoding::Forge is Forge's production GPU encoding (§5.5: played slots as
// ghost 6-6 tokens, opponents' remaining tiles in descending order). Reference of eq_tokenize.comp.
#pragma once
#include <array>
#include <cstdint>

#include "eq/worlds.h"
#include "game/deal.h"
#include "game/state.h"
#include "solver/packed.h"

namespace eqvk::eq {

enum class Encoding : uint32_t { Faithful = 0, Forge = 1 };

inline constexpr int N_TOKENS = 32, N_FEATURES = 12;

/// One tokenised world, laid out as the oracle reads it (tokens [32][12], mask [32], 1 = real).
struct TokenRow {
    std::array<int8_t, N_TOKENS * N_FEATURES> tokens{};
    std::array<int8_t, N_TOKENS> mask{};
    int32_t actor = 0;
};

/// Tokens of the current player's decision in `s`, with opponent i = (actor+1+i)%4 holding
/// world[i] (its remaining tiles; the actor's own hand and all plays come from `s`).
TokenRow tokenize(const game::State& s, const World& world, Encoding enc);

/// Training-format tokens (Encoding::Faithful) of a packed solver state (spec §3) of `deal` under
/// `decl`: the dealt hands with is_remaining from the state's masks, the current trick from its
/// slots; actor = (leader + trick_len) % 4. Identical to tools/oracle_common.py's tokenize as used
/// by tools/make_oracle_data.py.
TokenRow tokenize_packed(const game::Deal& deal, int decl, solver::PackedState state);

}  // namespace eqvk::eq
