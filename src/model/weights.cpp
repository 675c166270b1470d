// Model file load/save: canonical parameter list, strict metadata parsing, name/shape/dtype/value
// checks with every problem named, F16/BF16 widening and narrowing, deterministic random weights
// for tests.
#include "model/weights.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <charconv>
#include <cmath>
#include <set>

#include "util/error.h"
#include "util/fs.h"
#include "util/half.h"

namespace eqvk::model {

namespace {

template <class W, class Ref>
std::vector<Ref> make_refs(W& w) {
    const ModelConfig& c = w.config;
    const int64_t e = c.embed_dim, f = c.ff_dim, d_in = c.input_dim();
    std::vector<Ref> refs;
    for (int col = 0; col < N_FEATURES; ++col)
        refs.push_back({std::string(FEATURES[col].name) + ".weight",
                        {FEATURES[col].rows, c.feature_width(col)},
                        &w.embed[col]});
    refs.push_back({"input_proj.weight", {e, d_in}, &w.input_proj_weight});
    refs.push_back({"input_proj.bias", {e}, &w.input_proj_bias});
    for (size_t i = 0; i < w.layers.size(); ++i) {
        auto& l = w.layers[i];
        const std::string p = fmt::format("transformer.layers.{}.", i);
        refs.push_back({p + "self_attn.in_proj_weight", {3 * e, e}, &l.in_proj_weight});
        refs.push_back({p + "self_attn.in_proj_bias", {3 * e}, &l.in_proj_bias});
        refs.push_back({p + "self_attn.out_proj.weight", {e, e}, &l.out_proj_weight});
        refs.push_back({p + "self_attn.out_proj.bias", {e}, &l.out_proj_bias});
        refs.push_back({p + "linear1.weight", {f, e}, &l.linear1_weight});
        refs.push_back({p + "linear1.bias", {f}, &l.linear1_bias});
        refs.push_back({p + "linear2.weight", {e, f}, &l.linear2_weight});
        refs.push_back({p + "linear2.bias", {e}, &l.linear2_bias});
        refs.push_back({p + "norm1.weight", {e}, &l.norm1_weight});
        refs.push_back({p + "norm1.bias", {e}, &l.norm1_bias});
        refs.push_back({p + "norm2.weight", {e}, &l.norm2_weight});
        refs.push_back({p + "norm2.bias", {e}, &l.norm2_bias});
    }
    refs.push_back({"output_proj.weight", {1, e}, &w.output_proj_weight});
    refs.push_back({"output_proj.bias", {1}, &w.output_proj_bias});
    refs.push_back({"value_head.weight", {1, e}, &w.value_head_weight});
    refs.push_back({"value_head.bias", {1}, &w.value_head_bias});
    return refs;
}

int64_t numel(const std::vector<int64_t>& shape) {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    return n;
}

std::string shape_str(const std::vector<int64_t>& shape) {
    return fmt::format("[{}]", fmt::join(shape, ", "));
}

// Strict decimal integer (optional leading '-'), nullopt otherwise.
std::optional<int64_t> parse_int(std::string_view s) {
    int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
    return v;
}

// splitmix64: deterministic, platform-independent.
struct SplitMix {
    uint64_t s;
    uint64_t next() {
        uint64_t z = (s += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    double uniform() {
        return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0);
    }                                                                                // [0,1)
    float sym(double r) { return static_cast<float>((2.0 * uniform() - 1.0) * r); }  // U(-r, r)
};

void widen(const io::Tensor& t, std::vector<float>& out) {
    out.resize(static_cast<size_t>(t.numel()));
    switch (t.dtype) {
        case io::DType::F32: {
            auto v = t.as<float>();
            std::copy(v.begin(), v.end(), out.begin());
            break;
        }
        case io::DType::F16: {
            auto v = t.as<uint16_t>();
            for (size_t i = 0; i < v.size(); ++i) out[i] = f16_to_f32(v[i]);
            break;
        }
        case io::DType::BF16: {
            auto v = t.as<uint16_t>();
            for (size_t i = 0; i < v.size(); ++i) out[i] = bf16_to_f32(v[i]);
            break;
        }
        default:
            EQVK_ASSERT(false);
    }
}

}  // namespace

std::vector<ParamRef> param_refs(Weights& w) {
    return make_refs<Weights, ParamRef>(w);
}
std::vector<ConstParamRef> param_refs(const Weights& w) {
    return make_refs<const Weights, ConstParamRef>(w);
}

Weights zero_weights(const ModelConfig& config) {
    config.validate();
    Weights w;
    w.config = config;
    w.layers.resize(static_cast<size_t>(config.n_layers));
    for (auto& r : param_refs(w)) r.data->assign(static_cast<size_t>(numel(r.shape)), 0.0f);
    return w;
}

Weights random_weights(const ModelConfig& config, uint64_t seed) {
    Weights w = zero_weights(config);
    SplitMix rng{seed};
    for (auto& r : param_refs(w)) {
        const bool is_embed = r.name.ends_with("_embed.weight");
        const bool is_norm = r.name.find(".norm") != std::string::npos;
        const bool is_bias = r.name.ends_with("bias");
        for (float& v : *r.data) {
            if (is_norm && !is_bias)
                v = 1.0f + rng.sym(0.2);
            else if (is_bias)
                v = rng.sym(0.1);
            else if (is_embed)
                v = rng.sym(1.0);
            else
                v = rng.sym(1.0 / std::sqrt(static_cast<double>(r.shape[1])));
        }
    }
    return w;
}

ModelConfig config_from_metadata(const io::Metadata& metadata, std::string_view source) {
    auto get = [&](const std::string& key) -> int {
        auto it = metadata.find(key);
        if (it == metadata.end())
            throw InputError(
                fmt::format("{}: model file metadata key '{}' is missing (an eqvk model file needs "
                            "embed_dim, n_heads, n_layers, ff_dim, format_version)",
                            source, key));
        auto v = parse_int(it->second);
        if (!v || *v < INT32_MIN || *v > INT32_MAX)
            throw InputError(
                fmt::format("{}: model file metadata key '{}' = '{}' is not an integer", source,
                            key, it->second));
        return static_cast<int>(*v);
    };
    int version = get("format_version");
    if (version != FORMAT_VERSION)
        throw InputError(
            fmt::format("{}: model file format_version {} is not supported (this eqvk reads {})",
                        source, version, FORMAT_VERSION));
    ModelConfig c{get("embed_dim"), get("n_heads"), get("n_layers"), get("ff_dim")};
    c.validate(source);
    return c;
}

Weights weights_from_safetensors(const io::SafetensorsFile& file, std::string_view source) {
    // Nothing is allocated until the file's tensors match the metadata's shapes: the metadata may
    // claim a model far larger than the file (8192/1/64/65536 would be hundreds of GB).
    Weights w;
    w.config = config_from_metadata(file.metadata(), source);
    w.layers.resize(static_cast<size_t>(w.config.n_layers));  // empty vectors: names and shapes
    w.metadata = file.metadata();
    // Step 1. Names, shapes and dtypes, every problem collected.
    std::vector<std::string> problems;
    std::set<std::string> expected;
    std::optional<io::DType> dtype;
    auto refs = param_refs(w);
    for (const auto& r : refs) {
        expected.insert(r.name);
        const io::Tensor* t = file.find(r.name);
        if (!t) {
            problems.push_back(fmt::format("missing tensor '{}' {}", r.name, shape_str(r.shape)));
            continue;
        }
        if (t->shape != r.shape)
            problems.push_back(fmt::format("tensor '{}' has shape {}, expected {}", r.name,
                                           shape_str(t->shape), shape_str(r.shape)));
        if (t->dtype != io::DType::F32 && t->dtype != io::DType::F16 && t->dtype != io::DType::BF16)
            problems.push_back(fmt::format("tensor '{}' has dtype {}, expected F32, F16 or BF16",
                                           r.name, io::dtype_name(t->dtype)));
        else if (!dtype)
            dtype = t->dtype;
    }
    for (const auto& t : file.tensors())
        if (!expected.contains(t.name))
            problems.push_back(
                fmt::format("unexpected tensor '{}' {} (not part of a {}/{}/{}/{} model)", t.name,
                            shape_str(t.shape), w.config.embed_dim, w.config.n_heads,
                            w.config.n_layers, w.config.ff_dim));
    if (!problems.empty()) {
        const size_t shown = std::min<size_t>(problems.size(), 12);
        std::string list =
            fmt::format("{}", fmt::join(problems.begin(), problems.begin() + shown, "; "));
        if (shown < problems.size())
            list += fmt::format("; ... and {} more", problems.size() - shown);
        throw InputError(fmt::format(
            "{}: not a valid eqvk model file (E={}, H={}, L={}, F={}): {} problem{}: {}", source,
            w.config.embed_dim, w.config.n_heads, w.config.n_layers, w.config.ff_dim,
            problems.size(), problems.size() == 1 ? "" : "s", list));
    }
    // Step 2. Values: widen to float32, reject NaN/Inf.
    w.file_dtype = dtype.value_or(io::DType::F32);
    for (auto& r : refs) {
        widen(*file.find(r.name), *r.data);
        for (size_t i = 0; i < r.data->size(); ++i)
            if (!std::isfinite((*r.data)[i]))
                throw InputError(
                    fmt::format("{}: tensor '{}' holds a non-finite value ({}) at flat index {}",
                                source, r.name, (*r.data)[i], i));
    }
    return w;
}

Weights decode_weights(std::span<const std::byte> bytes, std::string source) {
    io::SafetensorsFile file = io::decode_safetensors(bytes, source);
    return weights_from_safetensors(file, source);
}

Weights load_weights(const std::filesystem::path& path) {
    return weights_from_safetensors(io::read_safetensors(path), path.string());
}

std::vector<io::Tensor> weights_to_tensors(const Weights& w, io::DType dtype) {
    if (dtype != io::DType::F32 && dtype != io::DType::F16 && dtype != io::DType::BF16)
        throw std::invalid_argument("weights_to_tensors: dtype must be F32, F16 or BF16");
    std::vector<io::Tensor> out;
    for (const auto& r : param_refs(w)) {
        if (static_cast<int64_t>(r.data->size()) != numel(r.shape))
            throw std::invalid_argument(
                fmt::format("weights_to_tensors: '{}' holds {} floats, shape {} needs {}", r.name,
                            r.data->size(), shape_str(r.shape), numel(r.shape)));
        if (dtype == io::DType::F32) {
            out.push_back(io::Tensor::from<float>(r.name, dtype, r.shape, *r.data));
            continue;
        }
        std::vector<uint16_t> h(r.data->size());
        for (size_t i = 0; i < h.size(); ++i)
            h[i] = dtype == io::DType::F16 ? f32_to_f16((*r.data)[i]) : f32_to_bf16((*r.data)[i]);
        out.push_back(io::Tensor::from<uint16_t>(r.name, dtype, r.shape, h));
    }
    return out;
}

io::Metadata weights_metadata(const Weights& w) {
    io::Metadata m = w.metadata;
    m["embed_dim"] = std::to_string(w.config.embed_dim);
    m["n_heads"] = std::to_string(w.config.n_heads);
    m["n_layers"] = std::to_string(w.config.n_layers);
    m["ff_dim"] = std::to_string(w.config.ff_dim);
    m["format_version"] = std::to_string(FORMAT_VERSION);
    return m;
}

void save_weights(const std::filesystem::path& path, const Weights& w, io::DType dtype) {
    auto tensors = weights_to_tensors(w, dtype);
    io::write_safetensors(path, tensors, weights_metadata(w));
}

}  // namespace eqvk::model
