// `eqvk bench oracle [--model F] [--batch B] [--dtype fp32|fp16] [--runs N] [--json]`: the GPU
// oracle forward at one batch: worlds/s and GFLOP/s from GPU timestamps (FLOPs of the forward as
// computed), % of the measured FMA ceiling, and the GPU-time split per kernel. Random 256/8/6/512
// weights without --model. tools/bench_oracle_torch.py runs the same forward in PyTorch.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/numbers.h"
#include "kernels/bench.h"
#include "kernels/registry.h"
#include "model/forward.h"
#include "util/timer.h"
#include "vk/capabilities.h"
#include "vk/context.h"

namespace eqvk::cli {
namespace {

struct BenchOracleOptions {
    std::string model, dtype = "fp32";
    uint32_t batch = 0;  // 0: 4096, or 256 on CPU devices
    uint32_t runs = 5;
    bool json = false;
};

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
}

int run_bench_oracle(const GlobalOptions& global, const BenchOracleOptions& o) {
    const model::Weights w =
        o.model.empty() ? model::random_weights({256, 8, 6, 512}, 1) : model::load_weights(o.model);
    vk::ContextOptions opt;
    opt.device = global.device;
    vk::Context ctx(opt);
    const auto& caps = ctx.caps();
    const uint32_t batch = o.batch                                    ? o.batch
                           : caps.type == VK_PHYSICAL_DEVICE_TYPE_CPU ? 256u
                                                                      : 4096u;
    const auto dt = o.dtype == "fp16" ? kernels::Dtype::F16 : kernels::Dtype::F32;
    kernels::KernelCache cache(ctx);
    const auto ceil = kernels::measure_ceilings(ctx, cache);
    model::GpuWeights gw(ctx, w, dt);
    vk::ProgramOptions po;
    po.timestamps = true;
    model::GpuForward fwd(ctx, cache, gw, batch, po);
    const model::InputBatch in = model::random_inputs(batch, 42);

    // Warm-up, then `runs` timed forwards; per-kernel times are medians over the runs.
    fwd.run(in.view());
    std::vector<double> totals, walls;
    std::map<std::string, std::vector<double>> per_kernel;
    for (uint32_t r = 0; r < std::max(o.runs, 1u); ++r) {
        Timer t;
        fwd.run(in.view());
        walls.push_back(t.seconds() * 1e3);
        double total = 0.0;
        std::map<std::string, double> sums;
        for (const auto& op : fwd.program().timings()) {
            sums[kernels::kernel_of_label(op.label)] += op.ms;
            total += op.ms;
        }
        for (const auto& [k, ms] : sums) per_kernel[k].push_back(ms);
        totals.push_back(total);
    }
    const double gpu_ms = median(totals), wall_ms = median(walls);
    const double flops = model::forward_flops(w.config, batch);
    const double gflops = flops / (gpu_ms * 1e6), pct = 100.0 * gflops / ceil.fma_gflops;
    const double worlds_s = batch / (gpu_ms * 1e-3);
    double gemm_attn = 0.0;
    nlohmann::json split = nlohmann::json::object();
    for (const auto& [k, v] : per_kernel) {
        split[k] = median(v);
        if (k == "gemm" || k == "attention") gemm_attn += median(v);
    }
    const auto& c = w.config;
    if (o.json) {
        nlohmann::json out = {{"device", caps.name},
                              {"driver", caps.driver_info},
                              {"model", o.model.empty() ? "random 256/8/6/512" : o.model},
                              {"E", c.embed_dim},
                              {"H", c.n_heads},
                              {"L", c.n_layers},
                              {"F", c.ff_dim},
                              {"dtype", o.dtype},
                              {"batch", batch},
                              {"slice_worlds", fwd.slice_worlds()},
                              {"runs", o.runs},
                              {"gpu_ms", gpu_ms},
                              {"wall_ms", wall_ms},
                              {"worlds_per_s", worlds_s},
                              {"gflop_per_world", flops / batch / 1e9},
                              {"gflops", gflops},
                              {"fma_ceiling_gflops", ceil.fma_gflops},
                              {"pct_fma_ceiling", pct},
                              {"gemm_attention_share", gemm_attn / gpu_ms},
                              {"kernel_ms", split}};
        fmt::print("{}\n", out.dump(2));
        return 0;
    }
    fmt::print("device {}: {} ({})\n", ctx.device_index(), caps.name, caps.driver_info);
    fmt::print("model {} ({}/{}/{}/{}), {}, batch {} worlds (slices of {}), median of {} runs\n",
               o.model.empty() ? "random" : o.model, c.embed_dim, c.n_heads, c.n_layers, c.ff_dim,
               o.dtype, batch, fwd.slice_worlds(), o.runs);
    fmt::print("GPU time {:.2f} ms (wall with upload/read-back {:.2f} ms): {:.0f} worlds/s\n",
               gpu_ms, wall_ms, worlds_s);
    fmt::print("{:.3f} GFLOP/world, {:.1f} GFLOP/s = {:.1f}% of the FMA ceiling ({:.1f} GFLOP/s)\n",
               flops / batch / 1e9, gflops, pct, ceil.fma_gflops);
    fmt::print("GPU time per kernel:\n");
    for (const auto& [k, v] : per_kernel)
        fmt::print("  {:<14} {:>10.3f} ms {:>6.1f}%\n", k, median(v), 100.0 * median(v) / gpu_ms);
    fmt::print("GEMM + attention: {:.1f}% of GPU time\n", 100.0 * gemm_attn / gpu_ms);
    return 0;
}

}  // namespace

void add_bench_oracle_command(CLI::App& bench, const GlobalOptions& global, Action& action) {
    auto* sub = bench.add_subcommand(
        "oracle", "Oracle forward: worlds/s, GFLOP/s, % of FMA ceiling, time per kernel");
    auto o = std::make_shared<BenchOracleOptions>();
    sub->add_option("--model", o->model, "Model file (default: random 256/8/6/512 weights)");
    sub->add_option("--batch", o->batch, "Worlds per forward (default 4096; 256 on CPU devices)")
        ->check(uint_in(1, 1u << 20));
    sub->add_option("--dtype", o->dtype, "Storage type")->check(CLI::IsMember({"fp32", "fp16"}));
    sub->add_option("--runs", o->runs, "Timed forwards (median)")->check(uint_in(1, 1u << 20));
    sub->add_flag("--json", o->json, "Print one JSON object");
    sub->callback(
        [&global, &action, o] { action = [&global, o] { return run_bench_oracle(global, *o); }; });
}

}  // namespace eqvk::cli
