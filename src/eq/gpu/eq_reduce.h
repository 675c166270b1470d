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
    uint32_t weighted;     // 1: posterior weights (one pass per decision)
};

/// Records the reduction of one pass of worlds (row i·P + m = world acc[g].n + m of game
/// g = list[i], up to the round's target), or with `finish` the moments over each game's acc[g].n
/// worlds. Passes must be recorded in order; results are bit-identical for every pass size (the
/// same float operations per world in the same order).
///   q: [G·P][7] f32   e_q, var: [G][7] f32   pdf: [G][7][85] f32 (Welford's running mean, M2
///   and bin counts between passes; mean, population variance and shares after finishing)
///   list: u32 [G]   acc: u32 [G][ACC_WORDS]   ctrl: u32 [CTRL_WORDS] (eq_control)
/// `args`: eq_control's dispatch sizes (ARGS_SLOTS) for a pass, else a direct dispatch over G·7.
/// `weights` ([G][P] f32, eq_posterior's, indexed by game, not by row): the weighted moments (West's
/// weighted Welford; PDF bins gain w; finishing divides by Σw) — a decision must then take one pass
/// (the finishing step sums the weights of its acc[g].n worlds); empty = uniform, as before.
/// Throws std::invalid_argument when a view is too small or a count is 0.
void eq_reduce(KernelCache& cache, vk::Program& prog, BufferView q, BufferView e_q, BufferView var,
               BufferView pdf, BufferView list, BufferView acc, BufferView ctrl, uint32_t games,
               uint32_t pass_worlds, bool finish, const vk::Buffer* args = nullptr,
               BufferView weights = {});

/// eq_reduce on random Q = center + spread·u (u in [-1, 1), some half-integers) of `games` ×
/// `worlds`, recorded whole and in passes of `chunk` worlds (rows in reversed game order),
/// against eq_reduce_ref and the
/// variance against a double-precision two-pass recomputation; the two runs must agree bit for
/// bit.
kernels::CheckResult check_eq_reduce(vk::Context& ctx, KernelCache& cache, uint32_t games,
                                     uint32_t worlds, uint32_t chunk, uint64_t seed,
                                     float center = 0.0f, float spread = 50.0f);

/// eq_reduce weighted (one pass, random normalised weights, some games with fewer live worlds)
/// against the weighted eq_reduce_ref and a double-precision Σw·Q, Σw·(Q − E)² recomputation.
kernels::CheckResult check_eq_reduce_weighted(vk::Context& ctx, KernelCache& cache, uint32_t games,
                                              uint32_t worlds, uint64_t seed, float center,
                                              float spread);

}  // namespace eqvk::eq::gpu
