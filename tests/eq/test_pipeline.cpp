// eq.gpu: the whole decision step on the GPU against the CPU reference pipeline (same RNG counters,
// the double-precision oracle reference), with a small random model: every game gets 28 legal
// decisions, the GPU's moves are the reference's (up to near-ties), E[Q] agrees, runs are
// deterministic, the batch size (how games are chunked) changes nothing bit for bit, Forge's
// compat mode runs too, and a stop flag (Ctrl-C) is seen before the next decision step.
#include <doctest/doctest.h>

#include <atomic>
#include <cmath>
#include <cstring>
#include <tuple>

#include "eq/dataset.h"
#include "eq/evaluator.h"
#include "eq/gpu/ref/eq_reduce_ref.h"
#include "eq/oracle_test_util.h"
#include "eq/pipeline.h"
#include "eq/reference.h"
#include "eq_test_util.h"
#include "gpu_fixture.h"
#include "io/safetensors.h"
#include "kernels/registry.h"
#include "util/error.h"

using namespace eqvk;
using namespace eqvk::eq;
using eqvk::eq::test::cpu_oracle;
using eqvk::eq::test::gpu_oracle;
using eqvk::eq::test::tiny_model;

namespace {

bool same_bits(const std::vector<GameRecord>& a, const std::vector<GameRecord>& b) {
    if (a.size() != b.size()) return false;
    for (size_t g = 0; g < a.size(); ++g)
        for (int d = 0; d < DECISIONS; ++d) {
            const auto &x = a[g].decisions[d], &y = b[g].decisions[d];
            if (x.action != y.action || x.legal != y.legal || x.player != y.player ||
                x.n_samples != y.n_samples || x.exact != y.exact || x.converged != y.converged ||
                x.world_count != y.world_count ||
                std::memcmp(x.sem.data(), y.sem.data(), sizeof(x.sem)) != 0 ||
                x.exploration_mode != y.exploration_mode || x.greedy_action != y.greedy_action ||
                std::memcmp(&x.q_gap, &y.q_gap, 4) != 0 ||
                std::memcmp(&x.action_entropy, &y.action_entropy, 4) != 0 ||
                std::memcmp(&x.ess, &y.ess, 4) != 0 || std::memcmp(&x.max_w, &y.max_w, 4) != 0 ||
                std::memcmp(x.e_q.data(), y.e_q.data(), sizeof(x.e_q)) != 0 ||
                std::memcmp(x.var.data(), y.var.data(), sizeof(x.var)) != 0 ||
                std::memcmp(x.pdf.data(), y.pdf.data(), sizeof(x.pdf)) != 0)
                return false;
        }
    return true;
}

/// An oracle for the memory planner only: 1 MiB of weights, 10 KiB of activations per world.
class SizedOracle final : public Evaluator {
public:
    void record(kernels::KernelCache&, vk::Program&, const EvalIo&, uint32_t) override {}
    std::string describe() const override { return "sized"; }
    uint64_t weight_bytes() const override { return 1 << 20; }
    uint64_t record_bytes(uint32_t capacity) const override { return uint64_t(capacity) * 10240; }
};

}  // namespace

TEST_SUITE("eq") {
    TEST_CASE("plan_batch: the budget holds the oracle's weights and activations (issue 14, 6)") {
        const SizedOracle oracle;
        const uint64_t binding = 1ull << 31, MiB = 1 << 20;
        // Every plan fits its budget, and a larger budget never plans less work in flight.
        uint64_t last_in_flight = 0;
        for (uint64_t mib : {16, 32, 64, 256, 1024}) {
            CAPTURE(mib);
            auto [n, chunk] = plan_batch(64, 0, 4096, mib * MiB, binding, oracle);
            CHECK(pipeline_total_bytes(oracle, n, 4096, chunk) <= mib * MiB);
            CHECK(uint64_t(n) * chunk >= last_in_flight);
            CHECK(chunk * MAX_WORLD_CHUNKS >= 4096);
            last_in_flight = uint64_t(n) * chunk;
        }
        // 4096 worlds in at most 64 chunks: 64 worlds of one game need 1 MiB + 640 KiB + buffers;
        // 1 MiB cannot hold them, and the error says what the smallest plan needs.
        CHECK_THROWS_WITH_AS(plan_batch(64, 0, 4096, 1 * MiB, binding, oracle),
                             doctest::Contains("device.memory_budget_mb: 1 MiB is too small"),
                             InputError);
        // The weights alone decide: a budget below them fails whatever the shape.
        CHECK_THROWS_AS(plan_batch(1, 1, 1, MiB / 2, binding, oracle), InputError);
        // Without a limit the planner keeps every world of every game in flight.
        auto [n, chunk] = plan_batch(16, 0, 100, 1ull << 40, binding, oracle);
        CHECK(n == 16);
        CHECK(chunk == 100);
    }

    TEST_CASE(
        "plan_batch: the posterior's past positions are counted and never chunked (issue 16)") {
        const SizedOracle oracle;
        const uint64_t binding = 1ull << 31, MiB = 1 << 20;
        // K = 4 past positions per world: K× the world buffers and a second recording of N·M·K rows.
        CHECK(pipeline_bytes(8, 50, 4) > pipeline_bytes(8, 50));
        CHECK(pipeline_total_bytes(oracle, 8, 50, 50, 4) -
                  pipeline_total_bytes(oracle, 8, 50, 50) >=
              oracle.record_bytes(8 * 50 * 4));
        for (uint64_t mib : {64, 256, 1024}) {
            CAPTURE(mib);
            auto [n, chunk] = plan_batch(64, 0, 512, mib * MiB, binding, oracle, 4);
            CHECK(chunk == 512);  // every world of a decision in one pass
            CHECK(pipeline_total_bytes(oracle, n, 512, chunk, 4) <= mib * MiB);
        }
        // A budget that holds the uniform mode's chunks but not one game's worlds and past positions
        // at once is refused, naming the posterior.
        const uint64_t tight = pipeline_total_bytes(oracle, 1, 4096, 64) + MiB;
        CHECK_NOTHROW(plan_batch(1, 0, 4096, tight, binding, oracle));
        CHECK_THROWS_WITH_AS(
            plan_batch(1, 0, 4096, tight, binding, oracle, 4),
            doctest::Contains("posterior.enabled: all worlds and 4 past positions"), InputError);
        // The past positions' tokens must fit one binding too.
        const uint64_t small_binding = uint64_t(8) * 50 * 2 * gpu::TOKEN_WORDS * 4;
        auto [n, chunk] = plan_batch(8, 0, 50, 1ull << 40, small_binding, oracle, 4);
        CHECK(uint64_t(n) * chunk * 4 * gpu::TOKEN_WORDS * 4 <= small_binding);
        CHECK(chunk == 50);
    }
}

TEST_SUITE("eq.gpu") {
    TEST_CASE(
        "pipeline: GPU games equal the CPU reference pipeline, deterministic, batch-size "
        "invariant") {
        GPU_TEST(ctx);
        kernels::KernelCache cache(ctx);
        const model::Weights w = tiny_model();
        auto oracle = gpu_oracle(ctx, w);
        const std::vector<uint64_t> seeds = {950, 1, 12345};
        const std::vector<int> decls = {0, 7, 9};
        for (auto rule : {gpu::MoveRule::EQ, gpu::MoveRule::PMake}) {
            CAPTURE(static_cast<int>(rule));
            PipelineOptions po;
            po.games_per_batch = 3;
            po.worlds = 16;
            po.run_seed = 11;
            po.rule = rule;
            // One step per submit, and all 28 in one (the default): the same records.
            po.steps_per_submit = rule == gpu::MoveRule::EQ ? 1 : DECISIONS;
            Pipeline pipe(ctx, cache, *oracle, po);
            auto gpu = pipe.play(seeds, decls, 0);
            CHECK(pipe.stats().submits == DECISIONS / po.steps_per_submit);

            ReferenceOptions ro{po.worlds, po.run_seed, false, rule};
            for (size_t g = 0; g < seeds.size(); ++g) {
                std::array<int8_t, DECISIONS> chosen{};
                GameRecord ref =
                    play_reference(seeds[g], decls[g], 0, ro, cpu_oracle(w), &gpu[g], &chosen);
                for (int d = 0; d < DECISIONS; ++d) {
                    const auto &x = gpu[g].decisions[d], &y = ref.decisions[d];
                    INFO("game ", seeds[g], " decision ", d);
                    REQUIRE(x.player == y.player);
                    REQUIRE(x.legal == y.legal);
                    REQUIRE((x.legal >> x.action & 1));
                    for (int s = 0; s < SLOTS; ++s)
                        CHECK(x.e_q[s] == doctest::Approx(y.e_q[s]).epsilon(1e-4).scale(1));
                    if (x.action !=
                        chosen[d]) {  // only acceptable on a near-tie of the reference's scores
                        float va = y.e_q[x.action], vb = y.e_q[chosen[d]];
                        CHECK(std::fabs(va - vb) < 1e-3f);
                    }
                }
            }
            // Same inputs, same bits; one game per batch (another chunking of the same games), same
            // bits.
            CHECK(same_bits(gpu, pipe.play(seeds, decls, 0)));
            po.games_per_batch = 1;
            Pipeline single(ctx, cache, *oracle, po);
            std::vector<GameRecord> one_by_one;
            for (size_t g = 0; g < seeds.size(); ++g) {
                auto r =
                    single.play(std::span(seeds).subspan(g, 1), std::span(decls).subspan(g, 1), 0);
                one_by_one.push_back(r[0]);
            }
            CHECK(same_bits(gpu, one_by_one));
            // Worlds in chunks of 5 (16 = 5 + 5 + 5 + 1): same bits.
            po.games_per_batch = 3;
            po.world_chunk = 5;
            Pipeline chunked(ctx, cache, *oracle, po);
            CHECK(same_bits(gpu, chunked.play(seeds, decls, 0)));
        }
    }

    TEST_CASE("pipeline: baseline players (eqvk match) move exactly as the CPU baseline") {
        GPU_TEST(ctx);
        kernels::KernelCache cache(ctx);
        const model::Weights w = tiny_model();
        auto oracle = gpu_oracle(ctx, w);
        const std::vector<uint64_t> seeds = {10, 11, 12, 13};
        const std::vector<int> decls = {0, 5, 8, 9};
        for (uint32_t policy : {0u, 1u})
            for (int team : {0, 1}) {
                PipelineOptions po;
                po.games_per_batch = 4;
                po.worlds = 4;
                po.run_seed = 3;
                po.baseline_team = team;
                po.baseline = policy;
                Pipeline pipe(ctx, cache, *oracle, po);
                auto gpu = pipe.play(seeds, decls, 0);
                ReferenceOptions ro{po.worlds, po.run_seed, false, po.rule, team, policy};
                for (size_t g = 0; g < seeds.size(); ++g) {
                    std::array<int8_t, DECISIONS> chosen{};
                    play_reference(seeds[g], decls[g], 0, ro, cpu_oracle(w), &gpu[g], &chosen);
                    for (int d = 0; d < DECISIONS; ++d)
                        if (gpu[g].decisions[d].player % 2 == team) {
                            INFO("policy ", policy, " team ", team, " game ", seeds[g],
                                 " decision ", d);
                            CHECK(gpu[g].decisions[d].action == chosen[d]);
                        }
                }
            }
    }

    TEST_CASE(
        "pipeline: exploration (mixed) moves as the CPU reference, reproducibly; none is greedy") {
        GPU_TEST(ctx);
        kernels::KernelCache cache(ctx);
        const model::Weights w = tiny_model();
        auto oracle = gpu_oracle(ctx, w);
        const std::vector<uint64_t> seeds = {20, 21, 22};
        const std::vector<int> decls = {2, 7, 9};
        PipelineOptions po;
        po.games_per_batch = 3;
        po.worlds = 8;
        po.run_seed = 5;
        po.rule = gpu::MoveRule::EQ;  // greedy = max E[Q]: q_gap >= 0
        po.explore = explore_params(ExploreMode::Mixed, 0.3, 2.0, 0.3, 4.0);
        Pipeline pipe(ctx, cache, *oracle, po);
        auto gpu = pipe.play(seeds, decls, 0);
        ReferenceOptions ro{po.worlds, po.run_seed, false, po.rule};
        ro.explore = po.explore;
        int explored = 0;
        for (size_t g = 0; g < seeds.size(); ++g) {
            std::array<int8_t, DECISIONS> chosen{};
            GameRecord ref =
                play_reference(seeds[g], decls[g], 0, ro, cpu_oracle(w), &gpu[g], &chosen);
            for (int d = 0; d < DECISIONS; ++d) {
                const auto &x = gpu[g].decisions[d], &y = ref.decisions[d];
                INFO("game ", seeds[g], " decision ", d);
                REQUIRE((x.legal >> x.action & 1));
                CHECK(x.q_gap >= 0.0f);
                CHECK((x.action == x.greedy_action) == (x.exploration_mode == 0 || x.q_gap == 0));
                CHECK(x.q_gap == doctest::Approx(x.e_q[x.greedy_action] - x.e_q[x.action]));
                CHECK(x.action_entropy == doctest::Approx(y.action_entropy).epsilon(1e-4).scale(1));
                explored += x.exploration_mode != 0;
                // The same move, choice and greedy slot, unless the reference's E[Q] had a
                // near-tie the GPU's rounding broke the other way.
                const bool near_tie =
                    std::fabs(y.e_q[x.action] - y.e_q[chosen[d]]) < 1e-3f ||
                    std::fabs(y.e_q[x.greedy_action] - y.e_q[y.greedy_action]) < 1e-3f;
                if (!near_tie) {
                    CHECK(x.action == chosen[d]);
                    CHECK(x.greedy_action == y.greedy_action);
                    CHECK(x.exploration_mode == y.exploration_mode);
                }
            }
        }
        CHECK(explored > 10);  // about 3 × 28 × 0.5 explore with these rates
        // Same run seed, same bits; another batch size, same bits.
        CHECK(same_bits(gpu, pipe.play(seeds, decls, 0)));
        po.games_per_batch = 2;
        Pipeline two(ctx, cache, *oracle, po);
        auto first = two.play(std::span(seeds).subspan(0, 2), std::span(decls).subspan(0, 2), 0);
        auto last = two.play(std::span(seeds).subspan(2, 1), std::span(decls).subspan(2, 1), 0);
        first.push_back(last[0]);
        CHECK(same_bits(gpu, first));
        // Another run seed explores differently.
        po.games_per_batch = 3;
        po.run_seed = 6;
        Pipeline other(ctx, cache, *oracle, po);
        CHECK(!same_bits(gpu, other.play(seeds, decls, 0)));
        // none: the greedy move every time, nothing recorded as explored.
        po.explore = {};
        po.run_seed = 5;
        Pipeline greedy(ctx, cache, *oracle, po);
        for (const auto& game : greedy.play(seeds, decls, 0))
            for (const auto& d : game.decisions) {
                CHECK(d.action == d.greedy_action);
                CHECK(d.exploration_mode == 0);
                CHECK(d.q_gap == 0.0f);
            }
    }

    TEST_CASE(
        "pipeline: posterior-weighted worlds equal the CPU reference, reproducibly (issue 16)") {
        GPU_TEST(ctx);
        kernels::KernelCache cache(ctx);
        const model::Weights w = tiny_model();
        auto oracle = gpu_oracle(ctx, w);
        // Three games in a batch of four (a padding game), late decisions enumerated (count <= 8:
        // fewer live worlds than M), two behaviour models.
        const std::vector<uint64_t> seeds = {30, 31, 32};
        const std::vector<int> decls = {1, 7, 9};
        for (const auto& [score, tau, mix] : {std::tuple{PosteriorScore::Opponents, 0.1f, 0.1f},
                                              std::tuple{PosteriorScore::All, 2.0f, 0.3f}}) {
            CAPTURE(static_cast<int>(score));
            PipelineOptions po;
            po.games_per_batch = 4;
            po.worlds = 8;
            po.sampling.exact_max = 8;
            po.run_seed = 9;
            po.rule = gpu::MoveRule::EQ;
            po.explore = explore_params(ExploreMode::Mixed, 0.1, 2.0, 0.05, 3.0);
            po.posterior = {true, 4, tau, mix, score};
            Pipeline pipe(ctx, cache, *oracle, po);
            auto gpu = pipe.play(seeds, decls, 0);
            ReferenceOptions ro{po.worlds, po.run_seed, false, po.rule};
            ro.sampling = po.sampling;
            ro.explore = po.explore;
            ro.posterior = po.posterior;
            ReferenceOptions uniform = ro;
            uniform.posterior.enabled = false;
            int weighted = 0, moved = 0;
            for (size_t g = 0; g < seeds.size(); ++g) {
                std::array<int8_t, DECISIONS> chosen{};
                GameRecord ref =
                    play_reference(seeds[g], decls[g], 0, ro, cpu_oracle(w), &gpu[g], &chosen);
                GameRecord flat =
                    play_reference(seeds[g], decls[g], 0, uniform, cpu_oracle(w), &gpu[g]);
                for (int d = 0; d < DECISIONS; ++d) {
                    const auto &x = gpu[g].decisions[d], &y = ref.decisions[d];
                    INFO("game ", seeds[g], " decision ", d);
                    REQUIRE(x.n_samples == y.n_samples);
                    REQUIRE((x.legal >> x.action & 1));
                    // The oracle's fp32 GPU forward against the double one, through exp(ΔQ/τ):
                    // the weights' statistics within 1e-5 relative (measured: 1.1e-6).
                    CHECK(x.ess == doctest::Approx(y.ess).epsilon(1e-5));
                    CHECK(x.max_w == doctest::Approx(y.max_w).epsilon(1e-5));
                    CHECK(x.ess >= 1.0f - 1e-5f);
                    CHECK(x.ess <= float(x.n_samples) * (1.0f + 1e-5f));
                    CHECK(x.max_w >= 1.0f / float(x.n_samples) * (1.0f - 1e-5f));
                    if (d == 0) CHECK(x.ess == doctest::Approx(float(x.n_samples)));  // no past
                    // The tiny model's Q hardly depends on the world (spread ~3e-4): E[Q] to 2e-6
                    // (measured 2.4e-7), well inside what the weights move it (up to 6e-4).
                    for (int s = 0; s < SLOTS; ++s) {
                        CHECK(std::fabs(x.e_q[s] - y.e_q[s]) <= 2e-6f);
                        CHECK(std::fabs(x.var[s] - y.var[s]) <= 2e-2f * y.var[s] + 1e-10f);
                        moved += std::fabs(y.e_q[s] - flat.decisions[d].e_q[s]) > 2e-5f;
                    }
                    float mass = 0.0f;
                    for (int i = 0; i < SLOTS * PDF_BINS; ++i) mass += x.pdf[i];
                    CHECK(mass == doctest::Approx(float(SLOTS)).epsilon(1e-4));
                    weighted += x.ess < float(x.n_samples) - 0.01f;
                    const bool near_tie =
                        std::fabs(y.e_q[x.action] - y.e_q[chosen[d]]) < 1e-3f ||
                        std::fabs(y.e_q[x.greedy_action] - y.e_q[y.greedy_action]) < 1e-3f;
                    if (!near_tie) CHECK(x.action == chosen[d]);
                }
            }
            CHECK(weighted > 20);  // the past plays tell most decisions' worlds apart
            CHECK(moved > 20);     // and the weights move E[Q] away from the uniform mean
            // Same inputs, same bits; one game per batch, same bits.
            CHECK(same_bits(gpu, pipe.play(seeds, decls, 0)));
            po.games_per_batch = 1;
            Pipeline single(ctx, cache, *oracle, po);
            for (size_t g = 0; g < seeds.size(); ++g)
                CHECK(same_bits({gpu[g]}, single.play(std::span(seeds).subspan(g, 1),
                                                      std::span(decls).subspan(g, 1), 0)));
        }
        // The weights normalise over all of a decision's worlds: chunks or adaptive rounds are
        // refused; off, ESS and max w are 0.
        PipelineOptions po;
        po.games_per_batch = 2;
        po.worlds = 8;
        po.posterior.enabled = true;
        po.world_chunk = 4;
        CHECK_THROWS_AS(Pipeline(ctx, cache, *oracle, po), std::invalid_argument);
        po.world_chunk = 0;
        po.sampling.adaptive = true;
        CHECK_THROWS_AS(Pipeline(ctx, cache, *oracle, po), std::invalid_argument);
        po.sampling.adaptive = false;
        po.posterior.enabled = false;
        Pipeline off(ctx, cache, *oracle, po);
        for (const auto& game : off.play(std::span(seeds).first(2), std::span(decls).first(2), 0))
            for (const auto& d : game.decisions) CHECK((d.ess == 0.0f && d.max_w == 0.0f));
    }

    TEST_CASE("pipeline: Forge compat mode and a short batch") {
        GPU_TEST(ctx);
        kernels::KernelCache cache(ctx);
        const model::Weights w = tiny_model();
        auto oracle = gpu_oracle(ctx, w);
        PipelineOptions po;
        po.games_per_batch = 4;
        po.worlds = 8;
        po.forge_compat = true;
        Pipeline pipe(ctx, cache, *oracle, po);
        std::vector<uint64_t> seeds = {3, 4};
        std::vector<int> decls = {3, 4};
        auto gpu = pipe.play(seeds, decls, 1);
        REQUIRE(gpu.size() == 2);
        ReferenceOptions ro{po.worlds, po.run_seed, true, po.rule};
        GameRecord ref = play_reference(3, 3, 1, ro, cpu_oracle(w), &gpu[0]);
        for (int d = 0; d < DECISIONS; ++d)
            CHECK(gpu[0].decisions[d].e_q[0] ==
                  doctest::Approx(ref.decisions[d].e_q[0]).epsilon(1e-4).scale(1));
    }

    TEST_CASE("pipeline: the non-finite guard stops an overflowing model at its first decision") {
        // Issue 14, item 1: a model that overflows fp16 activations (the FFN's weights × 1000) and
        // one that overflows fp32 (weights near 3e38) made every E[Q] NaN without a word. The
        // GPU-side count in the records makes play() refuse the batch, naming the game and
        // decision; the unmodified model in fp16 plays through.
        GPU_TEST(ctx);
        if (!ctx.caps().storage_buffer_16bit) return;
        kernels::KernelCache cache(ctx);
        model::Weights fp16_overflow = tiny_model(), fp32_overflow = tiny_model();
        for (auto& l : fp16_overflow.layers) {
            for (float& x : l.linear1_weight) x *= 1000.0f;
            for (float& x : l.linear2_weight) x *= 1000.0f;
        }
        for (float& x : fp32_overflow.layers[0].linear1_weight) x = x < 0 ? -3e38f : 3e38f;
        struct Case {
            const model::Weights* w;
            kernels::Dtype dtype;
            bool finite;
        };
        const model::Weights good = tiny_model();
        for (const Case& c : {Case{&good, kernels::Dtype::F16, true},
                              Case{&fp16_overflow, kernels::Dtype::F32, true},
                              Case{&fp16_overflow, kernels::Dtype::F16, false},
                              Case{&fp32_overflow, kernels::Dtype::F32, false}}) {
            CAPTURE(c.finite);
            CAPTURE(c.dtype == kernels::Dtype::F16);
            auto oracle = gpu_oracle(ctx, *c.w, c.dtype);
            PipelineOptions po;
            po.games_per_batch = 2;
            po.worlds = 4;
            Pipeline pipe(ctx, cache, *oracle, po);
            const std::vector<uint64_t> seeds = {950, 951};
            const std::vector<int> decls = {0, 1};
            if (c.finite) {
                auto games = pipe.play(seeds, decls, 0);
                for (const auto& g : games)
                    for (const auto& d : g.decisions)
                        for (float e : d.e_q) CHECK(std::isfinite(e));
            } else {
                CHECK_THROWS_WITH_AS(pipe.play(seeds, decls, 0),
                                     doctest::Contains("game seed 950, decision 0:"),
                                     NonFiniteError);
            }
        }
    }

    TEST_CASE("pipeline: a set stop flag stops play() before the next decision step (Ctrl-C)") {
        GPU_TEST(ctx);
        kernels::KernelCache cache(ctx);
        const model::Weights w = tiny_model();
        auto oracle = gpu_oracle(ctx, w);
        std::atomic<bool> stop{true};
        PipelineOptions po;
        po.games_per_batch = 2;
        po.worlds = 4;
        po.stop = &stop;
        Pipeline pipe(ctx, cache, *oracle, po);
        std::vector<uint64_t> seeds = {5, 6};
        std::vector<int> decls = {5, 6};
        CHECK_THROWS_AS(pipe.play(seeds, decls, 0), Interrupted);
        CHECK(pipe.stats().submits == 0);
        stop = false;  // the pipeline stays usable
        CHECK(pipe.play(seeds, decls, 0).size() == 2);
        CHECK(pipe.stats().submits == DECISIONS / po.steps_per_submit);
    }

    TEST_CASE(
        "pipeline: exact enumeration and adaptive sampling (issue 15) equal the CPU reference; "
        "each game stops on its own; pass size and batch size change nothing") {
        GPU_TEST(ctx);
        kernels::KernelCache cache(ctx);
        const model::Weights w = tiny_model();
        auto oracle = gpu_oracle(ctx, w);
        const std::vector<uint64_t> seeds = {950, 1, 12345, 77};
        const std::vector<int> decls = {0, 7, 9, 3};
        PipelineOptions po;
        po.games_per_batch = 4;
        po.run_seed = 5;
        po.rule = gpu::MoveRule::EQ;
        po.sampling.adaptive = true;
        po.sampling.exact_max = 40;
        po.sampling.min_worlds = 6;
        po.sampling.max_worlds = 30;
        po.sampling.round_worlds = 6;
        po.sampling.sem_target = 1.2e-4f;  // the tiny model's Q hardly varies
        Pipeline pipe(ctx, cache, *oracle, po);
        auto gpu = pipe.play(seeds, decls, 0);
        ReferenceOptions ro{po.worlds, po.run_seed, false, po.rule};
        ro.sampling = po.sampling;
        uint64_t worlds = 0;
        int exact = 0, converged = 0, hit_max = 0, differ = 0;
        for (size_t g = 0; g < seeds.size(); ++g) {
            GameRecord ref = play_reference(seeds[g], decls[g], 0, ro, cpu_oracle(w), &gpu[g]);
            for (int d = 0; d < DECISIONS; ++d) {
                const auto &x = gpu[g].decisions[d], &y = ref.decisions[d];
                INFO("game ", seeds[g], " decision ", d);
                REQUIRE(x.world_count == y.world_count);
                REQUIRE(x.exact == y.exact);
                REQUIRE(x.n_samples == y.n_samples);
                CHECK(x.converged == y.converged);
                for (int s = 0; s < SLOTS; ++s) {
                    CHECK(x.e_q[s] == doctest::Approx(y.e_q[s]).epsilon(1e-4).scale(1));
                    CHECK(x.sem[s] == doctest::Approx(y.sem[s]).epsilon(1e-3).scale(1e-3));
                }
                // Every decision is exact, converged, or stopped at max_worlds.
                float worst = 0.0f;
                for (int s = 0; s < SLOTS; ++s)
                    if (x.legal >> s & 1) worst = std::max(worst, x.sem[s]);
                if (x.exact) {
                    ++exact;
                    CHECK(x.n_samples == x.world_count);
                    CHECK(x.world_count <= po.sampling.exact_max);
                    CHECK(x.converged);
                } else if (x.converged) {
                    ++converged;
                    CHECK(worst <= po.sampling.sem_target);
                    CHECK(x.n_samples >= po.sampling.min_worlds);
                    CHECK(x.n_samples % po.sampling.round_worlds == 0);
                } else {
                    ++hit_max;
                    CHECK(x.n_samples == po.sampling.max_worlds);
                }
                worlds += x.n_samples;
            }
        }
        // The games of one decision step stop at their own rounds.
        for (int d = 0; d < DECISIONS; ++d)
            for (size_t g = 1; g < seeds.size(); ++g)
                if (!gpu[g].decisions[d].exact && !gpu[0].decisions[d].exact &&
                    gpu[g].decisions[d].n_samples != gpu[0].decisions[d].n_samples)
                    ++differ;
        INFO(exact, " exact, ", converged, " converged, ", hit_max, " at max_worlds");
        CHECK(exact > 0);
        CHECK(converged > 0);
        CHECK(hit_max > 0);
        CHECK(differ > 0);
        CHECK(pipe.stats().worlds == worlds);
        // Passes of 4 worlds (a round in two passes: 4 + 2), and one game per batch: same bits.
        po.world_chunk = 4;
        Pipeline chunked(ctx, cache, *oracle, po);
        CHECK(same_bits(gpu, chunked.play(seeds, decls, 0)));
        po.world_chunk = 0;
        po.games_per_batch = 1;
        Pipeline single(ctx, cache, *oracle, po);
        std::vector<GameRecord> one_by_one;
        for (size_t g = 0; g < seeds.size(); ++g)
            one_by_one.push_back(
                single.play(std::span(seeds).subspan(g, 1), std::span(decls).subspan(g, 1), 0)[0]);
        CHECK(same_bits(gpu, one_by_one));
    }

    TEST_CASE("pipeline: an exact decision's E[Q] is the mean over every consistent world") {
        // Independent of the sampler: the test lists the worlds by brute force
        // (eq::test::enumerate_worlds), evaluates them with the double-precision reference model
        // and averages them in double.
        GPU_TEST(ctx);
        kernels::KernelCache cache(ctx);
        const model::Weights w = tiny_model();
        auto oracle = gpu_oracle(ctx, w);
        PipelineOptions po;
        po.games_per_batch = 2;
        po.worlds = 8;
        po.sampling.exact_max = 100;
        Pipeline pipe(ctx, cache, *oracle, po);
        const std::vector<uint64_t> seeds = {31, 32};
        const std::vector<int> decls = {2, 6};
        auto gpu = pipe.play(seeds, decls, 0);
        const CpuOracle q_of = cpu_oracle(w);
        int checked = 0;
        for (size_t g = 0; g < seeds.size(); ++g) {
            game::State s = initial_state(seeds[g], decls[g]);
            for (int d = 0; d < DECISIONS; ++d) {
                const DecisionRecord& x = gpu[g].decisions[d];
                const WorldTable t = world_table(s);
                INFO("game ", seeds[g], " decision ", d, ", ", t.count(), " worlds");
                CHECK(x.world_count == t.count());
                CHECK(x.exact == (t.count() <= po.sampling.exact_max));
                if (x.exact) {
                    const auto all = eq::test::enumerate_worlds(t);
                    REQUIRE(all.size() == t.count());
                    REQUIRE(x.n_samples == all.size());
                    std::vector<TokenRow> rows;
                    for (const World& world : all)
                        rows.push_back(tokenize(s, world, Encoding::Faithful));
                    std::vector<float> q(rows.size() * SLOTS);
                    q_of(rows, q.data());
                    for (int slot = 0; slot < SLOTS; ++slot) {
                        double mean = 0.0, ss = 0.0;
                        for (size_t m = 0; m < all.size(); ++m) mean += q[m * SLOTS + slot];
                        mean /= double(all.size());
                        for (size_t m = 0; m < all.size(); ++m)
                            ss += (q[m * SLOTS + slot] - mean) * (q[m * SLOTS + slot] - mean);
                        CHECK(x.e_q[slot] == doctest::Approx(mean).epsilon(1e-4).scale(1));
                        CHECK(x.var[slot] ==
                              doctest::Approx(ss / double(all.size())).epsilon(1e-3).scale(1e-4));
                    }
                    ++checked;
                } else {
                    CHECK(x.n_samples == po.worlds);
                }
                s.do_play_slot(x.action);
            }
        }
        CHECK(checked >= 10);  // the late hand of both games
    }
}
