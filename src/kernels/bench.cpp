// GEMM benchmark and device ceilings from GPU timestamps. Operands larger than one storage-buffer
// binding (maxStorageBufferRange: 128 MiB on lavapipe) are processed in row chunks with byte
// offsets, each chunk planned on its own, exactly as a caller would; a row's time is the sum of its
// chunks.
#include "kernels/bench.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <stdexcept>

#include "kernels/ceilings.h"
#include "kernels/gemm_rows.h"
#include "kernels/registry.h"
#include "util/half.h"
#include "vk/buffer.h"
#include "vk/context.h"
#include "vk/program.h"

namespace eqvk::kernels {
namespace {

double median(std::vector<double> v) {
    if (v.empty()) return 0.0;
    std::sort(v.begin(), v.end());
    size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/// Runs `prog` warmup + enough submits for `runs` samples; each submit's timings are grouped
/// `group` ops at a time (one GEMM = all ops of its chunks) and each group's sum is one sample in
/// ms.
std::vector<double> time_program(vk::Program& prog, uint32_t warmup, uint32_t runs, size_t group) {
    for (uint32_t i = 0; i < warmup; ++i) prog.run();
    std::vector<double> samples;
    while (samples.size() < runs) {
        prog.run();
        auto t = prog.timings();
        if (t.empty())
            throw std::runtime_error("bench: this device's compute queue has no timestamps");
        for (size_t i = 0; i + group <= t.size(); i += group) {
            double ms = 0.0;
            for (size_t j = 0; j < group; ++j) ms += t[i + j].ms;
            samples.push_back(ms);
        }
    }
    return samples;
}

void fill_random(vk::Context& ctx, vk::Buffer& b, size_t elems, Dtype dt, uint32_t seed) {
    uint32_t s = seed * 2654435761u + 1;
    auto next = [&] {
        s = s * 1664525u + 1013904223u;
        return float(s >> 8) * (2.0f / 16777216.0f) - 1.0f;
    };
    if (dt == Dtype::F16) {
        std::vector<uint16_t> h(elems);
        for (auto& x : h) x = f32_to_f16(next());
        ctx.upload(b, h.data(), elems * 2);
    } else {
        std::vector<float> f(elems);
        for (auto& x : f) x = next();
        ctx.upload(b, f.data(), elems * 4);
    }
}

size_t round_up(size_t x, size_t a) {
    return (x + a - 1) / a * a;
}

}  // namespace

Ceilings measure_ceilings(vk::Context& ctx, KernelCache& cache, uint32_t runs) {
    Ceilings c;
    auto dev = GemmDevice::from_caps(ctx.caps());
    {
        // FMA: enough workgroups for every compute unit many times over, loops long enough to
        // hide the launch.
        uint32_t groups = std::max(64u, dev.compute_units * 16);
        vk::Buffer out(ctx, size_t(groups) * 256 * 4, vk::MemoryKind::DeviceLocal, "bench.fma_out");
        uint32_t iters = 256;
        for (;;) {  // grow until one dispatch takes ≥ 20 ms
            vk::Program p(ctx, "bench_fma_probe", {.timestamps = true});
            bench_fma(cache, p, out, groups, iters);
            p.run();
            double ms = p.timings().at(0).ms;
            if (ms >= 20.0 || iters >= (1u << 24)) break;
            iters *= std::max(2u, std::min(16u, static_cast<uint32_t>(20.0 / std::max(ms, 0.01))));
        }
        vk::Program p(ctx, "bench_fma", {.timestamps = true});
        double flop = bench_fma(cache, p, out, groups, iters);
        c.fma_gflops = flop / (median(time_program(p, 1, runs, 1)) * 1e6);
    }
    {  // Copy: 32 MiB each way, or less where the binding range is smaller.
        size_t bytes =
            std::min<size_t>(size_t(32) << 20, ctx.caps().max_storage_buffer_range) & ~size_t(15);
        vk::Buffer src(ctx, bytes, vk::MemoryKind::DeviceLocal, "bench.copy_src");
        vk::Buffer dst(ctx, bytes, vk::MemoryKind::DeviceLocal, "bench.copy_dst");
        vk::Program p(ctx, "bench_copy", {.timestamps = true});
        double moved = bench_copy(cache, p, src, dst, bytes);
        c.copy_gbs = moved / (median(time_program(p, 1, runs, 1)) * 1e6);
    }
    return c;
}

std::vector<GemmBenchShape> oracle_suite(uint32_t max_m) {
    std::vector<GemmBenchShape> s;
    const std::pair<uint32_t, uint32_t> nk[] = {
        {256, 357}, {768, 256}, {256, 256}, {512, 256}, {256, 512}};
    for (uint32_t worlds = 1; worlds <= 65536; worlds *= 4) {
        uint32_t M = 32 * worlds;
        if (max_m && M > max_m) break;
        for (auto [n, k] : nk) s.push_back({M, n, k});
    }
    return s;
}

std::vector<GemmBenchRow> bench_gemm_shape(
    vk::Context& ctx, KernelCache& cache, const GemmBenchShape& shape, const GemmBenchOptions& o,
    const std::function<void(const GemmBenchRow&)>& progress) {
    const uint32_t M = shape.M, N = shape.N, K = shape.K;
    const size_t eb = dtype_bytes(o.dtype);
    const auto& caps = ctx.caps();
    auto dev = GemmDevice::from_caps(caps);
    const std::string env_forced = dev.forced;
    dev.forced.clear();

    // Step 1. Row chunks so that every binding (A rows, C rows, split-K partials) fits the device's
    // range.
    const uint64_t range = caps.max_storage_buffer_range;
    const size_t align = std::max<size_t>(caps.min_storage_buffer_offset_alignment, 4);
    uint64_t row_bytes =
        uint64_t(std::max(K, N)) * std::max<size_t>(eb, 4) * 16;  // ×16: room for split-K
    uint32_t chunk_m =
        static_cast<uint32_t>(std::min<uint64_t>(M, std::max<uint64_t>(128, range / row_bytes)));
    if (chunk_m < M) chunk_m = chunk_m / 128 * 128;
    const uint32_t chunks = (M + chunk_m - 1) / chunk_m;
    if (uint64_t(N) * K * eb > range) throw std::invalid_argument("bench: W exceeds one binding");

    // Step 2. Buffers: `rotations` input sets, one shared C (and workspace) so GEMMs serialise.
    std::vector<vk::Buffer> as, ws;
    for (uint32_t r = 0; r < o.rotations; ++r) {
        as.emplace_back(ctx, round_up(size_t(M) * K * eb, 4), vk::MemoryKind::DeviceLocal,
                        fmt::format("bench.a{}", r));
        ws.emplace_back(ctx, round_up(size_t(N) * K * eb, 4), vk::MemoryKind::DeviceLocal,
                        fmt::format("bench.w{}", r));
        fill_random(ctx, as.back(), size_t(M) * K, o.dtype, 3 * r + 1);
        fill_random(ctx, ws.back(), size_t(N) * K, o.dtype, 3 * r + 2);
    }
    vk::Buffer bias(ctx, round_up(size_t(N) * eb, 4), vk::MemoryKind::DeviceLocal, "bench.bias");
    fill_random(ctx, bias, N, o.dtype, 99);
    vk::Buffer c(ctx, round_up(size_t(M) * N * eb, 4), vk::MemoryKind::DeviceLocal, "bench.c");

    // Step 3. The configurations: every usable tile unsplit, plus the automatic choice if it
    // differs.
    std::vector<std::string> configs;
    if (!o.configs.empty()) {
        configs = o.configs;
    } else if (o.all_configs) {
        for (const auto& t : dev.tiles) configs.emplace_back(t.name);
        if (gemm_rows_usable(dev, K))
            for (const auto& t : gemm_rows_table()) configs.emplace_back(t.name);
    }
    std::string auto_name =
        env_forced.empty() ? plan_gemm(dev, chunk_m, N, K, o.dtype).choice.name() : env_forced;
    if (std::find(configs.begin(), configs.end(), auto_name) == configs.end())
        configs.push_back(auto_name);

    // Step 4. One Program per configuration (each GEMM = all ops of its chunks), then timed submits
    // taken round-robin across configurations, so background load on the machine hits every
    // configuration alike.
    struct Candidate {
        std::unique_ptr<vk::Buffer> workspace;
        std::unique_ptr<vk::Program> prog;
        size_t ops_per_gemm = 0;
        std::vector<double> samples;
    };
    std::vector<Candidate> cands(configs.size());
    for (size_t i = 0; i < configs.size(); ++i) {
        std::vector<GemmPlan> plans;
        size_t ws_bytes = 4;
        for (uint32_t ch = 0; ch < chunks; ++ch) {
            uint32_t m = std::min(chunk_m, M - ch * chunk_m);
            plans.push_back(plan_gemm(dev, m, N, K, o.dtype, {true, false, false}, configs[i]));
            ws_bytes = std::max(ws_bytes, plans.back().workspace_bytes());
        }
        if (chunks > 1 &&
            ((size_t(chunk_m) * K * eb) % align || (size_t(chunk_m) * N * eb) % align))
            throw std::invalid_argument("bench: chunk offsets are not aligned");
        Candidate& cd = cands[i];
        cd.workspace = std::make_unique<vk::Buffer>(ctx, ws_bytes, vk::MemoryKind::DeviceLocal,
                                                    "bench.workspace");
        cd.prog = std::make_unique<vk::Program>(ctx, "bench_gemm " + configs[i],
                                                vk::ProgramOptions{.timestamps = true});
        for (uint32_t r = 0; r < o.rotations; ++r) {
            size_t before = cd.prog->size();
            for (uint32_t ch = 0; ch < chunks; ++ch) {
                size_t row0 = size_t(ch) * chunk_m;
                gemm(cache, *cd.prog, plans[ch], BufferView(as[r], row0 * K * eb),
                     BufferView(ws[r]), BufferView(bias), {}, BufferView(c, row0 * N * eb),
                     BufferView(*cd.workspace));
            }
            cd.ops_per_gemm = cd.prog->size() - before;
        }
        for (uint32_t w = 0; w < o.warmup; ++w) cd.prog->run();
    }
    for (bool more = true; more;) {
        more = false;
        for (auto& cd : cands) {
            if (cd.samples.size() >= o.runs) continue;
            auto s = time_program(*cd.prog, 0, 1, cd.ops_per_gemm);
            cd.samples.insert(cd.samples.end(), s.begin(), s.end());
            more = more || cd.samples.size() < o.runs;
        }
    }

    std::vector<GemmBenchRow> rows;
    for (size_t i = 0; i < configs.size(); ++i) {
        GemmBenchRow row;
        row.shape = shape;
        row.config = configs[i];
        row.chunks = chunks;
        row.median_ms = median(cands[i].samples);
        row.gflops = 2.0 * M * N * K / (row.median_ms * 1e6);
        if (progress) progress(row);
        rows.push_back(row);
        if (configs[i] == auto_name) {
            GemmBenchRow a = row;
            a.is_auto = true;
            if (progress) progress(a);
            rows.push_back(a);
        }
    }
    return rows;
}

std::string kernel_of_label(const std::string& label) {
    return label.substr(0, label.find(' '));
}

}  // namespace eqvk::kernels
