// The oracle's output heads (shaders/oracle_heads.comp, oracle_heads_f16.comp): on the 8 rows per
// world the last layer kept (token 0, then the actor's 7 hand tokens), the value head on row 0 and
// the Q head on rows 1..7, in fp32, written at the world's place in the caller's q / value buffers.
#pragma once
#include <cstdint>

#include "kernels/check.h"
#include "kernels/types.h"

namespace eqvk::vk {
class Context;
class Program;
}  // namespace eqvk::vk

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

/// oracle_heads on random inputs against oracle_heads_ref; q / value of worlds at or past `count`
/// must stay poisoned.
CheckResult check_oracle_heads(vk::Context& ctx, KernelCache& cache, const OracleHeadsArgs& args,
                               uint32_t count, uint64_t seed);

}  // namespace eqvk::kernels
