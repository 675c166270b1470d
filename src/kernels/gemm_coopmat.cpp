// Host side of the NV cooperative-matrix GEMM: the capability check and the dispatch. Compiled in
// every build; without EQVK_GLSL_NV_COOPERATIVE_MATRIX the shader is absent and nv_coopmat_usable()
// is false.
#include "kernels/gemm_coopmat.h"

#include <fmt/format.h>

#include <stdexcept>

#include "eqvk_build_config.h"
#include "kernels/registry.h"
#include "vk/buffer.h"
#include "vk/capabilities.h"
#include "vk/context.h"
#include "vk/program.h"

namespace eqvk::kernels {
namespace {

bool subgroup_32(const vk::Capabilities& c) {
    if (c.subgroup_size == 32) return true;
    return c.subgroup_size_control_compute && c.min_subgroup_size <= 32 &&
           c.max_subgroup_size >= 32;
}

}  // namespace

bool nv_coopmat_usable(const vk::Capabilities& c) {
#if EQVK_GLSL_NV_COOPERATIVE_MATRIX
    if (!c.nv_cooperative_matrix || !c.storage_buffer_16bit || !c.shader_float16 || !subgroup_32(c))
        return false;
    if (c.max_shared_memory < 24 * 1024 || c.max_workgroup_invocations < 128) return false;
    for (const auto& s : c.nv_cooperative_matrix_shapes)
        if (s.m == 16 && s.n == 16 && s.k == 16 && s.a_type == "f16" && s.b_type == "f16" &&
            s.c_type == "f32" && s.result_type == "f32" && s.scope == "subgroup")
            return true;
    return false;
#else
    (void)c;
    return false;
#endif
}

void gemm_nv_coopmat(KernelCache& cache, vk::Program& prog, const GemmPlan& plan, BufferView a,
                     BufferView w, BufferView bias, BufferView residual, BufferView c) {
    const auto& caps = cache.context().caps();
    if (plan.dtype != Dtype::F16 || !nv_coopmat_usable(caps))
        throw std::invalid_argument(
            "gemm_nv_coopmat: needs fp16 and a device with usable NV cooperative matrices");
    const uint32_t M = plan.M, N = plan.N, K = plan.K;
    auto bind = [](const char* what, BufferView v, uint64_t elems, vk::Access access) {
        if (!v)
            throw std::invalid_argument(
                fmt::format("gemm_nv_coopmat: operand '{}' is missing", what));
        uint64_t bytes = elems * 2;
        if (v.offset > v.buffer->size() || bytes > v.buffer->size() - v.offset)
            throw std::invalid_argument(
                fmt::format("gemm_nv_coopmat: operand '{}' is too small", what));
        return vk::Binding{v.buffer, access, v.offset, static_cast<size_t>(bytes)};
    };
    vk::Binding ba = bind("a", a, uint64_t(M) * K, vk::Access::Read);
    vk::Binding bw = bind("w", w, uint64_t(N) * K, vk::Access::Read);
    vk::Binding bb = plan.epilogue.bias ? bind("bias", bias, N, vk::Access::Read) : ba;
    vk::Binding br =
        plan.epilogue.residual ? bind("residual", residual, uint64_t(M) * N, vk::Access::Read) : ba;
    vk::Binding bc = bind("c", c, uint64_t(M) * N, vk::Access::Write);
    GemmPush push{M, N, K, K, K, N, 0, 0, 0, 1, 0, 0, 0, K, 1, plan.alpha};
    uint32_t sg = caps.subgroup_size == 32 ? 0u : 32u;  // request 32 where it is not the default
    const vk::Pipeline& pipe =
        cache.get("gemm_nv_coopmat", {{0, 128}, {1, plan.epilogue.bits()}}, sg);
    prog.dispatch(pipe, {ba, bw, bb, br, bc}, push, {(M + 63) / 64, (N + 63) / 64, 1},
                  fmt::format("gemm nv_coopmat {}x{}x{} fp16", M, N, K));
}

}  // namespace eqvk::kernels
