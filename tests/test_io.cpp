// io: safetensors round trip, a Python-written fixture, a Python reader of our output, and every
// corruption case the reader must reject with an InputError naming the file and the problem.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "io/safetensors.h"
#include "util/error.h"
#include "util/fs.h"

using namespace eqvk;
using namespace eqvk::io;
namespace fs = std::filesystem;

namespace {

fs::path temp_dir() {
    fs::path d = fs::temp_directory_path() / ("eqvk_test_io_" + std::to_string(::getpid()));
    fs::create_directories(d);
    return d;
}

std::vector<Tensor> sample_tensors() {
    std::vector<float> a{1.5f, -2.0f, 3.25f, 0.0f, 7.0f, -0.125f};
    std::vector<int8_t> b{-128, 0, 42, 127};
    std::vector<int64_t> c{int64_t{1} << 40, -5};
    std::vector<uint16_t> h{0x3c00, 0xc100};  // F16 bit patterns 1.0, -2.5
    std::vector<uint8_t> e{1, 0, 1};
    return {Tensor::from<float>("a", DType::F32, {2, 3}, a),
            Tensor::from<int8_t>("b", DType::I8, {4}, b),
            Tensor::from<int64_t>("c", DType::I64, {2}, c),
            Tensor::from<uint16_t>("h", DType::F16, {2}, h),
            Tensor::from<uint8_t>("e", DType::BOOL, {3}, e),
            Tensor::from<uint8_t>("z", DType::U8, {0, 4}, {})};
}

// A valid encoded file with the JSON header replaced by `json` (padding kept to 8 bytes) and `data`
// bytes.
std::vector<std::byte> with_header(const std::string& json, size_t data_bytes) {
    std::string h = json;
    h.append((8 - h.size() % 8) % 8, ' ');
    std::vector<std::byte> out(8 + h.size() + data_bytes, std::byte{0});
    uint64_t n = h.size();
    std::memcpy(out.data(), &n, 8);
    std::memcpy(out.data() + 8, h.data(), h.size());
    return out;
}

void check_rejects(const std::vector<std::byte>& bytes, const std::string& fragment) {
    INFO("expecting: ", fragment);
    CHECK_THROWS_WITH_AS(decode_safetensors(bytes, "bad.safetensors"),
                         doctest::Contains(fragment.c_str()), InputError);
    CHECK_THROWS_WITH_AS(decode_safetensors(bytes, "bad.safetensors"),
                         doctest::Contains("bad.safetensors"), InputError);
}

}  // namespace

TEST_SUITE("io") {
    TEST_CASE("dtype names and sizes") {
        for (auto d :
             {DType::F64, DType::F32, DType::F16, DType::BF16, DType::I64, DType::I32, DType::I16,
              DType::I8, DType::U64, DType::U32, DType::U16, DType::U8, DType::BOOL})
            CHECK(parse_dtype(dtype_name(d)) == d);
        CHECK(dtype_size(DType::BF16) == 2);
        CHECK(dtype_size(DType::I64) == 8);
        CHECK(dtype_size(DType::BOOL) == 1);
        CHECK_FALSE(parse_dtype("F8").has_value());
    }

    TEST_CASE("round trip through a file, with metadata") {
        fs::path p = temp_dir() / "rt.safetensors";
        auto tensors = sample_tensors();
        write_safetensors(p, tensors, {{"seed", "7"}, {"decl_id", "3"}});
        auto raw = read_file(p);
        REQUIRE(raw);
        uint64_t header_len;
        std::memcpy(&header_len, raw->data(), 8);
        CHECK(header_len % 8 == 0);  // data starts 8-byte aligned
        SafetensorsFile f = read_safetensors(p);
        CHECK(f.tensors().size() == tensors.size());
        for (const Tensor& t : tensors) {
            const Tensor& g = f.get(t.name, t.dtype);
            CHECK(g.shape == t.shape);
            CHECK(g.data == t.data);
        }
        CHECK(f.get("a").as<float>()[2] == 3.25f);
        CHECK(f.get("c").as<int64_t>()[0] == (int64_t{1} << 40));
        CHECK(f.meta("seed") == "7");
        CHECK(f.metadata().size() == 2);
        CHECK(f.find("nope") == nullptr);
        CHECK_THROWS_WITH_AS(f.get("nope"), doctest::Contains("nope"), InputError);
        CHECK_THROWS_WITH_AS(f.get("a", DType::I8), doctest::Contains("dtype"), InputError);
        CHECK_THROWS_AS(f.meta("missing"), InputError);
        CHECK_THROWS_AS(f.get("a").as<int8_t>(), std::invalid_argument);
        fs::remove_all(p.parent_path());
    }

    TEST_CASE("writer rejects inconsistent tensors") {
        Tensor t{"x", DType::F32, {3}, std::vector<std::byte>(8)};
        CHECK_THROWS_AS(encode_safetensors(std::vector<Tensor>{t}), std::invalid_argument);
        auto ts = sample_tensors();
        ts[1].name = "a";
        CHECK_THROWS_AS(encode_safetensors(ts), std::invalid_argument);
        CHECK_THROWS_AS(Tensor::from<int32_t>("y", DType::I8, {1}, std::vector<int32_t>{1}),
                        std::invalid_argument);
    }

    TEST_CASE("reads a fixture written by Python (tools/safetensors_fixture.py)") {
        SafetensorsFile f = read_safetensors(fs::path(EQVK_TEST_DATA_DIR) / "fixture.safetensors");
        CHECK(f.meta("seed") == "7");
        CHECK(f.meta("note") == "written by python");
        auto a = f.get("a", DType::F32);
        CHECK(a.shape == std::vector<int64_t>{2, 3});
        CHECK(a.as<float>()[0] == -1.0f);
        CHECK(a.as<float>()[5] == 1.5f);
        auto b = f.get("b", DType::I8).as<int8_t>();
        CHECK(std::vector<int8_t>(b.begin(), b.end()) == std::vector<int8_t>{-128, -1, 0, 127});
        auto c = f.get("c", DType::I64).as<int64_t>();
        CHECK(c[0] == -(int64_t{1} << 40));
        CHECK(c[1] == (int64_t{1} << 62) + 3);
        auto d = f.get("d", DType::F16).as<uint16_t>();
        CHECK(d[0] == 0x3c00);  // 1.0
        CHECK(d[1] == 0xc100);  // -2.5
        CHECK(d[2] == 0x7bff);  // 65504
        CHECK(f.get("e", DType::BOOL).as<uint8_t>()[0] == 1);
        CHECK(f.get("z", DType::U8).numel() == 0);
    }

    TEST_CASE("Python reads what we write (skipped without /usr/bin/python3)") {
        if (!fs::exists("/usr/bin/python3")) {
            MESSAGE("skipped: /usr/bin/python3 is missing");
            return;
        }
        fs::path dir = temp_dir();
        fs::path p = dir / "py.safetensors", out = dir / "dump.txt";
        write_safetensors(p, sample_tensors(), {{"k", "v"}});
        std::string cmd = "/usr/bin/python3 " + std::string(EQVK_TEST_DATA_DIR) +
                          "/../../tools/safetensors_fixture.py dump " + p.string() + " > " +
                          out.string();
        REQUIRE(std::system(cmd.c_str()) == 0);
        std::ifstream in(out);
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        CHECK(text ==
              "meta k=v\n"
              "a F32 2x3 1.5 -2.0 3.25 0.0 7.0 -0.125\n"
              "b I8 4 -128 0 42 127\n"
              "c I64 2 1099511627776 -5\n"
              "e BOOL 3 1 0 1\n"
              "h F16 2 1.0 -2.5\n"
              "z U8 0x4 \n");
        fs::remove_all(dir);
    }

    TEST_CASE("corrupt and truncated files are InputErrors naming the file and the problem") {
        const auto good = encode_safetensors(sample_tensors(), {{"m", "1"}});
        CHECK_NOTHROW(decode_safetensors(good, "good"));
        // Truncations.
        check_rejects(std::vector<std::byte>(good.begin(), good.begin() + 5),
                      "shorter than the 8-byte");
        check_rejects(std::vector<std::byte>(good.begin(), good.begin() + 40), "exceeds the file");
        check_rejects(std::vector<std::byte>(good.begin(), good.end() - 3), "outside the");
        // Extra bytes after the last tensor.
        auto longer = good;
        longer.push_back(std::byte{0});
        check_rejects(longer, "after the last tensor");
        // Header problems.
        check_rejects(with_header("{\"a\": [1,", 0), "not valid JSON");
        check_rejects(with_header("[1, 2]", 0), "not a JSON object");
        check_rejects(with_header(R"({"a": 5})", 0), "not an object");
        check_rejects(with_header(R"({"a": {"shape": [1], "data_offsets": [0, 4]}})", 4),
                      "dtype missing");
        check_rejects(
            with_header(R"({"a": {"dtype": "Q7", "shape": [1], "data_offsets": [0, 4]}})", 4),
            "unknown dtype 'Q7'");
        check_rejects(with_header(R"({"a": {"dtype": "F32", "data_offsets": [0, 4]}})", 4),
                      "shape missing");
        check_rejects(
            with_header(R"({"a": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}})", 4),
            "negative");
        check_rejects(with_header(R"({"a": {"dtype": "F32", "shape": [1]}})", 4),
                      "data_offsets missing");
        check_rejects(
            with_header(R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 8]}})", 4),
            "outside the 4 data bytes");
        check_rejects(
            with_header(R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4]}})", 4),
            "need 8");
        check_rejects(
            with_header(R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},)"
                        R"( "b": {"dtype": "F32", "shape": [1], "data_offsets": [2, 6]}})",
                        8),
            "overlaps");
        check_rejects(
            with_header(R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}})", 8),
            "hole of 4 bytes");
        check_rejects(with_header(R"({"__metadata__": {"x": 1}})", 0), "not a string");
        check_rejects(
            with_header(R"({"a": {"dtype": "U8", "shape": [4294967296, 4294967296, 4294967296],)"
                        R"( "data_offsets": [0, 0]}})",
                        0),
            "more than 2^64");
        CHECK_THROWS_WITH_AS(read_safetensors("/nonexistent/x.safetensors"),
                             doctest::Contains("/nonexistent/x.safetensors"), InputError);
    }
}
