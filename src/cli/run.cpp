// `eqvk run config.toml [--set key=value]… [--shard i/n|auto[/N]]`: the main job. Opens the output
// directory against its manifest (eq/manifest.h: one directory, one configuration), skips the
// shards finished or held by another run, plays each shard's games through the GPU pipeline in
// batches and writes the shard atomically. Ctrl-C (or SIGTERM) stops before the next GPU submit
// and keeps every shard already complete; a second one exits at once (130). Prints progress and a
// summary.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "cli/commands.h"
#include "cli/numbers.h"
#include "cli/run_setup.h"
#include "cli/shard_auto.h"
#include "eq/dataset.h"
#include "eq/evaluator.h"
#include "eq/manifest.h"
#include "eq/pipeline.h"
#include "eqvk_build_config.h"
#include "io/config.h"
#include "kernels/registry.h"
#include "model/forward.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/hash.h"
#include "util/timer.h"
#include "vk/capabilities.h"
#include "vk/context.h"

namespace eqvk::cli {
namespace {

std::atomic<bool> g_stop{false};  // set by the first SIGINT/SIGTERM; the pipeline polls it
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void on_stop_signal(int) {
    if (g_stop.exchange(true))
        ::_exit(130);  // the second Ctrl-C: at once (temp files are
                       // removed by the next run, eq/manifest.h)
    static const char msg[] =
        "\neqvk run: stopping before the next GPU submit; complete shards are kept (Ctrl-C "
        "again to quit at once)\n";
    [[maybe_unused]] ssize_t n = ::write(2, msg, sizeof msg - 1);
}

// SIGINT and SIGTERM go to on_stop_signal while it lives; the previous handlers come back after.
class StopSignals {
public:
    StopSignals() {
        struct sigaction sa {};
        sa.sa_handler = on_stop_signal;
        sigemptyset(&sa.sa_mask);
        ::sigaction(SIGINT, &sa, &old_int_);
        ::sigaction(SIGTERM, &sa, &old_term_);
    }
    ~StopSignals() {
        ::sigaction(SIGINT, &old_int_, nullptr);
        ::sigaction(SIGTERM, &old_term_, nullptr);
    }
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;

private:
    struct sigaction old_int_ {};
    struct sigaction old_term_ {};
};

struct RunArgs {
    std::string config;
    std::vector<std::string> sets;
    std::string shard = "0/1";
};

// --shard i/n (parse_shard_spec), or auto[/N] from the job array's environment (cli/shard_auto.h).
ShardPart shard_part(const std::string& spec) {
    if (!is_shard_auto(spec)) return parse_shard_spec(spec);
    auto [i, n] = resolve_shard_auto(spec, [](const char* name) { return std::getenv(name); });
    std::fprintf(stderr, "eqvk run: --shard %s is part %u/%u\n", spec.c_str(), i, n);
    return {i, n};
}

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

// The shards no run has finished yet; says which it skips.
std::vector<eq::ShardSpec> unfinished_shards(eq::DatasetDir& ds,
                                             const std::vector<eq::ShardSpec>& shards) {
    std::vector<eq::ShardSpec> todo;
    for (const auto& s : shards) {
        if (ds.finished(s))
            std::fprintf(stderr, "eqvk run: %s already done, skipped\n", s.path.c_str());
        else
            todo.push_back(s);
    }
    return todo;
}

struct PlayResult {
    bool stopped = false;              // SIGINT/SIGTERM
    uint64_t held_elsewhere = 0;       // shards another run was writing
    std::vector<std::string> written;  // file names of the shards this run wrote
};

// One shard's games through the pipeline in batches. Throws Interrupted (the games are dropped).
std::vector<eq::GameRecord> play_shard(eq::Pipeline& pipeline, const io::RunConfig& config,
                                       const eq::ShardSpec& shard, Progress& progress,
                                       uint64_t& done) {
    const uint32_t per_batch = pipeline.options().games_per_batch;
    std::vector<eq::GameRecord> records;
    for (uint64_t first = shard.first_seed; first < shard.first_seed + shard.games;
         first += per_batch) {
        uint64_t end = std::min<uint64_t>(first + per_batch, shard.first_seed + shard.games);
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
    }
    return records;
}

// Plays and writes every shard of `todo` that no other run holds, recording each in the manifest.
// Stops at the first SIGINT/SIGTERM: the shard in flight is dropped (a re-run resumes there), the
// ones complete before it are written.
PlayResult play_shards(eq::Pipeline& pipeline, const io::RunConfig& config, eq::DatasetDir& ds,
                       const std::vector<eq::ShardSpec>& todo, const io::Metadata& meta) {
    uint64_t total = 0;
    for (const auto& s : todo) total += s.games;
    Progress progress(total);
    PlayResult result;
    uint64_t done = 0;
    for (const auto& shard : todo) {
        auto held = ds.try_lock(shard);
        if (!held || ds.finished(shard)) {
            std::fprintf(stderr, "eqvk run: %s %s by another run, skipped\n", shard.path.c_str(),
                         held ? "finished" : "is being written");
            result.held_elsewhere += held ? 0 : 1;
            continue;
        }
        try {
            auto records = play_shard(pipeline, config, shard, progress, done);
            ds.record(shard, eq::write_shard(shard, records, meta));
            result.written.push_back(shard.path.filename().string());
        } catch (const Interrupted&) {
            std::fprintf(stderr,
                         "eqvk run: interrupted; %s discarded (nothing partial is written), re-run "
                         "to resume\n",
                         shard.path.c_str());
            result.stopped = true;
            return result;
        }
        if (g_stop) {
            std::fprintf(stderr, "eqvk run: interrupted after writing %s; re-run to resume\n",
                         shard.path.c_str());
            result.stopped = true;
            return result;
        }
    }
    progress.update(done, true);
    return result;
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
    const ShardPart sp = shard_part(a.shard);
    const uint32_t parts = sp.count;
    auto shards = eq::plan_shards(config, sp.index, parts);
    for (uint64_t s = config.games.start_seed;
         s < config.games.start_seed + std::min<uint64_t>(config.games.count, 10); ++s)
        eq::decl_for_seed(config, s);  // a bad games.decl fails before the GPU starts
    ModelBytes model = load_model_bytes(config);
    const std::string model_hash = content_hash(model.bytes);

    // Step 2. Device, oracle and the batch plan (device.memory_budget_mb is checked against the
    // device here), then the output directory: a run refused so far leaves no manifest behind that
    // would claim the directory for its configuration. No GPU work has run yet.
    vk::Context ctx(context_options(global, config));
    kernels::KernelCache cache(ctx);
    auto oracle =
        eq::make_oracle_evaluator(ctx, model.bytes, model.name, oracle_dtype(config, ctx.caps()));
    eq::PipelineOptions po = pipeline_options(
        config, ctx.caps(), std::min<uint64_t>(config.games.count, config.output.games_per_shard),
        *oracle);
    po.stop = &g_stop;
    // Refuses another configuration's directory and unwritable ones, before the pipeline is built.
    // SIGINT/SIGTERM only set g_stop from here on, so a Ctrl-C that lands while the manifest's temp
    // file is being written or renamed cannot leave it behind; play_shards() then stops before its
    // first shard.
    StopSignals signals;
    const eq::Manifest manifest = eq::run_manifest(config, model_hash, model.name, parts);
    std::vector<std::string> notes;
    eq::DatasetDir ds(config.output.dir, manifest, notes);
    for (const auto& n : notes) std::fprintf(stderr, "eqvk run: %s\n", n.c_str());
    auto todo = unfinished_shards(ds, shards);
    if (todo.empty()) {
        std::fprintf(stderr, "eqvk run: nothing to do (%zu shard(s) already finished)\n",
                     shards.size());
        return 0;
    }
    eq::Pipeline pipeline(ctx, cache, *oracle, po);
    std::fprintf(stderr,
                 "eqvk run: %zu shard(s) to write with %s on %s, %u games per batch × %u worlds "
                 "(%u at a time)%s, run seed %llu\n",
                 todo.size(), oracle->describe().c_str(), ctx.caps().name.c_str(),
                 po.games_per_batch, po.worlds, po.world_chunk,
                 po.posterior.enabled ? fmt::format(", posterior-weighted ({} past positions each)",
                                                    po.posterior.window)
                                            .c_str()
                                      : "",
                 static_cast<unsigned long long>(po.run_seed));

    // Step 3. Play and write the shards, then the summary.
    io::RunConfig described = config;
    described.output.dir.clear();  // shards are byte-identical whichever directory holds them
    io::Metadata meta = {{"results_key", manifest.results_key},
                         {"config", io::to_toml(described)},
                         {"model", model.name},
                         {"model_hash", model_hash},
                         {"eqvk_version", EQVK_VERSION_STRING},
                         {"device", ctx.caps().name + " (" + ctx.caps().driver_info + ")"},
                         {"compat", io::compat_mode_name(config.output.compat)},
                         {"precision", io::precision_name(config.model.precision)}};
    Timer wall;
    PlayResult result;
    try {
        result = play_shards(pipeline, config, ds, todo, meta);
    } catch (const NonFiniteError& e) {  // the pipeline's guard: no shard holds such a label
        throw NonFiniteError(fmt::format("{}; {}", e.what(),
                                         model::overflow_advice(oracle_dtype(config, ctx.caps()),
                                                                "--set model.precision=fp32")));
    }
    if (result.stopped) return 130;
    if (!result.written.empty())
        std::fprintf(stderr, "eqvk run: wrote %zu shard(s) into %s: %s .. %s\n",
                     result.written.size(), config.output.dir.c_str(),
                     result.written.front().c_str(), result.written.back().c_str());
    print_summary(pipeline.stats(), wall.seconds());
    if (result.held_elsewhere)
        std::fprintf(stderr,
                     "eqvk run: %llu shard(s) were being written by another run; `eqvk dataset "
                     "verify %s` once it ends\n",
                     static_cast<unsigned long long>(result.held_elsewhere), ds.dir().c_str());
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
                    "Write only part i of n of the shards (i/n: shard k when k % n == i), or "
                    "auto / auto/N: i and n from a Slurm job array or a Kubernetes Indexed Job "
                    "(docs/scale-out.md)");
    sub->callback(
        [&global, &action, a] { action = [&global, a] { return run_main(global, *a); }; });
}

}  // namespace eqvk::cli
