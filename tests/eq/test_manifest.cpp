// eq: the dataset manifest — JSON round trip, identity comparison, refusing another configuration,
// shard locks between runs, temp-file clean-up, and verify_dataset on intact, flipped, missing and
// foreign shards (issue 14 item 3).
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "eq/dataset.h"
#include "eq/eq_test_util.h"
#include "eq/manifest.h"
#include "util/error.h"
#include "util/fs.h"

using namespace eqvk;
using namespace eqvk::eq;
namespace fs = std::filesystem;

namespace {

// A fresh temp directory, removed at scope exit.
struct TempDir {
    fs::path path;
    explicit TempDir(const std::string& tag)
        : path(fs::temp_directory_path() /
               ("eqvk_test_" + tag + "_" + std::to_string(::getpid()))) {
        fs::remove_all(path);
    }
    ~TempDir() { fs::remove_all(path); }
};

io::RunConfig small_config(const fs::path& dir) {
    io::RunConfig c;
    c.games.start_seed = 10;
    c.games.count = 5;
    c.output.games_per_shard = 2;  // shards of 2, 2, 1 games
    c.output.dir = dir.string();
    return c;
}

// Plays (with made-up labels), writes and records one shard, as `eqvk run` does.
void write_recorded(DatasetDir& ds, const io::RunConfig& c, const Manifest& m, const ShardSpec& s) {
    std::vector<GameRecord> games;
    for (uint64_t seed = s.first_seed; seed < s.first_seed + s.games; ++seed)
        games.push_back(test::play_lowest(seed, decl_for_seed(c, seed)));
    ds.record(s, write_shard(s, games, {{"results_key", m.results_key}}));
}

bool contains(const std::vector<std::string>& lines, const std::string& part) {
    for (auto& l : lines)
        if (l.find(part) != std::string::npos) return true;
    return false;
}

void flip_bit(const fs::path& file, size_t byte) {
    auto bytes = read_file(file);
    REQUIRE(bytes);
    (*bytes)[byte] ^= std::byte{0x10};
    std::ofstream(file, std::ios::binary | std::ios::trunc)
        .write(reinterpret_cast<const char*>(bytes->data()),
               static_cast<std::streamsize>(bytes->size()));
}

}  // namespace

TEST_SUITE("eq") {
    TEST_CASE("manifest: JSON round trip; malformed manifests are InputErrors naming the file") {
        io::RunConfig c = small_config("out");
        Manifest m = run_manifest(c, "abc", "model.safetensors", 3);
        m.shards["shard-000000000010-2.safetensors"] = {0, 10, 2, 1234, "ff00", "0.1.0"};
        Manifest back = manifest_from_json(manifest_to_json(m), "m.json");
        CHECK(back.identity == m.identity);
        CHECK(back.results_key == m.results_key);
        CHECK(back.plan.shards() == 3);
        CHECK(back.part_counts == std::vector<uint32_t>{3});
        REQUIRE(back.shards.size() == 1);
        CHECK(back.shards.begin()->second.bytes == 1234);
        CHECK(back.shards.begin()->second.hash == "ff00");
        CHECK_THROWS_WITH_AS(manifest_from_json("{\"format\": 1", "m.json"),
                             doctest::Contains("m.json: not a JSON object"), InputError);
        CHECK_THROWS_WITH_AS(
            manifest_from_json("{\"format\": \"eqvk dataset manifest\"}", "m.json"),
            doctest::Contains("format_version"), InputError);
    }

    TEST_CASE("manifest identity: output paths, device keys and model.path do not count") {
        io::RunConfig a = small_config("out");
        io::RunConfig b = a;
        b.output.dir = "elsewhere";
        b.device.games_per_batch = 7;
        b.model.path = "/another/copy/of/the/model.safetensors";  // same bytes: same hash
        CHECK(identity_differences(run_manifest(a, "h", "x", 1), run_manifest(b, "h", "y", 2))
                  .empty());
        CHECK(results_key(a, "h") == results_key(b, "h"));
        b.output.games_per_shard = 4;
        b.games.start_seed = 11;
        b.sampling.worlds = 64;
        auto diff =
            identity_differences(run_manifest(a, "h", "x", 1), run_manifest(b, "g", "x", 1));
        CHECK(diff.size() == 4);
        CHECK(contains(diff, "output.games_per_shard: directory has 2, this run 4"));
        CHECK(contains(diff, "games.start_seed"));
        CHECK(contains(diff, "sampling.worlds: directory has 100, this run 64"));
        CHECK(contains(diff, "model.content_hash: directory has h, this run g"));
    }

    TEST_CASE("DatasetDir: another configuration is refused before any work, naming the keys") {
        TempDir t("manifest_refuse");
        io::RunConfig c = small_config(t.path);
        std::vector<std::string> notes;
        { DatasetDir ds(t.path, run_manifest(c, "h", "x", 1), notes); }
        CHECK(fs::exists(t.path / MANIFEST_FILE));
        io::RunConfig other = c;
        other.output.games_per_shard = 4;  // issue 14: 2 → 4 used to write every game twice
        CHECK_THROWS_WITH_AS(
            DatasetDir(t.path, run_manifest(other, "h", "x", 1), notes),
            doctest::Contains("output.games_per_shard: directory has 2, this run 4"), InputError);
        other = c;
        other.sampling.worlds = 7;
        CHECK_THROWS_WITH_AS(DatasetDir(t.path, run_manifest(other, "h", "x", 1), notes),
                             doctest::Contains("sampling.worlds"), InputError);
        CHECK_THROWS_WITH_AS(DatasetDir(t.path, run_manifest(c, "other-model", "x", 1), notes),
                             doctest::Contains("model.content_hash"), InputError);
        // The same configuration with another part count is welcome and recorded.
        DatasetDir again(t.path, run_manifest(c, "h", "x", 3), notes);
        auto m = manifest_from_json(
            std::string(reinterpret_cast<const char*>(read_file(t.path / MANIFEST_FILE)->data()),
                        fs::file_size(t.path / MANIFEST_FILE)),
            "m");
        CHECK(m.part_counts == std::vector<uint32_t>{1, 3});
    }

    TEST_CASE("DatasetDir: an output.dir that is a file is an InputError naming output.dir") {
        TempDir t("manifest_file");
        fs::create_directories(t.path);
        std::string x = "x";
        write_file_atomic(t.path / "f", std::as_bytes(std::span(x)));
        io::RunConfig c = small_config(t.path / "f");
        std::vector<std::string> notes;
        CHECK_THROWS_WITH_AS(DatasetDir(t.path / "f", run_manifest(c, "h", "x", 1), notes),
                             doctest::Contains("output.dir: cannot write into"), InputError);
    }

    TEST_CASE("DatasetDir: a shard one run holds is not available to another") {
        TempDir t("manifest_lock");
        io::RunConfig c = small_config(t.path);
        const Manifest m = run_manifest(c, "h", "x", 1);
        std::vector<std::string> notes;
        DatasetDir a(t.path, m, notes), b(t.path, m, notes);
        auto shards = plan_shards(c);
        auto held = a.try_lock(shards[1]);
        REQUIRE(held);
        CHECK_FALSE(b.try_lock(shards[1]));
        CHECK(b.try_lock(shards[0]));
        held.reset();
        CHECK(b.try_lock(shards[1]));
    }

    TEST_CASE("DatasetDir: dead writers' temp files are removed, held shards' are kept") {
        TempDir t("manifest_tmp");
        io::RunConfig c = small_config(t.path);
        const Manifest m = run_manifest(c, "h", "x", 1);
        std::vector<std::string> notes;
        DatasetDir holder(t.path, m, notes);
        auto shards = plan_shards(c);
        auto held = holder.try_lock(shards[0]);
        REQUIRE(held);
        std::string x = "partial";
        auto touch = [&](const std::string& name) { std::ofstream(t.path / name) << x; };
        touch(shards[0].path.filename().string() + ".tmp.999999");  // its lock is held: alive
        touch(shards[1].path.filename().string() + ".tmp.999998");  // free lock: writer gone
        touch(std::string(MANIFEST_FILE) + ".tmp.999997");
        DatasetDir ds(t.path, m, notes);
        CHECK(fs::exists(t.path / (shards[0].path.filename().string() + ".tmp.999999")));
        CHECK_FALSE(fs::exists(t.path / (shards[1].path.filename().string() + ".tmp.999998")));
        CHECK_FALSE(fs::exists(t.path / (std::string(MANIFEST_FILE) + ".tmp.999997")));
        CHECK(contains(notes, "left by a run that stopped"));
    }

    TEST_CASE(
        "verify_dataset: complete, a flipped bit, a missing shard by --shard part, foreign "
        "files") {
        TempDir t("manifest_verify");
        io::RunConfig c = small_config(t.path);
        const Manifest m = run_manifest(c, "h", "x", 3);
        std::vector<std::string> notes;
        DatasetDir ds(t.path, m, notes);
        auto shards = plan_shards(c);
        for (const auto& s : shards) write_recorded(ds, c, m, s);
        VerifyReport r = verify_dataset(t.path);
        CHECK(r.ok());
        CHECK(r.intact == 3);
        CHECK(r.games == 5);

        flip_bit(shards[1].path, fs::file_size(shards[1].path) - 100);  // inside e_q data
        r = verify_dataset(t.path);
        CHECK_FALSE(r.ok());
        CHECK(contains(r.problems, "shard-000000000012-2.safetensors: checksum differs"));
        // A resume trusts the size (same), verify does not; a truncated shard fails both.
        CHECK(ds.finished(shards[1]));
        fs::resize_file(shards[1].path, 100);
        CHECK_THROWS_WITH_AS(ds.finished(shards[1]), doctest::Contains("damaged"), InputError);

        fs::remove(shards[1].path);
        fs::remove(shards[2].path);
        std::ofstream(t.path / "shard-000000000010-4.safetensors") << "stale";
        r = verify_dataset(t.path);
        CHECK(r.intact == 1);
        CHECK(contains(r.problems, "shard-000000000012-2.safetensors: missing"));
        CHECK(contains(r.problems, "--shard 1/3: 1 shard(s) missing"));
        CHECK(contains(r.problems, "--shard 2/3: 1 shard(s) missing"));
        CHECK(contains(r.problems, "shard-000000000010-4.safetensors: not in the plan"));
        CHECK_THROWS_WITH_AS(verify_dataset(t.path / "none"), doctest::Contains("not a directory"),
                             InputError);
    }

    TEST_CASE(
        "DatasetDir: shards written but not recorded are adopted; no manifest and another "
        "plan's shards is refused") {
        TempDir t("manifest_adopt");
        io::RunConfig c = small_config(t.path);
        const Manifest m = run_manifest(c, "h", "x", 1);
        auto shards = plan_shards(c);
        fs::create_directories(t.path);
        std::vector<GameRecord> games;
        for (uint64_t seed = 10; seed < 12; ++seed)
            games.push_back(test::play_lowest(seed, decl_for_seed(c, seed)));
        write_shard(shards[0], games, {{"results_key", m.results_key}});  // a run stopped here
        std::vector<std::string> notes;
        {
            DatasetDir ds(t.path, m, notes);
            CHECK(contains(notes, "recorded now"));
            CHECK(ds.finished(shards[0]));
            CHECK_FALSE(ds.finished(shards[1]));
        }
        // A pre-manifest directory whose shards were cut into 4 games: refused, not mixed.
        TempDir old("manifest_old");
        io::RunConfig four = small_config(old.path);
        four.output.games_per_shard = 4;
        fs::create_directories(old.path);
        std::ofstream(old.path / plan_shards(four)[0].path.filename()) << "old";
        CHECK_THROWS_WITH_AS(
            DatasetDir(old.path, run_manifest(small_config(old.path), "h", "x", 1), notes),
            doctest::Contains("from another shard plan"), InputError);
    }
}
