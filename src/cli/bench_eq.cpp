// `eqvk bench eq [--games N --worlds M] [--mode fixed|adaptive ...] [--model F] [--dtype
// fp16|fp32] [--json]`: the whole E[Q] pipeline (sampling, tokens, oracle, reduction, move choice,
// apply) on N games × M worlds per decision (or adaptive rounds, issue 15), timed on the wall clock
// and from GPU timestamps: games/s, decisions/s, worlds/s, the share of the physical limit of the
// cost model (ARCHITECTURE.md: measured FMA ceiling / FLOPs of 28·M forwards per game), the GPU
// time split by kernel, and the sampling outcome: worlds evaluated per decision, the mean of each
// decision's largest legal-slot standard error, the shares of exact and converged decisions.
// `--posterior` weights the worlds (issue 16, [posterior] defaults: window 4, tau 0.1, β 0.1,
// opponents' plays scored); its past positions' share of the GPU time shows as posterior/….
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/commands.h"
#include "cli/numbers.h"
#include "eq/dataset.h"
#include "eq/evaluator.h"
#include "eq/pipeline.h"
#include "io/safetensors.h"
#include "kernels/bench.h"
#include "kernels/registry.h"
#include "model/forward.h"
#include "model/weights.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/timer.h"
#include "vk/capabilities.h"
#include "vk/context.h"

namespace eqvk::cli {
namespace {

struct BenchEqOptions {
    uint32_t games = 0, worlds = 0;  // 0: the default suite
    std::string model, dtype = "fp16";
    bool json = false;
    std::string mode = "fixed";  // sampling.mode
    eq::SamplingOptions sampling;
    bool posterior = false;  // posterior.enabled with the default [posterior] keys
};

/// What the records say about the sampling: worlds per decision, mean of each decision's largest
/// legal-slot standard error, shares of exact and converged decisions.
struct SamplingSummary {
    double worlds_per_decision = 0, mean_sem = 0, exact = 0, converged = 0;
};

SamplingSummary summarize(const std::vector<eq::GameRecord>& games) {
    SamplingSummary s;
    double decisions = 0;
    for (const auto& g : games)
        for (const auto& d : g.decisions) {
            float worst = 0.0f;
            for (int slot = 0; slot < eq::SLOTS; ++slot)
                if (d.legal >> slot & 1) worst = std::max(worst, d.sem[slot]);
            s.worlds_per_decision += d.n_samples;
            s.mean_sem += worst;
            s.exact += d.exact;
            s.converged += d.converged;
            ++decisions;
        }
    if (decisions > 0) {
        s.worlds_per_decision /= decisions;
        s.mean_sem /= decisions;
        s.exact /= decisions;
        s.converged /= decisions;
    }
    return s;
}

int run_bench_eq(const GlobalOptions& global, const BenchEqOptions& o) {
    // The model: a file, or the architecture of Forge's recommended oracle with random weights.
    model::Weights w =
        o.model.empty() ? model::random_weights({256, 8, 6, 512}, 1) : model::load_weights(o.model);
    auto tensors = model::weights_to_tensors(w);
    auto bytes = io::encode_safetensors(tensors, model::weights_metadata(w));
    vk::ContextOptions opt;
    opt.device = global.device;
    vk::Context ctx(opt);
    const auto& caps = ctx.caps();
    const auto dt = o.dtype == "fp32" ? kernels::Dtype::F32 : kernels::Dtype::F16;
    kernels::KernelCache cache(ctx);
    const auto ceilings = kernels::measure_ceilings(ctx, cache);
    auto oracle =
        eq::make_oracle_evaluator(ctx, bytes, o.model.empty() ? "random 256/8/6/512" : o.model, dt);

    // The seeds' configurations (3050 Ti: 32×50; H100 target: 1000×1024), where memory allows.
    std::vector<std::pair<uint32_t, uint32_t>> suite;
    if (o.games && o.worlds)
        suite = {{o.games, o.worlds}};
    else if (caps.type == VK_PHYSICAL_DEVICE_TYPE_CPU)
        suite = {{8, 16}};  // a CPU driver is far too slow for the seeds' sizes
    else
        suite = {{32, 50}, {256, 256}, {1000, 1024}};
    const double flops_per_world = model::forward_flops(w.config, 1);
    nlohmann::json rows = nlohmann::json::array();
    if (!o.json)
        fmt::print("{:>6} {:>7} {:>6} {:>9} {:>11} {:>11} {:>9} {:>8} {:>8}\n", "games", "worlds",
                   "chunk", "games/s", "decisions/s", "worlds/s", "GFLOP/s", "% limit", "GPU %");
    eq::SamplingOptions sampling = o.sampling;
    sampling.adaptive = o.mode == "adaptive";
    if (o.posterior && sampling.adaptive)
        throw InputError("bench eq: --posterior needs --mode fixed");
    eq::PosteriorParams posterior;
    posterior.enabled = o.posterior;
    if (sampling.min_worlds > sampling.max_worlds)
        throw InputError(fmt::format("bench eq: --min-worlds {} is above --max-worlds {}",
                                     sampling.min_worlds, sampling.max_worlds));
    for (auto [n, m] : suite) {
        uint64_t budget = caps.device_local_budget() / 2;
        std::pair<uint32_t, uint32_t> shape;
        eq::SamplingOptions s = sampling;  // the posterior enumerates within its one pass only
        if (o.posterior) s.exact_max = std::min(s.exact_max, m);
        try {
            shape = eq::plan_batch(n, n, eq::sampling_pass_worlds(s, m), budget,
                                   caps.max_storage_buffer_range, *oracle,
                                   o.posterior ? posterior.window : 0);
        } catch (const InputError&) {
            fmt::print(stderr, "bench eq: {}x{} does not fit this device, skipped\n", n, m);
            continue;
        }
        eq::PipelineOptions po;
        po.games_per_batch = shape.first;
        po.world_chunk = shape.second;
        po.worlds = m;
        po.sampling = s;
        po.posterior = posterior;
        eq::Pipeline pipe(ctx, cache, *oracle, po);
        std::vector<uint64_t> seeds;
        std::vector<int> decls;
        for (uint32_t g = 0; g < shape.first; ++g) {
            seeds.push_back(g);
            decls.push_back(static_cast<int>(g % 10));
        }
        Timer t;
        const SamplingSummary sum = summarize(pipe.play(seeds, decls, 0));
        const double secs = t.seconds();
        const auto& st = pipe.stats();
        double gpu_ms = 0;
        std::map<std::string, double> per_kernel;  // GPU ms by kernel (first word of the label)
        for (auto& [label, ms] : st.gpu_ms) {
            gpu_ms += ms;
            per_kernel[kernels::kernel_of_label(label)] += ms;
        }
        nlohmann::json shares = nlohmann::json::object();
        for (auto& [k, ms] : per_kernel) shares[k] = gpu_ms > 0 ? ms / gpu_ms : 0.0;
        const double games_s = st.games / secs, worlds_s = st.worlds / secs;
        const double gflops = worlds_s * flops_per_world / 1e9;
        const double limit_games_s =
            ceilings.fma_gflops * 1e9 / (28.0 * sum.worlds_per_decision * flops_per_world);
        const double pct = 100.0 * games_s / limit_games_s;
        rows.push_back({{"games", shape.first},
                        {"worlds", m},
                        {"world_chunk", shape.second},
                        {"seconds", secs},
                        {"games_per_s", games_s},
                        {"decisions_per_s", st.decisions / secs},
                        {"worlds_per_s", worlds_s},
                        {"gflops", gflops},
                        {"percent_of_limit", pct},
                        {"gpu_share", gpu_ms / 1e3 / secs},
                        {"submits_per_game", double(st.submits) / st.games},
                        {"gpu_share_by_kernel", shares},
                        {"gpu_ms_per_game", gpu_ms / st.games},
                        {"mode", o.mode},
                        {"exact_max", s.exact_max},
                        {"posterior", o.posterior},
                        {"worlds_per_decision", sum.worlds_per_decision},
                        {"mean_max_sem", sum.mean_sem},
                        {"exact_share", sum.exact},
                        {"converged_share", sum.converged}});
        if (!o.json)
            fmt::print(
                "{:>6} {:>7} {:>6} {:>9.3f} {:>11.2f} {:>11.1f} {:>9.2f} {:>7.1f}% {:>7.1f}%\n",
                shape.first, m, shape.second, games_s, st.decisions / secs, worlds_s, gflops, pct,
                100.0 * gpu_ms / 1e3 / secs);
        if (!o.json)
            fmt::print(
                "       {} sampling{}: {:.1f} worlds per decision, mean max-slot SEM {:.4f}, "
                "{:.1f}% "
                "exact, {:.1f}% converged, {:.1f} GPU ms per game\n",
                o.mode, o.posterior ? " (posterior)" : "", sum.worlds_per_decision, sum.mean_sem,
                100.0 * sum.exact, 100.0 * sum.converged, gpu_ms / st.games);
        if (!o.json) {
            std::string line = "       GPU time by kernel:";
            for (auto& [k, ms] : per_kernel)
                line += fmt::format(" {} {:.1f}%", k, gpu_ms > 0 ? 100.0 * ms / gpu_ms : 0.0);
            fmt::print("{}\n", line);
        }
    }
    if (o.json)
        fmt::print("{}\n", nlohmann::json{{"device", caps.name},
                                          {"model", oracle->describe()},
                                          {"fma_ceiling_gflops", ceilings.fma_gflops},
                                          {"flops_per_world", flops_per_world},
                                          {"rows", rows}}
                               .dump(2));
    else
        fmt::print("device {}, {}, FMA ceiling {:.1f} GFLOP/s, {:.3f} GFLOP per world\n", caps.name,
                   oracle->describe(), ceilings.fma_gflops, flops_per_world / 1e9);
    return 0;
}

}  // namespace

void add_bench_eq_command(CLI::App& bench, const GlobalOptions& global, Action& action) {
    auto* sub = bench.add_subcommand(
        "eq", "The whole E[Q] pipeline: games/s, worlds/s, % of the cost-model limit");
    auto o = std::make_shared<BenchEqOptions>();
    sub->add_option("--games", o->games,
                    "Games per batch (with --worlds; default: the seeds' configurations)")
        ->check(uint_in(1, 1u << 20));
    sub->add_option("--worlds", o->worlds, "Worlds per decision")->check(uint_in(1, 65536));
    sub->add_option("--model", o->model, "Model file (default: random weights at 256/8/6/512)");
    sub->add_option("--dtype", o->dtype, "fp16 or fp32")->check(CLI::IsMember({"fp16", "fp32"}));
    sub->add_flag("--json", o->json, "One JSON object");
    sub->add_option("--mode", o->mode, "sampling.mode: fixed (M = --worlds) or adaptive")
        ->check(CLI::IsMember({"fixed", "adaptive"}));
    sub->add_option("--exact-max", o->sampling.exact_max,
                    "sampling.exact_max: enumerate decisions with at most this many worlds (0: "
                    "never; default 0)")
        ->check(uint_in(0, 65536));
    sub->add_option("--min-worlds", o->sampling.min_worlds, "sampling.min_worlds (adaptive)")
        ->check(uint_in(1, 65536));
    sub->add_option("--max-worlds", o->sampling.max_worlds, "sampling.max_worlds (adaptive)")
        ->check(uint_in(1, 65536));
    sub->add_option("--round-worlds", o->sampling.round_worlds, "sampling.round_worlds (adaptive)")
        ->check(uint_in(1, 65536));
    sub->add_option("--sem-target", o->sampling.sem_target, "sampling.sem_target (adaptive)")
        ->check(CLI::Range(1e-6, 84.0));
    sub->add_flag("--posterior", o->posterior,
                  "posterior.enabled with the default [posterior] keys (fixed mode; exact_max is "
                  "capped at --worlds)");
    sub->callback(
        [&global, &action, o] { action = [&global, o] { return run_bench_eq(global, *o); }; });
}

}  // namespace eqvk::cli
