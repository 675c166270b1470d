// eq_world_count (shaders/eq/eq_world_count.comp): the count table of each game's current decision —
// how many ways the unseen pool can be dealt to the opponents given their hand sizes and voids.
// Reference: eq/worlds.h world_table.
#pragma once
#include <cstdint>

#include "eq/gpu/common.h"

namespace eqvk::eq::gpu {

/// Records the count tables.
///   state: [ST_WORDS·n] u32   rules: [R_WORDS] u32   voids: [n][3] u32 (eq_voids)
///   table: [n][WT_WORDS] u32, written (every word)
/// Throws std::invalid_argument when n_games is 0 or a view is too small.
void eq_world_count(KernelCache& cache, vk::Program& prog, BufferView state, BufferView rules,
                    BufferView voids, BufferView table, uint32_t n_games);

/// eq_world_count on the batch, with the CPU's voids uploaded, against world_table.
void check_eq_world_count(vk::Context& ctx, KernelCache& cache, CheckBatch& b, Exact& v);

}  // namespace eqvk::eq::gpu
