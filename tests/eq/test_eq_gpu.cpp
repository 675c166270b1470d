// eq.gpu: what the decision-step kernels' own checks (their definitions, tests/kernel_defs.cpp) do
// not cover — chunked sampling gives the same worlds, enumeration lists every world, Forge's
// dead-end state samples uniformly (Philox GLSL vs C++ on many counters), and legal/apply over
// whole random games — with the validation layer on.
#include <doctest/doctest.h>

#include <algorithm>
#include <bit>
#include <memory>
#include <random>
#include <vector>

#include "eq/eq_test_util.h"
#include "eq/gpu/eq_apply.h"
#include "eq/gpu/eq_legal.h"
#include "eq/gpu/eq_voids.h"
#include "eq/gpu/eq_world_count.h"
#include "eq/gpu/eq_world_sample.h"
#include "eq/gpu/layout.h"
#include "eq/gpu_state.h"
#include "eq/moves.h"
#include "eq/worlds.h"
#include "gpu_fixture.h"
#include "kernels/binding.h"
#include "kernels/registry.h"
#include "vk/buffer.h"
#include "vk/program.h"

using namespace eqvk;
using namespace eqvk::eq;
using namespace eqvk::eq::gpu;
using eqvk::kernels::download_vector;

namespace {

// A batch of N games on the GPU: state, rules, voids, table and worlds, sized for M worlds.
struct Batch {
    uint32_t n, m;
    std::vector<game::State> states;
    std::vector<GameInfo> infos;
    vk::Buffer state, rules, voids, table, worlds;

    Batch(vk::Context& ctx, std::vector<game::State> s, std::vector<GameInfo> inf, uint32_t m_)
        : n(uint32_t(s.size())),
          m(m_),
          states(std::move(s)),
          infos(std::move(inf)),
          state(ctx, size_t(n) * ST_WORDS * 4, vk::MemoryKind::DeviceLocal, "state"),
          rules(ctx, R_WORDS * 4, vk::MemoryKind::DeviceLocal, "rules"),
          voids(ctx, size_t(n) * VOID_WORDS * 4, vk::MemoryKind::DeviceLocal, "voids"),
          table(ctx, size_t(n) * WT_WORDS * 4, vk::MemoryKind::DeviceLocal, "table"),
          worlds(ctx, size_t(n) * m * WORLD_WORDS * 4, vk::MemoryKind::DeviceLocal, "worlds") {
        auto w = pack_states(states, infos);
        ctx.upload(state, w.data(), w.size() * 4);
        auto r = rule_table_words();
        ctx.upload(rules, r.data(), r.size() * 4);
    }
};

// Pass buffers with every game active in game order, worlds base .. base + P − 1 (all of them
// enumerated when `exact`).
std::unique_ptr<CheckPass> all_active(vk::Context& ctx, uint32_t n, uint32_t base, uint32_t pass,
                                      bool exact) {
    std::vector<uint32_t> list(n), acc(size_t(n) * ACC_WORDS, 0);
    for (uint32_t g = 0; g < n; ++g) {
        list[g] = g;
        acc[g * ACC_WORDS + ACC_N] = base;
        acc[g * ACC_WORDS + ACC_TARGET] = base + pass;
        acc[g * ACC_WORDS + ACC_FLAGS] = ACC_ACTIVE | (exact ? ACC_EXACT : 0u);
    }
    return std::make_unique<CheckPass>(ctx, list, acc);
}

// Voids, count tables and worlds of the batch: P = b.m worlds from `base` per game.
std::unique_ptr<CheckPass> record_worlds(vk::Context& ctx, KernelCache& cache, vk::Program& prog,
                                         Batch& b, uint32_t base, bool exact, uint64_t seed) {
    auto pass = all_active(ctx, b.n, base, b.m, exact);
    eq_voids(cache, prog, b.state, b.rules, b.voids, b.n);
    eq_world_count(cache, prog, b.state, b.rules, b.voids, b.table, b.n);
    eq_world_sample(cache, prog, b.state, b.table, b.worlds, {pass->list, pass->acc, pass->ctrl},
                    {b.n, b.m, seed});
    return pass;
}

}  // namespace

TEST_SUITE("eq.gpu") {
    TEST_CASE("worlds: chunked sampling gives the same worlds; enumeration lists every world") {
        GPU_TEST(ctx);
        KernelCache cache(ctx);
        const uint32_t N = 20, M = 64;
        std::mt19937_64 rng(8);
        std::vector<game::State> s;
        std::vector<GameInfo> inf;
        for (uint32_t g = 0; g < N; ++g) {  // late states: small world counts
            s.push_back(eq::test::random_state(g * 13 + 1, int(g % 10), 17 + int(g % 8), rng));
            inf.push_back({g * 13 + 1, 0});
        }
        Batch full(ctx, s, inf, M), half(ctx, s, inf, M / 2), en(ctx, s, inf, M);
        vk::Program prog(ctx, "eq_chunks");
        auto p1 = record_worlds(ctx, cache, prog, full, 0, false, 7);
        auto p2 = record_worlds(ctx, cache, prog, half, M / 2, false, 7);  // the second half
        auto p3 = record_worlds(ctx, cache, prog, en, 0, true, 7);
        prog.run();
        auto a = download_vector<uint32_t>(ctx, full.worlds, size_t(N) * M * 4);
        auto h = download_vector<uint32_t>(ctx, half.worlds, size_t(N) * M / 2 * 4);
        auto e = download_vector<uint32_t>(ctx, en.worlds, size_t(N) * M * 4);
        for (uint32_t g = 0; g < N; ++g) {
            for (uint32_t m = 0; m < M / 2; ++m)
                for (int i = 0; i < 4; ++i)
                    REQUIRE(h[(g * (M / 2) + m) * 4 + i] == a[(g * M + M / 2 + m) * 4 + i]);
            WorldTable t = world_table(s[g]);
            for (uint32_t m = 0; m < M; ++m) {
                size_t w = size_t(g) * M + m;
                if (m < t.count()) {
                    World want = unrank_world(t, m);
                    REQUIRE(e[w * 4 + 3] == m);
                    for (int i = 0; i < 3; ++i) REQUIRE(e[w * 4 + i] == want[i]);
                } else {
                    REQUIRE(e[w * 4 + 3] == NONE);
                }
            }
        }
    }

    TEST_CASE("worlds: Forge's dead-end state (spec §6.3) on the GPU — 0 invalid, uniform") {
        GPU_TEST(ctx);
        KernelCache cache(ctx);
        // A real game state with the §6.3 pool is hard to construct; the sampler only reads the
        // table and the state's seed/decision, so the table is uploaded directly.
        WorldTable t = eq::test::forge_dead_end_table();
        const uint32_t M = 20000;
        Batch b(ctx, {initial_state(42, 3)}, {{42, 0}}, M);
        ctx.upload(b.table, t.words.data(), t.words.size() * 4);
        vk::Program prog(ctx, "eq_dead_end");
        auto pass = all_active(ctx, 1, 0, M, false);
        eq_world_sample(cache, prog, b.state, b.table, b.worlds,
                        {pass->list, pass->acc, pass->ctrl}, {1, M, 99});
        prog.run();
        auto w = download_vector<uint32_t>(ctx, b.worlds, size_t(M) * 4);
        auto all = eq::test::enumerate_worlds(t);
        std::vector<double> hits(all.size());
        size_t invalid = 0;
        for (uint32_t m = 0; m < M; ++m) {
            World x = {w[m * 4], w[m * 4 + 1], w[m * 4 + 2]};
            if (!world_is_consistent(t, x)) ++invalid;
            auto it = std::find(all.begin(), all.end(), x);
            if (it != all.end()) hits[size_t(it - all.begin())] += 1;
            REQUIRE(w[m * 4 + 3] == world_rank(t, rng_key(99), 42, 0, m));  // Philox GLSL == C++
        }
        CHECK(invalid == 0);
        double e = double(M) / double(all.size()), chi = 0;
        for (double x : hits) chi += (x - e) * (x - e) / e;
        double p = eq::test::chi_square_p(chi, double(all.size()) - 1);
        INFO(all.size(), " worlds, chi-square p = ", p);
        CHECK(p > 0.001);
    }
}

TEST_SUITE("eq.gpu") {
    TEST_CASE("legal slots and apply move: GPU == game::State over whole random games") {
        GPU_TEST(ctx);
        KernelCache cache(ctx);
        const uint32_t N = 37;
        std::vector<game::State> s;
        std::vector<GameInfo> inf;
        for (uint32_t g = 0; g < N; ++g) {
            s.push_back(initial_state(g * 101 + 3, int(g % 10)));
            inf.push_back({g * 101 + 3, int(g % 4)});
        }
        Batch b(ctx, s, inf, 1);
        vk::Buffer legal(ctx, N * 4, vk::MemoryKind::DeviceLocal, "legal"),
            action(ctx, N * 4, vk::MemoryKind::DeviceLocal, "action"),
            status(ctx, N * 4, vk::MemoryKind::DeviceLocal, "status");
        vk::Program prog(ctx, "eq_moves");
        eq_legal(cache, prog, b.state, b.rules, legal, N);
        eq_apply(cache, prog, b.state, b.rules, action, status, N);
        std::mt19937_64 rng(12);
        // Until every hand is over, plus one step that must find them all over (status 1).
        bool was_over = false;
        for (int step = 0; step < 40 && !was_over; ++step) {
            was_over =
                std::all_of(s.begin(), s.end(), [](const auto& x) { return x.is_terminal(); });
            // Random legal slots; every 5th game tries an illegal or unheld slot now and then.
            std::vector<uint32_t> act(N);
            for (uint32_t g = 0; g < N; ++g) {
                uint32_t legal_mask = legal_slots(s[g]);
                uint32_t pick = 7;
                if (legal_mask) {
                    int k = int(rng() % uint64_t(std::popcount(legal_mask)));
                    uint32_t m = legal_mask;
                    for (; k > 0; --k) m &= m - 1;
                    pick = uint32_t(std::countr_zero(m));
                }
                if (g % 5 == 0 && step % 3 == 1 &&
                    step < 20)  // lowest illegal slot (7 when all are legal)
                    pick = uint32_t(std::countr_zero(~legal_mask & 0xFFu));
                act[g] = pick;
            }
            ctx.upload(action, act.data(), N * 4);
            prog.run();
            auto lg = download_vector<uint32_t>(ctx, legal, N);
            auto stat = download_vector<uint32_t>(ctx, status, N);
            for (uint32_t g = 0; g < N; ++g) {
                CAPTURE(g);
                CAPTURE(step);
                REQUIRE(lg[g] == legal_slots(s[g]));
                uint32_t want = s[g].is_terminal()                      ? 1u
                                : (act[g] < 7 && (lg[g] >> act[g] & 1)) ? 0u
                                                                        : 2u;
                REQUIRE(stat[g] == want);
                if (want == 0) s[g].do_play_slot(int(act[g]));
            }
            auto words = download_vector<uint32_t>(ctx, b.state, size_t(N) * ST_WORDS);
            REQUIRE(words == pack_states(s, inf));
        }
        CHECK(was_over);
        for (const auto& x : s) CHECK(x.points(0) + x.points(1) == 42);
    }
}
