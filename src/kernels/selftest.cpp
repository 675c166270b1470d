// Selftest: for each registry row, the checks that prove it on this device. GEMM runs a small shape
// set per configuration (M = 1, odd, multi-tile; every epilogue across the set), batched GEMM its
// attention layouts, the ceiling shaders a copy / finiteness check.
#include "kernels/selftest.h"

#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <string_view>
#include <utility>

#include "kernels/ceilings.h"
#include "kernels/check.h"
#include "kernels/gemm.h"
#include "kernels/gemm_rows.h"
#include "kernels/registry.h"
#include "vk/buffer.h"
#include "vk/context.h"
#include "vk/program.h"

namespace eqvk::kernels {
namespace {

struct Shape {
    uint32_t M, N, K;
    Epilogue epi;
};
const Shape GEMM_SHAPES[] = {
    {1, 64, 100, {true, false, false}},   {7, 3, 357, {false, true, false}},
    {33, 257, 256, {true, true, true}},   {130, 100, 64, {false, false, true}},
    {300, 256, 512, {true, true, false}},
};

SelftestLine gemm_line(vk::Context& ctx, KernelCache& cache, const GemmDevice& dev, Dtype dt,
                       const std::string& cfg, std::string_view stem) {
    SelftestLine line{std::string(stem), cfg.empty() ? "auto" : cfg, dtype_name(dt), true, 0.0, ""};
    uint64_t seed = 7;
    for (const auto& s : GEMM_SHAPES) {
        auto plan = plan_gemm(dev, s.M, s.N, s.K, dt, s.epi, cfg);
        CheckResult r = check_gemm(ctx, cache, plan, seed++);
        line.max_err = std::max(line.max_err, r.max_err);
        if (!r.ok && line.ok) {
            line.ok = false;
            line.detail = fmt::format("{}x{}x{} {} ({}): {}", s.M, s.N, s.K, s.epi.name(),
                                      plan.choice.name(), r.summary());
        }
    }
    if (line.ok) line.detail = fmt::format("{} shapes", std::size(GEMM_SHAPES));
    return line;
}

SelftestLine batched_line(vk::Context& ctx, KernelCache& cache, const GemmDevice& dev, Dtype dt) {
    SelftestLine line{
        dt == Dtype::F16 ? "gemm_f16" : "gemm", "batched", dtype_name(dt), true, 0.0, ""};
    uint64_t seed = 70;
    int n = 0;
    for (bool ta : {false, true})
        for (bool tb : {false, true}) {
            BatchedGemmDesc d{12, 33, 32, 16, ta, tb};
            d.alpha = 0.25f;
            d.dtype = dt;
            CheckResult r = check_gemm_batched(ctx, cache, plan_gemm_batched(dev, d), seed++);
            ++n;
            line.max_err = std::max(line.max_err, r.max_err);
            if (!r.ok && line.ok) {
                line.ok = false;
                line.detail = fmt::format("trans_a={} trans_b={}: {}", ta, tb, r.summary());
            }
        }
    if (line.ok) line.detail = fmt::format("{} layouts, 12 batches of 33x32x16", n);
    return line;
}

SelftestLine ceilings_line(vk::Context& ctx, KernelCache& cache, const char* stem) {
    SelftestLine line{stem, "-", "fp32", true, 0.0, ""};
    const size_t bytes = 1 << 16;
    std::vector<float> src(bytes / 4), got(bytes / 4);
    for (size_t i = 0; i < src.size(); ++i) src[i] = float(i) - 3.5f;
    vk::Buffer s(ctx, bytes, vk::MemoryKind::DeviceLocal, "selftest.src");
    vk::Buffer d(ctx, bytes, vk::MemoryKind::DeviceLocal, "selftest.dst");
    ctx.upload(s, src.data(), bytes);
    vk::Program prog(ctx, std::string("selftest ") + stem);
    prog.fill(d, 0x7FC00000u);
    if (std::strcmp(stem, "bench_copy") == 0)
        bench_copy(cache, prog, s, d, bytes);
    else
        bench_fma(cache, prog, d, static_cast<uint32_t>(bytes / 4 / 256), 16);
    prog.run();
    ctx.download(d, got.data(), bytes);
    for (size_t i = 0; i < got.size(); ++i) {
        bool good = std::strcmp(stem, "bench_copy") == 0 ? got[i] == src[i] : std::isfinite(got[i]);
        if (!good) {
            line.ok = false;
            line.max_err = INFINITY;
            line.detail = fmt::format("element {} is {}", i, got[i]);
            break;
        }
    }
    if (line.ok) line.detail = "exact";
    return line;
}

// E[Q] reduction and move choice over a few awkward (games, worlds) shapes.
SelftestLine eq_line(vk::Context& ctx, KernelCache& cache, std::string_view stem) {
    SelftestLine line{std::string(stem), "-", "fp32", true, 0.0, ""};
    const std::pair<uint32_t, uint32_t> shapes[] = {{1, 1}, {3, 7}, {37, 50}, {5, 1024}};
    for (auto [g, m] : shapes) {
        CheckResult r = stem == "eq_reduce"
                            ? check_eq_reduce(ctx, cache, g, m, m / 3 + 1, g * 31 + m)
                            : check_choose_move(ctx, cache, g * m % 300 + 1, m % 2, g + m);
        line.max_err = std::max(line.max_err, r.max_err);
        if (!r.ok && line.ok) {
            line.ok = false;
            line.detail = fmt::format("G={} M={}: {}", g, m, r.summary());
        }
    }
    if (line.ok) line.detail = fmt::format("{} shapes", std::size(shapes));
    return line;
}

/// One line for an oracle kernel (embed_gather, layer_norm, attention, oracle_heads, either dtype):
/// a few awkward shapes, each with a GPU-side world count below the capacity.
SelftestLine oracle_line(vk::Context& ctx, KernelCache& cache, std::string_view stem) {
    const bool f16 = stem.size() > 4 && stem.substr(stem.size() - 4) == "_f16";
    const Dtype dt = f16 ? Dtype::F16 : Dtype::F32;
    const std::string_view base = f16 ? stem.substr(0, stem.size() - 4) : stem;
    SelftestLine line{std::string(stem), "-", dtype_name(dt), true, 0.0, ""};
    std::vector<std::pair<std::string, CheckResult>> results;
    if (base == "embed_gather") {
        results.emplace_back("5x32x85", check_embed_gather(ctx, cache, dt, 5, 85, 4, 1));
        results.emplace_back("3x32x357", check_embed_gather(ctx, cache, dt, 3, 357, 3, 2));
    } else if (base == "layer_norm") {
        results.emplace_back("96x24",
                             check_layer_norm(ctx, cache, {96, 24, 32, 0, 1e-5f, true, dt}, 2, 3));
        results.emplace_back("64x256/8",
                             check_layer_norm(ctx, cache, {64, 256, 8, 0, 1e-5f, true, dt}, 8, 4));
    } else if (base == "attention") {
        for (bool last : {false, true}) {
            results.emplace_back(last ? "E256 H8 last" : "E256 H8",
                                 check_attention(ctx, cache, {5, 256, 8, 0, last, dt}, 4, 5));
            results.emplace_back(last ? "E160 H1 last" : "E160 H1",
                                 check_attention(ctx, cache, {2, 160, 1, 1, last, dt}, 3, 6));
        }
    } else {
        results.emplace_back("E256", check_oracle_heads(ctx, cache, {9, 0, 256, dt}, 7, 7));
        results.emplace_back("E24", check_oracle_heads(ctx, cache, {3, 2, 24, dt}, 5, 8));
    }
    for (const auto& [what, r] : results) {
        line.max_err = std::max(line.max_err, r.max_err);
        if (!r.ok && line.ok) {
            line.ok = false;
            line.detail = fmt::format("{}: {}", what, r.summary());
        }
    }
    if (line.ok) line.detail = fmt::format("{} shapes", results.size());
    return line;
}

}  // namespace

std::vector<SelftestLine> run_selftest(vk::Context& ctx,
                                       const std::function<void(const SelftestLine&)>& on_line) {
    std::vector<SelftestLine> lines;
    auto emit = [&](SelftestLine l) {
        if (on_line) on_line(l);
        lines.push_back(std::move(l));
    };
    KernelCache cache(ctx);
    auto dev = GemmDevice::from_caps(ctx.caps());
    dev.forced.clear();
    for (const auto& k : kernel_registry()) {
        if (!kernel_supported(k.stem, ctx.caps())) {
            emit({std::string(k.stem), "-", "-", true, 0.0,
                  "skipped: not supported on this device"});
            continue;
        }
        // eq::run_selftest covers the kernels whose references need the game (src/eq).
        if (k.stem.substr(0, 3) == "eq_" && k.stem != "eq_reduce") continue;
        if (k.stem == "gemm" || k.stem == "gemm_f16") {
            Dtype dt = k.stem == "gemm" ? Dtype::F32 : Dtype::F16;
            emit(gemm_line(ctx, cache, dev, dt, "", k.stem));
            for (const auto& t : dev.tiles)
                emit(gemm_line(ctx, cache, dev, dt, std::string(t.name), k.stem));
            emit(gemm_line(ctx, cache, dev, dt, "medium/sk4", k.stem));
            emit(batched_line(ctx, cache, dev, dt));
        } else if (k.stem == "gemm_rows" || k.stem == "gemm_rows_f16") {
            Dtype dt = k.stem == "gemm_rows" ? Dtype::F32 : Dtype::F16;
            for (const auto& t : gemm_rows_table())
                emit(gemm_line(ctx, cache, dev, dt, std::string(t.name), k.stem));
        } else if (k.stem == "gemm_nv_coopmat") {
            emit(gemm_line(ctx, cache, dev, Dtype::F16, "nv_coopmat", k.stem));
        } else if (k.stem.starts_with("embed_gather") || k.stem.starts_with("layer_norm") ||
                   k.stem.starts_with("attention") || k.stem.starts_with("oracle_heads")) {
            emit(oracle_line(ctx, cache, k.stem));
        } else if (k.stem == "bench_fma" || k.stem == "bench_copy") {
            emit(ceilings_line(ctx, cache, k.stem.data()));
        } else if (k.stem == "eq_reduce" || k.stem == "choose_move") {  // game-free references
            emit(eq_line(ctx, cache, k.stem));
        } else {
            emit({std::string(k.stem), "-", "-", false, 0.0,
                  "no selftest registered for this kernel"});
        }
    }
    return lines;
}

}  // namespace eqvk::kernels
