// eq_min_bin (shaders/eq/eq_min_bin.comp): the P(make) threshold bin of each game's decision.
// Reference: eq/reference.h min_bin_of.
#pragma once
#include <cstdint>

#include "eq/gpu/common.h"

namespace eqvk::eq::gpu {

/// Mirrors the push block of shaders/eq/eq_min_bin.comp.
struct MinBinPush {
    uint32_t n_games;
    uint32_t compat;  // 0 faithful (banked points count), 1 Forge's fixed bins
};

/// Records the threshold bins.   state: [ST_WORDS·n] u32   min_bin: [n] i32, written
void eq_min_bin(KernelCache& cache, vk::Program& prog, BufferView state, BufferView min_bin,
                uint32_t n_games, bool forge_compat);

/// eq_min_bin on the batch, faithful and Forge-compatible, against min_bin_of.
void check_eq_min_bin(vk::Context& ctx, KernelCache& cache, CheckBatch& b, Exact& v);

}  // namespace eqvk::eq::gpu
