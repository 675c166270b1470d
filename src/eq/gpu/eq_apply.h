// eq_apply (shaders/eq/eq_apply.comp): each game's seat to move plays a chosen dealt slot.
// Reference: game::State::do_play_slot.
#pragma once
#include <cstdint>

#include "eq/gpu/common.h"

namespace eqvk::eq::gpu {

/// Status codes eq_apply writes per game.
enum class ApplyStatus : uint32_t { Applied = 0, HandOver = 1, Illegal = 2 };

/// Records: each game's seat to move plays its dealt slot action[g].
///   state: [ST_WORDS·n] u32, read and written   rules: [R_WORDS] u32
///   action: [n] u32 slot 0..6                   status: [n] u32 ApplyStatus, written
/// Throws std::invalid_argument when n_games is 0 or a view is too small.
void eq_apply(KernelCache& cache, vk::Program& prog, BufferView state, BufferView rules,
              BufferView action, BufferView status, uint32_t n_games);

/// eq_apply on the batch (the lowest legal slot; every 7th game an illegal one) against
/// do_play_slot: the status and every state word after the move.
void check_eq_apply(vk::Context& ctx, KernelCache& cache, CheckBatch& b, Exact& v);

}  // namespace eqvk::eq::gpu
