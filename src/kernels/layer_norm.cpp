// LayerNorm wrapper, its GPU-vs-reference check and its definition: workgroup size from C (a power
// of two, ≤ 64), one workgroup per row.
#include "kernels/layer_norm.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <tuple>

#include "eqvk_kernel_shaders_spirv.h"
#include "kernels/binding.h"
#include "kernels/check_util.h"
#include "kernels/definition.h"
#include "kernels/ref/layer_norm_ref.h"
#include "kernels/registry.h"
#include "vk/capabilities.h"
#include "vk/context.h"
#include "vk/program.h"

EQVK_KERNEL_DEF(layer_norm);

namespace eqvk::kernels {

LayerNormShape layer_norm_shape(const vk::Capabilities& caps, uint32_t C) {
    const std::string forced = forced_shape("EQVK_LAYER_NORM", {"tree", "subgroup"});
    const bool sg_fits = caps.subgroup_arithmetic && caps.subgroup_size > 0 &&
                         (C + caps.subgroup_size - 1) / caps.subgroup_size <= LAYER_NORM_SG_VALS;
    if (forced == "subgroup" && !sg_fits)
        throw std::invalid_argument(fmt::format(
            "EQVK_LAYER_NORM=subgroup: needs subgroup arithmetic and C <= {} x subgroup size",
            LAYER_NORM_SG_VALS));
    return forced == "tree" ? LayerNormShape::Tree
           : sg_fits        ? LayerNormShape::Subgroup
                            : LayerNormShape::Tree;
}

void layer_norm(KernelCache& cache, vk::Program& prog, const LayerNormArgs& a, BufferView x,
                BufferView res, BufferView gamma, BufferView beta, BufferView y, BufferView count) {
    const auto& caps = cache.context().caps();
    const LayerNormShape shape =
        a.shape == LayerNormShape::Auto ? layer_norm_shape(caps, a.C) : a.shape;
    const bool sg = shape == LayerNormShape::Subgroup;
    const char* stem = sg ? (a.dtype == Dtype::F16 ? "layer_norm_sg_f16" : "layer_norm_sg")
                          : (a.dtype == Dtype::F16 ? "layer_norm_f16" : "layer_norm");
    if (a.rows == 0 || a.C == 0 || a.rows_per_world == 0)
        throw std::invalid_argument(fmt::format("{}: empty shape rows={} C={}", stem, a.rows, a.C));
    const uint64_t bytes = uint64_t(a.rows) * a.C * dtype_bytes(a.dtype);
    auto bx = bind_view(stem, "x", x, bytes, vk::Access::Read);
    auto br = a.residual ? bind_view(stem, "res", res, bytes, vk::Access::Read) : bx;
    auto bg = bind_view(stem, "gamma", gamma, uint64_t(a.C) * 4, vk::Access::Read);
    auto bb = bind_view(stem, "beta", beta, uint64_t(a.C) * 4, vk::Access::Read);
    auto by = bind_view(stem, "y", y, bytes, vk::Access::Write);
    auto bc = bind_view(stem, "count", count, 4, vk::Access::Read);
    LayerNormPush push{a.rows, a.C, a.rows_per_world, a.world_base, a.eps};
    const uint32_t residual = a.residual ? 1u : 0u;
    const std::string label =
        fmt::format("layer_norm {}x{} {}{}", a.rows, a.C, dtype_name(a.dtype), sg ? " sg" : "");
    if (sg) {  // 64 invocations = 64/S subgroups per workgroup, a row per subgroup at a time
        const uint32_t S = caps.subgroup_size, wg = std::max(64u, S);
        const uint32_t vec = a.C % 4 == 0 ? 4 : 1, vals = (a.C + S * vec - 1) / (S * vec);
        // On CPU devices each subgroup takes 16 rows or more (grid-stride), so its gamma and beta
        // registers serve many rows; a GPU gets a subgroup per row.
        const uint32_t rows_per_subgroup = caps.type == VK_PHYSICAL_DEVICE_TYPE_CPU ? 16 : 1;
        prog.dispatch(cache.get(eqvk_kernel_def_layer_norm(), stem,
                                {{0, wg}, {1, residual}, {2, vals}, {3, vec}}),
                      {bx, br, bg, bb, by, bc}, push,
                      {grid_groups(a.rows, wg / S * rows_per_subgroup, caps), 1, 1}, label);
        return;
    }
    // A power of two near C, at most 64: each tree level costs a barrier, and lavapipe runs a
    // barrier-separated section over every invocation in turn (256 ran LN at ~1/3 the speed).
    uint32_t wg = 32;
    while (wg < a.C && wg < 64 && wg * 2 <= caps.max_workgroup_invocations) wg *= 2;
    prog.dispatch(cache.get(eqvk_kernel_def_layer_norm(), stem, {{0, wg}, {1, residual}}),
                  {bx, br, bg, bb, by, bc}, push, {grid_groups(a.rows, 1, caps), 1, 1}, label);
}

CheckResult check_layer_norm(vk::Context& ctx, KernelCache& cache, const LayerNormArgs& a,
                             uint32_t count, uint64_t seed) {
    size_t n = size_t(a.rows) * a.C;
    auto x = random_values(n, seed, a.dtype), res = random_values(n, seed + 1, a.dtype);
    auto gamma = random_values(a.C, seed + 2, Dtype::F32),
         beta = random_values(a.C, seed + 3, Dtype::F32);
    for (float& g : gamma) g = 1.0f + 0.5f * g;
    std::vector<float> want(n, NAN);
    layer_norm_ref(a.rows, a.C, a.rows_per_world, count - a.world_base, x.data(),
                   a.residual ? res.data() : nullptr, gamma.data(), beta.data(), a.eps,
                   want.data());
    vk::Buffer bx = upload_as(ctx, x, a.dtype, "check.x"),
               br = upload_as(ctx, res, a.dtype, "check.res");
    vk::Buffer bg = upload_as(ctx, gamma, Dtype::F32, "check.gamma"),
               bb = upload_as(ctx, beta, Dtype::F32, "check.beta");
    vk::Buffer bc = count_buffer(ctx, count);
    vk::Program prog(ctx, "check_layer_norm");
    vk::Buffer by = poisoned_buffer(ctx, prog, n, a.dtype, "check.y");
    layer_norm(cache, prog, a, bx, br, bg, bb, by, bc);
    prog.run();
    return compare_written(download_as(ctx, by, n, a.dtype), want,
                           a.dtype == Dtype::F16 ? 2e-3 : 2e-5, storage_rtol(a.dtype));
}

namespace {

// C of 1, 24, 100, 256 and 1000 (channel loops longer than the workgroup; workgroups 32 and 64),
// with and without the residual, rows per world 32 and 8, a GPU-side world count below capacity.
std::vector<CheckCase> layer_norm_checks(const vk::Capabilities& caps) {
    struct Shape {
        LayerNormArgs args;
        uint32_t count;
    };
    std::vector<CheckCase> cases;
    const auto& def = eqvk_kernel_def_layer_norm();
    for (const auto& [shape, name] :
         {std::pair{LayerNormShape::Tree, "tree"}, std::pair{LayerNormShape::Subgroup, "subgroup"}})
        for (Dtype dt : {Dtype::F32, Dtype::F16}) {
            std::string stem =
                std::string(shape == LayerNormShape::Subgroup ? "layer_norm_sg" : "layer_norm") +
                (dt == Dtype::F16 ? "_f16" : "");
            if (!def.supported(stem, caps)) continue;
            std::vector<Shape> shapes;
            for (auto [rows, C, per_world, count, res] : {std::tuple{32u, 1u, 32u, 1u, true},
                                                          {96u, 24u, 32u, 3u, true},
                                                          {64u, 100u, 8u, 5u, false},
                                                          {256u, 256u, 32u, 5u, true},
                                                          {40u, 1000u, 8u, 5u, true},
                                                          {64u, 256u, 32u, 1u, false}}) {
                if (shape == LayerNormShape::Subgroup &&
                    C > LAYER_NORM_SG_VALS * std::max(caps.subgroup_size, 1u))
                    continue;
                shapes.push_back({{rows, C, per_world, 0, 1e-5f, res, dt, shape}, count});
            }
            cases.push_back(check_over(
                stem, name, dtype_name(dt), shapes,
                [](vk::Context& ctx, KernelCache& cache, const Shape& s, uint64_t seed) {
                    return check_layer_norm(ctx, cache, s.args, s.count, seed);
                },
                [](const Shape& s) {
                    return fmt::format("{}x{}/{} count {}{}", s.args.rows, s.args.C,
                                       s.args.rows_per_world, s.count,
                                       s.args.residual ? " +res" : "");
                }));
        }
    return cases;
}

}  // namespace
}  // namespace eqvk::kernels

EQVK_KERNEL_DEF(layer_norm) {
    using namespace eqvk::kernels;
    static const KernelDef def{
        "layer_norm",
        "LayerNorm with fused residual add, fp32 statistics: a subgroup per row (subgroupAdd) or, "
        "without "
        "subgroup arithmetic or for C > 32 x subgroup, a workgroup tree per row",
        {{"layer_norm", nullptr},
         {"layer_norm_f16", has_16bit_storage},
         {"layer_norm_sg", has_subgroup_arithmetic},
         {"layer_norm_sg_f16",
          [](const eqvk::vk::Capabilities& c) {
              return has_16bit_storage(c) && has_subgroup_arithmetic(c);
          }}},
        {{"x", eqvk::vk::Access::Read, "dtype [rows][C]"},
         {"res", eqvk::vk::Access::Read, "dtype [rows][C]"},
         {"gamma", eqvk::vk::Access::Read, "f32 [C]"},
         {"beta", eqvk::vk::Access::Read, "f32 [C]"},
         {"y", eqvk::vk::Access::Write, "dtype [rows][C]"},
         {"count", eqvk::vk::Access::Read, "u32 [1] worlds"}},
        sizeof(LayerNormPush),
        "LayerNormPush",
        eqvk::kernels::shaders::spirv,
        layer_norm_checks};
    return def;
}
