// Full-deal solver benchmark: per deal states, seconds, states/s, table bytes and process peak RSS.
#include "solver/bench.h"

#include <fmt/format.h>
#include <sys/resource.h>

#include <chrono>

#include "game/deal.h"

namespace eqvk::solver {

namespace {
long peak_rss_kib() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}
}  // namespace

BenchReport bench_solver(int n_seeds, const SolveOptions& options,
                         const std::function<void(const BenchDeal&)>& on_deal) {
    BenchReport report;
    uint64_t sig = 1469598103934665603ULL;
    auto mix = [&](uint64_t x) { sig = (sig ^ x) * 1099511628211ULL; };
    for (int i = 0; i < n_seeds; ++i) {
        BenchDeal d;
        d.seed = static_cast<uint64_t>(i);
        d.decl = i % 10;
        auto t0 = std::chrono::steady_clock::now();
        DealContext ctx = make_context(game::deal_from_seed(d.seed), d.decl);
        DealSolution sol(ctx, INITIAL_STATE, options);
        d.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        d.states = sol.num_states();
        d.root_value = sol.value(INITIAL_STATE);
        d.states_per_s = d.seconds > 0 ? static_cast<double>(d.states) / d.seconds : 0;
        d.table_bytes = sol.peak_bytes();
        d.peak_rss_kib = peak_rss_kib();
        mix(d.seed);
        mix(static_cast<uint64_t>(d.decl));
        mix(d.states);
        mix(static_cast<uint64_t>(d.root_value + 128));
        report.deals.push_back(d);
        if (on_deal) on_deal(d);
    }
    report.signature = sig;
    return report;
}

std::string format_bench_table(const BenchReport& report) {
    std::string out =
        fmt::format("{:>6} {:>5} {:>12} {:>5} {:>9} {:>12} {:>10} {:>10}\n", "seed", "decl",
                    "states", "V", "seconds", "states/s", "table MiB", "RSS MiB");
    uint64_t states = 0;
    double seconds = 0;
    for (const BenchDeal& d : report.deals) {
        out += fmt::format("{:>6} {:>5} {:>12} {:>5} {:>9.3f} {:>12.0f} {:>10.1f} {:>10.1f}\n",
                           d.seed, d.decl, d.states, d.root_value, d.seconds, d.states_per_s,
                           d.table_bytes / 1048576.0, d.peak_rss_kib / 1024.0);
        states += d.states;
        seconds += d.seconds;
    }
    out += fmt::format("total: {} states in {:.3f} s ({:.0f} states/s)\n", states, seconds,
                       seconds > 0 ? static_cast<double>(states) / seconds : 0.0);
    return out;
}

std::string format_bench_json(const BenchReport& report) {
    std::string out = "{\"deals\": [";
    for (size_t i = 0; i < report.deals.size(); ++i) {
        const BenchDeal& d = report.deals[i];
        out += fmt::format(
            "{}{{\"seed\": {}, \"decl\": {}, \"states\": {}, \"root_value\": {}, \"seconds\": "
            "{:.6f}, "
            "\"states_per_s\": {:.1f}, \"table_bytes\": {}, \"peak_rss_kib\": {}}}",
            i ? ", " : "", d.seed, d.decl, d.states, d.root_value, d.seconds, d.states_per_s,
            d.table_bytes, d.peak_rss_kib);
    }
    out += fmt::format("], \"signature\": {}}}", report.signature);
    return out;
}

}  // namespace eqvk::solver
