// eq_reduce (shaders/eq/eq_reduce.comp): from the oracle's Q for every sampled world to E[Q], Var
// and the 85-bin PDF per (game, slot) (spec §6.7), over chunks of worlds. Reference:
// ref/eq_reduce_ref.h.
#pragma once
#include <cstdint>

#include "eq/gpu/common.h"

namespace eqvk::eq::gpu {

/// Mirrors the push block of shaders/eq/eq_reduce.comp.
struct ReducePush {
    uint32_t games;
    uint32_t pass_worlds;  // P: rows per active game in the pass
    uint32_t finish;       // 1: turn the running moments into E[Q], Var, PDF shares
};

/// Records the reduction of one pass of worlds (row i·P + m = world acc[g].n + m of game
/// g = list[i], up to the round's target), or with `finish` the moments over each game's acc[g].n
/// worlds. Passes must be recorded in order; results are bit-identical for every pass size (the
/// same float operations per world in the same order).
///   q: [G·P][7] f32   e_q, var: [G][7] f32   pdf: [G][7][85] f32 (Welford's running mean, M2
///   and bin counts between passes; mean, population variance and shares after finishing)
///   list: u32 [G]   acc: u32 [G][ACC_WORDS]   ctrl: u32 [CTRL_WORDS] (eq_control)
/// `args`: eq_control's dispatch sizes (ARGS_SLOTS) for a pass, else a direct dispatch over G·7.
/// Throws std::invalid_argument when a view is too small or a count is 0.
void eq_reduce(KernelCache& cache, vk::Program& prog, BufferView q, BufferView e_q, BufferView var,
               BufferView pdf, BufferView list, BufferView acc, BufferView ctrl, uint32_t games,
               uint32_t pass_worlds, bool finish, const vk::Buffer* args = nullptr);

/// eq_reduce on random Q = center + spread·u (u in [-1, 1), some half-integers) of `games` ×
/// `worlds`, recorded whole and in passes of `chunk` worlds (rows in reversed game order),
/// against eq_reduce_ref and the
/// variance against a double-precision two-pass recomputation; the two runs must agree bit for
/// bit.
kernels::CheckResult check_eq_reduce(vk::Context& ctx, KernelCache& cache, uint32_t games,
                                     uint32_t worlds, uint32_t chunk, uint64_t seed,
                                     float center = 0.0f, float spread = 50.0f);

}  // namespace eqvk::eq::gpu
