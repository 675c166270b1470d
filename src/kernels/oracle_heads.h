// The oracle's output heads (shaders/oracle_heads.comp, oracle_heads_f16.comp): on the 8 rows per
// world the last layer kept (token 0, then the actor's 7 hand tokens), the value head on row 0 and
// the Q head on rows 1..7, in fp32, written at the world's place in the caller's q / value buffers.
#pragma once
#include <cstdint>

#include "kernels/gemm.h"

namespace eqvk::kernels {

class KernelCache;

/// Mirrors the push block of shaders/common/oracle_heads_impl.glsl.
struct OracleHeadsPush {
    uint32_t worlds, world_base, E;
};
static_assert(sizeof(OracleHeadsPush) <= 128);

struct OracleHeadsArgs {
    uint32_t worlds = 0, world_base = 0, E = 0;
    Dtype dtype = Dtype::F32;  // storage of x8
};

/// Records the heads.
///   x8:     [worlds][8][E] dtype       head_w: [2][E+1] f32 (Q head weight|bias, value
///   weight|bias) q:      [world_base + worlds][7] f32 written     value: [world_base + worlds] f32
///   written count:  uint32 [1] worlds to compute (outputs of the others are left alone)
void oracle_heads(KernelCache& cache, vk::Program& prog, const OracleHeadsArgs& args, BufferView x8,
                  BufferView head_w, BufferView q, BufferView value, BufferView count);

}  // namespace eqvk::kernels
