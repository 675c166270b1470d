// `eqvk eval-oracle --model F --seeds A..B [--states K] [--per-trick] [--dtype fp32|fp16]`
// `[--json]`: solves each seed's deal (decl = seed % 10, spec §3), samples K states (uniformly, or
// evenly over the 7 tricks), runs eqvk's GPU forward on their training-format tokens and reports
// Forge's metrics (spec §4.3) overall and by trick.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/numbers.h"
#include "cli/run_setup.h"
#include "eq/oracle_eval.h"
#include "eq/tokens.h"
#include "kernels/registry.h"
#include "model/forward.h"
#include "solver/shard.h"
#include "util/error.h"
#include "util/timer.h"
#include "vk/capabilities.h"
#include "vk/context.h"

namespace eqvk::cli {
namespace {

struct EvalOracleOptions {
    std::string model, seeds, dtype = "fp32";
    uint64_t states = 200;
    uint64_t memory_mib = 3072;
    bool per_trick = false;  ///< sample states evenly over the 7 tricks (eqvk solve --per-trick)
    bool json = false;
};

nlohmann::json metrics_json(const eq::OracleMetrics& m) {
    return {{"states", m.states},
            {"q_mae", m.q_mae()},
            {"q_gap", m.q_gap()},
            {"zero_regret_rate", m.zero_regret_rate()},
            {"blunder_rate", m.blunder_rate()}};
}

/// One seed: its sampled non-terminal states tokenised, the forward, the metrics added to `acc`.
void eval_seed(uint64_t seed, const EvalOracleOptions& o, model::GpuForward& fwd,
               kernels::Dtype dtype, eq::OracleEval& acc, double& solve_s, double& forward_s) {
    const int decl = static_cast<int>(seed % 10);
    Timer ts;
    solver::SolveOptions opt{.memory_budget_bytes = static_cast<size_t>(o.memory_mib) << 20};
    const solver::ShardRows rows =
        solver::solve_shard(seed, decl, o.states, opt, nullptr,
                            o.per_trick ? solver::Sampling::PerTrick : solver::Sampling::Uniform);
    solve_s += ts.seconds();
    const game::Deal deal = game::deal_from_seed(seed);
    std::vector<int8_t> tokens, mask, solver_q;
    std::vector<int32_t> actor, plays;
    for (size_t r = 0; r < rows.size(); ++r) {
        const auto s = static_cast<solver::PackedState>(rows.state[r]);
        if (solver::is_terminal(s)) continue;
        const eq::TokenRow t = eq::tokenize_packed(deal, decl, s);
        tokens.insert(tokens.end(), t.tokens.begin(), t.tokens.end());
        mask.insert(mask.end(), t.mask.begin(), t.mask.end());
        actor.push_back(t.actor);
        plays.push_back(solver::plays_of(s));
        for (int i = 0; i < 7; ++i) solver_q.push_back(rows.q[size_t(i)][r]);
    }
    if (actor.empty()) return;
    Timer tf;
    const model::ForwardOutputs out =
        fwd.run({static_cast<int64_t>(actor.size()), tokens, mask, actor});
    forward_s += tf.seconds();
    model::require_finite(out, dtype, "--dtype fp32", [&](size_t r) {
        return fmt::format("seed {} (decl {}), sampled state {} with {} tiles played", seed, decl,
                           r, plays[r]);
    });
    eq::accumulate_oracle_eval(acc, solver_q, actor, plays, out.q);
}

int run_eval_oracle(const GlobalOptions& global, const EvalOracleOptions& o) {
    const auto [first, last] = parse_seed_range(o.seeds);
    const ModelBytes file = load_model_bytes(o.model, "--model");
    const model::Weights w = model::decode_weights(file.bytes, file.name);
    vk::ContextOptions opt;
    opt.device = global.device;
    vk::Context ctx(opt);
    const auto dt = o.dtype == "fp16" ? kernels::Dtype::F16 : kernels::Dtype::F32;
    kernels::KernelCache cache(ctx);
    model::GpuWeights gw(ctx, w, dt);
    const uint32_t capacity = ctx.caps().type == VK_PHYSICAL_DEVICE_TYPE_CPU ? 256u : 4096u;
    model::GpuForward fwd(ctx, cache, gw, capacity);

    eq::OracleEval acc;
    double solve_s = 0.0, forward_s = 0.0;
    Timer total;
    for (uint64_t seed = first;; ++seed) {
        eval_seed(seed, o, fwd, dt, acc, solve_s, forward_s);
        if (seed == last) break;
    }
    const auto& c = w.config;
    if (o.json) {
        nlohmann::json out = metrics_json(acc.all);
        nlohmann::json by = nlohmann::json::object();
        for (size_t t = 0; t < acc.by_trick.size(); ++t)
            if (acc.by_trick[t].states) by[std::to_string(t + 1)] = metrics_json(acc.by_trick[t]);
        out["by_trick"] = by;
        out["model"] = file.name;
        out["seeds"] = o.seeds;
        out["states_per_seed"] = o.states;
        out["sampling"] = o.per_trick ? "per-trick" : "uniform";
        out["dtype"] = o.dtype;
        out["device"] = ctx.caps().name;
        out["solve_s"] = solve_s;
        out["forward_s"] = forward_s;
        out["total_s"] = total.seconds();
        fmt::print("{}\n", out.dump(2));
        return 0;
    }
    fmt::print(
        "model {} ({}/{}/{}/{}, {}) on {}: seeds {} (decl = seed % 10), {} states per seed ({})\n",
        file.name, c.embed_dim, c.n_heads, c.n_layers, c.ff_dim, o.dtype, ctx.caps().name, o.seeds,
        o.states, o.per_trick ? "per trick" : "uniform");
    fmt::print("{:<6} {:>7} {:>7} {:>7} {:>12} {:>8}\n", "trick", "states", "Q-MAE", "Q-gap",
               "zero-regret", "blunder");
    auto line = [](const std::string& name, const eq::OracleMetrics& m) {
        fmt::print("{:<6} {:>7} {:>7.2f} {:>7.3f} {:>11.1f}% {:>7.2f}%\n", name, m.states,
                   m.q_mae(), m.q_gap(), 100.0 * m.zero_regret_rate(), 100.0 * m.blunder_rate());
    };
    line("all", acc.all);
    for (size_t t = 0; t < acc.by_trick.size(); ++t)
        if (acc.by_trick[t].states) line(std::to_string(t + 1), acc.by_trick[t]);
    fmt::print("trick = plays so far / 4 + 1; solve {:.1f} s, forward {:.1f} s, total {:.1f} s\n",
               solve_s, forward_s, total.seconds());
    return 0;
}

}  // namespace

void add_eval_oracle_command(CLI::App& app, const GlobalOptions& global, Action& action) {
    auto* sub = app.add_subcommand(
        "eval-oracle", "A model's Q against exact solver Q: Q-MAE, Q-gap, zero-regret, blunders");
    auto o = std::make_shared<EvalOracleOptions>();
    sub->add_option("--model", o->model,
                    "Model file (eqvk safetensors; default: the model embedded in eqvk)");
    sub->add_option("--seeds", o->seeds, "Seed range A..B (both included); decl = seed % 10")
        ->required();
    sub->add_option("--states", o->states, "States sampled per seed (terminal ones skipped)")
        ->check(uint_in(1, uint64_t{1} << 24));
    sub->add_flag("--per-trick", o->per_trick,
                  "Sample --states evenly over the 7 tricks (as eqvk solve --per-trick) instead of "
                  "uniformly over all states, most of which lie late in the hand");
    sub->add_option("--dtype", o->dtype, "Storage type")->check(CLI::IsMember({"fp32", "fp16"}));
    sub->add_option("--memory-mib", o->memory_mib, "Solver memory budget per deal in MiB")
        ->check(uint_in(1, 1u << 24));
    sub->add_flag("--json", o->json, "Print one JSON object");
    sub->callback(
        [&global, &action, o] { action = [&global, o] { return run_eval_oracle(global, *o); }; });
}

}  // namespace eqvk::cli
