// `eqvk match config.toml --games G --against random|heuristic [--set k=v]…`: the config's E[Q]
// player against a baseline (eq/baseline.h), seats 0/2 against 1/3 and then swapped on the same
// deals. Reports the E[Q] team's mean point margin and the share of hands in which each team takes
// ≥ 30 points, with 95% intervals.
#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/numbers.h"
#include "cli/run_setup.h"
#include "eq/baseline.h"
#include "eq/dataset.h"
#include "eq/evaluator.h"
#include "eq/gpu_state.h"
#include "eq/pipeline.h"
#include "io/config.h"
#include "kernels/registry.h"
#include "util/error.h"
#include "vk/capabilities.h"
#include "vk/context.h"

namespace eqvk::cli {
namespace {

struct MatchArgs {
    std::string config, against = "random";
    std::vector<std::string> sets;
    uint32_t games = 20;
    bool json = false;
};

/// Wilson score interval (95%) of k successes in n.
std::pair<double, double> wilson(double k, double n) {
    const double z = 1.96, p = k / n, d = 1 + z * z / n;
    const double c = (p + z * z / (2 * n)) / d,
                 h = z * std::sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d;
    return {c - h, c + h};
}

int run_match(const GlobalOptions& global, const MatchArgs& a) {
    io::RunConfig config = io::load_run_config(a.config, a.sets);
    const eq::Baseline baseline = eq::parse_baseline(a.against, "--against");
    if (a.games == 0) throw InputError("--games: must be at least 1");
    ModelBytes model = load_model_bytes(config);
    vk::Context ctx(context_options(global, config));
    kernels::KernelCache cache(ctx);
    auto oracle =
        eq::make_oracle_evaluator(ctx, model.bytes, model.name, oracle_dtype(config, ctx.caps()));

    std::vector<uint64_t> seeds;
    std::vector<int> decls;
    for (uint64_t s = config.games.start_seed; s < config.games.start_seed + a.games; ++s) {
        seeds.push_back(s);
        decls.push_back(eq::decl_for_seed(config, s));
    }
    // Per hand: the E[Q] team's points and the baseline team's.
    std::vector<double> margins;
    double eq_made = 0, base_made = 0;
    for (int eq_team : {0, 1}) {
        eq::PipelineOptions po = pipeline_options(config, ctx.caps(), a.games, *oracle);
        po.baseline_team = 1 - eq_team;
        po.baseline = static_cast<uint32_t>(baseline);
        eq::Pipeline pipe(ctx, cache, *oracle, po);
        for (size_t first = 0; first < seeds.size(); first += po.games_per_batch) {
            size_t count = std::min<size_t>(po.games_per_batch, seeds.size() - first);
            auto records = pipe.play(std::span(seeds).subspan(first, count),
                                     std::span(decls).subspan(first, count),
                                     static_cast<int>(config.games.bidder));
            for (const auto& r : records) {
                game::State s = eq::initial_state(r.seed, r.decl);
                for (const auto& d : r.decisions) s.do_play_slot(d.action);
                const int mine = s.points(eq_team), theirs = s.points(1 - eq_team);
                margins.push_back(mine - theirs);
                eq_made += mine >= 30;
                base_made += theirs >= 30;
            }
        }
        std::fprintf(stderr, "eqvk match: E[Q] on seats %s done (%u hands)\n",
                     eq_team == 0 ? "0/2" : "1/3", a.games);
    }
    const double n = static_cast<double>(margins.size());
    double mean = 0, var = 0;
    for (double m : margins) mean += m / n;
    for (double m : margins) var += (m - mean) * (m - mean) / std::max(1.0, n - 1);
    const double half = 1.96 * std::sqrt(var / n);
    auto [eq_lo, eq_hi] = wilson(eq_made, n);
    auto [b_lo, b_hi] = wilson(base_made, n);
    if (a.json) {
        fmt::print("{}\n",
                   nlohmann::json{{"hands", n},
                                  {"against", a.against},
                                  {"model", oracle->describe()},
                                  {"worlds", config.sampling.worlds},
                                  {"policy", io::policy_action_name(config.policy.action)},
                                  {"exploration", io::exploration_name(config.policy.exploration)},
                                  {"mean_margin", mean},
                                  {"mean_margin_ci95", {mean - half, mean + half}},
                                  {"eq_team_30_share", eq_made / n},
                                  {"eq_team_30_ci95", {eq_lo, eq_hi}},
                                  {"baseline_team_30_share", base_made / n},
                                  {"baseline_team_30_ci95", {b_lo, b_hi}}}
                       .dump(2));
        return 0;
    }
    fmt::print(
        "{} hands ({} deals × both seatings), {} vs {}, {} worlds, policy {}, exploration {}\n", n,
        a.games, oracle->describe(), a.against, config.sampling.worlds,
        io::policy_action_name(config.policy.action),
        io::exploration_name(config.policy.exploration));
    fmt::print("mean margin of the E[Q] team: {:+.2f} points (95% CI {:+.2f} .. {:+.2f})\n", mean,
               mean - half, mean + half);
    fmt::print(
        "hands with >= 30 points: E[Q] team {:.1f}% ({:.1f}..{:.1f}), {} team {:.1f}% "
        "({:.1f}..{:.1f})\n",
        100 * eq_made / n, 100 * eq_lo, 100 * eq_hi, a.against, 100 * base_made / n, 100 * b_lo,
        100 * b_hi);
    return 0;
}

}  // namespace

void add_match_command(CLI::App& app, const GlobalOptions& global, Action& action) {
    auto* sub = app.add_subcommand(
        "match", "The config's E[Q] player against a baseline (random or heuristic)");
    auto a = std::make_shared<MatchArgs>();
    sub->add_option("config", a->config, "config.toml (model, worlds, policy, seeds)")->required();
    sub->add_option("--games", a->games, "Deals; each is played twice, seats swapped (default 20)")
        ->check(uint_in(1, 1u << 20));
    sub->add_option("--against", a->against, "random or heuristic (docs/match.md)");
    sub->add_option("--set", a->sets, "Override a config key: section.key=value (repeatable)");
    sub->add_flag("--json", a->json, "One JSON object");
    sub->callback(
        [&global, &action, a] { action = [&global, a] { return run_match(global, *a); }; });
}

}  // namespace eqvk::cli
