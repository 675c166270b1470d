// eq_baseline (shaders/eq/eq_baseline.comp): the baseline player of `eqvk match` — where the seat
// to move is on the baseline team, its random or heuristic slot replaces the chosen action.
// Reference: eq/baseline.h baseline_action.
#pragma once
#include <cstdint>

#include "eq/gpu/common.h"

namespace eqvk::eq::gpu {

/// Mirrors the push block of shaders/eq/eq_baseline.comp.
struct BaselinePush {
    uint32_t n_games;
    uint32_t team;    // seats of this team (0: 0/2, 1: 1/3) play the baseline
    uint32_t policy;  // 0 random, 1 heuristic (eq/baseline.h)
    uint32_t seed_lo, seed_hi;
};

/// Records the baseline's moves: where the seat to move is on `team`, action[g] becomes the
/// baseline's slot.
///   state: [ST_WORDS·n] u32   rules: [R_WORDS] u32   legal: [n] u32   action: [n] i32 (rw)
/// Throws std::invalid_argument when n_games is 0, team or policy > 1, or a view is too small.
void eq_baseline(KernelCache& cache, vk::Program& prog, BufferView state, BufferView rules,
                 BufferView legal, BufferView action, uint32_t n_games, uint32_t team,
                 uint32_t policy, uint64_t run_seed);

/// eq_baseline on the batch (CPU legal slots), both policies and teams, against baseline_action;
/// games of the other team keep their action.
void check_eq_baseline(vk::Context& ctx, KernelCache& cache, CheckBatch& b, Exact& v);

}  // namespace eqvk::eq::gpu
