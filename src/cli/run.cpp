// `eqvk run config.toml [--set key=value]… [--shard i/n]`: the main job. Plans the shards, skips
// the ones a previous run finished, plays each shard's games through the GPU pipeline in batches
// and writes the shard atomically; Ctrl-C discards the shard in flight (a re-run resumes there).
// Prints progress and a summary.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "cli/numbers.h"
#include "cli/run_setup.h"
#include "eq/dataset.h"
#include "eq/evaluator.h"
#include "eq/pipeline.h"
#include "eqvk_build_config.h"
#include "io/config.h"
#include "kernels/registry.h"
#include "model/forward.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/timer.h"
#include "vk/capabilities.h"
#include "vk/context.h"

namespace eqvk::cli {
namespace {

std::atomic<bool> g_interrupted{false};
extern "C" void on_sigint(int) {
    g_interrupted = true;
}

struct RunArgs {
    std::string config;
    std::vector<std::string> sets;
    std::string shard = "0/1";
};

class Progress {
public:
    Progress(uint64_t total) : total_(total), tty_(::isatty(2)) {}
    /// Prints the line every 0.5 s on a terminal (5 s otherwise), or now when `force`d; a count
    /// already shown is not printed again.
    void update(uint64_t done, bool force = false) {
        if (!force && last_.seconds() < (tty_ ? 0.5 : 5.0)) return;
        if (done == shown_) return;
        shown_ = done;
        last_.reset();
        double s = start_.seconds(), rate = s > 0 ? done / s : 0.0;
        double eta = rate > 0 ? (total_ - done) / rate : 0.0;
        std::string line =
            fmt::format("games {}/{}  {:.2f} games/s  ETA {:.0f} s", done, total_, rate, eta);
        if (tty_) {
            int width = 30, filled = total_ ? static_cast<int>(width * done / total_) : width;
            std::fprintf(stderr, "\r[%s%s] %s", std::string(filled, '#').c_str(),
                         std::string(width - filled, ' ').c_str(), line.c_str());
            if (done == total_) std::fprintf(stderr, "\n");
        } else {
            std::fprintf(stderr, "eqvk run: %s\n", line.c_str());
        }
    }

private:
    uint64_t total_, shown_ = UINT64_MAX;
    bool tty_;
    Timer start_, last_;
};

// The shards a previous run has not finished with the same results key; says which it skips.
std::vector<eq::ShardSpec> unfinished_shards(const std::vector<eq::ShardSpec>& shards,
                                             const std::string& key) {
    std::vector<eq::ShardSpec> todo;
    for (const auto& s : shards) {
        if (eq::shard_finished(s, key))
            std::fprintf(stderr, "eqvk run: %s already done, skipped\n", s.path.c_str());
        else
            todo.push_back(s);
    }
    return todo;
}

// Plays every shard's games through the pipeline in batches and writes each shard whole. Returns
// false when Ctrl-C stopped it: the shard in flight is discarded, a re-run resumes there.
bool play_shards(eq::Pipeline& pipeline, const eq::PipelineOptions& po, const io::RunConfig& config,
                 const std::vector<eq::ShardSpec>& todo, const io::Metadata& meta) {
    uint64_t total = 0;
    for (const auto& s : todo) total += s.games;
    Progress progress(total);
    std::signal(SIGINT, on_sigint);
    uint64_t done = 0;
    for (const auto& shard : todo) {
        std::vector<eq::GameRecord> records;
        for (uint64_t first = shard.first_seed; first < shard.first_seed + shard.games;
             first += po.games_per_batch) {
            uint64_t end =
                std::min<uint64_t>(first + po.games_per_batch, shard.first_seed + shard.games);
            std::vector<uint64_t> seeds;
            std::vector<int> decls;
            for (uint64_t s = first; s < end; ++s) {
                seeds.push_back(s);
                decls.push_back(eq::decl_for_seed(config, s));
            }
            auto batch = pipeline.play(seeds, decls, static_cast<int>(config.games.bidder));
            records.insert(records.end(), batch.begin(), batch.end());
            done += seeds.size();
            progress.update(done);
            if (g_interrupted) {
                std::fprintf(
                    stderr,
                    "\neqvk run: interrupted; %s discarded (nothing partial is written), re-run to "
                    "resume\n",
                    shard.path.c_str());
                std::signal(SIGINT, SIG_DFL);
                return false;
            }
        }
        eq::write_shard(shard, records, meta);
    }
    progress.update(done, true);
    std::signal(SIGINT, SIG_DFL);
    return true;
}

// Throughput and the GPU time per kernel label, largest first (stdout).
void print_summary(const eq::PipelineStats& st, double secs) {
    double gpu_total = 0;
    for (auto& [label, ms] : st.gpu_ms) gpu_total += ms;
    fmt::print(
        "games {}  decisions {}  worlds evaluated {}  in {:.2f} s: {:.2f} games/s, {:.0f} "
        "worlds/s\n",
        st.games, st.decisions, st.worlds, secs, st.games / secs, st.worlds / secs);
    fmt::print("submits per game {:.2f}, host wait {:.2f} s, GPU time {:.2f} s\n",
               static_cast<double>(st.submits) / std::max<uint64_t>(st.games, 1), st.host_wait_s,
               gpu_total / 1e3);
    std::vector<std::pair<double, std::string>> by_time;
    for (auto& [label, ms] : st.gpu_ms) by_time.emplace_back(ms, label);
    std::sort(by_time.rbegin(), by_time.rend());
    for (auto& [ms, label] : by_time)
        fmt::print("  {:<28} {:9.1f} ms  {:5.1f}%\n", label, ms,
                   gpu_total > 0 ? 100.0 * ms / gpu_total : 0.0);
}

int run_main(const GlobalOptions& global, const RunArgs& a) {
    // Step 1. Config, shards, model; everything that can fail on bad input fails before the GPU.
    io::RunConfig config = io::load_run_config(a.config, a.sets);
    const ShardPart part = parse_shard_spec(a.shard);
    auto shards = eq::plan_shards(config, part.index, part.count);
    for (uint64_t s = config.games.start_seed;
         s < config.games.start_seed + std::min<uint64_t>(config.games.count, 10); ++s)
        eq::decl_for_seed(config, s);  // a bad games.decl fails before the GPU starts
    ModelBytes model = load_model_bytes(config);
    const std::string model_hash = eq::fnv1a64_hex(model.bytes);
    const std::string key = eq::results_key(config, model_hash);
    auto todo = unfinished_shards(shards, key);
    if (todo.empty()) {
        std::fprintf(stderr, "eqvk run: nothing to do (%zu shard(s) already finished)\n",
                     shards.size());
        return 0;
    }

    // Step 2. Device, oracle and pipeline.
    vk::Context ctx(context_options(global, config));
    kernels::KernelCache cache(ctx);
    auto oracle =
        eq::make_oracle_evaluator(ctx, model.bytes, model.name, oracle_dtype(config, ctx.caps()));
    const eq::PipelineOptions po = pipeline_options(
        config, ctx.caps(), std::min<uint64_t>(config.games.count, config.output.games_per_shard),
        *oracle);
    eq::Pipeline pipeline(ctx, cache, *oracle, po);
    std::fprintf(stderr,
                 "eqvk run: %zu shard(s) to write with %s on %s, %u games per batch × %u worlds "
                 "(%u at a time), run seed %llu\n",
                 todo.size(), oracle->describe().c_str(), ctx.caps().name.c_str(),
                 po.games_per_batch, po.worlds, po.world_chunk,
                 static_cast<unsigned long long>(po.run_seed));

    // Step 3. Play and write the shards, then the summary.
    io::Metadata meta = {{"results_key", key},
                         {"config", io::to_toml(config)},
                         {"model", model.name},
                         {"model_hash", model_hash},
                         {"eqvk_version", EQVK_VERSION_STRING},
                         {"device", ctx.caps().name + " (" + ctx.caps().driver_info + ")"},
                         {"compat", io::compat_mode_name(config.output.compat)},
                         {"precision", io::precision_name(config.model.precision)}};
    Timer wall;
    try {
        if (!play_shards(pipeline, po, config, todo, meta)) return 130;
        std::fprintf(stderr, "eqvk run: wrote %zu shard(s) into %s: %s .. %s\n", todo.size(),
                     config.output.dir.c_str(), todo.front().path.filename().c_str(),
                     todo.back().path.filename().c_str());
    } catch (const NonFiniteError& e) {  // the pipeline's guard: no shard holds such a label
        throw NonFiniteError(fmt::format("{}; {}", e.what(),
                                         model::overflow_advice(oracle_dtype(config, ctx.caps()),
                                                                "--set model.precision=fp32")));
    }
    print_summary(pipeline.stats(), wall.seconds());
    return 0;
}

}  // namespace

void add_run_command(CLI::App& app, const GlobalOptions& global, Action& action) {
    auto* sub =
        app.add_subcommand("run", "Generate E[Q] training data into dataset shards (the main job)");
    auto a = std::make_shared<RunArgs>();
    sub->add_option("config", a->config, "config.toml (docs/config.md)")->required();
    sub->add_option("--set", a->sets, "Override a key: section.key=value (repeatable)");
    sub->add_option("--shard", a->shard,
                    "Write only part i of n of the shards (i/n), for job arrays");
    sub->callback(
        [&global, &action, a] { action = [&global, a] { return run_main(global, *a); }; });
}

}  // namespace eqvk::cli
