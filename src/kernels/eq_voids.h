// Void inference of the E[Q] decision step (spec §1.6) on the GPU: shaders/eq_voids.comp. Layouts
// in kernels/eq_layout.h; CPU reference eq::opponent_voids (src/eq/worlds.h).
#pragma once
#include <cstdint>

namespace eqvk::vk {
class Buffer;
class Program;
}  // namespace eqvk::vk

namespace eqvk::kernels {

class KernelCache;

/// Mirrors the push block of shaders/eq_voids.comp.
struct EqVoidsPush {
    uint32_t n_games;
};
static_assert(sizeof(EqVoidsPush) <= 128);

/// Records voids of the seat to move's three opponents for n_games games.
///   state: [ST_WORDS·n] uint32 (eq_layout.h)   rules: [R_WORDS] uint32
///   voids: [n][3] uint32, written (8-bit suit masks, opp i = seat (actor+1+i)%4)
/// Throws std::invalid_argument when n_games is 0 or a buffer is too small.
void eq_voids(KernelCache& cache, vk::Program& prog, const vk::Buffer& state,
              const vk::Buffer& rules, const vk::Buffer& voids, uint32_t n_games);

}  // namespace eqvk::kernels
