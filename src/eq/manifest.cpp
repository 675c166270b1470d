// Dataset manifest: JSON form, identity comparison, the locked output directory and verification
// (see manifest.h; the format is documented in docs/dataset.md).
#include "eq/manifest.h"

#include <fmt/format.h>
#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <nlohmann/json.hpp>
#include <set>

#include "eqvk_build_config.h"
#include "io/safetensors.h"
#include "util/error.h"
#include "util/fs.h"

namespace eqvk::eq {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr int FORMAT_VERSION = 1;
constexpr const char* FORMAT_NAME = "eqvk dataset manifest";
constexpr const char* MODEL_HASH_KEY = "model.content_hash";
constexpr uint64_t MANIFEST_SLOT = 0;

uint64_t shard_slot(const ShardSpec& s) {
    return 1 + s.index;
}

// Config keys that do not change the shards' bytes: where they go and which device computes them.
bool identity_key(const std::string& key) {
    return key.rfind("device.", 0) != 0 && key != "output.dir" && key != "model.path";
}

std::string text_of(const fs::path& path) {
    auto bytes = read_file(path);
    if (!bytes)
        throw InputError(
            fmt::format("{}: cannot read the file ({})", path.string(), unreadable_reason(path)));
    return std::string(reinterpret_cast<const char*>(bytes->data()), bytes->size());
}

// "shard-000000000012-4.safetensors" → true (a name eqvk's shard writer could have produced).
bool shard_file_name(const std::string& name) {
    return name.rfind("shard-", 0) == 0 && name.size() > 12 &&
           name.compare(name.size() - 12, 12, ".safetensors") == 0;
}

// "<name>.tmp.<pid>" → {name, pid}; nullopt for anything else.
std::optional<std::pair<std::string, long>> temp_file(const std::string& file) {
    auto at = file.rfind(".tmp.");
    if (at == std::string::npos || at + 5 == file.size()) return std::nullopt;
    const std::string digits = file.substr(at + 5);
    if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
        digits.size() > 9)
        return std::nullopt;
    return std::make_pair(file.substr(0, at), std::stol(digits));
}

bool process_alive(long pid) {
    return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH;
}

// Planned shard of a file name, or nullptr.
const ShardSpec* planned_shard(const std::map<std::string, ShardSpec>& by_name,
                               const std::string& name) {
    auto it = by_name.find(name);
    return it == by_name.end() ? nullptr : &it->second;
}

std::map<std::string, ShardSpec> shards_by_name(const ShardPlan& plan, const fs::path& dir) {
    std::map<std::string, ShardSpec> out;
    for (const ShardSpec& s : plan_shards(plan, dir)) out[s.path.filename().string()] = s;
    return out;
}

template <class T>
T field(const json& j, const char* key, const std::string& source) {
    if (!j.is_object() || !j.contains(key))
        throw InputError(fmt::format("{}: manifest field \"{}\" is missing", source, key));
    try {
        return j.at(key).get<T>();
    } catch (const json::exception&) {
        throw InputError(fmt::format("{}: manifest field \"{}\" has the wrong type", source, key));
    }
}

}  // namespace

Manifest run_manifest(const io::RunConfig& config, const std::string& model_hash,
                      const std::string& model_name, uint32_t parts) {
    Manifest m;
    for (auto& [key, value] : io::config_entries(config))
        if (identity_key(key)) m.identity.emplace_back(key, value);
    m.identity.emplace_back(MODEL_HASH_KEY, model_hash);
    std::sort(m.identity.begin(), m.identity.end());  // the JSON object's order
    m.model_name = model_name;
    m.results_key = results_key(config, model_hash);
    m.eqvk_version = EQVK_VERSION_STRING;
    m.plan = shard_plan(config);
    m.part_counts = {parts};
    return m;
}

std::string manifest_to_json(const Manifest& m) {
    json identity = json::object();
    for (auto& [k, v] : m.identity) identity[k] = v;
    json parts = m.part_counts;
    json shards = json::array();
    for (auto& [file, r] : m.shards)
        shards.push_back({{"file", file},
                          {"index", r.index},
                          {"first_seed", r.first_seed},
                          {"games", r.games},
                          {"bytes", r.bytes},
                          {"xxh3_128", r.hash},
                          {"eqvk_version", r.eqvk_version}});
    json j = {{"format", FORMAT_NAME},
              {"format_version", FORMAT_VERSION},
              {"eqvk_version", m.eqvk_version},
              {"model", m.model_name},
              {"identity", identity},
              {"results_key", m.results_key},
              {"plan",
               {{"start_seed", m.plan.start_seed},
                {"games", m.plan.games},
                {"games_per_shard", m.plan.games_per_shard},
                {"shards", m.plan.shards()},
                {"part_counts", parts}}},
              {"shards", shards}};
    return j.dump(1) + "\n";
}

Manifest manifest_from_json(std::string_view text, const std::string& source) {
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        throw InputError(fmt::format("{}: not a JSON object (a damaged manifest?)", source));
    if (field<std::string>(j, "format", source) != FORMAT_NAME ||
        field<int>(j, "format_version", source) != FORMAT_VERSION)
        throw InputError(fmt::format("{}: not an eqvk dataset manifest of format version {}",
                                     source, FORMAT_VERSION));
    Manifest m;
    m.eqvk_version = field<std::string>(j, "eqvk_version", source);
    m.model_name = field<std::string>(j, "model", source);
    m.results_key = field<std::string>(j, "results_key", source);
    const json identity = field<json>(j, "identity", source);
    if (!identity.is_object())
        throw InputError(fmt::format("{}: manifest field \"identity\" is not an object", source));
    for (auto& [k, v] : identity.items()) {
        if (!v.is_string())
            throw InputError(fmt::format("{}: identity key \"{}\" is not a string", source, k));
        m.identity.emplace_back(k, v.get<std::string>());
    }
    const json plan = field<json>(j, "plan", source);
    m.plan.start_seed = field<uint64_t>(plan, "start_seed", source);
    m.plan.games = field<uint64_t>(plan, "games", source);
    m.plan.games_per_shard = field<uint32_t>(plan, "games_per_shard", source);
    if (m.plan.games_per_shard == 0 || m.plan.games == 0)
        throw InputError(fmt::format("{}: plan has no games", source));
    m.part_counts = field<std::vector<uint32_t>>(plan, "part_counts", source);
    const json shards = field<json>(j, "shards", source);
    if (!shards.is_array())
        throw InputError(fmt::format("{}: manifest field \"shards\" is not a list", source));
    for (const json& s : shards) {
        ShardRecord r;
        r.index = field<uint64_t>(s, "index", source);
        r.first_seed = field<uint64_t>(s, "first_seed", source);
        r.games = field<uint32_t>(s, "games", source);
        r.bytes = field<uint64_t>(s, "bytes", source);
        r.hash = field<std::string>(s, "xxh3_128", source);
        r.eqvk_version = field<std::string>(s, "eqvk_version", source);
        m.shards[field<std::string>(s, "file", source)] = r;
    }
    return m;
}

std::vector<std::string> identity_differences(const Manifest& dir, const Manifest& run) {
    std::map<std::string, std::pair<std::string, std::string>> both;
    for (auto& [k, v] : dir.identity) both[k].first = v;
    for (auto& [k, v] : run.identity) both[k].second = v;
    std::vector<std::string> out;
    auto shown = [](const std::string& v) { return v.empty() ? std::string("(none)") : v; };
    for (auto& [k, v] : both)
        if (v.first != v.second)
            out.push_back(fmt::format("{}: directory has {}, this run {}", k, shown(v.first),
                                      shown(v.second)));
    return out;
}

namespace {

// `dir` (created when missing) once a probe file could be created in it.
fs::path writable_dir(const fs::path& dir) {
    const fs::path d = dir.empty() ? fs::path(".") : dir;
    const std::string why = unwritable_reason(d, true);
    if (!why.empty())
        throw InputError(fmt::format("output.dir: cannot write into {} ({})", d.string(), why));
    return d;
}

}  // namespace

DatasetDir::DatasetDir(const fs::path& dir, const Manifest& run, std::vector<std::string>& notes)
    : dir_(writable_dir(dir)), manifest_(run), lock_(dir_ / LOCK_FILE) {
    lock_.lock(MANIFEST_SLOT);
    SlotLock held(lock_, MANIFEST_SLOT);
    const fs::path file = dir_ / MANIFEST_FILE;
    const bool fresh = !fs::exists(file);
    if (!fresh) {
        Manifest existing = manifest_from_json(text_of(file), file.string());
        auto diff = identity_differences(existing, run);
        if (!diff.empty()) {
            std::string keys;
            for (auto& d : diff) keys += (keys.empty() ? "" : "; ") + d;
            throw InputError(fmt::format(
                "output.dir {} holds a dataset of another configuration ({}); use another "
                "output.dir or the same configuration. Differing keys: {}",
                dir_.string(), file.string(), keys));
        }
        manifest_ = std::move(existing);
        manifest_.plan = run.plan;  // equal: the plan keys are identity keys
        for (uint32_t n : run.part_counts)
            if (std::find(manifest_.part_counts.begin(), manifest_.part_counts.end(), n) ==
                manifest_.part_counts.end())
                manifest_.part_counts.push_back(n);
        std::sort(manifest_.part_counts.begin(), manifest_.part_counts.end());
    }
    clean_leftovers(notes);
    // Shard files: the plan's are adopted when unrecorded; others are foreign.
    const auto planned = shards_by_name(manifest_.plan, dir_);
    for (const auto& entry : fs::directory_iterator(dir_)) {
        const std::string name = entry.path().filename().string();
        if (!shard_file_name(name) || manifest_.shards.count(name)) continue;
        const ShardSpec* s = planned_shard(planned, name);
        if (!s && fresh)
            throw InputError(
                fmt::format("output.dir {} holds {} from another shard plan and no {}; use another "
                            "output.dir or remove the old shards",
                            dir_.string(), name, MANIFEST_FILE));
        adopt_or_refuse(entry.path(), s, notes);
    }
    write_manifest();
}

void DatasetDir::adopt_or_refuse(const fs::path& file, const ShardSpec* planned,
                                 std::vector<std::string>& notes) {
    if (!planned) {
        notes.push_back(fmt::format("{} is not in this dataset's plan (ignored)", file.string()));
        return;
    }
    shard_finished(*planned,
                   manifest_.results_key);  // InputError: corrupt or another configuration
    auto h = hash_file(file);
    if (!h) throw InputError(fmt::format("{}: cannot read the file", file.string()));
    manifest_.shards[file.filename().string()] = {planned->index, planned->first_seed,
                                                  planned->games, h->bytes,
                                                  h->hash,        "unknown (recorded on resume)"};
    notes.push_back(fmt::format("{} was finished but not recorded; recorded now", file.string()));
}

void DatasetDir::clean_leftovers(std::vector<std::string>& notes) {
    const auto planned = shards_by_name(manifest_.plan, dir_);
    for (const auto& entry : fs::directory_iterator(dir_)) {
        auto t = temp_file(entry.path().filename().string());
        if (!t) continue;
        bool gone = false;  // its writer is gone: the lock that guards the file is free
        if (t->first == MANIFEST_FILE) {
            gone = true;  // the manifest's writers hold slot 0, and so do we
        } else if (const ShardSpec* s = planned_shard(planned, t->first)) {
            gone = static_cast<bool>(try_lock(*s));
        } else {
            gone = !process_alive(t->second);
        }
        if (!gone) continue;
        std::error_code ec;
        fs::remove(entry.path(), ec);
        if (!ec)
            notes.push_back(
                fmt::format("removed {} (left by a run that stopped)", entry.path().string()));
    }
}

void DatasetDir::reload() {
    const fs::path file = dir_ / MANIFEST_FILE;
    Manifest on_disk = manifest_from_json(text_of(file), file.string());
    for (auto& [name, r] : on_disk.shards) manifest_.shards[name] = r;
    for (uint32_t n : on_disk.part_counts)
        if (std::find(manifest_.part_counts.begin(), manifest_.part_counts.end(), n) ==
            manifest_.part_counts.end())
            manifest_.part_counts.push_back(n);
    std::sort(manifest_.part_counts.begin(), manifest_.part_counts.end());
}

void DatasetDir::write_manifest() {
    const std::string text = manifest_to_json(manifest_);
    write_file_atomic(dir_ / MANIFEST_FILE,
                      std::span(reinterpret_cast<const std::byte*>(text.data()), text.size()));
}

bool DatasetDir::finished(const ShardSpec& shard) {
    std::error_code ec;
    if (!fs::exists(shard.path, ec)) return false;
    const std::string name = shard.path.filename().string();
    if (!manifest_.shards.count(name)) {  // another run may have recorded it since
        lock_.lock(MANIFEST_SLOT);
        SlotLock held(lock_, MANIFEST_SLOT);
        reload();
        if (!manifest_.shards.count(name)) {
            std::vector<std::string> notes;
            adopt_or_refuse(shard.path, &shard, notes);
            write_manifest();
        }
    }
    const uint64_t size = fs::file_size(shard.path, ec);
    const ShardRecord& r = manifest_.shards.at(name);
    if (ec || size != r.bytes)
        throw InputError(fmt::format(
            "{}: {} bytes, but {} records {}: the shard is damaged; remove it and re-run to "
            "regenerate it",
            shard.path.string(), size, MANIFEST_FILE, r.bytes));
    return true;
}

std::optional<SlotLock> DatasetDir::try_lock(const ShardSpec& shard) {
    if (!lock_.try_lock(shard_slot(shard))) return std::nullopt;
    return SlotLock(lock_, shard_slot(shard));
}

void DatasetDir::record(const ShardSpec& shard, const FileHash& file) {
    lock_.lock(MANIFEST_SLOT);
    SlotLock held(lock_, MANIFEST_SLOT);
    reload();
    manifest_.shards[shard.path.filename().string()] = {
        shard.index, shard.first_seed, shard.games, file.bytes, file.hash, EQVK_VERSION_STRING};
    write_manifest();
}

namespace {

// Problems with one planned shard that exists: "" when it is intact.
std::string check_shard(const ShardSpec& s, const ShardRecord* r, const std::string& key) {
    if (!r) return "present but not recorded in the manifest (the next run records it)";
    auto bytes = read_file(s.path);
    if (!bytes) return "cannot be read (" + unreadable_reason(s.path) + ")";
    if (bytes->size() != r->bytes)
        return fmt::format("{} bytes, the manifest records {}", bytes->size(), r->bytes);
    if (content_hash(*bytes) != r->hash) return "checksum differs from the manifest (damaged)";
    try {
        io::SafetensorsFile f = io::decode_safetensors(*bytes, s.path.string());
        if (f.meta("results_key") != key) return "written by another configuration";
        auto seeds = f.get("game_seed", io::DType::I64).as<int64_t>();
        if (seeds.size() != s.games)
            return fmt::format("{} games, the plan has {}", seeds.size(), s.games);
        for (size_t g = 0; g < seeds.size(); ++g)
            if (static_cast<uint64_t>(seeds[g]) != s.first_seed + g)
                return fmt::format("game {} has seed {}, the plan {}", g, seeds[g],
                                   s.first_seed + g);
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

VerifyReport verify_dataset(const fs::path& dir) {
    if (!fs::is_directory(dir))
        throw InputError(fmt::format("{}: not a directory ({})", dir.string(),
                                     fs::exists(dir) ? "a file" : "does not exist"));
    const fs::path file = dir / MANIFEST_FILE;
    if (!fs::exists(file))
        throw InputError(
            fmt::format("{}: no {} (not an eqvk output directory, or written by an "
                        "eqvk without manifests)",
                        dir.string(), MANIFEST_FILE));
    const Manifest m = manifest_from_json(text_of(file), file.string());
    VerifyReport rep;
    const auto planned = shards_by_name(m.plan, dir);
    std::set<std::string> versions;
    rep.planned = planned.size();
    std::vector<uint64_t> missing;
    for (const ShardSpec& s : plan_shards(m.plan, dir)) {
        const std::string name = s.path.filename().string();
        auto it = m.shards.find(name);
        if (!fs::exists(s.path)) {
            missing.push_back(s.index);
            rep.problems.push_back(fmt::format(
                "{}: missing{}", name, it != m.shards.end() ? " (recorded as finished)" : ""));
            continue;
        }
        std::string why =
            check_shard(s, it == m.shards.end() ? nullptr : &it->second, m.results_key);
        if (why.empty()) {
            ++rep.intact;
            rep.games += s.games;
            versions.insert(it->second.eqvk_version);
        } else {
            rep.problems.push_back(fmt::format("{}: {}", name, why));
        }
    }
    for (uint32_t n : m.part_counts) {
        if (n <= 1 || missing.empty()) continue;
        std::map<uint64_t, uint64_t> per_part;
        for (uint64_t k : missing) ++per_part[k % n];
        for (auto& [part, count] : per_part)
            rep.problems.push_back(
                fmt::format("--shard {}/{}: {} shard(s) missing", part, n, count));
    }
    for (const auto& entry : fs::directory_iterator(dir)) {
        const std::string name = entry.path().filename().string();
        if (shard_file_name(name) && !planned.count(name))
            rep.problems.push_back(fmt::format("{}: not in the plan", name));
        if (temp_file(name))
            rep.notes.push_back(
                fmt::format("{}: temp file (a run in progress, or one that "
                            "stopped: the next run removes it)",
                            name));
    }
    if (versions.size() > 1)
        rep.notes.push_back(fmt::format("shards written by {} eqvk versions", versions.size()));
    return rep;
}

}  // namespace eqvk::eq
