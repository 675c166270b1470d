// util: atomic file writes, read/write checks, content hashes, lock files and the cache directory.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "util/error.h"
#include "util/fs.h"
#include "util/half.h"
#include "util/hash.h"
#include "util/lock.h"

using namespace eqvk;
namespace fs = std::filesystem;

TEST_SUITE("util") {
    TEST_CASE("write_file_atomic replaces the file and leaves no temp file") {
        fs::path dir = fs::temp_directory_path() / ("eqvk_test_util_" + std::to_string(::getpid()));
        fs::create_directories(dir);
        fs::path p = dir / "x.bin";
        std::string a = "first", b = "second, longer";
        write_file_atomic(p, std::as_bytes(std::span(a)));
        write_file_atomic(p, std::as_bytes(std::span(b)));
        auto got = read_file(p);
        REQUIRE(got);
        CHECK(std::string(reinterpret_cast<const char*>(got->data()), got->size()) == b);
        int files = 0;
        for ([[maybe_unused]] auto& e : fs::directory_iterator(dir)) ++files;
        CHECK(files == 1);
        fs::remove_all(dir);
    }

    TEST_CASE("write_file_atomic into a missing directory throws an Error naming the path") {
        fs::path p = "/nonexistent_eqvk_dir/x.bin";
        CHECK_THROWS_WITH_AS(write_file_atomic(p, {}),
                             doctest::Contains("/nonexistent_eqvk_dir/x.bin"), Error);
    }

    TEST_CASE("read_file of a missing file is nullopt") {
        CHECK_FALSE(read_file("/nonexistent_eqvk_dir/y.bin").has_value());
    }

    TEST_CASE("cache_dir honours EQVK_CACHE_DIR") {
        ::setenv("EQVK_CACHE_DIR", "/tmp/eqvk-cache-test", 1);
        CHECK(cache_dir() == fs::path("/tmp/eqvk-cache-test"));
        ::unsetenv("EQVK_CACHE_DIR");
    }

    TEST_CASE("half: f16 and bf16 conversions round to nearest even") {
        CHECK(f32_to_f16(1.0f) == 0x3c00);
        CHECK(f32_to_f16(-2.5f) == 0xc100);
        CHECK(f32_to_f16(65504.0f) == 0x7bff);
        CHECK(f32_to_f16(65520.0f) == 0x7c00);  // rounds up to Inf
        CHECK(f32_to_f16(std::ldexp(1.0f, -24)) == 0x0001);
        CHECK(f32_to_f16(std::ldexp(1.0f, -26)) == 0x0000);
        CHECK(f32_to_f16(1.0f + std::ldexp(1.0f, -11)) == 0x3c00);      // tie → even
        CHECK(f32_to_f16(1.0f + 3 * std::ldexp(1.0f, -11)) == 0x3c02);  // tie → even (up)
        CHECK(std::isnan(f16_to_f32(f32_to_f16(std::nanf("")))));
        CHECK(f16_to_f32(0x0001) == std::ldexp(1.0f, -24));
        CHECK(f16_to_f32(0x7bff) == 65504.0f);
        CHECK(std::isinf(f16_to_f32(0xfc00)));
        for (uint32_t h = 0; h < 0x10000; ++h) {  // every finite half survives the round trip
            const auto b = static_cast<uint16_t>(h);
            if ((b & 0x7c00) == 0x7c00) continue;
            if (f32_to_f16(f16_to_f32(b)) != b) FAIL("f16 round trip " << h);
        }
        CHECK(f32_to_bf16(1.0f) == 0x3f80);
        CHECK(f32_to_bf16(1.00390625f) == 0x3f80);  // 1 + 2^-8: tie → even
        CHECK(f32_to_bf16(1.01171875f) == 0x3f82);  // 1 + 3·2^-8: tie → even (up)
        CHECK(bf16_to_f32(0xc020) == -2.5f);
        CHECK(std::isnan(bf16_to_f32(f32_to_bf16(std::nanf("")))));
    }

    TEST_CASE("read_file and unreadable_reason: a directory is not a file (was: out of memory)") {
        fs::path dir = fs::temp_directory_path() / ("eqvk_test_dir_" + std::to_string(::getpid()));
        fs::create_directories(dir);
        CHECK_FALSE(read_file(dir));
        CHECK(unreadable_reason(dir) == "is a directory");
        CHECK(unreadable_reason(dir / "none") == "No such file or directory");
        std::string x = "x";
        write_file_atomic(dir / "f", std::as_bytes(std::span(x)));
        CHECK(unreadable_reason(dir / "f").empty());
        fs::remove_all(dir);
    }

    TEST_CASE("unwritable_reason: a file, a missing parent, a read-only directory") {
        fs::path dir = fs::temp_directory_path() / ("eqvk_test_wr_" + std::to_string(::getpid()));
        fs::remove_all(dir);
        CHECK(unwritable_reason(dir / "a" / "b", true).empty());  // created
        CHECK(fs::is_directory(dir / "a" / "b"));
        CHECK(fs::is_empty(dir / "a" / "b"));  // the probe file is gone
        CHECK(unwritable_reason(dir / "c", false) == "No such file or directory");
        std::string x = "x";
        write_file_atomic(dir / "file", std::as_bytes(std::span(x)));
        CHECK(unwritable_reason(dir / "file", true) != "");
        fs::create_directories(dir / "ro");
        fs::permissions(dir / "ro", fs::perms::owner_read | fs::perms::owner_exec);
        if (::geteuid() != 0)  // root writes anyway
            CHECK(unwritable_reason(dir / "ro", false) == "Permission denied");
        fs::permissions(dir / "ro", fs::perms::owner_all);
        fs::remove_all(dir);
    }

    TEST_CASE("content_hash: XXH3-128 known value, files hash like their bytes, one flipped bit") {
        CHECK(content_hash({}) == "99aa06d3014798d86001c324468d497f");  // XXH3_128bits("", 0)
        fs::path p = fs::temp_directory_path() / ("eqvk_test_hash_" + std::to_string(::getpid()));
        std::vector<std::byte> bytes(3 << 20);  // more than one 1 MiB block
        for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = std::byte(i * 131 >> 3);
        write_file_atomic(p, bytes);
        auto h = hash_file(p);
        REQUIRE(h);
        CHECK(h->bytes == bytes.size());
        CHECK(h->hash == content_hash(bytes));
        bytes[(2 << 20) + 17] ^= std::byte{4};
        CHECK(content_hash(bytes) != h->hash);
        CHECK_FALSE(hash_file(p.parent_path()));  // a directory
        fs::remove(p);
    }

    TEST_CASE("LockFile: slots conflict between two opens, free after unlock or close") {
        fs::path p = fs::temp_directory_path() / ("eqvk_test_lock_" + std::to_string(::getpid()));
        auto a = std::make_unique<LockFile>(p);
        LockFile b(p);
        CHECK(a->try_lock(3));
        CHECK_FALSE(b.try_lock(3));
        CHECK(b.try_lock(4));
        a->unlock(3);
        CHECK(b.try_lock(3));
        CHECK(b.try_lock(3));  // re-taking one's own slot succeeds (same open)
        {
            SlotLock held(b, 3);
            CHECK_FALSE(a->try_lock(3));
        }
        CHECK(a->try_lock(3));
        a.reset();  // closing drops its locks, as a killed process's are
        CHECK(b.try_lock(3));
        fs::remove(p);
    }
}
