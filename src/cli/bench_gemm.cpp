// `eqvk bench gemm [--m M --n N --k K | --suite oracle] [--dtype fp32|fp16] [--json]`: a table of
// GFLOP/s per GEMM configuration and for the automatic choice, as % of the measured FMA ceiling.
// The measuring is in kernels/bench.h; this file parses options and formats.
#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/numbers.h"
#include "kernels/bench.h"
#include "kernels/registry.h"
#include "util/error.h"
#include "vk/context.h"

namespace eqvk::cli {
namespace {

struct BenchGemmOptions {
    uint32_t m = 0, n = 0, k = 0;
    std::string suite;
    std::string dtype = "fp32";
    bool json = false;
    uint32_t runs = 20;
    uint32_t max_m = 0;  // 0: 512 on CPU devices, no cap elsewhere
    bool auto_only = false;
    std::vector<std::string> configs;
};

int run_bench_gemm(const GlobalOptions& global, const BenchGemmOptions& o) {
    std::vector<kernels::GemmBenchShape> shapes;
    if (o.suite == "oracle") {
        shapes = kernels::oracle_suite(0);
    } else if (!o.suite.empty()) {
        throw InputError(fmt::format("--suite {}: unknown suite (known: oracle)", o.suite));
    } else {
        if (!o.m || !o.n || !o.k)
            throw InputError("bench gemm: give --m, --n and --k, or --suite oracle");
        shapes.push_back({o.m, o.n, o.k});
    }
    kernels::GemmBenchOptions bo;
    bo.dtype = o.dtype == "fp16" ? kernels::Dtype::F16 : kernels::Dtype::F32;
    bo.runs = std::max(o.runs, 20u);
    bo.all_configs = !o.auto_only;
    bo.configs = o.configs;

    vk::ContextOptions opt;
    opt.device = global.device;
    vk::Context ctx(opt);
    const auto& caps = ctx.caps();
    uint32_t max_m = o.max_m ? o.max_m : caps.type == VK_PHYSICAL_DEVICE_TYPE_CPU ? 512u : 0u;
    if (max_m && o.suite == "oracle") shapes = kernels::oracle_suite(max_m);
    kernels::KernelCache cache(ctx);
    auto ceil = kernels::measure_ceilings(ctx, cache);
    if (!o.json) {
        fmt::print("device {}: {} ({}); dtype {}; median of {} runs, {} input sets\n",
                   ctx.device_index(), caps.name, caps.driver_info, o.dtype, bo.runs, bo.rotations);
        fmt::print(
            "ceilings: FMA {:.1f} GFLOP/s, copy {:.1f} GB/s{}\n", ceil.fma_gflops, ceil.copy_gbs,
            max_m && o.suite == "oracle" ? fmt::format("; oracle suite capped at M = {}", max_m)
                                         : "");
        fmt::print("{:>7} {:>5} {:>5}  {:<12} {:>10} {:>9} {:>7}\n", "M", "N", "K", "config", "ms",
                   "GFLOP/s", "%FMA");
    }
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& s : shapes) {
        double best = 0.0;
        std::string best_cfg;
        kernels::bench_gemm_shape(ctx, cache, s, bo, [&](const kernels::GemmBenchRow& r) {
            double pct = 100.0 * r.gflops / ceil.fma_gflops;
            if (!r.is_auto && r.gflops > best) {
                best = r.gflops;
                best_cfg = r.config;
            }
            rows.push_back({{"M", s.M},
                            {"N", s.N},
                            {"K", s.K},
                            {"config", r.config},
                            {"auto", r.is_auto},
                            {"chunks", r.chunks},
                            {"median_ms", r.median_ms},
                            {"gflops", r.gflops},
                            {"pct_fma_ceiling", pct}});
            if (!o.json) {
                std::string name = r.is_auto ? "auto=" + r.config : r.config;
                std::string extra =
                    r.is_auto && best > 0
                        ? fmt::format("  ({:.0f}% of best: {})", 100.0 * r.gflops / best, best_cfg)
                        : "";
                fmt::print("{:>7} {:>5} {:>5}  {:<12} {:>10.3f} {:>9.1f} {:>6.1f}%{}\n", s.M, s.N,
                           s.K, name, r.median_ms, r.gflops, pct, extra);
                std::fflush(stdout);
            }
        });
    }
    if (o.json) {
        nlohmann::json out = {
            {"device", caps.name},
            {"driver", caps.driver_info},
            {"dtype", o.dtype},
            {"runs", bo.runs},
            {"input_sets", bo.rotations},
            {"max_m", max_m},
            {"ceilings", {{"fma_gflops", ceil.fma_gflops}, {"copy_gbs", ceil.copy_gbs}}},
            {"results", rows}};
        fmt::print("{}\n", out.dump(2));
    }
    return 0;
}

}  // namespace

void add_bench_gemm_command(CLI::App& bench, const GlobalOptions& global, Action& action) {
    auto* sub = bench.add_subcommand(
        "gemm", "GEMM GFLOP/s per tile configuration and auto, with device ceilings");
    auto o = std::make_shared<BenchGemmOptions>();
    sub->add_option("--m", o->m, "Rows of A and C")->check(uint_in(1, 1u << 24));
    sub->add_option("--n", o->n, "Columns of C (rows of W)")->check(uint_in(1, 1u << 24));
    sub->add_option("--k", o->k, "Reduction length")->check(uint_in(1, 1u << 24));
    sub->add_option("--suite", o->suite, "A named shape set: oracle");
    sub->add_option("--dtype", o->dtype, "Storage type")->check(CLI::IsMember({"fp32", "fp16"}));
    sub->add_option("--runs", o->runs, "Timed runs per configuration (at least 20)")
        ->check(uint_in(1, 1u << 20));
    sub->add_option("--max-m", o->max_m,
                    "Largest M of a suite (default 512 on CPU devices, else no cap)")
        ->check(uint_in(0, 1u << 24));
    sub->add_flag("--auto-only", o->auto_only, "Time only the automatic choice");
    sub->add_option("--configs", o->configs,
                    "Time these configurations (comma-separated, as in EQVK_GEMM_TILE) and auto")
        ->delimiter(',');
    sub->add_flag("--json", o->json, "Print one JSON object");
    sub->callback(
        [&global, &action, o] { action = [&global, o] { return run_bench_gemm(global, *o); }; });
}

}  // namespace eqvk::cli
