// eq (CPU): Philox known answers, state packing round trips, void inference, the world-count table
// against brute-force enumeration, exact uniformity of sampled worlds (chi-square and total
// variation) including Forge's dead-end state of spec §6.3, and the tokeniser against spec §5.6
// golden vectors and the golden io files' token matrices. GPU tests: tests/eq/*.cpp ("eq.gpu").
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "eq/eq_test_util.h"
#include "eq/gpu/layout.h"
#include "eq/gpu_state.h"
#include "eq/rng.h"
#include "eq/tokens.h"
#include "eq/worlds.h"
#include "game/deal.h"
#include "io/safetensors.h"
#include "util/error.h"

using namespace eqvk;
using namespace eqvk::eq;
using eqvk::eq::test::random_state;
using game::TileMask;

namespace {

const std::filesystem::path GOLDEN = std::filesystem::path(EQVK_TEST_DATA_DIR) / "golden";

// Uniformity of `samples` draws over the table's worlds: chi-square p-value and total variation.
struct Uniformity {
    double p = 0, tv = 0, tv_noise = 0;
    size_t invalid = 0, outside = 0;
};

Uniformity sample_uniformity(const WorldTable& t, uint64_t run_seed, uint64_t game_seed,
                             uint32_t decision, uint32_t samples) {
    auto all = eq::test::enumerate_worlds(t);
    std::map<World, size_t> index;
    for (size_t i = 0; i < all.size(); ++i) index[all[i]] = i;
    std::vector<double> hits(all.size(), 0);
    Uniformity u;
    for (uint32_t m = 0; m < samples; ++m) {
        World w = unrank_world(t, world_rank(t, rng_key(run_seed), game_seed, decision, m));
        if (!world_is_consistent(t, w)) ++u.invalid;
        auto it = index.find(w);
        if (it == index.end()) {
            ++u.outside;
            continue;
        }
        hits[it->second] += 1;
    }
    double k = double(all.size()), e = samples / k, chi = 0;
    for (double h : hits) {
        chi += (h - e) * (h - e) / e;
        u.tv += std::abs(h / samples - 1 / k) / 2;
    }
    u.p = eq::test::chi_square_p(chi, k - 1);
    u.tv_noise = std::sqrt(k / (2 * 3.14159265 * samples));  // E[TV] of a uniform multinomial
    return u;
}

std::string row_str(const TokenRow& r, int tok) {
    std::ostringstream o;
    for (int f = 0; f < N_FEATURES; ++f) o << int(r.tokens[tok * N_FEATURES + f]) << ' ';
    o << '|' << int(r.mask[tok]);
    return o.str();
}

}  // namespace

TEST_SUITE("eq") {
    TEST_CASE("rng: Philox-4x32-10 Random123 known answers") {
        using A = std::array<uint32_t, 4>;
        CHECK(philox4x32_10({0, 0, 0, 0}, {0, 0}) ==
              A{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8});
        CHECK(philox4x32_10({~0u, ~0u, ~0u, ~0u}, {~0u, ~0u}) ==
              A{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd});
        CHECK(philox4x32_10({0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
                            {0xa4093822, 0x299f31d0}) ==
              A{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1});
        static_assert(philox4x32_10({0, 0, 0, 0}, {0, 0})[0] == 0x6627e8d5);  // constexpr
    }

    TEST_CASE("rng: counters separate their inputs, uniform_below is in range and unbiased") {
        std::set<PhiloxCounter> seen;
        for (uint64_t seed : {0ull, 1ull, 1ull << 32, 12345ull})
            for (uint32_t d = 0; d < 28; ++d)
                for (uint32_t w : {0u, 1u, 1000u})
                    for (uint32_t b : {0u, 1u})
                        CHECK(seen.insert(rng_counter(seed, d, w, b)).second);
        std::array<int, 7> hist{};
        for (uint32_t i = 0; i < 70000; ++i) {
            uint32_t r = uniform_below(7, rng_counter(3, 5, i, 0), rng_key(9));
            REQUIRE(r < 7);
            ++hist[r];
        }
        for (int h : hist) CHECK(std::abs(h - 10000) < 500);  // ~5 sigma
        CHECK(uniform_below(1, rng_counter(0, 0, 0, 0), rng_key(0)) == 0);
        for (uint32_t i = 0; i < 1000; ++i)  // large n (many rejections when n > 2^31)
            CHECK(uniform_below(0xF0000000u, rng_counter(1, 2, i, 0), rng_key(4)) < 0xF0000000u);
    }

    TEST_CASE("state: pack/unpack round trip on random play-outs; rule words are game::RULES") {
        std::mt19937_64 rng(1);
        std::vector<game::State> states;
        std::vector<GameInfo> infos;
        for (int i = 0; i < 40; ++i) {
            states.push_back(random_state(uint64_t(i) * 7919, i % 10, i % 29, rng));
            infos.push_back({uint64_t(i) << 33 | 5u, i % 4});
        }
        auto words = pack_states(states, infos);
        REQUIRE(words.size() == states.size() * eq::gpu::ST_WORDS);
        for (uint32_t g = 0; g < states.size(); ++g) {
            game::State s = unpack_state(words, uint32_t(states.size()), g);
            CHECK(s.num_plays() == states[g].num_plays());
            CHECK(s.points(0) == states[g].points(0));
            CHECK(unpack_info(words, uint32_t(states.size()), g).seed == infos[g].seed);
        }
        words[eq::gpu::st_index(eq::gpu::ST_PLAYED, 40, 3)] ^= 1u << 27;
        CHECK_THROWS_AS(unpack_state(words, 40, 3), Error);
        auto r = rule_table_words();
        using namespace eq::gpu;
        CHECK(r[R_FOLLOW + 7 * 10 + 3] == game::RULES.follow_mask[7][3]);
        CHECK(r[R_RANK + (27 * 8 + 6) * 10 + 9] == game::RULES.trick_rank[27][6][9]);
        CHECK(r[R_TRUMP + 20 * 10 + 5] == 0);  // 5-5 is the top five
        CHECK(r[R_COUNT + 25] == 10);
    }

    TEST_CASE("voids: opponent-relative masks from the history (spec §1.6)") {
        // Spec §5.6 B: seed 0, decl 0; P0:0-0 P1:6-0 P2:3-0 P3:1-0, P0:2-0 P1:1-1 → P1 void in
        // trumps (suit 7); actor P2, whose opponents are P3, P0, P1.
        game::State s = initial_state(0, 0);
        for (int t : {0, 21, 6, 1, 3, 2}) s.do_play(t);
        REQUIRE(s.current_player() == 2);
        CHECK(opponent_voids(s) == std::array<uint32_t, 3>{0, 0, 1u << 7});
        std::mt19937_64 rng(2);
        for (int i = 0; i < 200; ++i) {  // against game::infer_voids, rotated
            game::State r = random_state(uint64_t(i), i % 10, i % 28, rng);
            auto all = game::infer_voids(r.history(), r.decl());
            auto opp = opponent_voids(r);
            for (int o = 0; o < 3; ++o) CHECK(opp[o] == all[opponent_seat(r.current_player(), o)]);
        }
    }

    TEST_CASE(
        "worlds: the count table matches brute-force enumeration; unranking lists each once") {
        std::mt19937_64 rng(3);
        int with_voids = 0, checked = 0;
        for (int i = 0; i < 400 && checked < 150; ++i) {
            game::State s = random_state(uint64_t(i) * 31 + 1, i % 10, 12 + i % 14, rng);
            WorldTable t = world_table(s);
            if (std::popcount(t.pool()) > 13) continue;
            ++checked;
            auto all = eq::test::enumerate_worlds(t);
            INFO("state ", i, " pool ", std::popcount(t.pool()));
            REQUIRE(t.count() == all.size());
            REQUIRE(t.count() >= 1);  // the true world is always consistent
            CHECK(world_is_consistent(t, true_world(s)));
            for (uint32_t k = 0; k < t.count(); ++k) REQUIRE(unrank_world(t, k) == all[k]);
            auto v = opponent_voids(s);
            with_voids += (v[0] | v[1] | v[2]) != 0;
        }
        CHECK(checked >= 100);
        CHECK(with_voids >= 30);
        // Worst case: 21 tiles into 7/7/7 with no voids = 21!/(7!)^3.
        WorldTable start = world_table(initial_state(0, 0));
        CHECK(start.count() == 399072960u);
    }

    TEST_CASE("worlds: sampled worlds are uniform over the consistent worlds (chi-square, TV)") {
        std::mt19937_64 rng(4);
        int tested = 0;
        double worst_p = 1, worst_tv_ratio = 0;
        for (int i = 0; i < 600 && tested < 12; ++i) {
            game::State s = random_state(uint64_t(i) * 97 + 5, i % 10, 14 + i % 10, rng);
            auto v = opponent_voids(s);
            WorldTable t = world_table(s);
            if (!(v[0] | v[1] | v[2]) || t.count() < 10 || t.count() > 2000) continue;
            ++tested;
            Uniformity u = sample_uniformity(t, 11, uint64_t(i), uint32_t(s.num_plays()), 100000);
            INFO("state ", i, ": ", t.count(), " worlds, p ", u.p, ", TV ", u.tv, " (noise ",
                 u.tv_noise, ")");
            CHECK(u.invalid == 0);
            CHECK(u.outside == 0);
            CHECK(u.p > 0.001);
            CHECK(u.tv < 2 * u.tv_noise);
            worst_p = std::min(worst_p, u.p);
            worst_tv_ratio = std::max(worst_tv_ratio, u.tv / u.tv_noise);
        }
        CHECK(tested == 12);
        MESSAGE("uniformity over ", tested, " void states, 100k samples each: worst p ", worst_p,
                ", worst TV / expected noise ", worst_tv_ratio);
    }

    TEST_CASE("worlds: Forge's dead-end state (spec §6.3) — every world valid, uniform") {
        WorldTable t = eq::test::forge_dead_end_table();
        auto all = eq::test::enumerate_worlds(t);
        CHECK(t.count() == all.size());
        CHECK(t.count() > 0);
        Uniformity u = sample_uniformity(t, 0, 42, 20, 100000);
        MESSAGE("spec 6.3 dead-end state: ", t.count(), " worlds, 100k samples, ", u.invalid,
                " invalid, chi-square p ", u.p, ", TV ", u.tv, " (noise ", u.tv_noise, ")");
        CHECK(u.invalid == 0);
        CHECK(u.outside == 0);
        CHECK(u.p > 0.001);
        CHECK(u.tv < 2 * u.tv_noise);
    }

    TEST_CASE("tokens: spec §5.6 A (training format, seed 0, decl 0, initial state)") {
        game::State s = initial_state(0, 0);
        TokenRow r = tokenize(s, true_world(s), Encoding::Faithful);
        CHECK(r.actor == 0);
        CHECK(row_str(r, 0) == "0 0 0 0 0 0 0 0 0 0 0 0 |1");
        CHECK(row_str(r, 1) == "0 0 1 0 0 0 1 0 1 1 0 0 |1");
        CHECK(row_str(r, 14) == "6 4 0 2 7 1 0 0 1 2 0 0 |1");
        CHECK(row_str(r, 19) == "5 5 1 2 7 2 0 1 1 3 0 0 |1");
        CHECK(row_str(r, 28) == "6 6 1 0 7 3 0 0 1 4 0 0 |1");
        CHECK(row_str(r, 29) == "0 0 0 0 0 0 0 0 0 0 0 0 |0");
    }

    TEST_CASE("tokens: spec §5.6 B (Forge production encoding, ghost 6-6 tokens)") {
        game::State s = initial_state(0, 0);
        for (int t : {0, 21, 6, 1, 3, 2}) s.do_play(t);
        // The sampled world of §5.6 B: P3 (opp 0), P0 (opp 1), P1 (opp 2).
        auto mask = [](std::initializer_list<int> ids) {
            TileMask m = 0;
            for (int t : ids) m |= TileMask{1} << t;
            return m;
        };
        World w = {mask({25, 23, 19, 16, 10, 4}), mask({27, 17, 14, 8, 5}),
                   mask({24, 18, 13, 12, 7})};
        TokenRow r = tokenize(s, w, Encoding::Forge);
        CHECK(r.actor == 2);
        CHECK(row_str(r, 0) == "0 0 0 0 0 0 0 0 0 0 0 2 |1");
        CHECK(row_str(r, 1) == "6 6 1 0 7 2 0 1 1 1 0 2 |1");
        CHECK(row_str(r, 6) == "6 6 1 0 7 2 0 1 0 1 0 2 |1");
        CHECK(row_str(r, 8) == "6 3 0 0 7 3 0 0 1 2 0 2 |1");
        CHECK(row_str(r, 15) == "6 6 1 0 7 0 1 0 0 3 0 2 |1");
        CHECK(row_str(r, 16) == "3 3 1 0 7 0 1 0 1 3 0 2 |1");
        CHECK(row_str(r, 29) == "2 0 0 0 5 2 0 1 0 5 0 2 |1");
        CHECK(row_str(r, 30) == "1 1 1 0 7 3 0 0 0 6 0 2 |1");
        CHECK(row_str(r, 31) == "0 0 0 0 0 0 0 0 0 0 0 0 |0");
        for (int tok : {7, 13, 14, 28}) CHECK(row_str(r, tok).substr(0, 6) == "6 6 1 ");
    }

    TEST_CASE("tokens: the golden io files' game-state rows, replayed, give identical tokens") {
        int rows = 0;
        for (const char* name :
             {"tiny_e24_h2_l1_f32", "e64_h4_l2_f128", "e128_h4_l2_f256", "e256_h8_l6_f512"}) {
            auto f = io::read_safetensors(GOLDEN / (std::string(name) + ".io.safetensors"));
            auto kind = f.get("kind").as<int8_t>();
            auto seeds = f.get("deal_seed").as<int64_t>();
            auto decls = f.get("decl").as<int8_t>();
            auto plays = f.get("plays").as<int8_t>();
            auto tokens = f.get("tokens").as<int8_t>();
            auto mask = f.get("mask").as<int8_t>();
            auto actor = f.get("actor").as<int32_t>();
            for (size_t b = 0; b < kind.size(); ++b) {
                if (kind[b] != 0) continue;
                game::State s = initial_state(uint64_t(seeds[b]), decls[b]);
                for (int k = 0; k < 28 && plays[b * 28 + k] >= 0; ++k) s.do_play(plays[b * 28 + k]);
                TokenRow r = tokenize(s, true_world(s), Encoding::Faithful);
                INFO(name, " row ", b);
                CHECK(r.actor == actor[b]);
                CHECK(std::equal(r.tokens.begin(), r.tokens.end(), tokens.begin() + b * 384));
                CHECK(std::equal(r.mask.begin(), r.mask.end(), mask.begin() + b * 32));
                ++rows;
            }
        }
        CHECK(rows > 100);
    }
}
