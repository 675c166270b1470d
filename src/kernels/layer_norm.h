// LayerNorm with fused residual add (shaders/layer_norm.comp, layer_norm_f16.comp):
// y = LN(x + res)·gamma + beta per row of C channels, statistics in fp32 (nn.LayerNorm: biased
// variance, eps). Rows of worlds at or past a GPU-side count are skipped, so one recorded Program
// serves any batch up to its capacity.
#pragma once
#include <cstdint>

#include "kernels/check.h"
#include "kernels/types.h"

namespace eqvk::vk {
class Context;
class Program;
struct Capabilities;
}  // namespace eqvk::vk

namespace eqvk::kernels {

class KernelCache;

/// Mirrors the push block of shaders/common/layer_norm_impl.glsl.
struct LayerNormPush {
    uint32_t rows, C;
    uint32_t rows_per_world;  // row r belongs to world world_base + r / rows_per_world
    uint32_t world_base;
    float eps;
};
static_assert(sizeof(LayerNormPush) <= 128);

/// The two shapes of the kernel: a workgroup tree per row (any device), or one subgroup per row
/// with subgroupAdd (no barrier, no shared memory: faster on lavapipe, as good on GPUs).
enum class LayerNormShape { Auto, Tree, Subgroup };
/// Channels per lane the subgroup shape keeps in registers (C ≤ this × subgroup size).
inline constexpr uint32_t LAYER_NORM_SG_VALS = 32;

struct LayerNormArgs {
    uint32_t rows = 0, C = 0;
    uint32_t rows_per_world = 32, world_base = 0;
    float eps = 1e-5f;
    bool residual = true;
    Dtype dtype = Dtype::F32;  // storage of x, res, y (gamma and beta are always f32)
    LayerNormShape shape = LayerNormShape::Auto;  // Auto: layer_norm_shape(caps, C)
};

/// The shape layer_norm() records for C channels on this device (never Auto): Subgroup where the device has
/// subgroup arithmetic and C fits, else Tree; EQVK_LAYER_NORM=tree|subgroup forces one (throws
/// std::invalid_argument on another value, or when subgroup is forced where it cannot run).
LayerNormShape layer_norm_shape(const vk::Capabilities& caps, uint32_t C);

/// Records y = LN(x (+ res)).
///   x, res, y: [rows][C] dtype (y must not alias x or res; res unused without args.residual)
///   gamma, beta: [C] f32      count: uint32 [1] worlds to compute
void layer_norm(KernelCache& cache, vk::Program& prog, const LayerNormArgs& args, BufferView x,
                BufferView res, BufferView gamma, BufferView beta, BufferView y, BufferView count);

/// layer_norm on random inputs (seeded) against layer_norm_ref, outputs NaN-poisoned: rows of
/// worlds at or past `count` must stay untouched.
CheckResult check_layer_norm(vk::Context& ctx, KernelCache& cache, const LayerNormArgs& args,
                             uint32_t count, uint64_t seed);

}  // namespace eqvk::kernels
