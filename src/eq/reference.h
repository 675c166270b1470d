// The CPU reference of the whole E[Q] pipeline (tests): the same decisions as eq::Pipeline from the
// CPU references of every step — the sampling rule (fixed, exact, adaptive: control_ref), world
// table and counter-RNG ranks (eq/worlds.h), tokens
// (eq/tokens.h), an oracle given as a function, the posterior weights (eq/posterior.h), the
// reduction and move choice of eq/gpu/ref/eq_reduce_ref.h.
#pragma once
#include <cstdint>
#include <functional>
#include <span>

#include "eq/dataset.h"
#include "eq/explore.h"
#include "eq/gpu/choose_move.h"
#include "eq/posterior.h"
#include "eq/sampling.h"
#include "eq/tokens.h"

namespace eqvk::eq {

/// Q [n][7] (points, actor-team perspective) for n tokenised worlds.
using CpuOracle = std::function<void(std::span<const TokenRow> rows, float* q)>;

struct ReferenceOptions {
    uint32_t worlds = 32;
    uint64_t run_seed = 0;
    bool forge_compat = false;
    gpu::MoveRule rule = gpu::MoveRule::PMake;
    int baseline_team = -1;  // seats of this team play eq::baseline_action(baseline)
    uint32_t baseline = 0;
    SamplingOptions sampling;  // fixed / adaptive, exact enumeration (the pipeline's rule)
    ExploreParams explore;     // exploration after the greedy choice (eq/explore.h)
    PosteriorParams
        posterior;  // posterior-weighted worlds (one pass per decision, as the pipeline)
};

/// P(make) threshold bin of the decision in `s` (shaders/eq_min_bin.comp).
int32_t min_bin_of(const game::State& s, int bidder, bool forge_compat);

/// Plays game `seed` to the end and records every decision. With `follow`, the moves played are
/// those of `follow` (to compare E[Q] along another run's trajectory); the record holds the moves
/// played, and `chosen` (if given) receives the reference's own choice at each decision.
GameRecord play_reference(uint64_t seed, int decl, int bidder, const ReferenceOptions& options,
                          const CpuOracle& oracle, const GameRecord* follow = nullptr,
                          std::array<int8_t, DECISIONS>* chosen = nullptr);

}  // namespace eqvk::eq
