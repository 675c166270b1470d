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
    uint32_t worlds;        // worlds in this chunk
    uint32_t first;         // 1: the first chunk
    uint32_t total_worlds;  // M on the last chunk, else 0
    uint32_t world_base;    // index of the chunk's first world
};

/// Records the reduction of one chunk of worlds [world_base, world_base + chunk) of every game, out
/// of `total` worlds per game; chunks must be recorded in order, and results are bit-identical for
/// every chunking (the same float operations in the same order).
///   q: [G·chunk][7] f32 (row g·chunk + m)   e_q, var: [G][7] f32   pdf: [G][7][85] f32 (Welford's
///   running mean, M2 and bin counts between chunks; mean, population variance and shares after
///   the last)
/// Throws std::invalid_argument when a view is too small, a count is 0 or the chunk passes `total`.
void eq_reduce(KernelCache& cache, vk::Program& prog, BufferView q, BufferView e_q, BufferView var,
               BufferView pdf, uint32_t games, uint32_t world_base, uint32_t chunk, uint32_t total);

/// eq_reduce on random Q = center + spread·u (u in [-1, 1), some half-integers) of `games` ×
/// `worlds`, recorded whole and in chunks of `chunk` worlds, against eq_reduce_ref and the
/// variance against a double-precision two-pass recomputation; the two runs must agree bit for
/// bit.
kernels::CheckResult check_eq_reduce(vk::Context& ctx, KernelCache& cache, uint32_t games,
                                     uint32_t worlds, uint32_t chunk, uint64_t seed,
                                     float center = 0.0f, float spread = 50.0f);

}  // namespace eqvk::eq::gpu
