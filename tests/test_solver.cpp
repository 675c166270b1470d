// solver: packed transitions vs game::State, exhaustive backward induction vs brute-force minimax
// on endgames, vs alpha-beta on hundreds of states, TT on/off, V(root) = margin of solver play,
// memory budget.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <bit>
#include <set>

#include "game/deal.h"
#include "game/state.h"
#include "solver/alphabeta.h"
#include "solver/backward.h"
#include "solver/bench.h"
#include "solver/packed.h"
#include "solver/shard.h"
#include "util/error.h"

using namespace eqvk;
using namespace eqvk::solver;
using game::State;

namespace {

// The state after `plays` uniformly random legal plays of deal_from_seed(seed) under decl.
State random_state(uint64_t seed, int decl, int plays) {
    State s(game::deal_from_seed(seed), decl);
    game::PyRandom rng(seed * 31 + static_cast<uint64_t>(plays));
    for (int i = 0; i < plays && !s.is_terminal(); ++i) {
        game::TileMask legal = s.legal_tiles();
        int k = static_cast<int>(rng.randbelow(static_cast<uint32_t>(std::popcount(legal))));
        for (int j = 0; j < k; ++j) legal &= legal - 1;
        s.do_play(std::countr_zero(legal));
    }
    return s;
}

// Brute-force minimax written on game::State (independent of the solver's tables): team-0
// value-to-go.
int brute_value(State& s) {
    if (s.is_terminal()) return 0;
    const bool max_node = game::team_of(s.current_player()) == 0;
    const int before = s.points(0) - s.points(1);
    int best = max_node ? -1000 : 1000;
    for (game::TileMask m = s.legal_tiles(); m; m &= m - 1) {
        s.do_play(std::countr_zero(m));
        int v = (s.points(0) - s.points(1) - before) + brute_value(s);
        s.undo_play();
        best = max_node ? std::max(best, v) : std::min(best, v);
    }
    return best;
}

std::array<int8_t, 7> brute_q(State& s) {
    std::array<int8_t, 7> q;
    q.fill(ILLEGAL_Q);
    const int p = s.current_player(), before = s.points(0) - s.points(1);
    for (int i = 0; i < 7; ++i) {
        int tile = s.deal()[p][i];
        if (!(s.legal_tiles() >> tile & 1U)) continue;
        s.do_play(tile);
        q[i] = static_cast<int8_t>(s.points(0) - s.points(1) - before + brute_value(s));
        s.undo_play();
    }
    return q;
}

}  // namespace

TEST_SUITE("solver") {
    TEST_CASE("initial packing and trick tables agree with the game rules") {
        State s(game::deal_from_seed(0), 0);
        CHECK(pack_state(s) == INITIAL_STATE);
        CHECK(current_player_of(INITIAL_STATE) == 0);
        DealContext ctx = make_context(s.deal(), 5);
        for (int idx = 0; idx < 9604; ++idx) {
            int leader = idx / 2401, r = idx % 2401;
            std::array<int, 4> tiles;
            std::array<int, 4> slots{r / 343, r / 49 % 7, r / 7 % 7, r % 7};
            for (int i = 0; i < 4; ++i) tiles[i] = ctx.deal[(leader + i) % 4][slots[i]];
            auto res = game::trick_result(tiles, leader, 5);
            REQUIRE(ctx.winner[idx] == res.winner);
            REQUIRE(ctx.reward[idx] == (res.winner % 2 == 0 ? res.points : -res.points));
        }
    }

    TEST_CASE("packed transitions mirror game::State on random playouts") {
        for (uint64_t seed = 0; seed < 60; ++seed) {
            int decl = static_cast<int>(seed % 10);
            State s(game::deal_from_seed(seed), decl);
            DealContext ctx = make_context(s.deal(), decl);
            PackedState p = pack_state(s);
            game::PyRandom rng(seed);
            int margin = 0;
            while (!s.is_terminal()) {
                int seat = s.current_player();
                REQUIRE(current_player_of(p) == seat);
                unsigned legal = legal_slots(ctx, p);
                unsigned want = 0;
                for (int i = 0; i < 7; ++i)
                    if (s.legal_tiles() >> s.deal()[seat][i] & 1U) want |= 1U << i;
                REQUIRE(legal == want);
                int k =
                    static_cast<int>(rng.randbelow(static_cast<uint32_t>(std::popcount(legal))));
                unsigned m = legal;
                for (int j = 0; j < k; ++j) m &= m - 1;
                int slot = std::countr_zero(m), reward;
                p = apply_slot(ctx, p, slot, reward);
                margin += reward;
                s.do_play_slot(slot);
                REQUIRE(p == pack_state(s));
                REQUIRE(margin == s.points(0) - s.points(1));
            }
            CHECK(is_terminal(p));
        }
    }

    TEST_CASE("backward induction and alpha-beta match brute-force minimax on endgames") {
        int checked = 0;
        for (uint64_t seed = 100; seed < 160; ++seed) {
            int decl = static_cast<int>(seed % 10);
            State s = random_state(seed, decl, 16 + static_cast<int>(seed % 5));  // last 2-3 tricks
            DealContext ctx = make_context(s.deal(), decl);
            PackedState root = pack_state(s);
            DealSolution sol(ctx, root);
            AlphaBeta ab(ctx);
            int want = brute_value(s);
            CHECK(sol.value(root) == want);
            CHECK(ab.value(root) == want);
            auto q = brute_q(s);
            CHECK(sol.q_values(root) == q);
            CHECK(ab.q_values(root) == q);
            ++checked;
        }
        CHECK(checked == 60);
    }

    TEST_CASE(
        "exhaustive and alpha-beta agree on hundreds of states; TT and ordering change nothing") {
        int compared = 0;
        for (uint64_t seed = 200; seed < 230; ++seed) {
            int decl = static_cast<int>(seed % 10);
            State s = random_state(seed, decl, 13 + static_cast<int>(seed % 4));
            DealContext ctx = make_context(s.deal(), decl);
            DealSolution sol(ctx, pack_state(s));
            AlphaBeta ab(ctx);
            AlphaBeta plain(ctx, {.use_tt = false, .order_moves = false});
            uint64_t stride = std::max<uint64_t>(1, sol.num_states() / 12), i = 0;
            sol.for_each_state([&](PackedState p) {
                if (i++ % stride) return;
                auto q = sol.q_values(p);
                REQUIRE(ab.q_values(p) == q);
                REQUIRE(ab.value(p) == sol.value(p));
                if (plays_of(p) >= 18) REQUIRE(plain.value(p) == sol.value(p));
                if (!is_terminal(p)) {
                    int best = current_player_of(p) % 2 == 0 ? -127 : 127;
                    for (int8_t v : q)
                        if (v != ILLEGAL_Q)
                            best = current_player_of(p) % 2 == 0 ? std::max(best, int{v})
                                                                 : std::min(best, int{v});
                    REQUIRE(best == sol.value(p));
                } else {
                    REQUIRE(sol.value(p) == 0);
                    for (int8_t v : q) REQUIRE(v == ILLEGAL_Q);
                }
                ++compared;
            });
        }
        CHECK(compared >= 300);
    }

    TEST_CASE("V of the root equals the final margin when both sides play the solver's moves") {
        for (uint64_t seed : {7ULL, 8ULL, 9ULL}) {
            int decl = static_cast<int>(seed % 10);
            State s = random_state(seed, decl, 8);
            DealContext ctx = make_context(s.deal(), decl);
            DealSolution sol(ctx, pack_state(s));
            const int v0 = sol.value(pack_state(s));
            const int start = s.points(0) - s.points(1);
            while (!s.is_terminal()) {
                auto q = sol.q_values(pack_state(s));
                bool max_node = s.current_player() % 2 == 0;
                int best_slot = -1;
                for (int i = 0; i < 7; ++i)
                    if (q[i] != ILLEGAL_Q &&
                        (best_slot < 0 || (max_node ? q[i] > q[best_slot] : q[i] < q[best_slot])))
                        best_slot = i;
                REQUIRE(best_slot >= 0);
                s.do_play_slot(best_slot);
            }
            CHECK(s.points(0) - s.points(1) - start == v0);
        }
    }

    TEST_CASE(
        "enumeration visits num_states() distinct states; sampling is uniform-sized and "
        "deterministic") {
        State s = random_state(11, 1, 10);
        DealContext ctx = make_context(s.deal(), 1);
        DealSolution sol(ctx, pack_state(s));
        std::set<PackedState> seen;
        sol.for_each_state([&](PackedState p) { seen.insert(p); });
        CHECK(seen.size() == sol.num_states());
        CHECK(seen.count(pack_state(s)) == 1);
        ShardRows a = sample_rows(sol, 100, 5), b = sample_rows(sol, 100, 5),
                  c = sample_rows(sol, 100, 6);
        CHECK(a.size() == 100);
        CHECK(a.state == b.state);
        CHECK(a.state != c.state);
        CHECK(std::set<int64_t>(a.state.begin(), a.state.end()).size() == 100);
        for (size_t i = 0; i < a.size(); ++i) {
            auto q = sol.q_values(static_cast<PackedState>(a.state[i]));
            CHECK(a.v[i] == sol.value(static_cast<PackedState>(a.state[i])));
            for (size_t k = 0; k < 7; ++k) CHECK(a.q[k][i] == q[k]);
        }
        CHECK(sample_rows(sol, 0, 1).size() == sol.num_states());
    }

    TEST_CASE("per-trick sampling: k/7 states from each trick that has them, uniform within") {
        // Mid-hand root: tricks 2..7 have states, trick 0..1 none.
        State s = random_state(11, 1, 10);
        DealContext ctx = make_context(s.deal(), 1);
        DealSolution sol(ctx, pack_state(s));
        std::array<uint64_t, 8> population{}, got{};
        sol.for_each_state([&](PackedState p) { ++population[std::min(plays_of(p) / 4, 7)]; });
        ShardRows r = sample_rows(sol, 700, 3, Sampling::PerTrick);
        for (int64_t st : r.state) ++got[std::min(plays_of(static_cast<PackedState>(st)) / 4, 7)];
        for (int t = 0; t < 7; ++t) {
            CAPTURE(t);
            CHECK(got[t] == std::min<uint64_t>(population[t], 100));
        }
        CHECK(got[7] == 0);  // terminal states: nothing to decide
        CHECK(r.state == sample_rows(sol, 700, 3, Sampling::PerTrick).state);
        CHECK(std::set<int64_t>(r.state.begin(), r.state.end()).size() == r.size());
    }

    TEST_CASE("pinned state counts") {
        // Reachable states from a fixed mid-game root; cross-checked by
        // `tools/perft.py states 3 9 12` (an independent breadth-first count in Python).
        State s = random_state(3, 9, 12);
        DealContext ctx = make_context(s.deal(), 9);
        DealSolution sol(ctx, pack_state(s));
        MESSAGE("states from seed 3 decl 9 after 12 plays: ", sol.num_states());
        CHECK(sol.num_states() == 10568);
        // Alpha-beta node count from the same root: a regression pin for move ordering and the TT.
        AlphaBeta ab(ctx);
        CHECK(ab.value(pack_state(s)) == sol.value(pack_state(s)));
        MESSAGE("alpha-beta nodes: ", ab.nodes());
        CHECK(ab.nodes() == 500);
    }

    TEST_CASE("a state space over the memory budget is a clear Error, not an OOM") {
        DealContext ctx = make_context(game::deal_from_seed(0), 0);
        CHECK_THROWS_WITH_AS(DealSolution(ctx, INITIAL_STATE, {.memory_budget_bytes = 64 << 10}),
                             doctest::Contains("memory budget"), Error);
    }

    TEST_CASE("unreachable states are reported") {
        State s = random_state(4, 4, 20);
        DealContext ctx = make_context(s.deal(), 4);
        DealSolution sol(ctx, pack_state(s));
        CHECK_THROWS_AS(sol.value(INITIAL_STATE), Error);
    }
}
