// Embedding gather wrapper (size checks, push constants, grid-stride grid, one dispatch), its
// check against embed_gather_ref and its definition.
#include "kernels/embed_gather.h"

#include <fmt/format.h>

#include "eqvk_kernel_shaders_spirv.h"
#include "kernels/binding.h"
#include "kernels/check_util.h"
#include "kernels/definition.h"
#include "kernels/ref/embed_gather_ref.h"
#include "kernels/registry.h"
#include "vk/buffer.h"
#include "vk/context.h"
#include "vk/program.h"

EQVK_KERNEL_DEF(embed_gather);

namespace eqvk::kernels {

void embed_gather(KernelCache& cache, vk::Program& prog, const EmbedGatherArgs& args, uint32_t d_in,
                  BufferView tokens, BufferView tables, BufferView info, BufferView out,
                  BufferView count) {
    constexpr uint32_t WG = 256;
    const char* stem = args.dtype == Dtype::F16 ? "embed_gather_f16" : "embed_gather";
    uint64_t worlds_total = uint64_t(args.world_base) + args.worlds;
    uint64_t n = uint64_t(args.worlds) * 32 * d_in;
    auto bt = bind_view(stem, "tokens", tokens, worlds_total * 32 * 12, vk::Access::Read);
    auto bi = bind_view(stem, "info", info, uint64_t(d_in) * sizeof(EmbedColumn), vk::Access::Read);
    auto bo = bind_view(stem, "out", out, n * dtype_bytes(args.dtype), vk::Access::Write);
    auto bc = bind_view(stem, "count", count, 4, vk::Access::Read);
    // The tables' extent is data-dependent (info); bind the whole view.
    auto btab = bind_view(stem, "tables", tables,
                          tables ? tables.buffer->size() - tables.offset : 0, vk::Access::Read);
    EmbedGatherPush push{args.worlds, args.world_base, d_in};
    const auto& caps = cache.context().caps();
    prog.dispatch(
        cache.get(eqvk_kernel_def_embed_gather(), stem, {{0, WG}}), {bt, btab, bi, bo, bc}, push,
        {grid_groups(n, WG, caps), 1, 1},
        fmt::format("embed_gather {}x32x{} {}", args.worlds, d_in, dtype_name(args.dtype)));
}

CheckResult check_embed_gather(vk::Context& ctx, KernelCache& cache, Dtype dt, uint32_t worlds,
                               uint32_t d_in, uint32_t count, uint64_t seed) {
    auto tables = random_values(1000, seed, Dtype::F32);
    auto r = random_values(size_t(worlds) * 32 * 12 + 4 * d_in, seed + 1, Dtype::F32);
    std::vector<int8_t> tokens(size_t(worlds) * 32 * 12);
    for (size_t i = 0; i < tokens.size(); ++i) tokens[i] = int8_t((r[i] + 1.0f) * 8.0f);  // 0..15
    std::vector<EmbedColumn> info(d_in);
    for (uint32_t j = 0; j < d_in; ++j) {
        auto u = [&](int k, uint32_t n) {
            return uint32_t((r[tokens.size() + 4 * j + k] + 1) * 0.5f * n);
        };
        info[j] = {j % 12, u(0, 100), 1 + u(1, 5), 1 + u(2, 10)};
    }
    std::vector<float> want(size_t(worlds) * 32 * d_in, NAN);
    embed_gather_ref(worlds, 0, count, d_in, tokens.data(), tables.data(), info.data(),
                     want.data());
    if (dt == Dtype::F16)
        for (float& v : want) v = std::isnan(v) ? v : f16_round(v);
    vk::Buffer bt = upload_raw(ctx, tokens, "check.tokens"),
               bi = upload_raw(ctx, info, "check.info");
    vk::Buffer btab = upload_as(ctx, tables, Dtype::F32, "check.tables"),
               bc = count_buffer(ctx, count);
    vk::Program prog(ctx, "check_embed_gather");
    vk::Buffer bo = poisoned_buffer(ctx, prog, want.size(), dt, "check.out");
    embed_gather(cache, prog, {worlds, 0, dt}, d_in, bt, btab, bi, bo, bc);
    prog.run();
    return compare_written(download_as(ctx, bo, want.size(), dt), want, 0.0, storage_rtol(dt));
}

namespace {

// Odd world counts, D_in of 1, 85 and 357 (the oracle's sizes), out-of-range token values clamped,
// a GPU-side count below the capacity (0 included).
std::vector<CheckCase> embed_gather_checks(const vk::Capabilities& caps) {
    struct Shape {
        uint32_t worlds, d_in, count;
    };
    const std::vector<Shape> shapes = {
        {1, 1, 1}, {3, 85, 3}, {7, 357, 5}, {33, 175, 33}, {5, 13, 0}};
    std::vector<CheckCase> cases;
    for (const auto& [dt, stem] : dtype_stems(eqvk_kernel_def_embed_gather(), caps))
        cases.push_back(check_over(
            stem, "-", dtype_name(dt), shapes,
            [dt = dt](vk::Context& ctx, KernelCache& cache, const Shape& s, uint64_t seed) {
                return check_embed_gather(ctx, cache, dt, s.worlds, s.d_in, s.count, seed);
            },
            [](const Shape& s) {
                return fmt::format("{}x32x{} count {}", s.worlds, s.d_in, s.count);
            }));
    return cases;
}

}  // namespace
}  // namespace eqvk::kernels

EQVK_KERNEL_DEF(embed_gather) {
    using namespace eqvk::kernels;
    using eqvk::vk::Access;
    static const KernelDef def{
        "embed_gather",
        "oracle embedding gather: 12 tables concatenated per token, the input_proj GEMM's A",
        {{"embed_gather", nullptr}, {"embed_gather_f16", has_16bit_storage}},
        {{"tokens", Access::Read, "i8 [worlds][32][12] (as u32)"},
         {"tables", Access::Read, "f32 [sum rows*width]"},
         {"info", Access::Read, "EmbedColumn [D_in] (u32 x4)"},
         {"out", Access::Write, "dtype [worlds][32][D_in]"},
         {"count", Access::Read, "u32 [1] worlds"}},
        sizeof(EmbedGatherPush),
        "EmbedGatherPush",
        shaders::spirv,
        embed_gather_checks};
    return def;
}
