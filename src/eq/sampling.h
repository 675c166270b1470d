// Per-game world control of the E[Q] decision step (issue 15): fixed M worlds, exact enumeration
// of every consistent world when there are at most sampling.exact_max, or adaptive rounds until the
// standard error of E[Q] meets sampling.sem_target. The GPU's eq_control and the CPU reference
// (eq/reference.h) run the same rule (eq/gpu/ref/eq_reduce_ref.h control_ref).
#pragma once
#include <cstdint>

#include "eq/gpu/ref/eq_reduce_ref.h"

namespace eqvk::eq {

/// How many worlds each game's decision takes (config [sampling], docs/config.md; issue 15).
struct SamplingOptions {
    bool adaptive = false;       // false: M = PipelineOptions::worlds per decision
    uint32_t exact_max = 0;      // enumerate every consistent world when count <= this (0: never)
    uint32_t min_worlds = 50;    // adaptive: no stop before this many worlds
    uint32_t max_worlds = 2000;  // adaptive: stop here whatever the standard error
    uint32_t round_worlds = 50;  // adaptive: worlds per game between two stopping checks
    float sem_target = 0.5f;     // adaptive: stop once max over legal slots of sqrt(Var/n) <= this
};

/// The eq_control rule of `sampling` with M = `worlds` in the fixed mode.
gpu::SamplingRule sampling_rule(const SamplingOptions& sampling, uint32_t worlds);

/// Passes of `pass_worlds` worlds per game one decision step needs so that every game can reach
/// its last world (fixed M, a whole enumeration of up to exact_max worlds, adaptive rounds up to
/// max_worlds).
uint32_t sampling_passes(const gpu::SamplingRule& rule, uint32_t pass_worlds);

/// Most passes an exact enumeration of exact_max worlds is given (sampling_pass_worlds).
inline constexpr uint32_t EXACT_PASSES = 64;

/// Worlds per game in flight at once by default: M (fixed) or round_worlds (adaptive), but at
/// least exact_max / EXACT_PASSES, so that an enumeration takes at most EXACT_PASSES passes (a
/// game that needs fewer worlds per pass leaves the rest of its rows unused).
uint32_t sampling_pass_worlds(const SamplingOptions& sampling, uint32_t worlds);

}  // namespace eqvk::eq
