// World-count table of the E[Q] decision step (ARCHITECTURE decision 2) on the GPU:
// shaders/eq_world_count.comp. Layouts in kernels/eq_layout.h; CPU reference eq::world_table.
#pragma once
#include <cstdint>

namespace eqvk::vk {
class Buffer;
class Program;
}  // namespace eqvk::vk

namespace eqvk::kernels {

class KernelCache;

/// Mirrors the push block of shaders/eq_world_count.comp.
struct EqWorldCountPush {
    uint32_t n_games;
};
static_assert(sizeof(EqWorldCountPush) <= 128);

/// Records the count table of each game's current decision.
///   state: [ST_WORDS·n] uint32   rules: [R_WORDS] uint32   voids: [n][3] uint32 (eq_voids)
///   table: [n][WT_WORDS] uint32, written (every word)
/// Throws std::invalid_argument when n_games is 0 or a buffer is too small.
void eq_world_count(KernelCache& cache, vk::Program& prog, const vk::Buffer& state,
                    const vk::Buffer& rules, const vk::Buffer& voids, const vk::Buffer& table,
                    uint32_t n_games);

}  // namespace eqvk::kernels
