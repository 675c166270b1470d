// Projected-embedding sum wrapper (size checks, push constants, grid-stride grid, one dispatch),
// its check against embed_sum_ref and its definition.
#include "kernels/embed_sum.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "eqvk_kernel_shaders_spirv.h"
#include "kernels/binding.h"
#include "kernels/check_util.h"
#include "kernels/definition.h"
#include "kernels/ref/embed_sum_ref.h"
#include "kernels/registry.h"
#include "vk/buffer.h"
#include "vk/capabilities.h"
#include "vk/context.h"
#include "vk/program.h"

EQVK_KERNEL_DEF(embed_sum);

namespace eqvk::kernels {

EmbedTableLayout embed_table_layout(const vk::Capabilities& caps, uint32_t rows, uint32_t E) {
    if (rows == 0 || E == 0)
        throw std::invalid_argument(fmt::format("embed_sum: empty table {}x{}", rows, E));
    const uint64_t range = std::min<uint64_t>(caps.max_uniform_buffer_range, 65536);
    const uint64_t fit = range / (uint64_t(rows) * 4);  // columns of every row in one binding
    if (fit < std::min<uint64_t>(E, 4))
        throw std::invalid_argument(fmt::format(
            "embed_sum: {} table rows do not fit a {}-byte uniform binding", rows, range));
    EmbedTableLayout l{rows, E, E <= fit ? E : static_cast<uint32_t>(fit / 4 * 4), {}, 0};
    const uint64_t align = std::max<uint64_t>(caps.min_uniform_buffer_offset_alignment, 16);
    for (uint32_t e0 = 0, b = 0; e0 < E; e0 += l.block_cols, ++b) {
        l.offsets.push_back(l.bytes);
        l.bytes += (uint64_t(rows) * l.width(b) * 4 + align - 1) / align * align;
    }
    return l;
}

std::vector<float> pack_embed_table(const EmbedTableLayout& l, const std::vector<float>& table) {
    if (table.size() != size_t(l.rows) * l.E)
        throw std::invalid_argument(
            fmt::format("pack_embed_table: {} values for {}x{}", table.size(), l.rows, l.E));
    std::vector<float> packed(l.bytes / 4, 0.0f);
    for (size_t b = 0; b < l.offsets.size(); ++b) {
        const uint32_t w = l.width(b), e0 = uint32_t(b) * l.block_cols;
        for (uint32_t r = 0; r < l.rows; ++r)
            for (uint32_t e = 0; e < w; ++e)
                packed[l.offsets[b] / 4 + size_t(r) * w + e] = table[size_t(r) * l.E + e0 + e];
    }
    return packed;
}

void embed_sum(KernelCache& cache, vk::Program& prog, const EmbedSumArgs& args,
               const EmbedTableCols& cols, const EmbedTableLayout& layout, BufferView tokens,
               BufferView table, BufferView out, BufferView count) {
    constexpr uint32_t WG = 64;
    const char* stem = args.dtype == Dtype::F16 ? "embed_sum_f16" : "embed_sum";
    if (args.worlds == 0 || args.E == 0 || args.E != layout.E)
        throw std::invalid_argument(fmt::format("{}: shape worlds={} E={} for a table of E={}",
                                                stem, args.worlds, args.E, layout.E));
    for (const EmbedTableCol& c : cols)
        if (c.rows == 0 || uint64_t(c.first) + c.rows > layout.rows)
            throw std::invalid_argument(
                fmt::format("{}: column rows {}..+{} outside the table's {}", stem, c.first, c.rows,
                            layout.rows));
    const auto& caps = cache.context().caps();
    require_uniform_offset(stem, "table", table, caps);
    const uint64_t worlds_total = uint64_t(args.world_base) + args.worlds;
    const uint64_t n = uint64_t(args.worlds) * 32 * args.E;
    auto bt = bind_view(stem, "tokens", tokens, worlds_total * 32 * 12, vk::Access::Read);
    auto btab = bind_view(stem, "table", table, layout.bytes, vk::Access::Read);
    auto bo = bind_view(stem, "out", out, n * dtype_bytes(args.dtype), vk::Access::Write);
    auto bc = bind_view(stem, "count", count, 4, vk::Access::Read);
    for (size_t b = 0; b < layout.offsets.size(); ++b) {
        const uint32_t e0 = uint32_t(b) * layout.block_cols, width = layout.width(b);
        vk::Binding block = btab;  // this block's rows, rounded up to 16 bytes (inside the buffer)
        block.offset += layout.offsets[b];
        block.bytes = (uint64_t(layout.rows) * width * 4 + 15) / 16 * 16;
        EmbedSumPush push{args.worlds, args.world_base, args.E, e0, width, 0, cols};
        const uint32_t vec = width % 4 == 0 && e0 % 4 == 0 && args.E % 4 == 0 ? 4 : 1;
        prog.dispatch(cache.get(eqvk_kernel_def_embed_sum(), stem, {{0, WG}, {1, vec}}),
                      {bt, block, bo, bc}, push,
                      {grid_groups(uint64_t(args.worlds) * 32, WG, caps), 1, 1},
                      fmt::format("embed_sum {}x32x{} {} cols {}..{}", args.worlds, args.E,
                                  dtype_name(args.dtype), e0, e0 + width));
    }
}

CheckResult check_embed_sum(vk::Context& ctx, KernelCache& cache, Dtype dt, uint32_t worlds,
                            uint32_t E, uint32_t count, uint64_t seed) {
    auto r = random_values(size_t(worlds) * 32 * 12 + 12, seed + 1, Dtype::F32);
    std::vector<int8_t> tokens(size_t(worlds) * 32 * 12);
    for (size_t i = 0; i < tokens.size(); ++i) tokens[i] = int8_t((r[i] + 1.0f) * 8.0f);  // 0..15
    EmbedTableCols cols;
    uint32_t rows = 0;
    for (uint32_t c = 0; c < 12; ++c) {  // 1..10 rows each, so some token values clamp
        cols[c] = {rows, 1 + uint32_t((r[tokens.size() + c] + 1.0f) * 4.5f)};
        rows += cols[c].rows;
    }
    auto table = random_values(size_t(rows) * E, seed, Dtype::F32);
    const EmbedTableLayout layout = embed_table_layout(ctx.caps(), rows, E);
    std::vector<float> want(size_t(worlds) * 32 * E, NAN);
    embed_sum_ref(worlds, 0, count, E, cols, tokens.data(), table.data(), want.data());
    if (dt == Dtype::F16)
        for (float& v : want) v = std::isnan(v) ? v : f16_round(v);
    vk::Buffer bt = upload_raw(ctx, tokens, "check.tokens");
    vk::Buffer btab = upload_as(ctx, pack_embed_table(layout, table), Dtype::F32, "check.table"),
               bc = count_buffer(ctx, count);
    vk::Program prog(ctx, "check_embed_sum");
    vk::Buffer bo = poisoned_buffer(ctx, prog, want.size(), dt, "check.out");
    embed_sum(cache, prog, {worlds, 0, E, dt}, cols, layout, bt, btab, bo, bc);
    prog.run();
    // The shader sums in the reference's order in fp32: equal up to the storage rounding.
    return compare_written(download_as(ctx, bo, want.size(), dt), want, 1e-6, storage_rtol(dt));
}

namespace {

// Odd world counts, E of 1, 6 (scalar path), 64 and 256 (the oracle's sizes, 4-vectors) and 1,000
// (several blocks of the table: up to 10 × 12 rows), token values past a table's rows (clamped), a
// GPU-side count below the capacity (0 included).
std::vector<CheckCase> embed_sum_checks(const vk::Capabilities& caps) {
    struct Shape {
        uint32_t worlds, E, count;
    };
    const std::vector<Shape> shapes = {{1, 1, 1},   {3, 64, 3}, {7, 256, 5},
                                       {33, 6, 33}, {5, 12, 0}, {2, 1000, 2}};
    std::vector<CheckCase> cases;
    for (const auto& [dt, stem] : dtype_stems(eqvk_kernel_def_embed_sum(), caps))
        cases.push_back(check_over(
            stem, "-", dtype_name(dt), shapes,
            [dt = dt](vk::Context& ctx, KernelCache& cache, const Shape& s, uint64_t seed) {
                return check_embed_sum(ctx, cache, dt, s.worlds, s.E, s.count, seed);
            },
            [](const Shape& s) {
                return fmt::format("{}x32x{} count {}", s.worlds, s.E, s.count);
            }));
    return cases;
}

}  // namespace
}  // namespace eqvk::kernels

EQVK_KERNEL_DEF(embed_sum) {
    using namespace eqvk::kernels;
    using eqvk::vk::Access;
    static const KernelDef def{
        "embed_sum",
        "oracle token embedding with input_proj folded in: per token, the sum of one row of each "
        "of "
        "the 12 projected tables",
        {{"embed_sum", nullptr}, {"embed_sum_f16", has_16bit_storage}},
        {{"tokens", Access::Read, "i8 [worlds][32][12] (as u32)"},
         {"table", Access::Read, "f32 [sum rows][block width] (one block of the table)", true},
         {"out", Access::Write, "dtype [worlds][32][E]"},
         {"count", Access::Read, "u32 [1] worlds"}},
        sizeof(EmbedSumPush),
        "EmbedSumPush",
        shaders::spirv,
        embed_sum_checks};
    return def;
}
