// World sampling of the E[Q] decision step (ARCHITECTURE decisions 2 and 3) on the GPU:
// shaders/eq_world_sample.comp draws exactly uniform worlds through the count table with the
// Philox counter RNG, or enumerates worlds by rank. CPU reference eq::world_rank/unrank_world.
#pragma once
#include <cstdint>

namespace eqvk::vk {
class Buffer;
class Program;
}  // namespace eqvk::vk

namespace eqvk::kernels {

class KernelCache;

/// Mirrors the push block of shaders/eq_world_sample.comp.
struct EqWorldSamplePush {
    uint32_t n_games, worlds, world_base, enumerate, run_seed_lo, run_seed_hi;
};
static_assert(sizeof(EqWorldSamplePush) <= 128);

struct EqWorldSampleArgs {
    uint32_t n_games = 0;
    uint32_t worlds = 0;  ///< M worlds per game in this dispatch
    uint32_t world_base =
        0;  ///< index of the first world (chunking: same worlds whatever the chunk)
    bool enumerate = false;  ///< world m = rank world_base + m instead of a random rank
    uint64_t run_seed = 0;   ///< RNG key (config sampling.seed)
};

/// Records M worlds per game.
///   state: [ST_WORDS·n] uint32   table: [n][WT_WORDS] uint32 (eq_world_count)
///   worlds: [n][M][4] uint32, written (opponent masks 0..2, rank; rank NONE = no world)
/// Throws std::invalid_argument when a count is 0, n·M overflows, or a buffer is too small.
void eq_world_sample(KernelCache& cache, vk::Program& prog, const vk::Buffer& state,
                     const vk::Buffer& table, const vk::Buffer& worlds,
                     const EqWorldSampleArgs& args);

}  // namespace eqvk::kernels
