// The run configuration of `eqvk run config.toml` (docs/config.md documents every key): parsed with
// toml++, overridden by `--set key=value`, validated key by key. Unknown keys, wrong types and
// out-of-range values are InputErrors naming the file, the line and the dotted key.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace eqvk::io {

enum class Precision { Fp16, Fp32 };
enum class PolicyAction { PMake, EQ };        // "p_make" (spec §6.10) or "e_q" (max E[Q])
enum class SamplingMode { Fixed, Adaptive };  // M worlds, or rounds until sem_target (issue 15)
/// Exploration after the greedy choice (spec §6.10; docs/config.md [policy]): none, epsilon-greedy,
/// Boltzmann sampling, bounded blunders, or all three in Forge's order (blunder, epsilon, Boltzmann).
enum class Exploration { None, Epsilon, Boltzmann, Blunder, Mixed };
/// Whose past plays the posterior scores (docs/config.md [posterior]).
enum class PosteriorScore { Opponents, Others, All };
enum class CompatMode {
    Faithful,
    Forge
};  // tokens §5.1–5.4 and banked-point P(make), or Forge's §5.5/§6.10

struct RunConfig {
    struct Model {
        std::string path;  // "" = the embedded default model
        Precision precision = Precision::Fp16;
    } model;
    struct Games {
        uint64_t start_seed = 0;
        uint64_t count = 100;
        std::string decl = "seed_mod_10";  // or a declaration name or id 0..9 (checked by eq)
        uint32_t bidder = 0;               // seat 0..3
    } games;
    struct Sampling {
        uint32_t worlds = 100;  // worlds per decision (fixed mode), 1..65536
        uint64_t seed = 0;      // run seed of the counter RNG
        SamplingMode mode = SamplingMode::Fixed;
        uint32_t exact_max = 4096;   // enumerate when the world count is at most this; 0 = never
        uint32_t min_worlds = 50;    // adaptive: Forge's --min-samples
        uint32_t max_worlds = 2000;  // adaptive: Forge's --max-samples
        uint32_t round_worlds = 50;  // adaptive: Forge's --adaptive-batch-size
        double sem_target = 0.5;     // adaptive, points: Forge's --sem-threshold
    } sampling;
    struct Policy {
        PolicyAction action = PolicyAction::PMake;
        Exploration exploration = Exploration::None;
        double epsilon = 0.1;             // probability of a uniform legal move, [0, 1]
        double temperature = 2.0;         // Boltzmann temperature (points), [0.001, 1e6]
        double blunder_rate = 0.02;       // probability of a bounded blunder, [0, 1]
        double blunder_max_regret = 3.0;  // most E[Q] points a blunder gives up, >= 0
    } policy;
    /// Posterior-weighted worlds (issue 16; docs/config.md [posterior]). enabled = true needs
    /// sampling.mode = "fixed"; compat = "forge" sets Forge's window, tau, uniform_mix and score.
    struct Posterior {
        bool enabled = false;
        CompatMode compat = CompatMode::Faithful;
        uint32_t window = 4;       // past decisions scored, 1..28
        double tau = 0.1;          // behaviour-model temperature (E[Q] points), [0.001, 1e6]
        double uniform_mix = 0.1;  // β: weight of the uniform legal move, [0, 1]
        PosteriorScore score = PosteriorScore::Opponents;
    } posterior;
    struct Device {
        std::string select;             // "" automatic, index or name substring
        uint64_t memory_budget_mb = 0;  // 0 = a safe fraction of device-local memory
        uint32_t games_per_batch = 0;   // 0 = chosen from the budget
    } device;
    struct Output {
        std::string dir = "eq-data";
        uint32_t games_per_shard = 100;
        CompatMode compat = CompatMode::Faithful;
    } output;
};

/// Parses `path` and applies `overrides` ("section.key=value"; value is TOML, or a bare string).
/// Throws InputError naming the file (and line) and the key for syntax errors, unknown sections or
/// keys, wrong types and out-of-range values.
RunConfig load_run_config(const std::filesystem::path& path,
                          const std::vector<std::string>& overrides = {});

/// The same from TOML text; `source` names it in messages.
RunConfig parse_run_config(std::string_view toml_text, const std::string& source,
                           const std::vector<std::string>& overrides = {});

/// The effective configuration as canonical TOML (every key, defaults included): stored in shard
/// metadata and compared on resume.
std::string to_toml(const RunConfig& config);

/// Every key as (dotted key, value text), sorted by key: strings unquoted, integers in decimal
/// ("games.count" → "100", "output.compat" → "faithful"). Dataset manifests compare these.
std::vector<std::pair<std::string, std::string>> config_entries(const RunConfig& config);

const char* precision_name(Precision p);
const char* policy_action_name(PolicyAction a);
const char* exploration_name(Exploration e);
const char* posterior_score_name(PosteriorScore s);
const char* compat_mode_name(CompatMode c);
const char* sampling_mode_name(SamplingMode m);

}  // namespace eqvk::io
