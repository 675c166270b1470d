// eq_voids (shaders/eq/eq_voids.comp): the suits each of the seat to move's three opponents has
// shown void in, from the play history. Reference: eq/worlds.h opponent_voids.
#pragma once
#include <cstdint>

#include "eq/gpu/common.h"

namespace eqvk::eq::gpu {

/// Records voids for n_games games.
///   state: [ST_WORDS·n] u32   rules: [R_WORDS] u32
///   voids: [n][3] u32, written (8-bit suit masks, opp i = seat (actor+1+i)%4)
/// Throws std::invalid_argument when n_games is 0 or a view is too small.
void eq_voids(KernelCache& cache, vk::Program& prog, BufferView state, BufferView rules,
              BufferView voids, uint32_t n_games);

/// eq_voids on the batch against opponent_voids.
void check_eq_voids(vk::Context& ctx, KernelCache& cache, CheckBatch& b, Exact& v);

}  // namespace eqvk::eq::gpu
