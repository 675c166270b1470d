// eq: transcript tokens (spec §5.7), shard planning, declarations per seed, and the shard writer's
// round trip and resume check.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>

#include "eq/dataset.h"
#include "eq/eq_test_util.h"
#include "eq/transcript.h"
#include "game/deal.h"
#include "game/state.h"
#include "io/safetensors.h"
#include "util/error.h"

using namespace eqvk;
using namespace eqvk::eq;
namespace fs = std::filesystem;

using test::play_lowest;

TEST_SUITE("eq") {
    TEST_CASE("transcript tokens: decl token, remaining hand, plays with relative seats") {
        game::State s(game::deal_from_seed(0), 3);
        Transcript t = transcript_tokens(s);
        CHECK(t.length == 8);
        CHECK(t.tokens[0] == std::array<int8_t, 8>{0, 0, 0, 0, 0, 0, 3, 0});
        // P0's hand of seed 0 is [0,3,5,7,10,14,17] (spec §2.1): slot 1 = tile 3 = 2-0.
        CHECK(t.tokens[2] == std::array<int8_t, 8>{2, 0, 0, 0, 0, 1, 3, 1});
        CHECK(t.tokens[8] == std::array<int8_t, 8>{});
        s.do_play_slot(1);  // P0 plays 2-0; now P1 is to move
        t = transcript_tokens(s);
        CHECK(t.length == 1 + 7 + 1);
        CHECK(t.tokens[8] ==
              std::array<int8_t, 8>{2, 0, 0, 0, 3, 0, 3, 2});  // P0 is 3 seats after P1
    }

    TEST_CASE("plan_shards: sizes, names, --shard i/n") {
        io::RunConfig c;
        c.games.start_seed = 100;
        c.games.count = 25;
        c.output.games_per_shard = 10;
        c.output.dir = "out";
        auto all = plan_shards(c);
        REQUIRE(all.size() == 3);
        CHECK(all[0].first_seed == 100);
        CHECK(all[2].first_seed == 120);
        CHECK(all[2].games == 5);
        CHECK(all[1].path == fs::path("out/shard-000000000110-10.safetensors"));
        auto part = plan_shards(c, 1, 2);
        REQUIRE(part.size() == 1);
        CHECK(part[0].index == 1);
        CHECK(plan_shards(c, 0, 2).size() == 2);
        CHECK_THROWS_AS(plan_shards(c, 2, 2), InputError);
    }

    TEST_CASE("decl_for_seed: seed_mod_10, names, ids, and a clear error") {
        io::RunConfig c;
        CHECK(decl_for_seed(c, 1234) == 4);
        c.games.decl = std::string(
            "sixes");  // move-assign: GCC 12 -Wrestrict false positive on literal assign
        CHECK(decl_for_seed(c, 1234) == 6);
        c.games.decl = std::string("9");
        CHECK(decl_for_seed(c, 1) == 9);
        c.games.decl = std::string("sevens");
        CHECK_THROWS_WITH_AS(decl_for_seed(c, 1), doctest::Contains("games.decl"), InputError);
    }

    TEST_CASE("write_shard: columns round trip; shard_finished resumes or refuses foreign shards") {
        fs::path dir =
            fs::temp_directory_path() / ("eqvk_test_shard_" + std::to_string(::getpid()));
        fs::remove_all(dir);
        io::RunConfig c;
        c.games.start_seed = 950;
        c.games.count = 3;
        c.output.games_per_shard = 3;
        c.output.dir = dir.string();
        ShardSpec spec = plan_shards(c)[0];
        std::vector<GameRecord> games;
        for (uint64_t s = 950; s < 953; ++s) games.push_back(play_lowest(s, decl_for_seed(c, s)));
        games[1].decisions[5].exploration_mode = 3;  // exploration columns (issue 16)
        games[1].decisions[5].greedy_action = 4;
        games[1].decisions[5].q_gap = 1.5f;
        games[1].decisions[5].action_entropy = 0.25f;
        games[1].decisions[5].ess = 3.5f;
        games[1].decisions[5].max_w = 0.625f;
        std::string key = results_key(c, "abc");
        CHECK_FALSE(shard_finished(spec, key));
        write_shard(spec, games, {{"results_key", key}});
        CHECK(shard_finished(spec, key));
        CHECK_THROWS_WITH_AS(shard_finished(spec, results_key(c, "other-model")),
                             doctest::Contains("different configuration"), InputError);

        io::SafetensorsFile f = io::read_safetensors(spec.path);
        CHECK(f.get("e_q_mean").shape == std::vector<int64_t>{3, 28, 7});
        CHECK(f.get("e_q_pdf").shape == std::vector<int64_t>{3, 28, 7, 85});
        CHECK(f.get("transcript_tokens").shape == std::vector<int64_t>{3, 28, 36, 8});
        auto seeds = f.get("game_seed").as<int64_t>();
        CHECK(seeds[2] == 952);
        auto split = f.get("split").as<int8_t>();
        CHECK(split[0] == 2);  // 950 % 1000 ≥ 950: test
        auto lengths = f.get("transcript_lengths").as<int8_t>();
        CHECK(lengths[0] == 8);            // decision 0: decl + 7 tiles
        CHECK(lengths[27] == 1 + 1 + 27);  // decision 27: decl + last tile + 27 plays
        auto e = f.get("e_q_mean").as<float>();
        CHECK(e[28 * 7 + 5 * 7 + 2] == 3.0f);  // game 1, decision 5, slot 2
        CHECK(f.meta("q_units") == "points");
        const size_t i = 28 + 5;  // game 1, decision 5
        CHECK(f.get("exploration_mode").as<int8_t>()[i] == 3);
        CHECK(f.get("greedy_action").as<int8_t>()[i] == 4);
        CHECK(f.get("greedy_action").as<int8_t>()[0] == -1);  // play_lowest sets none
        CHECK(f.get("q_gap").as<float>()[i] == 1.5f);
        CHECK(f.get("action_entropy").as<float>()[i] == 0.25f);
        CHECK(f.get("ess").as<float>()[i] == 3.5f);
        CHECK(f.get("max_w").as<float>()[i] == 0.625f);
        CHECK(f.get("max_w").shape == std::vector<int64_t>{3, 28});
        CHECK(f.get("q_gap").shape == std::vector<int64_t>{3, 28});
        fs::remove_all(dir);
    }
}
