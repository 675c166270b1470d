// The VK_NV_cooperative_matrix GEMM (shaders/gemm_nv_coopmat.comp): fp16 storage, fp32
// accumulation, 64x64 tiles on 4 subgroups of 32. Chosen by plan_gemm() for fp16 where
// nv_coopmat_usable() holds; EQVK_NO_NV_COOPMAT=1 turns it off (vk::Context clears the capability).
// The KHR variant exists only as the build-time switch EQVK_GLSL_KHR_COOPERATIVE_MATRIX (Debian
// 12's glslang rejects the extension); see docs/kernels.md.
#pragma once
#include "kernels/gemm.h"

namespace eqvk::vk {
struct Capabilities;
}

namespace eqvk::kernels {

/// Whether this build embeds the NV shader and the device can run it: extension + feature, a
/// 16x16x16 f16·f16 + f32 subgroup shape, 16-bit storage, fp16 arithmetic, subgroups of 32 (native
/// or requested), 24 KiB shared memory.
bool nv_coopmat_usable(const vk::Capabilities& caps);

/// The one dispatch gemm_nv_coopmat() records: 64×64 tiles of C.
GemmGrid nv_coopmat_grid(const GemmPlan& plan);

/// Records plan (dtype fp16, plan.choice.nv_coopmat) as one dispatch. Operands as for gemm(), all
/// fp16; `indirect` (optional) holds the grid (gemm()).
void gemm_nv_coopmat(KernelCache& cache, vk::Program& prog, const GemmPlan& plan, BufferView a,
                     BufferView w, BufferView bias, BufferView residual, BufferView c,
                     BufferView indirect = {});

}  // namespace eqvk::kernels
