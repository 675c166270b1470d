// Output-head wrapper (one invocation per (world, row), grid-stride), its check against
// oracle_heads_ref and its definition.
#include "kernels/oracle_heads.h"

#include <fmt/format.h>

#include "eqvk_kernel_shaders_spirv.h"
#include "kernels/binding.h"
#include "kernels/check_util.h"
#include "kernels/definition.h"
#include "kernels/ref/oracle_heads_ref.h"
#include "kernels/registry.h"
#include "vk/context.h"
#include "vk/program.h"

EQVK_KERNEL_DEF(oracle_heads);

namespace eqvk::kernels {

void oracle_heads(KernelCache& cache, vk::Program& prog, const OracleHeadsArgs& a, BufferView x8,
                  BufferView head_w, BufferView q, BufferView value, BufferView count) {
    constexpr uint32_t WG = 64;
    const char* stem = a.dtype == Dtype::F16 ? "oracle_heads_f16" : "oracle_heads";
    const uint64_t total = uint64_t(a.world_base) + a.worlds;
    auto bx = bind_view(stem, "x8", x8, uint64_t(a.worlds) * 8 * a.E * dtype_bytes(a.dtype),
                        vk::Access::Read);
    auto bw = bind_view(stem, "head_w", head_w, 2 * (uint64_t(a.E) + 1) * 4, vk::Access::Read);
    auto bq = bind_view(stem, "q", q, total * 7 * 4, vk::Access::Write);
    auto bv = bind_view(stem, "value", value, total * 4, vk::Access::Write);
    auto bc = bind_view(stem, "count", count, 4, vk::Access::Read);
    OracleHeadsPush push{a.worlds, a.world_base, a.E};
    prog.dispatch(cache.get(eqvk_kernel_def_oracle_heads(), stem, {{0, WG}}), {bx, bw, bq, bv, bc},
                  push, {grid_groups(uint64_t(a.worlds) * 8, WG, cache.context().caps()), 1, 1},
                  fmt::format("oracle_heads {}x{} {}", a.worlds, a.E, dtype_name(a.dtype)));
}

CheckResult check_oracle_heads(vk::Context& ctx, KernelCache& cache, const OracleHeadsArgs& a,
                               uint32_t count, uint64_t seed) {
    const size_t total = size_t(a.world_base) + a.worlds;
    auto x8 = random_values(size_t(a.worlds) * 8 * a.E, seed, a.dtype);
    auto hw = random_values(2 * (size_t(a.E) + 1), seed + 1, Dtype::F32);
    std::vector<float> want_q(total * 7, NAN), want_v(total, NAN);
    oracle_heads_ref(a.worlds, a.world_base, count > a.world_base ? count - a.world_base : 0, a.E,
                     x8.data(), hw.data(), want_q.data(), want_v.data());
    vk::Buffer bx = upload_as(ctx, x8, a.dtype, "check.x8"),
               bw = upload_as(ctx, hw, Dtype::F32, "check.head_w");
    vk::Buffer bc = count_buffer(ctx, count);
    vk::Program prog(ctx, "check_oracle_heads");
    vk::Buffer bq = poisoned_buffer(ctx, prog, want_q.size(), Dtype::F32, "check.q");
    vk::Buffer bv = poisoned_buffer(ctx, prog, want_v.size(), Dtype::F32, "check.value");
    oracle_heads(cache, prog, a, bx, bw, bq, bv, bc);
    prog.run();
    auto [atol, rtol] = tolerance(Dtype::F32, a.E, 1.0);
    CheckResult r =
        compare_written(download_as(ctx, bq, want_q.size(), Dtype::F32), want_q, atol, rtol);
    if (!r.ok) return r;
    return compare_written(download_as(ctx, bv, want_v.size(), Dtype::F32), want_v, atol, rtol);
}

namespace {

// E of 1, 24, 256 and 1000, a world_base offset, a GPU-side world count below the capacity.
std::vector<CheckCase> oracle_heads_checks(const vk::Capabilities& caps) {
    struct Shape {
        uint32_t worlds, base, E, count;
    };
    const std::vector<Shape> shapes = {
        {1, 0, 1, 1}, {7, 3, 24, 8}, {33, 0, 256, 33}, {5, 0, 1000, 2}};
    std::vector<CheckCase> cases;
    for (const auto& [dt, stem] : dtype_stems(eqvk_kernel_def_oracle_heads(), caps))
        cases.push_back(check_over(
            stem, "-", dtype_name(dt), shapes,
            [dt = dt](vk::Context& ctx, KernelCache& cache, const Shape& s, uint64_t seed) {
                return check_oracle_heads(ctx, cache, {s.worlds, s.base, s.E, dt}, s.count, seed);
            },
            [](const Shape& s) {
                return fmt::format("{} worlds from {} E {} count {}", s.worlds, s.base, s.E,
                                   s.count);
            }));
    return cases;
}

}  // namespace
}  // namespace eqvk::kernels

EQVK_KERNEL_DEF(oracle_heads) {
    using namespace eqvk::kernels;
    using eqvk::vk::Access;
    static const KernelDef def{
        "oracle_heads",
        "oracle Q head (rows 1..7) and value head (row 0) on the 8 rows kept per world, fp32",
        {{"oracle_heads", nullptr}, {"oracle_heads_f16", has_16bit_storage}},
        {{"x8", Access::Read, "dtype [worlds][8][E]"},
         {"head_w", Access::Read, "f32 [2][E+1]"},
         {"q", Access::Write, "f32 [world_base+worlds][7]"},
         {"value", Access::Write, "f32 [world_base+worlds]"},
         {"count", Access::Read, "u32 [1] worlds"}},
        sizeof(OracleHeadsPush),
        "OracleHeadsPush",
        shaders::spirv,
        oracle_heads_checks};
    return def;
}
