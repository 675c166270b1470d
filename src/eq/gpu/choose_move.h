// choose_move (shaders/eq/choose_move.comp): each game's move from E[Q], Var and the PDF — the
// legal slot of highest P(make) (E[Q] breaking ties) or of highest E[Q] — and the uncertainty
// summary (spec §6.10). Reference: ref/eq_reduce_ref.h choose_move_ref.
#pragma once
#include <cstdint>

#include "eq/gpu/common.h"

namespace eqvk::eq::gpu {

/// Mirrors the push block of shaders/eq/choose_move.comp.
struct ChooseMovePush {
    uint32_t games;
    uint32_t mode;  // MoveRule
};

enum class MoveRule : uint32_t { PMake = 0, EQ = 1 };

/// Records the move choice.
///   e_q, var: [G][7] f32   pdf: [G][7][85] f32   legal: [G] u32 slot mask   min_bin: [G] i32
///   (P(make) threshold bin; ignored for MoveRule::EQ)   action: [G] i32 (slot, −1 if none legal)
///   uncertainty: [G][2] f32 (u_mean, u_max)
void choose_move(KernelCache& cache, vk::Program& prog, BufferView e_q, BufferView var,
                 BufferView pdf, BufferView legal, BufferView min_bin, BufferView action,
                 BufferView uncertainty, uint32_t games, MoveRule rule);

/// choose_move on random E[Q], Var, PDF, legal masks (some empty) and threshold bins against
/// choose_move_ref: the same actions, uncertainties within 1e-5.
kernels::CheckResult check_choose_move(vk::Context& ctx, KernelCache& cache, uint32_t games,
                                       MoveRule rule, uint64_t seed);

}  // namespace eqvk::eq::gpu
