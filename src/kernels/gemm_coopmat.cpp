// Host side of the NV cooperative-matrix GEMM: the capability check and the dispatch. Compiled in
// every build; without EQVK_GLSL_NV_COOPERATIVE_MATRIX the shader is absent and nv_coopmat_usable()
// is false.
#include "kernels/gemm_coopmat.h"

#include <fmt/format.h>

#include <stdexcept>

#include "eqvk_build_config.h"
#include "eqvk_kernel_shaders_spirv.h"
#include "kernels/binding.h"
#include "kernels/definition.h"
#include "kernels/registry.h"
#include "vk/buffer.h"
#include "vk/capabilities.h"
#include "vk/context.h"
#include "vk/program.h"

EQVK_KERNEL_DEF(gemm_nv_coopmat);

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

GemmGrid nv_coopmat_grid(const GemmPlan& plan) {
    return {1, 64, (plan.N + 63) / 64, 1};
}

void gemm_nv_coopmat(KernelCache& cache, vk::Program& prog, const GemmPlan& plan, BufferView a,
                     BufferView w, BufferView bias, BufferView residual, BufferView c,
                     BufferView indirect) {
    const auto& caps = cache.context().caps();
    if (plan.dtype != Dtype::F16 || !nv_coopmat_usable(caps))
        throw std::invalid_argument(
            "gemm_nv_coopmat: needs fp16 and a device with usable NV cooperative matrices");
    const uint32_t M = plan.M, N = plan.N, K = plan.K;
    auto bind = [](const char* what, BufferView v, uint64_t elems, vk::Access access) {
        return bind_view("gemm_nv_coopmat", what, v, elems * 2, access);
    };
    vk::Binding ba = bind("a", a, uint64_t(M) * K, vk::Access::Read);
    vk::Binding bw = bind("w", w, uint64_t(N) * K, vk::Access::Read);
    vk::Binding bb = plan.epilogue.bias ? bind("bias", bias, N, vk::Access::Read) : ba;
    vk::Binding br =
        plan.epilogue.residual ? bind("residual", residual, uint64_t(M) * N, vk::Access::Read) : ba;
    vk::Binding bc = bind("c", c, uint64_t(M) * N, vk::Access::Write);
    GemmPush push{M, N, K, K, K, N, 0, 0, 0, 1, 0, 0, 0, K, 1, plan.alpha};
    uint32_t sg = caps.subgroup_size == 32 ? 0u : 32u;  // request 32 where it is not the default
    const vk::Pipeline& pipe = cache.get(eqvk_kernel_def_gemm_nv_coopmat(), "gemm_nv_coopmat",
                                         {{0, 128}, {1, plan.epilogue.bits()}}, sg);
    dispatch_grid(prog, pipe, {ba, bw, bb, br, bc}, push, nv_coopmat_grid(plan).groups(M), indirect,
                  fmt::format("gemm nv_coopmat {}x{}x{} fp16", M, N, K));
}

namespace {

std::vector<CheckCase> coopmat_checks(const vk::Capabilities& caps) {
    if (!nv_coopmat_usable(caps)) return {};
    GemmDevice dev = GemmDevice::from_caps(caps);
    dev.forced.clear();
    return {gemm_check_case(dev, Dtype::F16, "nv_coopmat", "gemm_nv_coopmat"),
            gemm_check_case(dev, Dtype::F16, "nv_coopmat", "gemm_nv_coopmat", true)};
}

}  // namespace
}  // namespace eqvk::kernels

EQVK_KERNEL_DEF(gemm_nv_coopmat) {
    using namespace eqvk::kernels;
    using eqvk::vk::Access;
    static const KernelDef def{
        "gemm_nv_coopmat",
        "GEMM, fp16 storage, VK_NV_cooperative_matrix 64x64 tiles on 4 subgroups of 32",
        {{"gemm_nv_coopmat", nv_coopmat_usable}},
        {{"a", Access::Read, "f16 [M][K]"},
         {"w", Access::Read, "f16 [N][K]"},
         {"bias", Access::Read, "f16 [N]"},
         {"residual", Access::Read, "f16 [M][N]"},
         {"c", Access::Write, "f16 [M][N]"}},
        sizeof(GemmPush),
        "GemmPush",
        shaders::spirv,
        coopmat_checks};
    return def;
}
