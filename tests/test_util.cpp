// util: atomic file writes and the cache directory.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "util/error.h"
#include "util/fs.h"

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
}
