// `eqvk bench solver` workload as a library function (runs without the cli): full-deal exhaustive
// solves over fixed seeds 0..N-1 with decl = seed % 10, timing, memory and a deterministic
// signature (STYLE.md §7).
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "solver/backward.h"

namespace eqvk::solver {

struct BenchDeal {
    uint64_t seed = 0;
    int decl = 0;
    uint64_t states = 0;  ///< reachable states (spec §3 count, terminal included)
    int root_value = 0;   ///< V of the initial state
    double seconds = 0;   ///< wall time of the full solve
    double states_per_s = 0;
    size_t table_bytes = 0;  ///< peak bytes of the solver's tables
    long peak_rss_kib = 0;   ///< process peak resident set (getrusage) after this deal
};

struct BenchReport {
    std::vector<BenchDeal> deals;
    /// Hash of (seed, decl, states, root value) of every deal: device- and timing-independent.
    uint64_t signature = 0;
};

/// Solves seeds 0..n_seeds-1 (decl = seed % 10) from the initial state; calls on_deal after each.
BenchReport bench_solver(int n_seeds, const SolveOptions& options = {},
                         const std::function<void(const BenchDeal&)>& on_deal = {});

/// Human-readable table of a report (one line per deal plus totals), without the signature line.
std::string format_bench_table(const BenchReport& report);

/// The report as one JSON object (deals array, totals, signature).
std::string format_bench_json(const BenchReport& report);

}  // namespace eqvk::solver
