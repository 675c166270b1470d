// model: config arithmetic, half conversions, model-file round trips and every corruption the
// loader must name, input validation, structural properties of the forward (padding, permutation),
// and parity of the double CPU reference with PyTorch on the golden files of tools/make_golden.py.
#include <doctest/doctest.h>
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <string>

#include "gpu_fixture.h"
#include "io/safetensors.h"
#include "kernels/registry.h"
#include "model/config.h"
#include "model/forward.h"
#include "model/forward_ref.h"
#include "model/weights.h"
#include "util/error.h"
#include "util/half.h"

using namespace eqvk;
using namespace eqvk::model;
namespace fs = std::filesystem;

namespace {

// Peak resident set size of this process so far (KiB).
long peak_rss_kib() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

const fs::path GOLDEN = fs::path(EQVK_TEST_DATA_DIR) / "golden";
const char* SIZES[] = {"tiny_e24_h2_l1_f32", "e64_h4_l2_f128", "e128_h4_l2_f256",
                       "e256_h8_l6_f512"};

std::vector<double> as_doubles(const io::Tensor& t) {
    std::vector<double> out;
    if (t.dtype == io::DType::F64)
        for (double v : t.as<double>()) out.push_back(v);
    else
        for (float v : t.as<float>()) out.push_back(v);
    return out;
}

struct Err {
    double max_abs = 0, max_rel = 0;  // rel: |got - want| / max|want| (the output range)
};
Err compare(const std::vector<double>& got, const std::vector<double>& want) {
    REQUIRE(got.size() == want.size());
    double range = 0;
    for (double v : want) range = std::max(range, std::abs(v));
    Err e;
    for (size_t i = 0; i < got.size(); ++i)
        e.max_abs = std::max(e.max_abs, std::abs(got[i] - want[i]));
    e.max_rel = e.max_abs / std::max(range, 1e-30);
    return e;
}

// The tiny golden model file's tensors and metadata, to corrupt one thing at a time.
struct FileParts {
    std::vector<io::Tensor> tensors;
    io::Metadata meta;
    std::vector<std::byte> bytes() const { return io::encode_safetensors(tensors, meta); }
    io::Tensor& get(const std::string& name) {
        for (auto& t : tensors)
            if (t.name == name) return t;
        FAIL("no tensor " << name);
        return tensors[0];
    }
};
FileParts tiny_parts() {
    auto f = io::read_safetensors(GOLDEN / "tiny_e24_h2_l1_f32.model.safetensors");
    return {f.tensors(), f.metadata()};
}

void check_rejects(const std::vector<std::byte>& bytes, const std::vector<std::string>& fragments) {
    try {
        decode_weights(bytes, "bad.safetensors");
        FAIL("accepted a bad model file; expected: " << fragments[0]);
    } catch (const InputError& e) {
        std::string msg = e.what();
        INFO("message: ", msg);
        CHECK(msg.find("bad.safetensors") != std::string::npos);
        for (const auto& f : fragments)
            CHECK_MESSAGE(msg.find(f) != std::string::npos, "missing '" << f << "'");
    }
}

InputBatch golden_inputs(const std::string& name) {
    return inputs_from_safetensors(io::read_safetensors(GOLDEN / (name + ".io.safetensors")), name);
}

void check_input_error(const InputBatch& in, const std::vector<std::string>& fragments) {
    try {
        validate_inputs(in.view(), "inputs.safetensors");
        FAIL("accepted bad inputs; expected: " << fragments[0]);
    } catch (const InputError& e) {
        std::string msg = e.what();
        INFO("message: ", msg);
        CHECK(msg.find("inputs.safetensors") != std::string::npos);
        for (const auto& f : fragments)
            CHECK_MESSAGE(msg.find(f) != std::string::npos, "missing '" << f << "'");
    }
}

// Runs forward_ref on GOLDEN/<name>.io.safetensors and compares with torch's fp32 and float64
// outputs.
ForwardOutputs check_parity(const Weights& w, const std::string& name) {
    const auto io_file = io::read_safetensors(GOLDEN / (name + ".io.safetensors"));
    const InputBatch in = inputs_from_safetensors(io_file, name);
    ForwardOutputs out = forward_ref(w, in.view());
    const Err q32 = compare(out.q, as_doubles(io_file.get("q"))),
              v32 = compare(out.value, as_doubles(io_file.get("value")));
    const Err q64 = compare(out.q, as_doubles(io_file.get("q64"))),
              v64 = compare(out.value, as_doubles(io_file.get("value64")));
    MESSAGE(name, " (", io::dtype_name(w.file_dtype), ", B=", in.batch,
            "): vs torch fp32 q max abs ", q32.max_abs, " rel ", q32.max_rel, ", value abs ",
            v32.max_abs, " rel ", v32.max_rel, "; vs torch f64 q rel ", q64.max_rel, " value rel ",
            v64.max_rel);
    CHECK(q32.max_rel < 1e-4);
    CHECK(v32.max_rel < 1e-4);
    CHECK(q64.max_rel < 1e-9);  // same math in double: only summation order differs
    CHECK(v64.max_rel < 1e-9);
    return out;
}

}  // namespace

TEST_SUITE("model") {
    TEST_CASE("config: derived sizes match spec §4.1/§4.3") {
        ModelConfig big{256, 8, 6, 512};
        CHECK(big.input_dim() == 357);
        CHECK(big.head_dim() == 32);
        CHECK(big.param_count() == 3256865);  // spec §4.3 catalog, verified there
        CHECK(ModelConfig{128, 8, 4, 512}.input_dim() == 175);
        CHECK(ModelConfig{128, 8, 4, 512}.param_count() == 816904);  // domino-qval-small-816k
        ModelConfig small{};
        CHECK(small.input_dim() == 85);
        CHECK(small.feature_offset(2) == 20);  // after two wide (a = 10) columns
        CHECK(small.feature_width(2) == 5);
        CHECK_NOTHROW(small.validate());
        CHECK_THROWS_WITH_AS(ModelConfig({64, 5, 2, 128}).validate("m.safetensors"),
                             doctest::Contains("multiple of n_heads"), InputError);
        CHECK_THROWS_AS(ModelConfig({8, 1, 1, 8}).validate(), InputError);
        CHECK_THROWS_AS(ModelConfig({64, 4, 0, 128}).validate(), InputError);
        CHECK_THROWS_AS(ModelConfig({64, 4, 2, 0}).validate(), InputError);
        CHECK(hand_token(0, 0) == 1);
        CHECK(hand_token(3, 6) == 28);
    }

    TEST_CASE("weights: save and load round trip in F32, F16 and BF16") {
        const ModelConfig c{48, 4, 2, 40};
        Weights w = random_weights(c, 7);
        const fs::path dir = fs::temp_directory_path();
        for (io::DType dt : {io::DType::F32, io::DType::F16, io::DType::BF16}) {
            const fs::path p =
                dir / ("eqvk_test_model_" + std::string(io::dtype_name(dt)) + ".safetensors");
            save_weights(p, w, dt);
            Weights r = load_weights(p);
            fs::remove(p);
            CHECK(r.config == c);
            CHECK(r.file_dtype == dt);
            CHECK(r.metadata.at("format_version") == "1");
            auto a = param_refs(w);
            auto b = param_refs(r);
            REQUIRE(a.size() == b.size());
            CHECK(a.size() == 12 + 2 + 12 * 2 + 4);
            for (size_t i = 0; i < a.size(); ++i) {
                REQUIRE(a[i].data->size() == b[i].data->size());
                for (size_t j = 0; j < a[i].data->size(); ++j) {
                    const float x = (*a[i].data)[j];
                    const float want = dt == io::DType::F32   ? x
                                       : dt == io::DType::F16 ? f16_to_f32(f32_to_f16(x))
                                                              : bf16_to_f32(f32_to_bf16(x));
                    if ((*b[i].data)[j] != want) FAIL(a[i].name << "[" << j << "]");
                }
            }
        }
    }

    TEST_CASE("weights: the loader names every problem") {
        SUBCASE("valid file loads") {
            Weights w = decode_weights(tiny_parts().bytes(), "tiny");
            CHECK(w.config == ModelConfig{24, 2, 1, 32});
        }
        SUBCASE("missing tensor") {
            auto p = tiny_parts();
            std::erase_if(p.tensors, [](const io::Tensor& t) {
                return t.name == "transformer.layers.0.norm2.bias";
            });
            check_rejects(p.bytes(), {"missing tensor 'transformer.layers.0.norm2.bias' [24]"});
        }
        SUBCASE("extra tensor") {
            auto p = tiny_parts();
            std::vector<float> v{1.0f};
            p.tensors.push_back(
                io::Tensor::from<float>("final_norm.weight", io::DType::F32, {1}, v));
            check_rejects(p.bytes(), {"unexpected tensor 'final_norm.weight'"});
        }
        SUBCASE("mis-shaped tensor") {
            auto p = tiny_parts();
            p.get("input_proj.weight").shape = {34, 24};  // same bytes, transposed shape
            check_rejects(p.bytes(), {"'input_proj.weight' has shape [34, 24], expected [24, 34]"});
        }
        SUBCASE("several problems reported together") {
            auto p = tiny_parts();
            std::erase_if(p.tensors,
                          [](const io::Tensor& t) { return t.name == "value_head.bias"; });
            p.get("decl_embed.weight").shape = {4, 10};
            check_rejects(p.bytes(), {"2 problems", "value_head.bias", "decl_embed.weight"});
        }
        SUBCASE("wrong dtype") {
            auto p = tiny_parts();
            p.get("output_proj.bias").dtype = io::DType::I32;
            check_rejects(p.bytes(), {"'output_proj.bias' has dtype I32"});
        }
        SUBCASE("NaN weight") {
            auto p = tiny_parts();
            auto& t = p.get("transformer.layers.0.linear1.weight");
            const float nan = std::nanf("");
            std::memcpy(t.data.data() + 4 * 5, &nan, 4);
            check_rejects(p.bytes(),
                          {"'transformer.layers.0.linear1.weight'", "non-finite", "flat index 5"});
        }
        SUBCASE("Inf weight in an F16 file") {
            Weights w = random_weights({24, 2, 1, 32}, 3);
            auto tensors = weights_to_tensors(w, io::DType::F16);
            for (auto& t : tensors)
                if (t.name == "leader_embed.weight")
                    t.data[2 * 3] = std::byte{0x00}, t.data[2 * 3 + 1] = std::byte{0x7c};
            check_rejects(io::encode_safetensors(tensors, weights_metadata(w)),
                          {"'leader_embed.weight'", "non-finite", "flat index 3"});
        }
        SUBCASE("truncated file") {
            auto b = tiny_parts().bytes();
            b.resize(b.size() - 100);
            check_rejects(b, {"truncated"});
        }
        SUBCASE("bad header JSON") {
            auto b = tiny_parts().bytes();
            b[8] = std::byte{'['};  // '{' → '['
            check_rejects(b, {"JSON"});
        }
        SUBCASE("metadata: missing key") {
            auto p = tiny_parts();
            p.meta.erase("n_heads");
            check_rejects(p.bytes(), {"metadata key 'n_heads' is missing"});
        }
        SUBCASE("metadata: not an integer") {
            auto p = tiny_parts();
            p.meta["ff_dim"] = "32.0";
            check_rejects(p.bytes(), {"'ff_dim' = '32.0' is not an integer"});
        }
        SUBCASE("metadata: unsupported format version") {
            auto p = tiny_parts();
            p.meta["format_version"] = "2";
            check_rejects(p.bytes(), {"format_version 2"});
        }
        SUBCASE("metadata: invalid hyper-parameters") {
            auto p = tiny_parts();
            p.meta["n_heads"] = "5";
            check_rejects(p.bytes(), {"multiple of n_heads"});
        }
        SUBCASE("metadata: hyper-parameters that do not fit the tensors") {
            auto p = tiny_parts();
            p.meta["ff_dim"] = "64";
            check_rejects(
                p.bytes(),
                {"'transformer.layers.0.linear1.weight' has shape [32, 24], expected [64, 24]"});
        }
        SUBCASE("metadata claiming a huge model is refused before anything is allocated") {
            // 1536/1/64/6144 in a 25 KB file: zero-filling its tensors first took 7.1 GB (issue
            // 14, item 2). The error must come from the shape check with the peak RSS unchanged.
            auto p = tiny_parts();
            p.meta["embed_dim"] = "1536", p.meta["n_heads"] = "1", p.meta["n_layers"] = "64",
            p.meta["ff_dim"] = "6144";
            const auto bytes = p.bytes();
            const long before = peak_rss_kib();
            check_rejects(bytes, {"(E=1536, H=1, L=64, F=6144)", "784 problems",
                                  "'high_pip_embed.weight' has shape [7, 4], expected [7, 256]"});
            CHECK(peak_rss_kib() - before < 64 * 1024);
        }
        SUBCASE("file that does not exist") {
            CHECK_THROWS_WITH_AS(load_weights("/nonexistent/m.safetensors"),
                                 doctest::Contains("/nonexistent/m"), InputError);
        }
    }

    TEST_CASE("inputs: validation names the tensor and the index") {
        const InputBatch good = golden_inputs("tiny_e24_h2_l1_f32");
        CHECK_NOTHROW(validate_inputs(good.view(), "x"));
        InputBatch in = good;
        in.tokens[(2 * N_TOKENS + 5) * N_FEATURES + 10] = 10;  // decl 10 does not exist
        check_input_error(in, {"'tokens'", "value 10 at [2, 5, 10]", "decl_embed"});
        in = good;
        in.tokens[(0 * N_TOKENS + 3) * N_FEATURES + 0] = -1;
        check_input_error(in, {"'tokens'", "value -1 at [0, 3, 0]"});
        in = good;
        in.mask[1 * N_TOKENS + 4] = 2;
        check_input_error(in, {"'mask'", "value 2 at [1, 4]"});
        in = good;
        std::fill(in.mask.begin() + 3 * N_TOKENS, in.mask.begin() + 4 * N_TOKENS, int8_t{0});
        check_input_error(in, {"'mask'", "row 3 has no real token"});
        in = good;
        in.actor[7] = 4;
        check_input_error(in, {"'actor'", "seat 4 at [7]"});
        in = good;
        in.actor.pop_back();
        check_input_error(in, {"'actor'", "expected ["});
    }

    TEST_CASE("inputs: read from safetensors with int8/int32 tokens and bool masks") {
        const InputBatch good = golden_inputs("tiny_e24_h2_l1_f32");
        const int64_t b = good.batch;
        std::vector<int32_t> tok32(good.tokens.begin(), good.tokens.end());
        std::vector<uint8_t> mask_bool(good.mask.begin(), good.mask.end());
        std::vector<int64_t> actor64(good.actor.begin(), good.actor.end());
        std::vector<io::Tensor> ts{
            io::Tensor::from<int32_t>("tokens", io::DType::I32, {b, 32, 12}, tok32),
            io::Tensor::from<uint8_t>("mask", io::DType::BOOL, {b, 32}, mask_bool),
            io::Tensor::from<int64_t>("actor", io::DType::I64, {b}, actor64)};
        auto file = io::decode_safetensors(io::encode_safetensors(ts), "in.safetensors");
        InputBatch r = inputs_from_safetensors(file, "in.safetensors");
        CHECK(r.tokens == good.tokens);
        CHECK(r.mask == good.mask);
        CHECK(r.actor == good.actor);
        auto rejects = [&](std::vector<io::Tensor> bad, const char* fragment) {
            auto f = io::decode_safetensors(io::encode_safetensors(bad), "in.safetensors");
            CHECK_THROWS_WITH_AS(inputs_from_safetensors(f, "in.safetensors"),
                                 doctest::Contains(fragment), InputError);
        };
        std::vector<float> tokf(tok32.begin(), tok32.end());
        rejects(
            {io::Tensor::from<float>("tokens", io::DType::F32, {b, 32, 12}, tokf), ts[1], ts[2]},
            "'tokens' has dtype F32");
        rejects({ts[0], ts[1]}, "'actor' is missing");
        rejects(
            {ts[0], io::Tensor::from<uint8_t>("mask", io::DType::U8, {b, 16, 2}, mask_bool), ts[2]},
            "'mask' must have shape");
        tok32[100] = 300;
        rejects(
            {io::Tensor::from<int32_t>("tokens", io::DType::I32, {b, 32, 12}, tok32), ts[1], ts[2]},
            "'tokens' value 300 at flat index 100");
    }

    TEST_CASE("forward_ref: padding keys are ignored, hand blocks are permutation-equivariant") {
        const Weights w = random_weights({48, 4, 2, 64}, 11);
        const InputBatch base = golden_inputs("tiny_e24_h2_l1_f32");
        const ForwardOutputs ref = forward_ref(w, base.view());
        for (size_t b = 0; b < 8; ++b) {  // game-state rows
            INFO("row ", b);
            const int actor = base.actor[b];
            InputBatch in = base;
            int8_t* tok = &in.tokens[b * N_TOKENS * N_FEATURES];
            // Padding tokens: any feature values give the same outputs.
            for (int t = 0; t < N_TOKENS; ++t)
                if (!in.mask[b * N_TOKENS + t])
                    for (int c = 0; c < N_FEATURES; ++c)
                        tok[t * N_FEATURES + c] = static_cast<int8_t>(FEATURES[c].rows - 1);
            // Swap slots 1 and 4 of the actor's block and slots 0 and 6 of the partner's block.
            auto swap_tokens = [&](int t1, int t2) {
                std::swap_ranges(tok + t1 * N_FEATURES, tok + (t1 + 1) * N_FEATURES,
                                 tok + t2 * N_FEATURES);
            };
            swap_tokens(hand_token(actor, 1), hand_token(actor, 4));
            swap_tokens(hand_token((actor + 2) % 4, 0), hand_token((actor + 2) % 4, 6));
            const ForwardOutputs out = forward_ref(w, in.view());
            CHECK(std::abs(out.value[b] - ref.value[b]) < 1e-12);
            for (int i = 0; i < N_SLOTS; ++i) {
                const int j = i == 1 ? 4 : i == 4 ? 1 : i;
                CHECK(std::abs(out.q[b * N_SLOTS + i] - ref.q[b * N_SLOTS + j]) < 1e-12);
            }
        }
    }

    TEST_CASE("forward_ref: trace shapes and consistency") {
        const Weights w = random_weights({24, 2, 2, 16}, 5);
        const InputBatch in = golden_inputs("tiny_e24_h2_l1_f32");
        ForwardTrace tr;
        const ForwardOutputs out = forward_ref(w, in.view(), &tr);
        const size_t bt = static_cast<size_t>(in.batch) * N_TOKENS;
        CHECK(tr.embedded.size() == bt * 34);  // D_in = 5·4 + 7·2
        CHECK(tr.projected.size() == bt * 24);
        REQUIRE(tr.layer_out.size() == 2);
        CHECK(tr.attention[1].size() == bt * 24);
        // value = value_head(last layer output at token 0)
        double v = w.value_head_bias[0];
        for (int j = 0; j < 24; ++j) v += tr.layer_out[1][j] * w.value_head_weight[j];
        CHECK(std::abs(v - out.value[0]) < 1e-12);
    }

    TEST_CASE("forward_ref: parity with PyTorch on every golden size") {
        for (const std::string name : SIZES) {
            INFO("golden ", name);
            check_parity(load_weights(GOLDEN / (name + ".model.safetensors")), name);
        }
    }

    TEST_CASE("shipped model: models/eqvk-oracle-e64 loads, gives finite outputs, matches torch") {
        // Written by tools/train_oracle.py --ship, with torch's outputs on 32 test-split states.
        const std::string name = "eqvk-oracle-e64";
        const fs::path file = fs::path(EQVK_TEST_DATA_DIR).parent_path().parent_path() / "models" /
                              (name + ".safetensors");
        if (!fs::exists(file)) {
            MESSAGE("skipped: no ", file.string());
            return;
        }
        const Weights w = load_weights(file);
        CHECK(w.config.embed_dim == 64);
        const ForwardOutputs out = check_parity(w, name);
        CHECK(std::all_of(out.q.begin(), out.q.end(), [](double x) { return std::isfinite(x); }));
        CHECK(std::all_of(out.value.begin(), out.value.end(),
                          [](double x) { return std::isfinite(x); }));
    }
}

// The GPU forward (model/forward.h) against PyTorch's golden outputs and the double reference.
namespace {

struct Golden {
    Weights w;
    io::SafetensorsFile io_file;
    InputBatch in;
};
Golden load_golden(const std::string& name) {
    Weights w = load_weights(GOLDEN / (name + ".model.safetensors"));
    auto f = io::read_safetensors(GOLDEN / (name + ".io.safetensors"));
    InputBatch in = inputs_from_safetensors(f, name);
    return {std::move(w), std::move(f), std::move(in)};
}

// The first `b` worlds of `in`.
InputBatch head_of(const InputBatch& in, int64_t b) {
    InputBatch out;
    out.batch = b;
    out.tokens.assign(in.tokens.begin(), in.tokens.begin() + b * N_TOKENS * N_FEATURES);
    out.mask.assign(in.mask.begin(), in.mask.begin() + b * N_TOKENS);
    out.actor.assign(in.actor.begin(), in.actor.begin() + b);
    return out;
}

}  // namespace

TEST_SUITE("model.gpu") {
    TEST_CASE("GPU forward: parity with PyTorch on every golden size, fp32 and fp16") {
        GPU_TEST(ctx);
        kernels::KernelCache cache(ctx);
        for (const std::string name : SIZES) {
            INFO("golden ", name);
            const Golden g = load_golden(name);
            const auto want_q = as_doubles(g.io_file.get("q")),
                       want_v = as_doubles(g.io_file.get("value"));
            for (kernels::Dtype dt : {kernels::Dtype::F32, kernels::Dtype::F16}) {
                if (dt == kernels::Dtype::F16 && !ctx.caps().storage_buffer_16bit) continue;
                model::GpuWeights gw(ctx, g.w, dt);
                model::GpuForward fwd(ctx, cache, gw, static_cast<uint32_t>(g.in.batch));
                const ForwardOutputs out = fwd.run(g.in.view());
                const Err q = compare(out.q, want_q), v = compare(out.value, want_v);
                MESSAGE(name, " ", std::string(kernels::dtype_name(dt)), " B=", g.in.batch,
                        ": q max abs ", q.max_abs, " rel ", q.max_rel, "; value max abs ",
                        v.max_abs, " rel ", v.max_rel);
                if (dt == kernels::Dtype::F32) {
                    CHECK(q.max_rel < 1e-4);
                    CHECK(v.max_rel < 1e-4);
                } else {
                    CHECK(q.max_abs < 2e-2);
                    CHECK(v.max_abs < 2e-2);
                }
            }
        }
    }

    TEST_CASE("GPU forward: batches below the capacity, above it (chunks) and across slices") {
        GPU_TEST(ctx);
        kernels::KernelCache cache(ctx);
        const Golden g = load_golden("e64_h4_l2_f128");
        const auto want_q = as_doubles(g.io_file.get("q")),
                   want_v = as_doubles(g.io_file.get("value"));
        model::GpuWeights gw(ctx, g.w, kernels::Dtype::F32);
        auto check_prefix = [&](const ForwardOutputs& out, int64_t b) {
            std::vector<double> wq(want_q.begin(), want_q.begin() + b * N_SLOTS),
                wv(want_v.begin(), want_v.begin() + b);
            CHECK(compare(out.q, wq).max_rel < 1e-4);
            CHECK(compare(out.value, wv).max_rel < 1e-4);
        };
        // One recording, three batch sizes: the count lives on the GPU.
        model::GpuForward fwd(ctx, cache, gw, 40);
        const size_t ops = fwd.program().size();
        for (int64_t b : {int64_t(24), int64_t(5), int64_t(40)}) {
            INFO("capacity 40, B=", b);
            check_prefix(fwd.run(head_of(g.in, b).view()), b);
        }
        CHECK(fwd.program().size() == ops);
        CHECK(fwd.program().submits() == 3);
        // B = 64 through capacity 7: ten chunks.
        model::GpuForward small(ctx, cache, gw, 7);
        check_prefix(small.run(g.in.view()), g.in.batch);
        CHECK(small.program().submits() == 10);
        // Slices inside one Program (capacity 64 in slices of 10, the last 4), with a count of 37.
        model::GpuForward sliced(ctx, cache, gw, 64, {}, 10);
        CHECK(sliced.slice_worlds() == 10);
        check_prefix(sliced.run(head_of(g.in, 37).view()), 37);
        check_prefix(sliced.run(g.in.view()), 64);
    }
}
