// eq_legal (shaders/eq/eq_legal.comp): the seat to move's legal slots. Reference: eq/moves.h
// legal_slots.
#pragma once
#include <cstdint>

#include "eq/gpu/common.h"

namespace eqvk::eq::gpu {

/// Records the legal slots of n_games games.
///   state: [ST_WORDS·n] u32   rules: [R_WORDS] u32
///   legal: [n] u32, written (bit i = dealt slot i is held and legal; 0 when the hand is over)
/// Throws std::invalid_argument when n_games is 0 or a view is too small.
void eq_legal(KernelCache& cache, vk::Program& prog, BufferView state, BufferView rules,
              BufferView legal, uint32_t n_games);

/// eq_legal on the batch against legal_slots.
void check_eq_legal(vk::Context& ctx, KernelCache& cache, CheckBatch& b, Exact& v);

}  // namespace eqvk::eq::gpu
