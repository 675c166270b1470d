// io: run configuration — defaults, every key, --set overrides, and an error naming the key (and
// line) for unknown keys, wrong types, out-of-range values and bad syntax.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "io/config.h"
#include "util/error.h"

using namespace eqvk;
using namespace eqvk::io;

TEST_SUITE("io") {
    TEST_CASE("config: defaults, every key, and the example config.toml") {
        RunConfig d = parse_run_config("", "empty.toml");
        CHECK(d.sampling.worlds == 100);
        CHECK(d.games.decl == "seed_mod_10");
        CHECK(d.policy.action == PolicyAction::PMake);
        CHECK(d.output.compat == CompatMode::Faithful);
        // Issue 15: Forge's adaptive defaults (--min-samples 50, --max-samples 2000,
        // --adaptive-batch-size 50, --sem-threshold 0.5), enumeration up to 4096 worlds.
        auto check_sampling = [](const RunConfig& r, SamplingMode mode, uint32_t exact_max,
                                 uint32_t min, uint32_t max, uint32_t round, double sem) {
            CHECK(r.sampling.mode == mode);
            CHECK(r.sampling.exact_max == exact_max);
            CHECK(r.sampling.min_worlds == min);
            CHECK(r.sampling.max_worlds == max);
            CHECK(r.sampling.round_worlds == round);
            CHECK(r.sampling.sem_target == sem);
        };
        check_sampling(d, SamplingMode::Fixed, 4096, 50, 2000, 50, 0.5);

        RunConfig c = parse_run_config(R"(
[model]
path = "m.safetensors"
precision = "fp32"
[games]
start_seed = 1000
count = 64
decl = "sixes"
bidder = 2
[sampling]
worlds = 50
seed = 7
mode = "adaptive"
exact_max = 0
min_worlds = 100
max_worlds = 5000
round_worlds = 250
sem_target = 0.1
[policy]
action = "e_q"
exploration = "mixed"
epsilon = 0.05
temperature = 3
blunder_rate = 0.5
blunder_max_regret = 2.5
[device]
select = 1
memory_budget_mb = 512
games_per_batch = 32
[output]
dir = "out"
games_per_shard = 16
compat = "forge"
)",
                                       "full.toml");
        CHECK(c.model.path == "m.safetensors");
        CHECK(c.model.precision == Precision::Fp32);
        CHECK(c.games.start_seed == 1000);
        CHECK(c.games.count == 64);
        CHECK(c.games.decl == "sixes");
        CHECK(c.games.bidder == 2);
        CHECK(c.sampling.worlds == 50);
        CHECK(c.sampling.seed == 7);
        check_sampling(c, SamplingMode::Adaptive, 0, 100, 5000, 250, 0.1);
        CHECK(c.policy.action == PolicyAction::EQ);
        CHECK(c.policy.exploration == Exploration::Mixed);
        CHECK(c.policy.epsilon == 0.05);
        CHECK(c.policy.temperature == 3.0);
        CHECK(c.policy.blunder_rate == 0.5);
        CHECK(c.policy.blunder_max_regret == 2.5);
        CHECK(c.device.select == "1");
        CHECK(c.device.memory_budget_mb == 512);
        CHECK(c.device.games_per_batch == 32);
        CHECK(c.output.dir == "out");
        CHECK(c.output.games_per_shard == 16);
        CHECK(c.output.compat == CompatMode::Forge);

        // The canonical TOML parses back to the same configuration.
        RunConfig back = parse_run_config(to_toml(c), "canonical");
        CHECK(to_toml(back) == to_toml(c));
        CHECK(back.policy.epsilon == c.policy.epsilon);
        // The exploration keys are part of the identity (results key, manifest): an output
        // directory never mixes policies.
        auto entries = config_entries(c);
        auto value = [&](const std::string& k) {
            for (auto& [key, v] : entries)
                if (key == k) return v;
            return std::string("missing");
        };
        CHECK(value("policy.exploration") == "mixed");
        CHECK(value("policy.epsilon") == "0.05");
        CHECK(value("policy.temperature") == "3");
        CHECK(value("policy.blunder_max_regret") == "2.5");
        RunConfig other = c;
        other.policy.exploration = Exploration::Boltzmann;
        CHECK(to_toml(other) != to_toml(c));
        CHECK(config_entries(other) != entries);

        auto example = std::filesystem::path(EQVK_TEST_DATA_DIR) / ".." / ".." / "config.toml";
        if (std::filesystem::exists(example)) CHECK_NOTHROW(load_run_config(example));
    }

    TEST_CASE("config: --set overrides, typed or bare strings") {
        RunConfig c =
            parse_run_config("[sampling]\nworlds = 10\n", "x.toml",
                             {"sampling.worlds=20", "output.dir=/tmp/eq out", "games.decl=3",
                              "model.precision=fp32", "policy.action=\"e_q\""});
        CHECK(c.sampling.worlds == 20);
        CHECK(c.output.dir == "/tmp/eq out");
        CHECK(c.games.decl == "3");
        CHECK(c.model.precision == Precision::Fp32);
        CHECK(c.policy.action == PolicyAction::EQ);
    }

    TEST_CASE("config: errors name the file, line and key") {
        auto err = [](const std::string& text, std::vector<std::string> sets = {}) {
            try {
                parse_run_config(text, "bad.toml", sets);
            } catch (const InputError& e) {
                return std::string(e.what());
            }
            return std::string("no error");
        };
        CHECK(err("[sampling]\nworld = 3\n") ==
              "bad.toml:2: sampling.world: unknown key (see docs/config.md)");
        CHECK(err("[sampling]\nworlds = \"many\"\n") ==
              "bad.toml:2: sampling.worlds: expected an integer");
        CHECK(err("[sampling]\nworlds = 0\n") ==
              "bad.toml:2: sampling.worlds: 0 is out of range [1, 65536]");
        CHECK(err("[games]\nbidder = 4\n") == "bad.toml:2: games.bidder: 4 is out of range [0, 3]");
        CHECK(err("[model]\nprecision = \"fp8\"\n") ==
              "bad.toml:2: model.precision: \"fp8\" is not one of \"fp16\", \"fp32\"");
        CHECK(err("[gmaes]\ncount = 3\n").find("bad.toml:1: gmaes: unknown section") == 0);
        CHECK(err("[games]\ncount = \n").find("bad.toml:2:") == 0);
        CHECK(err("", {"sampling.worlds=0"}) ==
              "--set sampling.worlds: 0 is out of range [1, 65536]");
        CHECK(err("", {"sampling.nope=1"}).find("--set sampling.nope: unknown key") == 0);
        CHECK(err("", {"worlds=1"}).find("expected section.key=value") != std::string::npos);
        // Issue 14: found by tests/fuzz/fuzz_config (tests/data/fuzz-regressions/config).
        CHECK(err("", {"output.dir=x\x9a"}) == "--set output.dir: not valid UTF-8");
        CHECK(err("", {"model.path=\xc0\xaf"}) == "--set model.path: not valid UTF-8");  // overlong
        CHECK(err("", {"output.dir=caf\xc3\xa9"}) == "no error");
        // Game seeds are stored as int64: the last seed must fit.
        CHECK(err("[games]\nstart_seed = 9223372036854775807\ncount = 2\n")
                  .find("games.start_seed 9223372036854775807 + games.count 2 passes") !=
              std::string::npos);
        CHECK(err("[games]\nstart_seed = 9223372036854775806\ncount = 2\n") == "no error");
        // Found by fuzz_config (tests/data/fuzz-regressions/config): a float far outside int64 was
        // converted by toml++ (undefined behaviour) before the type was checked.
        CHECK(err("[games]\nstart_seed = 9223372036854775.8e05\n")
                  .find("games.start_seed: expected an integer") != std::string::npos);
        // Issue 15: [sampling] mode and the adaptive rule.
        CHECK(err("", {"sampling.mode=\"sometimes\""}) ==
              "--set sampling.mode: \"sometimes\" is not one of \"fixed\", \"adaptive\"");
        CHECK(err("[sampling]\nsem_target = 0\n") ==
              "bad.toml:2: sampling.sem_target: 0 is out of range (0, 84]");
        CHECK(err("[sampling]\nsem_target = \"low\"\n") ==
              "bad.toml:2: sampling.sem_target: expected a number of points");
        CHECK(err("", {"sampling.sem_target=1"}) == "no error");
        CHECK(err("", {"sampling.round_worlds=0"}) ==
              "--set sampling.round_worlds: 0 is out of range [1, 65536]");
        CHECK(err("", {"sampling.exact_max=65537"}).find("out of range [0, 65536]") !=
              std::string::npos);
        CHECK(err("[sampling]\nmin_worlds = 60\nmax_worlds = 50\n") ==
              "bad.toml: sampling.min_worlds 60 is above sampling.max_worlds 50");
        // [policy] exploration: a known mode, probabilities in [0, 1], a positive temperature.
        CHECK(err("", {"policy.exploration=\"greedy\""}) ==
              "--set policy.exploration: \"greedy\" is not one of \"none\", \"epsilon\", "
              "\"boltzmann\", \"blunder\", \"mixed\"");
        CHECK(err("[policy]\nepsilon = 1.5\n") ==
              "bad.toml:2: policy.epsilon: 1.5 is out of range [0, 1]");
        CHECK(err("[policy]\ntemperature = 0\n") ==
              "bad.toml:2: policy.temperature: 0 is out of range [0.001, 1000000]");
        // A temperature that is 0 in fp32 (the kernels' precision) is refused before any work.
        CHECK(err("[policy]\ntemperature = 1e-300\n").find("out of range [0.001, 1000000]") !=
              std::string::npos);
        CHECK(err("[policy]\nblunder_rate = \"often\"\n") ==
              "bad.toml:2: policy.blunder_rate: expected a number");
        CHECK(err("[policy]\nblunder_max_regret = nan\n").find("out of range [0, 84]") !=
              std::string::npos);
        CHECK(err("", {"policy.epsilon=1", "policy.blunder_rate=0"}) == "no error");
        // [posterior]: validated; enabled = true needs fixed sampling; Forge's preset sets its
        // keys and refuses them beside it.
        CHECK(err("[posterior]\nwindow = 0\n") ==
              "bad.toml:2: posterior.window: 0 is out of range [1, 28]");
        CHECK(err("[posterior]\nuniform_mix = -0.5\n") ==
              "bad.toml:2: posterior.uniform_mix: -0.5 is out of range [0, 1]");
        CHECK(err("[posterior]\nscore = \"partner\"\n") ==
              "bad.toml:2: posterior.score: \"partner\" is not one of \"opponents\", "
              "\"others\", \"all\"");
        CHECK(err("[posterior]\nenabled = 1\n") ==
              "bad.toml:2: posterior.enabled: expected true or false");
        CHECK(err("", {"posterior.enabled=true"}) == "no error");
        CHECK(err("", {"posterior.enabled=true", "sampling.mode=\"adaptive\""}) ==
              "bad.toml: posterior.enabled = true needs sampling.mode = \"fixed\" (the weights "
              "normalise over all the worlds of a decision, taken in one pass; adaptive rounds are "
              "not weighted)");
        CHECK(err("", {"posterior.enabled=false", "sampling.mode=\"adaptive\""}) == "no error");
        CHECK(err("[posterior]\ncompat = \"forge\"\nscore = \"opponents\"\n") ==
              "bad.toml: posterior.score is set by posterior.compat = \"forge\" (window 4, tau "
              "0.1, uniform_mix 0.1, score \"all\"); remove one of the two");
        CHECK(err("[posterior]\ncompat = \"forgery\"\n") ==
              "bad.toml:2: posterior.compat: \"forgery\" is not one of \"faithful\", \"forge\"");
        {
            const RunConfig forge = parse_run_config(
                "[posterior]\nenabled = true\ncompat = \"forge\"\n", "forge.toml", {});
            CHECK(forge.posterior.window == 4);
            CHECK(forge.posterior.tau == 0.1);
            CHECK(forge.posterior.uniform_mix == 0.1);
            CHECK(forge.posterior.score == PosteriorScore::All);
            CHECK(forge.posterior.compat == CompatMode::Forge);
        }
        CHECK(err("[posterior]\nenabled = false\nwindow = 8\ntau = 10\nscore = \"all\"\n") ==
              "no error");
        // device.memory_budget_mb: 0 or 16 MiB .. 4 TiB.
        CHECK(err("", {"device.memory_budget_mb=8"}) ==
              "--set device.memory_budget_mb: 8 MiB is below the 16 MiB minimum (0 = automatic)");
        CHECK(err("", {"device.memory_budget_mb=4194305"}).find("out of range [0, 4194304]") !=
              std::string::npos);
        CHECK_THROWS_WITH_AS(
            load_run_config("/nonexistent/config.toml"),
            "cannot read config /nonexistent/config.toml (No such file or directory)", InputError);
        // Issue 14 item 4: a directory used to read as an empty config, i.e. the default job.
        CHECK_THROWS_WITH_AS(load_run_config("/tmp"), "cannot read config /tmp (is a directory)",
                             InputError);
    }
}
