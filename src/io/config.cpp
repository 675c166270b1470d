// RunConfig parsing: a table of known keys (section, name, how to read and check it) drives the
// walk over the parsed TOML, so an unknown or mistyped key is always reported with its location.
#include "io/config.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <sstream>

#include "util/error.h"
#include "util/fs.h"

namespace eqvk::io {
namespace {

struct Where {
    std::string source;
    std::string key;  // "section.key"
    const toml::node* node;
    bool from_override;
    std::string str() const {
        if (from_override) return fmt::format("--set {}", key);
        auto line = node ? node->source().begin.line : 0;
        return line ? fmt::format("{}:{}: {}", source, line, key)
                    : fmt::format("{}: {}", source, key);
    }
};

[[noreturn]] void fail(const Where& w, const std::string& what) {
    throw InputError(w.str() + ": " + what);
}

uint64_t read_uint(const Where& w, uint64_t lo, uint64_t hi) {
    // Only an integer node is read as one: toml++ converts a float node to int64 without a range
    // check (undefined for 9.2e20; found by tests/fuzz/fuzz_config).
    if (!w.node->is_integer()) fail(w, "expected an integer");
    auto v = w.node->value<int64_t>();
    if (!v) fail(w, "expected an integer");
    if (*v < 0 || static_cast<uint64_t>(*v) < lo || static_cast<uint64_t>(*v) > hi)
        fail(w, fmt::format("{} is out of range [{}, {}]", *v, lo, hi));
    return static_cast<uint64_t>(*v);
}

// A finite number in [lo, hi]; TOML integers are taken as numbers too. `what` names the expected
// kind in the error.
double read_double(const Where& w, double lo, double hi, const char* what = "a number") {
    double v = 0;
    if (w.node->is_integer())
        v = static_cast<double>(*w.node->value<int64_t>());
    else if (w.node->is_floating_point())
        v = *w.node->value<double>();
    else
        fail(w, fmt::format("expected {}", what));
    if (!std::isfinite(v) || v < lo || v > hi)
        fail(w, fmt::format("{} is out of range [{}, {}]", v, lo, hi));
    return v;
}

// A positive number of points (integer or float), finite, at most 84 (the widest E[Q] range).
double read_points(const Where& w) {
    const double v = read_double(w, 0.0, 84.0, "a number of points");
    if (v == 0.0) fail(w, "0 is out of range (0, 84]");
    return v;
}

// Whether `s` is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
bool valid_utf8(std::string_view s) {
    for (size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        const size_t len = c < 0x80           ? 1
                           : (c >> 5) == 0x6  ? 2
                           : (c >> 4) == 0xe  ? 3
                           : (c >> 3) == 0x1e ? 4
                                              : 0;
        if (len == 0 || i + len > s.size()) return false;
        uint32_t cp = len == 1 ? c : c & (0x7f >> len);
        for (size_t k = 1; k < len; ++k) {
            const auto b = static_cast<unsigned char>(s[i + k]);
            if ((b & 0xc0) != 0x80) return false;
            cp = cp << 6 | (b & 0x3f);
        }
        static constexpr uint32_t MIN[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < MIN[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
        i += len;
    }
    return true;
}

std::string read_string(const Where& w) {
    if (!w.node->is_string()) fail(w, "expected a string");
    std::string s = *w.node->value<std::string>();
    // A bare `--set` value is not parsed as TOML, so nothing else checks its encoding; the
    // canonical config (to_toml) written into every shard must read back the same.
    if (!valid_utf8(s)) fail(w, "not valid UTF-8");
    return s;
}

template <class E>
E read_enum(const Where& w, std::initializer_list<std::pair<const char*, E>> names) {
    std::string s = read_string(w);
    std::string allowed;
    for (auto& [n, e] : names) {
        if (s == n) return e;
        allowed += (allowed.empty() ? "" : ", ") + fmt::format("\"{}\"", n);
    }
    fail(w, fmt::format("\"{}\" is not one of {}", s, allowed));
}

// decl may be a string (name / "seed_mod_10") or an integer id; kept as text for the eq layer to
// resolve.
std::string read_decl(const Where& w) {
    if (w.node->is_integer()) return std::to_string(read_uint(w, 0, 9));
    std::string s = read_string(w);
    if (s.empty()) fail(w, "empty declaration");
    return s;
}

struct Key {
    const char* section;
    const char* name;
    std::function<void(RunConfig&, const Where&)> read;
};

const std::vector<Key>& keys() {
    static const std::vector<Key> k = {
        {"model", "path", [](RunConfig& c, const Where& w) { c.model.path = read_string(w); }},
        {"model", "precision",
         [](RunConfig& c, const Where& w) {
             c.model.precision =
                 read_enum<Precision>(w, {{"fp16", Precision::Fp16}, {"fp32", Precision::Fp32}});
         }},
        {"games", "start_seed",
         [](RunConfig& c, const Where& w) { c.games.start_seed = read_uint(w, 0, INT64_MAX); }},
        {"games", "count",
         [](RunConfig& c, const Where& w) { c.games.count = read_uint(w, 1, 1ull << 40); }},
        {"games", "decl", [](RunConfig& c, const Where& w) { c.games.decl = read_decl(w); }},
        {"games", "bidder",
         [](RunConfig& c, const Where& w) {
             c.games.bidder = static_cast<uint32_t>(read_uint(w, 0, 3));
         }},
        {"sampling", "worlds",
         [](RunConfig& c, const Where& w) {
             c.sampling.worlds = static_cast<uint32_t>(read_uint(w, 1, 65536));
         }},
        {"sampling", "seed",
         [](RunConfig& c, const Where& w) { c.sampling.seed = read_uint(w, 0, INT64_MAX); }},
        {"sampling", "mode",
         [](RunConfig& c, const Where& w) {
             c.sampling.mode = read_enum<SamplingMode>(
                 w, {{"fixed", SamplingMode::Fixed}, {"adaptive", SamplingMode::Adaptive}});
         }},
        {"sampling", "exact_max",
         [](RunConfig& c, const Where& w) {
             c.sampling.exact_max = static_cast<uint32_t>(read_uint(w, 0, 65536));
         }},
        {"sampling", "min_worlds",
         [](RunConfig& c, const Where& w) {
             c.sampling.min_worlds = static_cast<uint32_t>(read_uint(w, 1, 65536));
         }},
        {"sampling", "max_worlds",
         [](RunConfig& c, const Where& w) {
             c.sampling.max_worlds = static_cast<uint32_t>(read_uint(w, 1, 65536));
         }},
        {"sampling", "round_worlds",
         [](RunConfig& c, const Where& w) {
             c.sampling.round_worlds = static_cast<uint32_t>(read_uint(w, 1, 65536));
         }},
        {"sampling", "sem_target",
         [](RunConfig& c, const Where& w) { c.sampling.sem_target = read_points(w); }},
        {"policy", "action",
         [](RunConfig& c, const Where& w) {
             c.policy.action = read_enum<PolicyAction>(
                 w, {{"p_make", PolicyAction::PMake}, {"e_q", PolicyAction::EQ}});
         }},
        {"policy", "exploration",
         [](RunConfig& c, const Where& w) {
             c.policy.exploration =
                 read_enum<Exploration>(w, {{"none", Exploration::None},
                                            {"epsilon", Exploration::Epsilon},
                                            {"boltzmann", Exploration::Boltzmann},
                                            {"blunder", Exploration::Blunder},
                                            {"mixed", Exploration::Mixed}});
         }},
        {"policy", "epsilon",
         [](RunConfig& c, const Where& w) { c.policy.epsilon = read_double(w, 0, 1); }},
        {"policy", "temperature",
         [](RunConfig& c, const Where& w) { c.policy.temperature = read_double(w, 1e-3, 1e6); }},
        {"policy", "blunder_rate",
         [](RunConfig& c, const Where& w) { c.policy.blunder_rate = read_double(w, 0, 1); }},
        {"policy", "blunder_max_regret",
         [](RunConfig& c, const Where& w) { c.policy.blunder_max_regret = read_double(w, 0, 84); }},
        {"posterior", "enabled",
         [](RunConfig& c, const Where& w) {
             if (!w.node->is_boolean()) fail(w, "expected true or false");
             c.posterior.enabled = *w.node->value<bool>();
         }},
        {"posterior", "compat",
         [](RunConfig& c, const Where& w) {
             c.posterior.compat = read_enum<CompatMode>(
                 w, {{"faithful", CompatMode::Faithful}, {"forge", CompatMode::Forge}});
         }},
        {"posterior", "window",
         [](RunConfig& c, const Where& w) {
             c.posterior.window = static_cast<uint32_t>(read_uint(w, 1, 28));
         }},
        {"posterior", "tau",
         [](RunConfig& c, const Where& w) { c.posterior.tau = read_double(w, 1e-3, 1e6); }},
        {"posterior", "uniform_mix",
         [](RunConfig& c, const Where& w) { c.posterior.uniform_mix = read_double(w, 0, 1); }},
        {"posterior", "score",
         [](RunConfig& c, const Where& w) {
             c.posterior.score =
                 read_enum<PosteriorScore>(w, {{"opponents", PosteriorScore::Opponents},
                                               {"others", PosteriorScore::Others},
                                               {"all", PosteriorScore::All}});
         }},
        {"device", "select",
         [](RunConfig& c, const Where& w) {
             c.device.select =
                 w.node->is_integer() ? std::to_string(read_uint(w, 0, 1024)) : read_string(w);
         }},
        {"device", "memory_budget_mb",
         [](RunConfig& c, const Where& w) {
             // 0 (automatic) or 16 MiB .. 4 TiB: a smaller budget holds no oracle, a larger
             // one no device.
             c.device.memory_budget_mb = read_uint(w, 0, 1ull << 22);
             if (c.device.memory_budget_mb && c.device.memory_budget_mb < 16)
                 fail(w, fmt::format("{} MiB is below the 16 MiB minimum (0 = automatic)",
                                     c.device.memory_budget_mb));
         }},
        {"device", "games_per_batch",
         [](RunConfig& c, const Where& w) {
             c.device.games_per_batch = static_cast<uint32_t>(read_uint(w, 0, 1u << 20));
         }},
        {"output", "dir",
         [](RunConfig& c, const Where& w) {
             c.output.dir = read_string(w);
             if (c.output.dir.empty()) fail(w, "empty directory");
         }},
        {"output", "games_per_shard",
         [](RunConfig& c, const Where& w) {
             c.output.games_per_shard = static_cast<uint32_t>(read_uint(w, 1, 1u << 20));
         }},
        {"output", "compat",
         [](RunConfig& c, const Where& w) {
             c.output.compat = read_enum<CompatMode>(
                 w, {{"faithful", CompatMode::Faithful}, {"forge", CompatMode::Forge}});
         }},
    };
    return k;
}

bool known_section(std::string_view s) {
    for (auto& k : keys())
        if (s == k.section) return true;
    return false;
}

const Key* find_key(std::string_view section, std::string_view name) {
    for (auto& k : keys())
        if (section == k.section && name == k.name) return &k;
    return nullptr;
}

// "section.key=value" → the key's slot in `table`; the value parsed as TOML, else taken as a bare
// string.
void apply_override(toml::table& table, const std::string& text,
                    std::vector<std::string>& overridden) {
    auto eq = text.find('=');
    auto dot = text.find('.');
    if (eq == std::string::npos || dot == std::string::npos || dot > eq)
        throw InputError(fmt::format("--set {}: expected section.key=value", text));
    std::string section = text.substr(0, dot), name = text.substr(dot + 1, eq - dot - 1);
    std::string value = text.substr(eq + 1);
    if (!find_key(section, name))
        throw InputError(
            fmt::format("--set {}.{}: unknown key (see docs/config.md)", section, name));
    toml::table parsed;
    try {
        parsed = toml::parse("v = " + value);
    } catch (const toml::parse_error&) {
        parsed.insert("v", value);
    }
    if (!table.contains(section)) table.insert(section, toml::table{});
    auto* sec = table[section].as_table();
    if (!sec) throw InputError(fmt::format("--set {}: [{}] is not a table", text, section));
    sec->insert_or_assign(name, *parsed["v"].node());
    overridden.push_back(section + "." + name);
}

}  // namespace

const char* precision_name(Precision p) {
    return p == Precision::Fp16 ? "fp16" : "fp32";
}
const char* policy_action_name(PolicyAction a) {
    return a == PolicyAction::PMake ? "p_make" : "e_q";
}
const char* exploration_name(Exploration e) {
    static const char* const names[] = {"none", "epsilon", "boltzmann", "blunder", "mixed"};
    return names[static_cast<int>(e)];
}
const char* posterior_score_name(PosteriorScore s) {
    static const char* const names[] = {"opponents", "others", "all"};
    return names[static_cast<int>(s)];
}
const char* sampling_mode_name(SamplingMode m) {
    return m == SamplingMode::Fixed ? "fixed" : "adaptive";
}
const char* compat_mode_name(CompatMode c) {
    return c == CompatMode::Faithful ? "faithful" : "forge";
}

RunConfig parse_run_config(std::string_view toml_text, const std::string& source,
                           const std::vector<std::string>& overrides) {
    toml::table table;
    try {
        table = toml::parse(toml_text, source);
    } catch (const toml::parse_error& e) {
        throw InputError(fmt::format("{}:{}:{}: {}", source, e.source().begin.line,
                                     e.source().begin.column, e.description()));
    }
    std::vector<std::string> overridden, given;
    for (auto& o : overrides) apply_override(table, o, overridden);

    RunConfig config;
    for (auto& [section_key, section_node] : table) {
        std::string section(section_key.str());
        Where where{source, section, &section_node, false};
        if (!known_section(section)) fail(where, "unknown section (see docs/config.md)");
        auto* sec = section_node.as_table();
        if (!sec) fail(where, "expected a table [" + section + "]");
        for (auto& [name_key, node] : *sec) {
            std::string name(name_key.str()), dotted = section + "." + name;
            bool from_override =
                std::find(overridden.begin(), overridden.end(), dotted) != overridden.end();
            Where w{source, dotted, &node, from_override};
            const Key* k = find_key(section, name);
            if (!k) fail(w, "unknown key (see docs/config.md)");
            k->read(config, w);
            given.push_back(dotted);
        }
    }
    if (config.sampling.min_worlds > config.sampling.max_worlds)
        throw InputError(fmt::format("{}: sampling.min_worlds {} is above sampling.max_worlds {}",
                                     source, config.sampling.min_worlds,
                                     config.sampling.max_worlds));
    if (config.posterior.compat == CompatMode::Forge) {
        // Forge's GPU posterior (spec §6.9): all K plays scored, window 4, tau 0.1, β 0.1.
        for (const char* key :
             {"posterior.window", "posterior.tau", "posterior.uniform_mix", "posterior.score"})
            if (std::find(given.begin(), given.end(), key) != given.end())
                throw InputError(
                    fmt::format("{}: {} is set by posterior.compat = \"forge\" (window 4, tau 0.1, "
                                "uniform_mix 0.1, score \"all\"); remove one of the two",
                                source, key));
        config.posterior.window = 4;
        config.posterior.tau = 0.1;
        config.posterior.uniform_mix = 0.1;
        config.posterior.score = PosteriorScore::All;
    }
    if (config.posterior.enabled && config.sampling.mode != SamplingMode::Fixed)
        throw InputError(fmt::format(
            "{}: posterior.enabled = true needs sampling.mode = \"fixed\" (the weights normalise "
            "over all the worlds of a decision, taken in one pass; adaptive rounds are not "
            "weighted)",
            source));
    // Game seeds are stored as int64 (dataset column game_seed): the last one must fit.
    if (config.games.start_seed > uint64_t(INT64_MAX) - (config.games.count - 1))
        throw InputError(fmt::format(
            "{}: games.start_seed {} + games.count {} passes the largest game seed 2^63 - 1 "
            "(game_seed is stored as int64)",
            source, config.games.start_seed, config.games.count));
    return config;
}

RunConfig load_run_config(const std::filesystem::path& path,
                          const std::vector<std::string>& overrides) {
    const std::string why = unreadable_reason(path);  // a directory would read as an empty config
    std::ifstream in(path);
    if (!why.empty() || !in)
        throw InputError(fmt::format("cannot read config {} ({})", path.string(),
                                     why.empty() ? "read error" : why));
    std::stringstream ss;
    ss << in.rdbuf();
    return parse_run_config(ss.str(), path.string(), overrides);
}

namespace {

// Every key of the configuration, defaults included, as a TOML table (sorted by key).
toml::table config_table(const RunConfig& c) {
    toml::table t;
    t.insert("model",
             toml::table{{"path", c.model.path}, {"precision", precision_name(c.model.precision)}});
    t.insert("games", toml::table{{"start_seed", static_cast<int64_t>(c.games.start_seed)},
                                  {"count", static_cast<int64_t>(c.games.count)},
                                  {"decl", c.games.decl},
                                  {"bidder", static_cast<int64_t>(c.games.bidder)}});
    t.insert("sampling",
             toml::table{{"worlds", static_cast<int64_t>(c.sampling.worlds)},
                         {"seed", static_cast<int64_t>(c.sampling.seed)},
                         {"mode", sampling_mode_name(c.sampling.mode)},
                         {"exact_max", static_cast<int64_t>(c.sampling.exact_max)},
                         {"min_worlds", static_cast<int64_t>(c.sampling.min_worlds)},
                         {"max_worlds", static_cast<int64_t>(c.sampling.max_worlds)},
                         {"round_worlds", static_cast<int64_t>(c.sampling.round_worlds)},
                         {"sem_target", c.sampling.sem_target}});
    t.insert("policy", toml::table{{"action", policy_action_name(c.policy.action)},
                                   {"exploration", exploration_name(c.policy.exploration)},
                                   {"epsilon", c.policy.epsilon},
                                   {"temperature", c.policy.temperature},
                                   {"blunder_rate", c.policy.blunder_rate},
                                   {"blunder_max_regret", c.policy.blunder_max_regret}});
    t.insert("posterior", toml::table{{"enabled", c.posterior.enabled},
                                      {"compat", compat_mode_name(c.posterior.compat)},
                                      {"window", static_cast<int64_t>(c.posterior.window)},
                                      {"tau", c.posterior.tau},
                                      {"uniform_mix", c.posterior.uniform_mix},
                                      {"score", posterior_score_name(c.posterior.score)}});
    t.insert("device",
             toml::table{{"select", c.device.select},
                         {"memory_budget_mb", static_cast<int64_t>(c.device.memory_budget_mb)},
                         {"games_per_batch", static_cast<int64_t>(c.device.games_per_batch)}});
    t.insert("output",
             toml::table{{"dir", c.output.dir},
                         {"games_per_shard", static_cast<int64_t>(c.output.games_per_shard)},
                         {"compat", compat_mode_name(c.output.compat)}});
    return t;
}

}  // namespace

std::string to_toml(const RunConfig& c) {
    std::stringstream ss;
    ss << config_table(c);
    return ss.str();
}

std::vector<std::pair<std::string, std::string>> config_entries(const RunConfig& c) {
    std::vector<std::pair<std::string, std::string>> out;
    for (auto& [section, table] : config_table(c)) {
        for (auto& [name, node] : *table.as_table()) {
            std::string dotted = std::string(section.str()) + "." + std::string(name.str());
            if (auto s = node.value<std::string>(); node.is_string())
                out.emplace_back(dotted, *s);
            else if (node.is_floating_point())  // shortest text that reads back the same double
                out.emplace_back(dotted, fmt::format("{}", *node.value<double>()));
            else if (node.is_boolean())
                out.emplace_back(dotted, *node.value<bool>() ? "true" : "false");
            else
                out.emplace_back(dotted, std::to_string(*node.value<int64_t>()));
        }
    }
    return out;
}

}  // namespace eqvk::io
