// eq_explore (shaders/eq/eq_explore.comp): exploration after the greedy move choice (config
// [policy] exploration) — a bounded blunder, an epsilon-uniform move or a Boltzmann draw replaces
// choose_move's action, from the counter RNG keyed by (run seed, game seed, decision); the mode,
// greedy slot, q_gap and action entropy go to eq_record. Reference: eq/explore.h explore_move.
#pragma once
#include <cstdint>
#include <vector>

#include "eq/explore.h"
#include "eq/gpu/common.h"

namespace eqvk::eq::gpu {

/// Mirrors the push block of shaders/eq/eq_explore.comp.
struct ExplorePush {
    uint32_t n_games;
    uint32_t mode;  // eq::ExploreMode
    uint32_t eps_thr, blunder_thr;
    float temperature, max_regret;
    uint32_t seed_lo, seed_hi;
};
static_assert(sizeof(ExplorePush) <= 128);

/// Records the exploration step: action[g] (the greedy slot on entry) becomes the slot taken.
///   state: [ST_WORDS·n] u32   e_q: [n][7] f32   legal: [n] u32 slot mask   action: [n] i32 (rw)
///   explore: [n][4] u32 (mode, greedy slot, q_gap f32 bits, entropy f32 bits)
void eq_explore(KernelCache& cache, vk::Program& prog, BufferView state, BufferView e_q,
                BufferView legal, BufferView action, BufferView explore, uint32_t n_games,
                const ExploreParams& params, uint64_t run_seed);

/// eq_explore's results for host inputs: the slots taken [n] and explore words [n][4].
struct ExploreRun {
    std::vector<int32_t> action;
    std::vector<uint32_t> explore;
};

/// Runs eq_explore once on `states` (game seeds from `infos`) with E[Q] [n][7], legal masks and
/// greedy slots given, and downloads the outputs.
ExploreRun run_eq_explore(vk::Context& ctx, KernelCache& cache,
                          const std::vector<game::State>& states,
                          const std::vector<GameInfo>& infos, const std::vector<float>& e_q,
                          const std::vector<uint32_t>& legal, const std::vector<int32_t>& greedy,
                          const ExploreParams& params, uint64_t run_seed);

/// Whether `run` equals explore_move for every game: actions, modes, greedy slots and q_gap
/// exactly, entropy within 1e-5 (the first mismatch goes to `v`).
void compare_explore(const ExploreRun& run, const std::vector<GameInfo>& infos,
                     const std::vector<game::State>& states, const std::vector<float>& e_q,
                     const std::vector<uint32_t>& legal, const std::vector<int32_t>& greedy,
                     const ExploreParams& params, uint64_t run_seed, Exact& v);

/// eq_explore on the batch with random E[Q] (some near-ties, some ±1000) in every mode, against
/// explore_move.
void check_eq_explore(vk::Context& ctx, KernelCache& cache, CheckBatch& b, Exact& v);

}  // namespace eqvk::eq::gpu
