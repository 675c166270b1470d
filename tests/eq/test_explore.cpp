// eq: exploration after the greedy choice (eq/explore.h, config [policy] exploration) — each mode's
// frequencies within binomial error (4σ) of the configured rates over many decisions, q_gap and
// blunder bounds, "none" leaves the greedy move, entropies; eq.gpu: eq_explore on thousands of
// synthetic games equals the CPU reference and shows the same frequencies.
#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <random>
#include <vector>

#include "eq/eq_test_util.h"
#include "eq/explore.h"
#include "eq/gpu/eq_explore.h"
#include "eq/moves.h"
#include "gpu_fixture.h"
#include "kernels/registry.h"

using namespace eqvk;
using namespace eqvk::eq;

namespace {

constexpr uint64_t RUN_SEED = 99;

/// Decisions with varied legal masks and E[Q]: game seed, decision, legal mask, E[Q] [7] and the
/// greedy slot (the legal argmax, as policy.action = "e_q").
struct Decisions {
    std::vector<game::State> states;
    std::vector<GameInfo> infos;
    std::vector<uint32_t> legal;
    std::vector<float> e_q;
    std::vector<int32_t> greedy;

    /// E[Q] uniform in [−spread, spread] around 0 (spread ≤ the blunder regret: every other
    /// legal slot is a blunder candidate).
    Decisions(uint32_t n, float spread, uint64_t seed) {
        std::mt19937_64 rng(seed);
        std::uniform_real_distribution<float> u(-spread, spread);
        for (uint32_t g = 0; g < n; ++g) {
            const uint64_t game_seed = rng() >> 20;
            states.push_back(eq::test::random_state(game_seed, int(g % 10), int(g % 27), rng));
            infos.push_back({game_seed, 0});
            legal.push_back(legal_slots(states.back()));
            int32_t best = -1;
            for (int s = 0; s < 7; ++s) {
                e_q.push_back(u(rng));
                if ((legal.back() >> s & 1u) && (best < 0 || e_q.back() > e_q[g * 7 + best]))
                    best = s;
            }
            greedy.push_back(best);
        }
    }
    uint32_t n() const { return uint32_t(states.size()); }
    ExploreResult cpu(uint32_t g, const ExploreParams& p) const {
        return explore_move(&e_q[g * 7], legal[g], greedy[g], p, rng_key(RUN_SEED), infos[g].seed,
                            uint32_t(states[g].num_plays()));
    }
};

/// Observed count vs the sum of per-decision probabilities: within 4 binomial σ.
struct Tally {
    double observed = 0, expected = 0, variance = 0;
    void add(bool hit, double p) {
        observed += hit;
        expected += p;
        variance += p * (1 - p);
    }
    bool ok() const { return std::fabs(observed - expected) <= 4 * std::sqrt(variance) + 1e-9; }
};

/// Counts of each choice against the rates of `p` over `d` (choices [n] as ExploreChoice codes),
/// plus the invariants every decision keeps.
void check_rates(const Decisions& d, const std::vector<ExploreResult>& got, const ExploreParams& p,
                 double eps, double rate, double regret) {
    Tally blunder, epsilon, boltzmann, greedy;
    const bool blunders = p.mode == ExploreMode::Blunder || p.mode == ExploreMode::Mixed;
    const bool epsilons = p.mode == ExploreMode::Epsilon || p.mode == ExploreMode::Mixed;
    const bool boltz = p.mode == ExploreMode::Boltzmann || p.mode == ExploreMode::Mixed;
    for (uint32_t g = 0; g < d.n(); ++g) {
        const ExploreResult& r = got[g];
        const uint32_t legal = d.legal[g];
        INFO("game ", g, " legal ", legal, " greedy ", d.greedy[g], " action ", r.action);
        REQUIRE((legal >> r.action & 1u));
        // The greedy slot is the legal argmax here: q_gap >= 0, and 0 exactly when it was taken.
        CHECK(r.q_gap >= 0.0f);
        CHECK((r.q_gap == 0.0f) == (d.e_q[g * 7 + r.action] == d.e_q[g * 7 + d.greedy[g]]));
        if (r.choice == ExploreChoice::Blunder) {
            CHECK(r.action != d.greedy[g]);
            CHECK(r.q_gap <= regret);
        }
        const double p_blunder = blunders && std::popcount(legal) > 1 ? rate : 0.0;
        const double p_eps = epsilons ? (1 - p_blunder) * eps : 0.0;
        const double p_boltz = boltz ? 1 - p_blunder - p_eps : 0.0;
        blunder.add(r.choice == ExploreChoice::Blunder, p_blunder);
        epsilon.add(r.choice == ExploreChoice::Epsilon, p_eps);
        boltzmann.add(r.choice == ExploreChoice::Boltzmann, p_boltz);
        greedy.add(r.choice == ExploreChoice::Greedy, 1 - p_blunder - p_eps - p_boltz);
    }
    INFO("blunder ", blunder.observed, " / ", blunder.expected, ", epsilon ", epsilon.observed,
         " / ", epsilon.expected, ", boltzmann ", boltzmann.observed, " / ", boltzmann.expected);
    CHECK(blunder.ok());
    CHECK(epsilon.ok());
    CHECK(boltzmann.ok());
    CHECK(greedy.ok());
}

}  // namespace

TEST_SUITE("eq") {
    TEST_CASE("explore: every mode's frequencies are the configured rates (4 sigma)") {
        const double eps = 0.2, rate = 0.1, regret = 5.0, temperature = 2.0;
        const Decisions d(20000, 2.5f, 5);
        for (auto mode : {ExploreMode::None, ExploreMode::Epsilon, ExploreMode::Boltzmann,
                          ExploreMode::Blunder, ExploreMode::Mixed}) {
            CAPTURE(uint32_t(mode));
            const ExploreParams p = explore_params(mode, eps, temperature, rate, regret);
            std::vector<ExploreResult> got;
            for (uint32_t g = 0; g < d.n(); ++g) got.push_back(d.cpu(g, p));
            check_rates(d, got, p, eps, rate, regret);
            if (mode == ExploreMode::None)  // today's behaviour: the greedy move, untouched
                for (uint32_t g = 0; g < d.n(); ++g) {
                    CHECK(got[g].action == d.greedy[g]);
                    CHECK(got[g].q_gap == 0.0f);
                }
        }
    }

    TEST_CASE("explore: epsilon and Boltzmann draw each legal slot at its probability") {
        // One position (all 7 legal), E[Q] 0..6, many game seeds: slot frequencies against
        // uniform (epsilon = 1) and softmax(E[Q] / T) (Boltzmann), chi-square p > 1e-4.
        const float e_q[7] = {0, 1, 2, 3, 4, 5, 6};
        const int greedy = 6, n = 40000;
        for (auto mode : {ExploreMode::Epsilon, ExploreMode::Boltzmann}) {
            CAPTURE(uint32_t(mode));
            const double temperature = 2.5;
            const ExploreParams p = explore_params(mode, 1.0, temperature, 0.0, 0.0);
            double want[7], z = 0;
            for (int s = 0; s < 7; ++s)
                z += want[s] = mode == ExploreMode::Epsilon ? 1.0 : std::exp(e_q[s] / temperature);
            int count[7] = {};
            for (int i = 0; i < n; ++i)
                ++count[explore_move(e_q, 0x7F, greedy, p, rng_key(RUN_SEED), 1000 + i / 28,
                                     uint32_t(i % 28))
                            .action];
            double chi = 0;
            for (int s = 0; s < 7; ++s) {
                const double expect = n * want[s] / z;
                chi += (count[s] - expect) * (count[s] - expect) / expect;
            }
            CHECK(eq::test::chi_square_p(chi, 6) > 1e-4);
        }
    }

    TEST_CASE("explore: probabilities 0 and 1, blunders bounded, entropy, ±1000 finite") {
        CHECK(probability_threshold(0.0) == 0u);
        CHECK(probability_threshold(1.0) == 0xFFFFFFFFu);
        CHECK(probability_threshold(0.5) == 0x80000000u);
        const float flat[7] = {1, 1, 1, 1, 1, 1, 1};
        const float wide[7] = {-1000, 1000, -1000, 1000, 0, 0, 0};
        const PhiloxKey key = rng_key(RUN_SEED);
        for (uint32_t d = 0; d < 28; ++d) {
            // epsilon = 1: always an epsilon move; epsilon = 0: never.
            CHECK(explore_move(flat, 0x7F, 0, explore_params(ExploreMode::Epsilon, 1, 1, 0, 0), key,
                               7, d)
                      .choice == ExploreChoice::Epsilon);
            CHECK(explore_move(flat, 0x7F, 0, explore_params(ExploreMode::Epsilon, 0, 1, 0, 0), key,
                               7, d)
                      .choice == ExploreChoice::Greedy);
            // A certain blunder with no candidate within the regret keeps the greedy move.
            const ExploreResult none = explore_move(
                wide, 0x03, 1, explore_params(ExploreMode::Blunder, 0, 1, 1, 3), key, 7, d);
            CHECK(none.action == 1);
            CHECK(none.choice == ExploreChoice::Greedy);
            // Within the regret: the only other candidate.
            const ExploreResult one = explore_move(
                wide, 0x12, 1, explore_params(ExploreMode::Blunder, 0, 1, 1, 1000), key, 7, d);
            CHECK(one.action == 4);
            CHECK(one.q_gap == 1000.0f);
            // Huge E[Q] stays finite; Boltzmann at T = 1 picks a top slot.
            const ExploreResult b = explore_move(
                wide, 0x7F, 1, explore_params(ExploreMode::Boltzmann, 0, 1, 0, 0), key, 7, d);
            CHECK((b.action == 1 || b.action == 3));
            CHECK(b.action_entropy == doctest::Approx(std::log(2.0)).epsilon(1e-5));
        }
        // Entropy of k equal legal slots is log k; one legal slot, 0.
        const auto p = explore_params(ExploreMode::None, 0, 1, 0, 0);
        CHECK(explore_move(flat, 0x7F, 0, p, key, 1, 0).action_entropy ==
              doctest::Approx(std::log(7.0)));
        CHECK(explore_move(flat, 0x05, 0, p, key, 1, 0).action_entropy ==
              doctest::Approx(std::log(2.0)));
        CHECK(explore_move(flat, 0x01, 0, p, key, 1, 0).action_entropy == 0.0f);
        // Nothing legal: the greedy slot back, zeros.
        const ExploreResult empty = explore_move(flat, 0, -1, p, key, 1, 0);
        CHECK(empty.action == -1);
        CHECK(empty.q_gap == 0.0f);
    }
}

TEST_SUITE("eq.gpu") {
    TEST_CASE("eq_explore: 16,000 synthetic decisions equal the CPU reference, rates within 4σ") {
        GPU_TEST(ctx);
        kernels::KernelCache cache(ctx);
        const double eps = 0.15, rate = 0.1, regret = 5.0;
        const Decisions d(16000, 2.0f, 6);
        for (auto mode : {ExploreMode::None, ExploreMode::Mixed}) {
            CAPTURE(uint32_t(mode));
            const ExploreParams p = explore_params(mode, eps, 3.0, rate, regret);
            gpu::ExploreRun run = gpu::run_eq_explore(ctx, cache, d.states, d.infos, d.e_q, d.legal,
                                                      d.greedy, p, RUN_SEED);
            gpu::Exact v;
            gpu::compare_explore(run, d.infos, d.states, d.e_q, d.legal, d.greedy, p, RUN_SEED, v);
            INFO(v.summary());
            CHECK(!v.failed());
            std::vector<ExploreResult> got(d.n());
            for (uint32_t g = 0; g < d.n(); ++g)
                got[g] = {run.action[g], ExploreChoice(run.explore[g * 4]),
                          std::bit_cast<float>(run.explore[g * 4 + 2]),
                          std::bit_cast<float>(run.explore[g * 4 + 3])};
            check_rates(d, got, p, eps, rate, regret);
        }
    }
}
