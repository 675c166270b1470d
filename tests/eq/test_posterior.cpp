// eq: posterior weighting (issue 16) — the behaviour model on hand-made cases (Forge's
// test_posterior_gpu cases re-expressed: the world where the observed play is best wins, an
// observed tile the world cannot explain gets weight ≈ 0, β flattens, ESS = 1/Σw², ±1000 Q stays
// finite) and past positions rebuilt per world (the trick's real lead decides legality, not the
// observed tile; no ghost slots); eq.gpu: eq_posterior equals the reference on the same cases, and
// the chain past states → tokens → oracle → weights equals its CPU counterpart.
#include <doctest/doctest.h>

#include <cmath>
#include <numeric>
#include <random>
#include <vector>

#include "eq/eq_test_util.h"
#include "eq/evaluator.h"
#include "eq/gpu/eq_past_states.h"
#include "eq/gpu/eq_posterior.h"
#include "eq/gpu/eq_tokenize.h"
#include "eq/gpu/eq_world_sample.h"
#include "eq/oracle_test_util.h"
#include "eq/posterior.h"
#include "eq/worlds.h"
#include "game/tiles.h"
#include "gpu_fixture.h"
#include "kernels/binding.h"
#include "kernels/check_util.h"
#include "kernels/registry.h"

using namespace eqvk;
using namespace eqvk::eq;

namespace {

/// G = 1 game, M worlds, K = 1 step each: Q rows and step words, weights and stats.
struct OneStep {
    std::vector<float> q;
    std::vector<uint32_t> steps;
    std::vector<float> w, stats{0, 0};
    void add(std::array<float, 7> row, uint32_t word) {
        q.insert(q.end(), row.begin(), row.end());
        steps.push_back(word);
    }
    uint32_t m() const { return uint32_t(steps.size()); }
    void run(float tau, float beta) {
        w.assign(m(), 0.0f);
        posterior_weights_ref(q.data(), steps.data(), 1, m(), 1, tau, beta, w.data(), stats.data());
    }
};

/// A notrump deal where P0 leads 5-5 and P1, holding 6-5, 5-1 and 6-2, follows 6-5 (spec §6.9's
/// example of Forge's led-suit defect): P1's legal set is {6-5, 5-1}; Forge's rule, taking the
/// led suit from the observed tile 6-5, gives {6-5, 6-2}.
game::State led_suit_case() {
    game::Deal deal = {game::Hand{0, 1, 2, 3, 4, 5, 20}, game::Hand{6, 7, 8, 9, 16, 23, 26},
                       game::Hand{10, 11, 12, 13, 14, 15, 17},
                       game::Hand{18, 19, 21, 22, 24, 25, 27}};
    game::State s(deal, 9);
    for (int tile : {20, 26, 15, 18}) s.do_play(tile);  // 5-5, 6-5, 5-0, 5-3: P0 wins, leads
    return s;
}

}  // namespace

TEST_SUITE("eq") {
    TEST_CASE("posterior: the behaviour model on hand-made worlds") {
        const uint32_t legal3 = 0x07;  // slots 0..2 legal, slot 0 observed
        OneStep c;
        c.add({10, 0, 0, 0, 0, 0, 0}, past_step_word(legal3, 0, true));  // observed play is best
        c.add({0, 10, 0, 0, 0, 0, 0}, past_step_word(legal3, 0, true));  // another play is best
        c.add({0, 0, 0, 0, 0, 0, 0}, past_step_word(legal3, PAST_ABSENT, true));  // absent
        c.add({0, 0, 0, 0, 0, 0, 0}, past_step_word(legal3, 4, true));  // observed not legal
        c.run(0.1f, 0.1f);
        // p = 0.9·softmax + 0.1/3: ≈ 0.9333 where the observed play is best, ≈ 0.0333 where
        // it is 100 τ worse; the impossible worlds are floored at e^-30 of the best.
        const double p_best = 0.9 + 0.1 / 3, p_worse = 0.1 / 3, floor = std::exp(-30.0);
        const double z = p_best + p_worse + 2 * floor * p_best;
        CHECK(c.w[0] == doctest::Approx(p_best / z).epsilon(1e-5));
        CHECK(c.w[1] == doctest::Approx(p_worse / z).epsilon(1e-5));
        CHECK(c.w[2] < 1e-12);
        CHECK(c.w[3] < 1e-12);
        CHECK(c.w[0] > c.w[1]);
        double sq = 0;
        for (float x : c.w) sq += double(x) * x;
        CHECK(c.stats[0] == doctest::Approx(1.0 / sq).epsilon(1e-5));  // ESS = 1/Σw²
        CHECK(c.stats[1] == c.w[0]);                                   // max w
        // β flattens the weights: more β, larger ESS; β = 1 is uniform over the possible worlds.
        c.run(0.1f, 0.5f);
        const float ess_half = c.stats[0];
        CHECK(ess_half > 1.0f / float(sq));
        c.run(0.1f, 1.0f);
        CHECK(c.w[0] == doctest::Approx(c.w[1]));
        CHECK(c.stats[0] > ess_half);
        // A softer τ flattens too.
        c.run(100.0f, 0.1f);
        CHECK(c.w[0] == doctest::Approx(c.w[1]).epsilon(0.2));
    }

    TEST_CASE("posterior: ±1000 Q stays finite; no scored step is uniform with ESS = M") {
        OneStep c;
        c.add({1000, -1000, 1000, -1000, 0, 0, 0}, past_step_word(0x1F, 1, true));
        c.add({-1000, 1000, -1000, 1000, 0, 0, 0}, past_step_word(0x1F, 1, true));
        c.add({1000, 1000, 1000, 1000, 1000, 1000, 1000}, past_step_word(0x7F, 6, true));
        for (float tau : {0.1f, 1.0f, 10.0f})
            for (float beta : {0.0f, 0.1f}) {
                c.run(tau, beta);
                for (float x : c.w) CHECK(std::isfinite(x));
                CHECK(std::isfinite(c.stats[0]));
                CHECK(c.w[1] > c.w[0]);
            }
        CHECK(std::isfinite(behaviour_log_prob(c.q.data(), c.steps[0], 0.1f, 0.0f)));
        OneStep none;
        for (int m = 0; m < 5; ++m)
            none.add({float(m), 0, 0, 0, 0, 0, 0}, past_step_word(3, 0, false));
        none.run(0.1f, 0.1f);
        for (float x : none.w) CHECK(x == doctest::Approx(0.2));
        CHECK(none.stats[0] == doctest::Approx(5.0));
    }

    TEST_CASE("posterior: past positions — the trick's real lead decides legality (Forge defect)") {
        const game::State s = led_suit_case();
        REQUIRE(s.current_player() == 0);
        const World truth = true_world(s);
        // Step j = 1 (k = 1 of window 4) is P1's 6-5; P1's deal is [3-0 3-1 3-2 3-3 5-1 6-2 6-5].
        const PastPosition p1 =
            past_position(s, truth, 4, 1, PosteriorScore::Opponents, Encoding::Faithful);
        REQUIRE(p1.scored);
        CHECK(p1.observed_slot == 6);                // 6-5
        CHECK(p1.legal == ((1u << 4) | (1u << 6)));  // {5-1, 6-5}: follows the 5-5 lead
        CHECK(p1.legal != ((1u << 5) | (1u << 6)));  // not Forge's {6-2, 6-5}
        CHECK(p1.state.num_plays() == 1);
        CHECK(p1.state.current_player() == 1);
        // Whose plays are scored: P0 (the actor) and P2 (its partner) only under "all"/"others".
        for (uint32_t k = 0; k < 4; ++k) {
            const int seat = int(k);  // plays 0..3 were by seats 0..3
            CHECK(past_position(s, truth, 4, k, PosteriorScore::Opponents, Encoding::Faithful)
                      .scored == (seat % 2 == 1));
            CHECK(
                past_position(s, truth, 4, k, PosteriorScore::Others, Encoding::Faithful).scored ==
                (seat != 0));
            CHECK(past_position(s, truth, 4, k, PosteriorScore::All, Encoding::Faithful).scored);
        }
        // A window reaching before the first play scores nothing there.
        CHECK_FALSE(past_position(s, truth, 6, 0, PosteriorScore::All, Encoding::Faithful).scored);
    }

    TEST_CASE("posterior: past positions per world — hands then, no ghost slots, tokens") {
        std::mt19937_64 rng(31);
        int checked = 0;
        for (int trial = 0; trial < 12; ++trial) {
            const game::State s =
                eq::test::random_state(uint64_t(300 + trial), trial % 10, 5 + trial * 2, rng);
            const WorldTable table = world_table(s);
            const int actor = s.current_player();
            for (uint32_t r = 0; r < std::min<uint32_t>(table.count(), 6); ++r) {
                const World world =
                    unrank_world(table, r * (table.count() / 6 + 1) % table.count());
                for (uint32_t k = 0; k < 4; ++k) {
                    const PastPosition p =
                        past_position(s, world, 4, k, PosteriorScore::All, Encoding::Faithful);
                    REQUIRE(p.scored);
                    const int j = s.num_plays() - 4 + int(k);
                    const game::Play played = s.history()[j];
                    INFO("trial ", trial, " world ", r, " step ", j);
                    // Hands then = the world's hands now plus what each seat played since j.
                    for (int seat = 0; seat < 4; ++seat) {
                        game::TileMask want =
                            seat == actor ? s.hand(actor) : world[(seat - actor + 3) % 4];
                        for (int i = j; i < s.num_plays(); ++i)
                            if (s.history()[i].player == seat)
                                want |= game::TileMask{1} << s.history()[i].tile;
                        CHECK(p.state.hand(seat) == want);
                    }
                    // The same trick and leader as the real game at j.
                    CHECK(p.state.num_plays() == j);
                    CHECK(p.state.current_player() == played.player);
                    CHECK(p.state.lead_tile() == (p.state.trick_len() ? played.lead_tile : -1));
                    // The observed tile is held and legal; slots already played never are.
                    REQUIRE(p.observed_slot < 7);
                    CHECK((p.legal >> p.observed_slot & 1u));
                    CHECK((p.legal & ~uint32_t(p.state.remaining_slots(played.player))) == 0u);
                    CHECK(p.state.deal()[played.player][p.observed_slot] == played.tile);
                    CHECK(p.tokens.tokens ==
                          tokenize(p.state, true_world(p.state), Encoding::Faithful).tokens);
                    ++checked;
                }
            }
        }
        CHECK(checked > 100);
        // In the true world the past position is the real game at j.
        const game::State s = eq::test::random_state(77, 3, 13, rng);
        game::State replay = initial_state(77, 3);
        for (int i = 0; i < 11; ++i) replay.do_play(s.history()[i].tile);
        const PastPosition p =
            past_position(s, true_world(s), 4, 2, PosteriorScore::All, Encoding::Faithful);
        CHECK(p.state.deal() == replay.deal());
        for (int seat = 0; seat < 4; ++seat) CHECK(p.state.hand(seat) == replay.hand(seat));
    }
}

TEST_SUITE("eq.gpu") {
    TEST_CASE("eq_posterior: hand-made and random cases equal the reference") {
        GPU_TEST(ctx);
        kernels::KernelCache cache(ctx);
        OneStep c;
        c.add({10, 0, 0, 0, 0, 0, 0}, past_step_word(0x07, 0, true));
        c.add({0, 10, 0, 0, 0, 0, 0}, past_step_word(0x07, 0, true));
        c.add({0, 0, 0, 0, 0, 0, 0}, past_step_word(0x07, PAST_ABSENT, true));
        c.add({1000, -1000, 1000, -1000, 0, 0, 0}, past_step_word(0x1F, 1, true));
        c.add({0, 0, 0, 0, 0, 0, 0}, past_step_word(0x07, 0, false));
        for (float beta : {0.0f, 0.1f, 1.0f}) {
            auto r = gpu::check_eq_posterior(ctx, cache, c.q, c.steps, 1, c.m(), 1, 0.1f, beta);
            INFO(r.summary());
            CHECK(r.ok);
        }
        // 40 games × 50 worlds × window 4 (Forge's 32 × 50 shape and more).
        std::mt19937_64 rng(4);
        std::uniform_real_distribution<float> u(-42.0f, 42.0f);
        const uint32_t g = 40, m = 50, k = 4;
        std::vector<float> q(size_t(g) * m * k * 7);
        for (auto& x : q) x = u(rng);
        std::vector<uint32_t> steps(size_t(g) * m * k);
        for (auto& w : steps) {
            const uint32_t legal = uint32_t(rng() % 127) + 1;
            w = past_step_word(legal, uint32_t(std::countr_zero(legal)), rng() % 4 != 0);
        }
        auto r = gpu::check_eq_posterior(ctx, cache, q, steps, g, m, k, 0.1f, 0.1f);
        INFO(r.summary());
        CHECK(r.ok);
    }

    TEST_CASE("posterior chain: eq_past_states → eq_tokenize → oracle → eq_posterior = CPU") {
        // What the pipeline will record for posterior weighting, on a random batch with sampled
        // worlds and a tiny model; the CPU side: past_position, the double forward, the weights.
        GPU_TEST(ctx);
        kernels::KernelCache cache(ctx);
        const model::Weights w = eq::test::tiny_model();
        auto oracle = eq::test::gpu_oracle(ctx, w);
        gpu::CheckBatch b(ctx, 12, 21);
        const uint32_t n = b.n(), M = gpu::CHECK_WORLDS, K = 4, B = n * M * K;
        const std::vector<uint32_t> worlds = gpu::reference_worlds(b, false, 0);
        auto buf = [&](size_t words, const char* name) {
            return vk::Buffer(ctx, words * 4, vk::MemoryKind::DeviceLocal, name);
        };
        vk::Buffer wd = kernels::upload_raw(ctx, worlds, "worlds");
        gpu::PastRowBuffers pr(ctx, n, B);
        vk::Buffer past = buf(size_t(B) * gpu::ST_WORDS, "past"),
                   pw = buf(size_t(B) * gpu::WORLD_WORDS, "past worlds"), steps = buf(B, "steps"),
                   tk = buf(size_t(B) * gpu::TOKEN_WORDS, "tokens"),
                   mk = buf(size_t(B) * gpu::MASK_WORDS, "mask"), ac = buf(B, "actor"),
                   q = buf(size_t(B) * 7, "q"), weights = buf(size_t(n) * M, "weights"),
                   stats = buf(size_t(n) * 2, "stats"),
                   acc = kernels::upload_raw(ctx, gpu::posterior_acc(n, M), "acc");
        const float tau = 1.0f, beta = 0.1f;
        vk::Program prog(ctx, "posterior chain");
        gpu::eq_past_states(cache, prog, b.state, b.rules, wd, acc, past, pw, steps, pr.views(), n,
                            M, K, uint32_t(PosteriorScore::Opponents));
        // Each evaluated row is a "game" of one world; eq_past_states counts them (as the pipeline).
        std::vector<uint32_t> all(B);
        std::iota(all.begin(), all.end(), 0u);
        vk::Buffer list = kernels::upload_raw(ctx, all, "list");
        gpu::eq_tokenize(cache, prog, past, b.rules, pw, tk, mk, ac, list, pr.ctrl, B, 1, 0);
        oracle->record(cache, prog, EvalIo{tk, mk, ac, pr.rows, q}, B);
        gpu::eq_posterior(cache, prog, q, steps, weights, stats, acc, pr.row_of, n, M, K, tau,
                          beta);
        prog.run();
        const uint32_t evaluated = kernels::download_vector<uint32_t>(ctx, pr.rows, 1)[0];
        CHECK(evaluated > 0);
        CHECK(evaluated < B);  // the opponents' plays only: about half the steps
        const auto got_w = kernels::download_vector<float>(ctx, weights, size_t(n) * M);
        const auto got_s = kernels::download_vector<float>(ctx, stats, size_t(n) * 2);
        // CPU: the same positions, the double forward, the reference weights.
        std::vector<TokenRow> rows;
        std::vector<uint32_t> words;
        for (uint32_t i = 0; i < B; ++i) {
            const uint32_t g = i / (M * K), m = (i / K) % M, k = i % K;
            const uint32_t* x = &worlds[(size_t(g) * M + m) * gpu::WORLD_WORDS];
            PastPosition p = past_position(b.states[g], World{x[0], x[1], x[2]}, K, k,
                                           PosteriorScore::Opponents, Encoding::Faithful);
            rows.push_back(p.tokens);
            words.push_back(p.word());
        }
        std::vector<float> q_cpu(size_t(B) * 7), want_w(size_t(n) * M), want_s(size_t(n) * 2);
        eq::test::cpu_oracle(w)(rows, q_cpu.data());
        posterior_weights_ref(q_cpu.data(), words.data(), n, M, K, tau, beta, want_w.data(),
                              want_s.data());
        int uneven = 0;
        for (uint32_t g = 0; g < n; ++g) {
            CHECK(got_s[2 * g] == doctest::Approx(want_s[2 * g]).epsilon(1e-4));
            CHECK(got_s[2 * g + 1] == doctest::Approx(want_s[2 * g + 1]).epsilon(1e-4));
            uneven += want_s[2 * g] < float(M) - 0.01f;
            for (uint32_t m = 0; m < M; ++m)
                CHECK(got_w[g * M + m] ==
                      doctest::Approx(want_w[g * M + m]).epsilon(1e-4).scale(1e-6));
        }
        CHECK(uneven > 3);  // most games have scored steps that tell their worlds apart
    }
}
