// `eqvk solve`: perfect-information oracle shards (spec §3) for one seed or a range of seeds,
// written as safetensors with Forge's columns state/V/q0..q6 and seed/decl_id/version metadata. The
// solving and sampling live in solver/shard.h; this file parses options, names files and writes
// them atomically.
#include <fmt/format.h>

#include <filesystem>
#include <string>

#include "cli/commands.h"
#include "cli/numbers.h"
#include "cli/run_setup.h"
#include "eqvk_build_config.h"
#include "game/rules.h"
#include "io/safetensors.h"
#include "solver/shard.h"
#include "util/error.h"

namespace eqvk::cli {

namespace {

namespace fs = std::filesystem;

struct SolveArgs {
    uint64_t seed = 0;
    std::string seeds;  // "A..B", inclusive
    std::string decl;   // empty: seed % 10
    uint64_t states = 0;
    bool per_trick = false;
    std::string out;
    bool force = false;
    uint64_t memory_mib = 3072;
};

// Forge's shard columns as safetensors tensors: state int64 [K], V int8 [K], q0..q6 int8 [K].
std::vector<io::Tensor> shard_tensors(const solver::ShardRows& rows) {
    const auto k = static_cast<int64_t>(rows.size());
    std::vector<io::Tensor> t;
    t.push_back(io::Tensor::from<int64_t>("state", io::DType::I64, {k}, rows.state));
    t.push_back(io::Tensor::from<int8_t>("V", io::DType::I8, {k}, rows.v));
    for (size_t i = 0; i < 7; ++i)
        t.push_back(io::Tensor::from<int8_t>(fmt::format("q{}", i), io::DType::I8, {k}, rows.q[i]));
    return t;
}

// Solves one deal and writes its shard; returns false when the file existed and was skipped.
bool solve_one(uint64_t seed, int decl, const SolveArgs& a, const fs::path& path,
               solver::ShardStats& stats) {
    if (fs::exists(path) && !a.force) return false;
    solver::SolveOptions opt{.memory_budget_bytes = static_cast<size_t>(a.memory_mib) << 20};
    solver::ShardRows rows =
        solver::solve_shard(seed, decl, a.states, opt, &stats,
                            a.per_trick ? solver::Sampling::PerTrick : solver::Sampling::Uniform);
    io::Metadata meta{
        {"seed", std::to_string(seed)},
        {"decl_id", std::to_string(decl)},
        {"version", EQVK_VERSION_STRING},
        {"num_states", std::to_string(stats.num_states)},
        {"format", "eqvk solver shard: state int64 (spec 3 packing), V int8, q0..q6 int8"}};
    io::write_safetensors(path, shard_tensors(rows), meta);
    return true;
}

int run_solve(const SolveArgs& a) {
    int fixed_decl = a.decl.empty() ? -1 : game::parse_decl(a.decl);
    auto decl_for = [&](uint64_t seed) {
        return fixed_decl >= 0 ? fixed_decl : static_cast<int>(seed % 10);
    };
    if (a.seeds.empty()) {
        require_writable_file(a.out, "--out");
        solver::ShardStats st;
        int decl = decl_for(a.seed);
        if (!solve_one(a.seed, decl, a, a.out, st)) {
            fmt::print(stderr, "{} exists, skipped (use --force to overwrite)\n", a.out);
            return 0;
        }
        fmt::print(stderr, "seed {} decl {} ({}): {} states, solved in {:.2f} s, {} rows -> {}\n",
                   a.seed, decl, game::decl_name(decl), st.num_states, st.solve_seconds,
                   a.states ? std::min(a.states, st.num_states) : st.num_states, a.out);
        return 0;
    }
    auto [first, last] = parse_seed_range(a.seeds);
    require_writable_dir(a.out, true, "--out");
    const uint64_t total = last - first + 1;
    for (uint64_t seed = first;; ++seed) {
        int decl = decl_for(seed);
        fs::path path =
            fs::path(a.out) / fmt::format("seed_{:08d}_decl_{}.safetensors", seed, decl);
        solver::ShardStats st;
        bool wrote = solve_one(seed, decl, a, path, st);
        fmt::print(stderr, "[{}/{}] seed {} decl {}: {}\n", seed - first + 1, total, seed, decl,
                   wrote ? fmt::format("{} states, {:.2f} s -> {}", st.num_states, st.total_seconds,
                                       path.string())
                         : std::string("exists, skipped"));
        if (seed == last) break;
    }
    return 0;
}

}  // namespace

void add_solve_command(CLI::App& app, const GlobalOptions& global, Action& action) {
    auto args = std::make_shared<SolveArgs>();
    CLI::App* cmd = app.add_subcommand(
        "solve", "Perfect-information V/Q shards for deals (oracle training data)");
    auto* seed = cmd->add_option("--seed", args->seed, "Deal seed (Forge deal_from_seed)")
                     ->check(uint_in(0, UINT64_MAX));
    auto* seeds = cmd->add_option("--seeds", args->seeds,
                                  "Seed range A..B (both included); --out is a directory");
    seed->excludes(seeds);
    cmd->add_option("--decl", args->decl, "Declaration 0..9 or name (default: seed % 10)");
    cmd->add_option("--states", args->states, "States sampled uniformly per deal (0 = all)")
        ->check(uint_in(0, uint64_t{1} << 40));
    cmd->add_flag("--per-trick", args->per_trick,
                  "Sample --states evenly over the 7 tricks instead of uniformly over all states");
    cmd->add_option("--out", args->out, "Output .safetensors file (or directory with --seeds)")
        ->required();
    cmd->add_flag("--force", args->force, "Overwrite existing outputs");
    cmd->add_option("--memory-mib", args->memory_mib, "Solver memory budget per deal in MiB")
        ->check(uint_in(1, 1u << 24));
    cmd->callback([args, &global, &action] {
        action = [args, &global] {
            require_no_device(global, "solve");
            return run_solve(*args);
        };
    });
}

}  // namespace eqvk::cli
