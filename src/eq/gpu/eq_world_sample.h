// eq_world_sample (shaders/eq/eq_world_sample.comp): exactly uniform worlds per game from its count
// table — a Philox rank per world (counter: game seed, decision, world index), or every rank in
// turn (enumeration) — unranked into the opponents' hidden hands. Reference: eq/worlds.h
// world_rank, unrank_world.
#pragma once
#include <cstdint>
#include <vector>

#include "eq/gpu/common.h"

namespace eqvk::eq::gpu {

/// Mirrors the push block of shaders/eq/eq_world_sample.comp.
struct WorldSamplePush {
    uint32_t n_games, pass_worlds, run_seed_lo, run_seed_hi;
};

struct WorldSampleArgs {
    uint32_t n_games = 0;
    uint32_t pass_worlds = 0;  ///< P: rows per active game in this pass
    uint64_t run_seed = 0;     ///< RNG key (config sampling.seed)
};

/// The pass's bookkeeping written by eq_control: active games, per-game acc, ctrl words.
struct PassViews {
    BufferView list;  ///< u32 [n] active games in row order
    BufferView acc;   ///< u32 [n][ACC_WORDS] worlds so far, round target, flags, count
    BufferView ctrl;  ///< u32 [CTRL_WORDS] (CTRL_ACTIVE: active games)
    const vk::Buffer* args = nullptr;  ///< eq_control's dispatch sizes (nullptr: direct dispatch)
};

/// Records one pass of worlds: row i·P + m = world acc[g].n + m of game g = list[i] (rank NONE at
/// or past the game's target; rank = world index for ACC_EXACT games).
///   state: [ST_WORDS·n] u32   table: [n][WT_WORDS] u32 (eq_world_count)
///   worlds: [n·P][4] u32, written (opponent masks 0..2, rank; rank NONE = no world)
/// Throws std::invalid_argument when a count is 0, n·P overflows, or a view is too small.
void eq_world_sample(KernelCache& cache, vk::Program& prog, BufferView state, BufferView table,
                     BufferView worlds, const PassViews& pass, const WorldSampleArgs& args);

/// The worlds eq_world_sample writes for the batch (CHECK_WORLDS per game from world `base`), by
/// world_rank / unrank_world on the CPU.
std::vector<uint32_t> reference_worlds(const CheckBatch& b, bool enumerate, uint32_t base);

/// eq_world_sample on the batch, with the CPU's count tables uploaded, sampling (from world 3)
/// and enumerating, rows in reversed game order, against world_rank / unrank_world.
void check_eq_world_sample(vk::Context& ctx, KernelCache& cache, CheckBatch& b, Exact& v);

}  // namespace eqvk::eq::gpu
