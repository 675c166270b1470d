// Shard planning, resume check and the shard writer (columns of spec §6.12 under Forge's names).
#include "eq/dataset.h"

#include <fmt/format.h>

#include <cstring>

#include "eq/transcript.h"
#include "game/deal.h"
#include "game/rules.h"
#include "game/state.h"
#include "util/error.h"
#include "util/fs.h"

namespace eqvk::eq {
namespace {

template <class T>
io::Tensor column(std::string name, io::DType dtype, std::vector<int64_t> shape,
                  const std::vector<T>& v) {
    return io::Tensor::from<T>(std::move(name), dtype, std::move(shape), std::span<const T>(v));
}

// Forge's split rule (spec §3): seed % 1000 < 900 train, < 950 val, else test.
int8_t split_of(uint64_t seed) {
    uint64_t r = seed % 1000;
    return r < 900 ? 0 : r < 950 ? 1 : 2;
}

}  // namespace

int decl_for_seed(const io::RunConfig& config, uint64_t seed) {
    if (config.games.decl == "seed_mod_10") return static_cast<int>(seed % 10);
    try {
        return game::parse_decl(config.games.decl);
    } catch (const InputError& e) {
        throw InputError(fmt::format("games.decl: {}", e.what()));
    }
}

ShardSpec ShardPlan::shard(uint64_t k, const std::filesystem::path& dir) const {
    ShardSpec s;
    s.index = k;
    s.first_seed = start_seed + k * games_per_shard;
    s.games =
        static_cast<uint32_t>(std::min<uint64_t>(games_per_shard, games - k * games_per_shard));
    s.path = dir / fmt::format("shard-{:012d}-{}.safetensors", s.first_seed, s.games);
    return s;
}

ShardPlan shard_plan(const io::RunConfig& config) {
    return {config.games.start_seed, config.games.count, config.output.games_per_shard};
}

std::vector<ShardSpec> plan_shards(const ShardPlan& plan, const std::filesystem::path& dir,
                                   uint32_t part, uint32_t parts) {
    if (parts == 0 || part >= parts)
        throw InputError(fmt::format("--shard {}/{}: expected i/n with 0 <= i < n", part, parts));
    std::vector<ShardSpec> out;
    for (uint64_t k = part; k < plan.shards(); k += parts) out.push_back(plan.shard(k, dir));
    return out;
}

std::vector<ShardSpec> plan_shards(const io::RunConfig& config, uint32_t part, uint32_t parts) {
    return plan_shards(shard_plan(config), config.output.dir, part, parts);
}

std::string results_key(const io::RunConfig& config, const std::string& model_hash) {
    io::RunConfig c = config;
    c.device = {};
    c.output.dir.clear();
    c.model.path.clear();
    return io::to_toml(c) + "\nmodel_hash = \"" + model_hash + "\"\n";
}

bool shard_finished(const ShardSpec& shard, const std::string& key) {
    if (!std::filesystem::exists(shard.path)) return false;
    io::SafetensorsFile f = io::read_safetensors(shard.path);  // InputError if corrupt
    const auto* k = f.metadata().find("results_key") != f.metadata().end()
                        ? &f.metadata().at("results_key")
                        : nullptr;
    if (!k || *k != key)
        throw InputError(
            fmt::format("{} was written by a different configuration or model; use another "
                        "output.dir or remove it",
                        shard.path.string()));
    return true;
}

FileHash write_shard(const ShardSpec& shard, std::span<const GameRecord> games,
                     io::Metadata metadata) {
    if (games.size() != shard.games)
        throw std::invalid_argument(
            fmt::format("write_shard: {} games for a shard of {}", games.size(), shard.games));
    const int64_t G = static_cast<int64_t>(games.size()), D = DECISIONS;
    std::vector<int64_t> seed(G);
    std::vector<int8_t> decl(G), split(G), player(G * D), action(G * D), decision_idx(G * D),
        t_len(G * D), exploration_mode(G * D), greedy_action(G * D);
    std::vector<uint8_t> legal(G * D * SLOTS), train_mask(G * D);
    std::vector<float> e_q(G * D * SLOTS), var(G * D * SLOTS), pdf(G * D * SLOTS * PDF_BINS),
        u_mean(G * D), u_max(G * D), q_gap(G * D), action_entropy(G * D), ess(G * D), max_w(G * D);
    std::vector<int32_t> n_samples(G * D);
    std::vector<float> sem(G * D * SLOTS);
    std::vector<uint8_t> exact(G * D), converged(G * D);
    std::vector<int64_t> world_count(G * D);
    std::vector<int8_t> t_tokens(G * D * TRANSCRIPT_TOKENS * TRANSCRIPT_FEATURES);
    for (int64_t g = 0; g < G; ++g) {
        const GameRecord& r = games[g];
        seed[g] = static_cast<int64_t>(r.seed);
        decl[g] = static_cast<int8_t>(r.decl);
        split[g] = split_of(r.seed);
        game::State state(game::deal_from_seed(r.seed), r.decl);
        for (int64_t d = 0; d < D; ++d) {
            const DecisionRecord& dr = r.decisions[d];
            const int64_t i = g * D + d;
            player[i] = static_cast<int8_t>(dr.player);
            action[i] = dr.action;
            decision_idx[i] = static_cast<int8_t>(d);
            train_mask[i] = split[g] == 0;
            for (int s = 0; s < SLOTS; ++s) {
                legal[i * SLOTS + s] = dr.legal >> s & 1;
                e_q[i * SLOTS + s] = dr.e_q[s];
                var[i * SLOTS + s] = dr.var[s];
            }
            std::memcpy(&pdf[i * SLOTS * PDF_BINS], dr.pdf.data(),
                        sizeof(float) * SLOTS * PDF_BINS);
            u_mean[i] = dr.u_mean;
            u_max[i] = dr.u_max;
            n_samples[i] = static_cast<int32_t>(dr.n_samples);
            for (int s = 0; s < SLOTS; ++s) sem[i * SLOTS + s] = dr.sem[s];
            exact[i] = dr.exact;
            converged[i] = dr.converged;
            world_count[i] = dr.world_count;
            exploration_mode[i] = static_cast<int8_t>(dr.exploration_mode);
            greedy_action[i] = dr.greedy_action;
            q_gap[i] = dr.q_gap;
            action_entropy[i] = dr.action_entropy;
            ess[i] = dr.ess;
            max_w[i] = dr.max_w;
            Transcript t = transcript_tokens(state);
            t_len[i] = static_cast<int8_t>(t.length);
            std::memcpy(&t_tokens[i * TRANSCRIPT_TOKENS * TRANSCRIPT_FEATURES], t.tokens.data(),
                        sizeof(t.tokens));
            if (dr.action < 0 || dr.player != state.current_player())
                throw std::logic_error(fmt::format(
                    "game {} decision {}: recorded player/action inconsistent", r.seed, d));
            state.do_play_slot(dr.action);
        }
    }
    using io::DType;
    std::vector<io::Tensor> t;
    t.push_back(column("game_seed", DType::I64, {G}, seed));
    t.push_back(column("decl", DType::I8, {G}, decl));
    t.push_back(column("split", DType::I8, {G}, split));
    t.push_back(column("player", DType::I8, {G, D}, player));
    t.push_back(column("decision_idx", DType::I8, {G, D}, decision_idx));
    t.push_back(column("action_taken", DType::I8, {G, D}, action));
    t.push_back(column("legal_mask", DType::BOOL, {G, D, SLOTS}, legal));
    t.push_back(column("train_mask", DType::BOOL, {G, D}, train_mask));
    t.push_back(column("e_q_mean", DType::F32, {G, D, SLOTS}, e_q));
    t.push_back(column("e_q_var", DType::F32, {G, D, SLOTS}, var));
    t.push_back(column("e_q_pdf", DType::F32, {G, D, SLOTS, PDF_BINS}, pdf));
    t.push_back(column("u_mean", DType::F32, {G, D}, u_mean));
    t.push_back(column("u_max", DType::F32, {G, D}, u_max));
    t.push_back(column("n_samples", DType::I32, {G, D}, n_samples));
    t.push_back(column("converged", DType::BOOL, {G, D}, converged));
    t.push_back(column("exact", DType::BOOL, {G, D}, exact));
    t.push_back(column("world_count", DType::I64, {G, D}, world_count));
    t.push_back(column("e_q_sem", DType::F32, {G, D, SLOTS}, sem));
    t.push_back(column("exploration_mode", DType::I8, {G, D}, exploration_mode));
    t.push_back(column("greedy_action", DType::I8, {G, D}, greedy_action));
    t.push_back(column("q_gap", DType::F32, {G, D}, q_gap));
    t.push_back(column("action_entropy", DType::F32, {G, D}, action_entropy));
    t.push_back(column("ess", DType::F32, {G, D}, ess));
    t.push_back(column("max_w", DType::F32, {G, D}, max_w));
    t.push_back(column("transcript_tokens", DType::I8,
                       {G, D, TRANSCRIPT_TOKENS, TRANSCRIPT_FEATURES}, t_tokens));
    t.push_back(column("transcript_lengths", DType::I8, {G, D}, t_len));
    metadata["q_semantics"] = "minimax_value_to_go";
    metadata["q_units"] = "points";
    metadata["first_seed"] = std::to_string(shard.first_seed);
    metadata["games"] = std::to_string(shard.games);
    std::filesystem::create_directories(
        shard.path.parent_path().empty() ? "." : shard.path.parent_path());
    const std::vector<std::byte> bytes = io::encode_safetensors(t, metadata);
    write_file_atomic(shard.path, bytes);
    return {bytes.size(), content_hash(bytes)};
}

}  // namespace eqvk::eq
