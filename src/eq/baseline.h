// Baseline players for `eqvk match` (docs/match.md): uniform random legal play and a simple
// trick-taking heuristic. CPU reference of shaders/eq_baseline.comp (same Philox counters for the
// random player).
#pragma once
#include <cstdint>
#include <string>

#include "eq/rng.h"
#include "game/state.h"

namespace eqvk::eq {

enum class Baseline : uint32_t { Random = 0, Heuristic = 1 };

inline constexpr uint32_t RNG_STREAM_BASELINE = 1;

/// The baseline's slot for the seat to move in `s` (which must have a legal move). The random
/// player draws from Philox stream RNG_STREAM_BASELINE at counter (game_seed, decision = plays so
/// far).
int baseline_action(const game::State& s, Baseline policy, PhiloxKey key, uint64_t game_seed);

/// Parses "random" / "heuristic"; throws InputError naming `what` otherwise.
Baseline parse_baseline(const std::string& text, const char* what);

}  // namespace eqvk::eq
