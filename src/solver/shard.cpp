// Uniform state sampling over a solved deal (Knuth's selection sampling: one pass, exact, no sort).
#include "solver/shard.h"

#include <algorithm>
#include <array>
#include <chrono>

#include "game/deal.h"

namespace eqvk::solver {

namespace {

class SplitMix64 {
public:
    explicit SplitMix64(uint64_t seed) : x_(seed) {}
    uint64_t next() {
        uint64_t z = (x_ += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    /// Uniform in [0, n), n >= 1, by rejection (no modulo bias).
    uint64_t below(uint64_t n) {
        uint64_t limit = ~uint64_t{0} - (~uint64_t{0} % n);
        uint64_t r;
        do r = next();
        while (r >= limit);
        return r % n;
    }

private:
    uint64_t x_;
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

ShardRows sample_rows(const DealSolution& solution, uint64_t k, uint64_t sample_seed,
                      Sampling sampling) {
    const uint64_t n = solution.num_states();
    if (k == 0 || k > n) k = n;
    // Step 1. Population and quota per stratum (one stratum, or one per trick).
    constexpr int TRICKS = 7;
    std::array<uint64_t, TRICKS + 1> population{}, quota{};
    auto stratum = [&](PackedState s) {
        return sampling == Sampling::Uniform ? 0 : std::min(plays_of(s) / 4, TRICKS);
    };
    if (sampling == Sampling::Uniform) {
        population[0] = n;
        quota[0] = k;
    } else {
        solution.for_each_state([&](PackedState s) { ++population[stratum(s)]; });
        for (int t = 0; t <= TRICKS; ++t)
            quota[t] = std::min(population[t], t < TRICKS ? k / TRICKS : 0);
    }
    // Step 2. Selection sampling within each stratum: keep with probability
    // (quota − chosen) / (left).
    ShardRows rows;
    SplitMix64 rng(sample_seed);
    std::array<uint64_t, TRICKS + 1> seen{}, chosen{};
    solution.for_each_state([&](PackedState s) {
        const int t = stratum(s);
        const uint64_t left = population[t] - seen[t]++;
        bool take = quota[t] == population[t] ||
                    (quota[t] > chosen[t] && rng.below(left) < quota[t] - chosen[t]);
        if (!take) return;
        ++chosen[t];
        auto q = solution.q_values(s);
        rows.state.push_back(static_cast<int64_t>(s));
        rows.v.push_back(static_cast<int8_t>(solution.value(s)));
        for (size_t i = 0; i < 7; ++i) rows.q[i].push_back(q[i]);
    });
    return rows;
}

ShardRows solve_shard(uint64_t seed, int decl, uint64_t k, const SolveOptions& options,
                      ShardStats* stats, Sampling sampling) {
    auto t0 = std::chrono::steady_clock::now();
    DealContext ctx = make_context(game::deal_from_seed(seed), decl);
    DealSolution solution(ctx, INITIAL_STATE, options);
    double solve_s = seconds_since(t0);
    ShardRows rows = sample_rows(solution, k, seed, sampling);
    if (stats) *stats = {solution.num_states(), solve_s, seconds_since(t0), solution.peak_bytes()};
    return rows;
}

}  // namespace eqvk::solver
