// E[Q] dataset shards (spec §6.12 columns under Forge's names, leading dimensions [games, 28]):
// which shards a run owns, whether a shard is already finished (resume), and the atomic shard
// writer.
#pragma once
#include <array>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "io/config.h"
#include "io/safetensors.h"
#include "util/hash.h"

namespace eqvk::eq {

constexpr int DECISIONS = 28;
constexpr int SLOTS = 7;
constexpr int PDF_BINS = 85;

/// One decision of one game (spec §6.11), E[Q] in fp32, slot-indexed (illegal slots not masked).
struct DecisionRecord {
    uint8_t player = 0;  // seat to move
    int8_t action = -1;  // dealt-hand slot played
    uint8_t legal = 0;   // 7-bit slot mask
    std::array<float, SLOTS> e_q{}, var{};
    std::array<float, SLOTS * PDF_BINS> pdf{};
    float u_mean = 0.0f, u_max = 0.0f;
    uint32_t n_samples = 0;  // worlds evaluated
    // Issue 15: standard error of E[Q] per slot sqrt(Var / n_samples) (0 when exact); every world
    // evaluated once (count <= sampling.exact_max); max legal-slot standard error <= sem_target
    // (adaptive) or exact; the exact number of consistent worlds.
    std::array<float, SLOTS> sem{};
    bool exact = false, converged = false;
    uint32_t world_count = 0;
    // Exploration (config [policy] exploration; spec §6.10): what chose the move (eq::ExploreChoice:
    // 0 greedy, 1 Boltzmann, 2 epsilon, 3 blunder), the greedy slot, E[Q] of the greedy slot minus
    // that of the slot played (points), entropy of softmax(E[Q]) over the legal slots (nats).
    uint8_t exploration_mode = 0;
    int8_t greedy_action = -1;
    float q_gap = 0.0f, action_entropy = 0.0f;
    // Posterior weighting (config [posterior]; spec §6.9): this decision's ESS = 1/Σw² and largest
    // weight over its worlds; both 0 when the posterior is off (Forge's convention).
    float ess = 0.0f, max_w = 0.0f;
};

struct GameRecord {
    uint64_t seed = 0;
    int decl = 0;
    int bidder = 0;
    std::array<DecisionRecord, DECISIONS> decisions;
};

/// One output file: games first_seed .. first_seed + games − 1.
struct ShardSpec {
    uint64_t index = 0;
    uint64_t first_seed = 0;
    uint32_t games = 0;
    std::filesystem::path path;
};

/// The declaration of game `seed` under `games.decl` ("seed_mod_10", a name or an id). Throws
/// InputError naming games.decl for an unknown declaration.
int decl_for_seed(const io::RunConfig& config, uint64_t seed);

/// Games start_seed .. start_seed + games − 1 cut into shards of games_per_shard (the last one
/// shorter): shard k holds seeds start_seed + k·games_per_shard onwards.
struct ShardPlan {
    uint64_t start_seed = 0;
    uint64_t games = 0;
    uint32_t games_per_shard = 1;
    uint64_t shards() const { return (games + games_per_shard - 1) / games_per_shard; }
    /// Shard k under `dir`, named shard-<first seed, 12 digits>-<games>.safetensors.
    ShardSpec shard(uint64_t k, const std::filesystem::path& dir) const;
};

/// The plan of games.start_seed, games.count and output.games_per_shard.
ShardPlan shard_plan(const io::RunConfig& config);

/// The shards of the plan, or of part `part` of `parts` (`--shard i/n`: shard k belongs to part
/// k % n), in seed order, under `dir`. Throws InputError unless part < parts.
std::vector<ShardSpec> plan_shards(const ShardPlan& plan, const std::filesystem::path& dir,
                                   uint32_t part = 0, uint32_t parts = 1);
/// The same for the config's plan under output.dir.
std::vector<ShardSpec> plan_shards(const io::RunConfig& config, uint32_t part = 0,
                                   uint32_t parts = 1);

/// What makes two runs' shards identical: the canonical config without [device], output.dir and
/// model.path (results depend on none of them), plus the model file's content hash (so the same
/// model bytes under another path resume, other bytes under the same path do not).
std::string results_key(const io::RunConfig& config, const std::string& model_hash);

/// True when the shard exists and its metadata carries the same results key. Throws InputError when
/// the file exists but is unreadable or comes from a different configuration (naming the shard), so
/// a run never mixes or overwrites other work.
bool shard_finished(const ShardSpec& shard, const std::string& results_key);

/// All columns of a shard (transcripts replayed from the recorded actions) and the metadata;
/// written atomically (temp + fsync + rename). `games.size()` must equal shard.games. Returns the
/// file's size and content hash (for the manifest).
FileHash write_shard(const ShardSpec& shard, std::span<const GameRecord> games,
                     io::Metadata metadata);

}  // namespace eqvk::eq
