// The dataset manifest (docs/dataset.md): one JSON file per output directory holding the run's
// identity (canonical configuration without output paths or device keys, the model's content hash),
// the shard plan, and every finished shard's size and checksum. DatasetDir opens a directory for a
// run (refusing another configuration, cleaning dead writers' temp files) and serialises writers
// with advisory locks; verify_dataset re-checks a directory against its manifest.
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "eq/dataset.h"
#include "io/config.h"
#include "util/hash.h"
#include "util/lock.h"

namespace eqvk::eq {

/// File names inside an output directory.
inline constexpr const char* MANIFEST_FILE = "eqvk-manifest.json";
inline constexpr const char* LOCK_FILE = ".eqvk.lock";

/// A finished shard as the manifest records it.
struct ShardRecord {
    uint64_t index = 0;
    uint64_t first_seed = 0;
    uint32_t games = 0;
    uint64_t bytes = 0;        // file size
    std::string hash;          // util/hash.h content_hash of the whole file
    std::string eqvk_version;  // the eqvk that wrote it
};

struct Manifest {
    /// What two runs must share to write one directory: every config key except device.*,
    /// output.dir and model.path (io::config_entries text), plus "model.content_hash"; sorted.
    std::vector<std::pair<std::string, std::string>> identity;
    std::string results_key;   // eq::results_key: the canonical TOML every shard's metadata holds
    std::string model_name;    // informational: model.path or "embedded:<file>"
    std::string eqvk_version;  // the eqvk that created the manifest
    ShardPlan plan;
    std::vector<uint32_t> part_counts;  // n of every `--shard i/n` run seen (sorted, unique)
    std::map<std::string, ShardRecord> shards;  // finished shards by file name
};

/// The manifest a run of `config` with model content hash `model_hash` starts from: identity and
/// plan, no finished shards, part_counts {parts}.
Manifest run_manifest(const io::RunConfig& config, const std::string& model_hash,
                      const std::string& model_name, uint32_t parts);

/// JSON text of the manifest (docs/dataset.md), and back. manifest_from_json throws InputError
/// naming `source` and the field for malformed or unknown-version input.
std::string manifest_to_json(const Manifest& m);
Manifest manifest_from_json(std::string_view text, const std::string& source);

/// The identity keys whose values differ, one "key: directory has A, this run B" line each
/// (a key only one side has shows as "(none)"). Empty when the identities match.
std::vector<std::string> identity_differences(const Manifest& dir, const Manifest& run);

/// An output directory opened for writing by one run (docs/dataset.md "Concurrent runs"). Lock
/// slot 0 of LOCK_FILE guards the manifest (held only while it is read and rewritten); slot 1 + k
/// is held while shard k is computed and written, so two runs never write the same shard.
class DatasetDir {
public:
    /// Opens `dir` (created when missing) for a run whose manifest is `run`. Throws InputError
    /// before any work when files cannot be created there (naming output.dir), when the
    /// directory's manifest has another identity (listing the differing keys), or when a
    /// directory without manifest holds shards of another configuration or plan. Removes temp
    /// files (`*.tmp.<pid>`) whose writer is gone, records run.part_counts, and appends lines for
    /// the user to `notes` (leftovers removed, shard files not in the plan).
    DatasetDir(const std::filesystem::path& dir, const Manifest& run,
               std::vector<std::string>& notes);

    /// True when the shard's file exists and is recorded with that size. A file present but not
    /// recorded (the writer stopped between rename and record) is checked against the results
    /// key, hashed and recorded. Throws InputError naming the file when its size differs from
    /// the record or it belongs to another configuration.
    bool finished(const ShardSpec& shard);

    /// Holds shard `shard.index` for this run, or nullopt when another run holds it now.
    std::optional<SlotLock> try_lock(const ShardSpec& shard);

    /// Records a shard just written (its size and hash) in the manifest, atomically.
    void record(const ShardSpec& shard, const FileHash& file);

    const std::filesystem::path& dir() const { return dir_; }

private:
    void write_manifest();  // caller holds slot 0
    void reload();          // caller holds slot 0
    void adopt_or_refuse(const std::filesystem::path& file, const ShardSpec* planned,
                         std::vector<std::string>& notes);
    void clean_leftovers(std::vector<std::string>& notes);

    std::filesystem::path dir_;
    Manifest manifest_;
    LockFile lock_;
};

/// What `eqvk dataset verify DIR` found.
struct VerifyReport {
    uint64_t planned = 0, intact = 0, games = 0;  // games in intact shards
    std::vector<std::string> problems;            // missing, damaged, unrecorded, not in the plan
    std::vector<std::string> notes;               // temp leftovers, mixed eqvk versions
    bool ok() const { return problems.empty() && intact == planned; }
};

/// Re-reads every shard of `dir`'s plan: present, recorded, size and checksum as recorded, its
/// header readable with the expected games, seeds and results key. Lists missing shards with
/// the `--shard i/n` part that owns them for every part count the manifest saw. Throws
/// InputError when `dir` is not a directory or has no readable manifest.
VerifyReport verify_dataset(const std::filesystem::path& dir);

}  // namespace eqvk::eq
