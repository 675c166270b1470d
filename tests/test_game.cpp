// game: tiles, the ten declarations, rule tables vs rule functions, Forge's rule tests (spec §7),
// deals bit-identical to CPython (spec §2.1), perft counts, 42-point hands, do/undo round trips,
// voids (spec §1.6).
#include <doctest/doctest.h>

#include <algorithm>
#include <bit>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "game/deal.h"
#include "game/rules.h"
#include "game/state.h"
#include "util/error.h"

using namespace eqvk;
using namespace eqvk::game;

namespace {

TileMask mask_of(std::initializer_list<int> ids) {
    TileMask m = 0;
    for (int t : ids) m |= TileMask{1} << t;
    return m;
}

// Deal with seat 0 and seat 1 fixed, the other tiles dealt in id order to seats 2 and 3.
Deal make_deal(const Hand& p0, const Hand& p1) {
    Deal d{p0, p1, {}, {}};
    std::sort(d[0].begin(), d[0].end());
    std::sort(d[1].begin(), d[1].end());
    TileMask used = hand_mask(p0) | hand_mask(p1);
    int n = 0;
    for (int t = 0; t < N_TILES; ++t)
        if (!(used >> t & 1U)) {
            d[2 + n / 7][n % 7] = static_cast<uint8_t>(t);
            ++n;
        }
    return d;
}

uint64_t perft(State& s, int depth) {
    if (depth == 0 || s.is_terminal()) return 1;
    uint64_t n = 0;
    for (TileMask m = s.legal_tiles(); m; m &= m - 1) {
        s.do_play(std::countr_zero(m));
        n += perft(s, depth - 1);
        s.undo_play();
    }
    return n;
}

}  // namespace

TEST_SUITE("game") {
    TEST_CASE("tile ids, pips and count points (spec 1.1)") {
        CHECK(tile_id(6, 4) == 25);
        CHECK(tile_id(4, 6) == 25);
        CHECK(tile_id(0, 0) == 0);
        CHECK(tile_id(6, 6) == 27);
        CHECK(tile_name(8) == "3-2");
        int total = 0, doubles = 0;
        for (int t = 0; t < N_TILES; ++t) {
            CHECK(tile_id(HIGH[t], LOW[t]) == t);
            CHECK(SUM[t] == HIGH[t] + LOW[t]);
            total += COUNT_POINTS[t];
            doubles += IS_DOUBLE[t];
        }
        CHECK(total == 35);
        CHECK(doubles == 7);
        CHECK(COUNT_POINTS[20] == 10);
        CHECK(COUNT_POINTS[25] == 10);
        CHECK(COUNT_POINTS[15] == 5);
        CHECK(COUNT_POINTS[11] == 5);
        CHECK(COUNT_POINTS[8] == 5);
    }

    TEST_CASE("declaration names and aliases (spec 1.2)") {
        CHECK(parse_decl("blanks") == 0);
        CHECK(parse_decl("Sixes") == 6);
        CHECK(parse_decl("3") == 3);
        CHECK(parse_decl("no-trump") == 9);
        CHECK(parse_decl("nt") == 9);
        CHECK(parse_decl("notrump") == 9);
        CHECK(parse_decl("doubles") == 7);
        CHECK(parse_decl("dt") == 7);
        CHECK(parse_decl("doubles_trump") == 7);
        CHECK(parse_decl("ds") == 8);
        CHECK(parse_decl("doubles-suit") == 8);
        CHECK(parse_decl_arg("all").size() == 10);
        CHECK(parse_decl_arg("*").size() == 10);
        CHECK(parse_decl_arg("fives") == std::vector<int>{5});
        CHECK_THROWS_WITH_AS(parse_decl("sevens"), doctest::Contains("sevens"), InputError);
        CHECK_THROWS_AS(parse_decl("10"), InputError);
        for (int d = 0; d < N_DECLS; ++d) CHECK(parse_decl(decl_name(d)) == d);
    }

    TEST_CASE("rule tables equal the rule functions everywhere (LED_SUIT, TRICK_RANK, masks)") {
        for (int d = 0; d < N_DECLS; ++d) {
            TileMask called = 0;
            for (int t = 0; t < N_TILES; ++t) {
                CHECK(RULES.led_suit[t][d] == led_suit(t, d));
                if (in_called_suit(t, d)) called |= TileMask{1} << t;
                for (int s = 0; s < N_SUITS; ++s) {
                    CHECK(RULES.trick_rank[t][s][d] == trick_rank(t, s, d));
                    CHECK(bool(RULES.follow_mask[s][d] >> t & 1U) == can_follow(t, s, d));
                }
                // The lead tile always follows its own led suit, so it has tier >= 1.
                CHECK(can_follow(t, led_suit(t, d), d));
                CHECK(trick_rank(t, led_suit(t, d), d) >= 16);
            }
            CHECK(RULES.called_mask[d] == called);
        }
    }

    TEST_CASE("led suit and following examples (spec 1.3)") {
        CHECK(led_suit(tile_id(4, 2), 4) == 7);  // trump = fours, 4-2 leads trump
        CHECK(led_suit(tile_id(6, 2), 4) == 6);
        CHECK(led_suit(tile_id(5, 5), 9) == 5);        // notrump: high pip
        CHECK(led_suit(tile_id(5, 5), 7) == 7);        // doubles-trump
        CHECK(led_suit(tile_id(5, 5), 8) == 7);        // doubles-suit
        CHECK_FALSE(can_follow(tile_id(6, 4), 6, 4));  // 6-4 is a trump, not a six, under fours
        CHECK(can_follow(tile_id(6, 4), 6, 3));
        CHECK_FALSE(can_follow(tile_id(6, 6), 6, 7));  // a double is not a six under doubles-trump
        CHECK_FALSE(can_follow(tile_id(6, 6), 6, 8));
        CHECK(can_follow(tile_id(6, 6), 6, 9));
        CHECK(can_follow(tile_id(3, 3), 7, 8));
        CHECK_FALSE(can_follow(tile_id(3, 1), 7, 8));
    }

    TEST_CASE("trick ranks: doubles top their suit, trumps beat everything (spec 1.4)") {
        // Pip trump: double is 14, others pip sum, tier 2.
        CHECK(trick_rank(tile_id(4, 4), 6, 4) == 32 + 14);
        CHECK(trick_rank(tile_id(6, 4), 6, 4) == 32 + 10);
        // Notrump: doubles top their pip suit.
        CHECK(trick_rank(tile_id(6, 6), 6, 9) == 16 + 14);
        CHECK(trick_rank(tile_id(6, 5), 6, 9) == 16 + 11);
        CHECK(trick_rank(tile_id(6, 5), 5, 9) == 16 + 11);
        CHECK(trick_rank(tile_id(4, 3), 6, 9) == 0);
        // Doubles-trump: rank = high pip, tier 2; doubles-suit: tier 1 under led suit 7, 0
        // otherwise.
        CHECK(trick_rank(tile_id(6, 6), 2, 7) == 32 + 6);
        CHECK(trick_rank(tile_id(0, 0), 2, 7) == 32 + 0);
        CHECK(trick_rank(tile_id(6, 6), 7, 8) == 16 + 6);
        CHECK(trick_rank(tile_id(6, 6), 6, 8) == 0);
        // Winner: trump beats the led six; first play wins among tier-0 ties.
        CHECK(trick_winner_offset({tile_id(6, 5), tile_id(6, 6), tile_id(4, 0), tile_id(1, 1)},
                                  4) == 2);
        CHECK(trick_winner_offset({tile_id(6, 5), tile_id(6, 6), tile_id(4, 0), tile_id(1, 1)},
                                  9) == 1);
        CHECK(trick_winner_offset({tile_id(3, 1), tile_id(5, 2), tile_id(4, 0), tile_id(2, 2)},
                                  7) == 3);
        CHECK(trick_winner_offset({tile_id(3, 1), tile_id(5, 2), tile_id(4, 0), tile_id(2, 2)},
                                  8) == 0);
        CHECK(trick_points({tile_id(5, 5), tile_id(6, 4), tile_id(3, 2), tile_id(0, 0)}) == 26);
    }

    TEST_CASE("trump-rank table TR (spec 5.3)") {
        auto order = [](int d) {
            std::vector<int> v(7, -1);
            for (int t = 0; t < N_TILES; ++t)
                if (RULES.trump_rank[t][d] != 7) v[RULES.trump_rank[t][d]] = t;
            return v;
        };
        auto ids = [](std::initializer_list<std::pair<int, int>> pips) {
            std::vector<int> v;
            for (auto [a, b] : pips) v.push_back(tile_id(a, b));
            return v;
        };
        CHECK(order(0) == ids({{0, 0}, {6, 0}, {5, 0}, {4, 0}, {3, 0}, {2, 0}, {1, 0}}));
        CHECK(order(3) == ids({{3, 3}, {6, 3}, {5, 3}, {4, 3}, {3, 2}, {3, 1}, {3, 0}}));
        CHECK(order(6) == ids({{6, 6}, {6, 5}, {6, 4}, {6, 3}, {6, 2}, {6, 1}, {6, 0}}));
        auto doubles = ids({{6, 6}, {5, 5}, {4, 4}, {3, 3}, {2, 2}, {1, 1}, {0, 0}});
        CHECK(order(7) == doubles);
        CHECK(order(8) == doubles);
        for (int t = 0; t < N_TILES; ++t) CHECK(RULES.trump_rank[t][9] == 7);
    }

    TEST_CASE("Forge test_game: turns, leading, following, voids, trick resolution") {
        Deal deal = make_deal({0, 1, 2, 3, 6, 10, 15}, {4, 5, 7, 8, 9, 11, 12});
        State s(deal, DECL_NOTRUMP);
        CHECK(s.current_player() == 0);
        CHECK(s.legal_tiles() == hand_mask(deal[0]));  // leader may play anything
        s.do_play(2);                                  // 1-1 leads suit 1
        CHECK(s.current_player() == 1);
        CHECK(s.legal_tiles() == mask_of({4, 7, 11}));  // 2-1, 3-1, 4-1
        CHECK_THROWS_AS(s.do_play(5), InputError);      // 2-2 cannot be played: seat 1 can follow
        CHECK_THROWS_AS(s.do_play(0), InputError);      // not in hand
        s.undo_play();
        CHECK(s.num_plays() == 0);

        Deal deal2 = make_deal({0, 1, 2, 3, 6, 10, 15}, {5, 9, 14, 16, 17, 18, 19});
        State v(deal2, DECL_NOTRUMP);
        v.do_play(0);  // 0-0: seat 1 holds no blank, so its whole hand is legal
        CHECK(v.legal_tiles() == hand_mask(deal2[1]));
        v.do_play(19);  // 5-4
        v.do_play(v.deal()[2][0]);
        v.do_play(v.deal()[3][0]);
        CHECK(v.trick_len() == 0);
        CHECK(v.num_plays() == 4);
        // Seat 2 and 3 hold tiles in id order starting at 4,7,...: compute the winner
        // independently.
        std::array<int, 4> t{0, 19, deal2[2][0], deal2[3][0]};
        CHECK(v.leader() == trick_result(t, 0, DECL_NOTRUMP).winner);
        for (int p = 0; p < 4; ++p) CHECK(tile_count(v.hand(p)) == 6);
        CHECK(v.history()[1].player == 1);
        CHECK(v.history()[1].tile == 19);
        CHECK(v.history()[1].lead_tile == 0);
    }

    TEST_CASE("a hand completes after 28 plays and plays after the end raise") {
        State s(deal_from_seed(3), 3);
        while (!s.is_terminal()) s.do_play(std::countr_zero(s.legal_tiles()));
        CHECK(s.num_plays() == 28);
        CHECK(s.legal_tiles() == 0);
        CHECK(s.points(0) + s.points(1) == 42);
        CHECK_THROWS_AS(s.do_play(0), InputError);
    }

    TEST_CASE("constructor validation") {
        Deal d = deal_from_seed(0);
        CHECK_THROWS_AS(State(d, 10), InputError);
        CHECK_THROWS_AS(State(d, 0, 4), InputError);
        d[1][0] = d[0][0];
        CHECK_THROWS_AS(State(d, 0), InputError);
    }

    TEST_CASE("per-declaration legal plays for 7, 8 and 9") {
        // Seat 0 leads 6-6 (27); seat 1 holds 6-5 (26) and 5-5 (20).
        Deal d = make_deal({27, 0, 1, 3, 6, 10, 15}, {26, 20, 2, 4, 7, 8, 9});
        for (int decl : {7, 8}) {  // a double lead is followed only by doubles
            State s(d, decl);
            s.do_play(27);
            CHECK(s.legal_tiles() == mask_of({20, 2, 9}));
        }
        State nt(d, 9);  // notrump: 6-6 leads sixes; 6-5 follows
        nt.do_play(27);
        CHECK(nt.legal_tiles() == mask_of({26}));
        // Non-double lead 6-0 under doubles: 6-6 is no six, 6-5 is.
        Deal d2 = make_deal({21, 0, 1, 3, 6, 10, 15}, {26, 27, 2, 4, 7, 8, 9});
        for (int decl : {7, 8, 9}) {
            State s(d2, decl);
            s.do_play(21);
            CHECK(s.legal_tiles() == (decl == 9 ? mask_of({26, 27}) : mask_of({26})));
        }
    }

    TEST_CASE("Forge test_voids (spec 1.6)") {
        CHECK(infer_voids({}, 0) == std::array<uint8_t, 4>{});
        // Blanks trump; seat 1 answers a 3-1 lead with 0-0: void in suit 3.
        std::vector<Play> h{
            {0, static_cast<uint8_t>(tile_id(3, 1)), static_cast<uint8_t>(tile_id(3, 1))},
            {1, 0, static_cast<uint8_t>(tile_id(3, 1))}};
        CHECK(infer_voids(h, 0)[1] == (1U << 3));
        CHECK(infer_voids(h, 0)[0] == 0);
        // Following creates no void.
        h[1].tile = static_cast<uint8_t>(tile_id(3, 2));
        CHECK(infer_voids(h, 0)[1] == 0);
        // Notrump: seat 1 answers 6-6 and 5-5 leads with 0-0 / 1-0: voids {5, 6}.
        std::vector<Play> h2{{0, 27, 27}, {1, 0, 27}, {0, 20, 20}, {1, 1, 20}};
        CHECK(infer_voids(h2, 9)[1] == ((1U << 5) | (1U << 6)));
        CHECK(void_forbidden_tiles(1U << 7, 0) == RULES.called_mask[0]);
        CHECK(void_forbidden_tiles(1U << 3, 3) == 0);  // pip suit 3 under threes is empty
    }

    TEST_CASE("deal vectors of the spec (2.1)") {
        auto d = shuffled_tiles(0);
        CHECK(std::vector<int>(d.begin(), d.end()) ==
              std::vector<int>{3,  14, 10, 17, 5, 0,  7,  21, 19, 18, 23, 25, 4,  2,
                               22, 6,  11, 20, 9, 26, 15, 16, 8,  1,  13, 24, 12, 27});
        CHECK(deal_from_seed(1) == Deal{{{1, 5, 10, 11, 22, 23, 26},
                                         {0, 9, 13, 16, 17, 19, 27},
                                         {6, 7, 12, 14, 15, 20, 21},
                                         {2, 3, 4, 8, 18, 24, 25}}});
        CHECK(deal_from_seed(2) == Deal{{{0, 3, 4, 15, 17, 20, 24},
                                         {7, 12, 14, 16, 18, 19, 23},
                                         {6, 8, 9, 10, 13, 22, 26},
                                         {1, 2, 5, 11, 21, 25, 27}}});
        CHECK(deal_from_seed(42) == Deal{{{5, 6, 10, 16, 18, 21, 27},
                                          {9, 11, 12, 14, 15, 19, 24},
                                          {1, 2, 4, 13, 17, 25, 26},
                                          {0, 3, 7, 8, 20, 22, 23}}});
        CHECK(deal_from_seed(12345) == Deal{{{1, 7, 12, 14, 16, 22, 25},
                                             {2, 10, 15, 17, 20, 21, 24},
                                             {3, 4, 5, 18, 19, 26, 27},
                                             {0, 6, 8, 9, 11, 13, 23}}});
    }

    TEST_CASE("deals match CPython for the vectors of tools/make_deal_vectors.py") {
        std::ifstream in(std::string(EQVK_TEST_DATA_DIR) + "/deal_vectors.txt");
        REQUIRE(in.good());
        std::string line;
        int shuffles = 0, fixed = 0;
        while (std::getline(in, line)) {
            if (line.empty() || line[0] == '#') continue;
            std::istringstream ls(line);
            std::string kind;
            uint64_t seed;
            ls >> kind >> seed;
            if (kind == "shuffle") {
                std::array<uint8_t, N_TILES> want;
                for (auto& t : want) {
                    int v;
                    ls >> v;
                    t = static_cast<uint8_t>(v);
                }
                INFO("seed ", seed);
                CHECK(shuffled_tiles(seed) == want);
                ++shuffles;
            } else {
                Hand p0;
                std::array<int, 21> rest;
                for (auto& t : p0) {
                    int v;
                    ls >> v;
                    t = static_cast<uint8_t>(v);
                }
                for (auto& t : rest) ls >> t;
                Deal d = deal_with_fixed_p0(p0, seed);
                CHECK(d[0] == p0);
                for (int p = 1; p < 4; ++p) {
                    std::vector<int> want(rest.begin() + 7 * (p - 1), rest.begin() + 7 * p);
                    std::sort(want.begin(), want.end());
                    CHECK(std::vector<int>(d[p].begin(), d[p].end()) == want);
                }
                ++fixed;
            }
        }
        CHECK(shuffles >= 100);
        CHECK(fixed == 5);
    }

    TEST_CASE("every complete hand scores 42; do/undo round-trips restore the state") {
        for (uint64_t seed = 0; seed < 200; ++seed) {
            int decl = static_cast<int>(seed % 10);
            State s(deal_from_seed(seed), decl);
            PyRandom rng(seed + 77);
            std::vector<State> snapshots;
            while (!s.is_terminal()) {
                snapshots.push_back(s);
                TileMask legal = s.legal_tiles();
                REQUIRE(legal != 0);
                REQUIRE((legal & ~s.hand(s.current_player())) == 0);
                int k = static_cast<int>(rng.randbelow(static_cast<uint32_t>(tile_count(legal))));
                TileMask m = legal;
                for (int i = 0; i < k; ++i) m &= m - 1;
                s.do_play(std::countr_zero(m));
            }
            CHECK(s.points(0) + s.points(1) == TOTAL_POINTS);
            while (s.num_plays() > 0) {
                s.undo_play();
                const State& want = snapshots[s.num_plays()];
                REQUIRE(s.leader() == want.leader());
                REQUIRE(s.points(0) == want.points(0));
                REQUIRE(s.points(1) == want.points(1));
                for (int p = 0; p < 4; ++p) REQUIRE(s.hand(p) == want.hand(p));
                REQUIRE(s.legal_tiles() == want.legal_tiles());
            }
        }
    }

    TEST_CASE("perft: pinned counts of legal play sequences") {
        struct Case {
            uint64_t seed;
            int decl, depth;
            uint64_t count;
        };
        // Counts cross-checked by tools/perft.py (an independent Python implementation of spec §1).
        const Case cases[] = {{0, 0, 4, 45},    {1, 7, 6, 715},    {2, 8, 6, 1195},
                              {3, 9, 8, 31116}, {42, 4, 8, 13554}, {5, 5, 10, 132030}};
        for (const Case& c : cases) {
            State s(deal_from_seed(c.seed), c.decl);
            INFO("seed ", c.seed, " decl ", c.decl, " depth ", c.depth);
            CHECK(perft(s, c.depth) == c.count);
        }
    }
}
