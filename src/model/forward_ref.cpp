// CPU reference forward in double (spec §4.1), input validation, and reading inputs from
// safetensors. Deliberately plain loops, one world at a time: clarity over speed (it checks the GPU
// path, it is not one).
#include "model/forward_ref.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "util/error.h"

namespace eqvk::model {

namespace {

constexpr double LN_EPS = 1e-5;  // nn.LayerNorm default, used by nn.TransformerEncoderLayer

// y[o] = b[o] + Σ_i x[i]·W[o][i] for o < n_out; W: [n_out][n_in] f32 (PyTorch Linear layout).
void linear(const double* x, int n_in, const std::vector<float>& w, const std::vector<float>& b,
            int n_out, double* y) {
    for (int o = 0; o < n_out; ++o) {
        const float* row = w.data() + static_cast<size_t>(o) * n_in;
        double acc = 0.0;
        for (int i = 0; i < n_in; ++i) acc += x[i] * static_cast<double>(row[i]);
        y[o] = acc + b[o];
    }
}

// x ← LayerNorm(x + r) over n channels: biased variance, eps 1e-5, affine (g, beta).
void add_layer_norm(double* x, const double* r, int n, const std::vector<float>& g,
                    const std::vector<float>& beta) {
    double mean = 0.0;
    for (int i = 0; i < n; ++i) {
        x[i] += r[i];
        mean += x[i];
    }
    mean /= n;
    double var = 0.0;
    for (int i = 0; i < n; ++i) var += (x[i] - mean) * (x[i] - mean);
    var /= n;
    const double inv = 1.0 / std::sqrt(var + LN_EPS);
    for (int i = 0; i < n; ++i) x[i] = (x[i] - mean) * inv * g[i] + beta[i];
}

// Multi-head self-attention for one world.
// qkv: [T][3E] (q | k | v), real: [T] key mask, out: [T][E].
void attention(const std::vector<double>& qkv, const int8_t* real, int e, int heads,
               std::vector<double>& out) {
    const int d = e / heads;
    const double scale = 1.0 / std::sqrt(static_cast<double>(d));
    double p[N_TOKENS];
    for (int h = 0; h < heads; ++h) {
        for (int t = 0; t < N_TOKENS; ++t) {
            const double* q = &qkv[static_cast<size_t>(t) * 3 * e + h * d];
            double mx = -std::numeric_limits<double>::infinity();
            for (int u = 0; u < N_TOKENS; ++u) {
                if (!real[u]) continue;  // key padding: score −∞, weight exactly 0
                const double* k = &qkv[static_cast<size_t>(u) * 3 * e + e + h * d];
                double s = 0.0;
                for (int j = 0; j < d; ++j) s += q[j] * k[j];
                p[u] = s * scale;
                mx = std::max(mx, p[u]);
            }
            double sum = 0.0;
            for (int u = 0; u < N_TOKENS; ++u)
                if (real[u]) sum += (p[u] = std::exp(p[u] - mx));
            double* o = &out[static_cast<size_t>(t) * e + h * d];
            std::fill(o, o + d, 0.0);
            for (int u = 0; u < N_TOKENS; ++u) {
                if (!real[u]) continue;
                const double* v = &qkv[static_cast<size_t>(u) * 3 * e + 2 * e + h * d];
                const double a = p[u] / sum;
                for (int j = 0; j < d; ++j) o[j] += a * v[j];
            }
        }
    }
}

// One post-norm encoder layer on x: [T][E] in place. attn_trace, if not null, receives the post-LN1
// state.
void encoder_layer(const LayerWeights& lw, const ModelConfig& c, const int8_t* real,
                   std::vector<double>& x, std::vector<double>* attn_trace) {
    const int e = c.embed_dim, f = c.ff_dim;
    std::vector<double> qkv(static_cast<size_t>(N_TOKENS) * 3 * e),
        heads(static_cast<size_t>(N_TOKENS) * e);
    std::vector<double> tmp(static_cast<size_t>(e)), hidden(static_cast<size_t>(f));
    // Step 1. Fused QKV projection, attention, out_proj, residual + LayerNorm 1.
    for (int t = 0; t < N_TOKENS; ++t)
        linear(&x[static_cast<size_t>(t) * e], e, lw.in_proj_weight, lw.in_proj_bias, 3 * e,
               &qkv[static_cast<size_t>(t) * 3 * e]);
    attention(qkv, real, e, c.n_heads, heads);
    for (int t = 0; t < N_TOKENS; ++t) {
        linear(&heads[static_cast<size_t>(t) * e], e, lw.out_proj_weight, lw.out_proj_bias, e,
               tmp.data());
        add_layer_norm(&x[static_cast<size_t>(t) * e], tmp.data(), e, lw.norm1_weight,
                       lw.norm1_bias);
    }
    if (attn_trace) attn_trace->insert(attn_trace->end(), x.begin(), x.end());
    // Step 2. ReLU feed-forward, residual + LayerNorm 2.
    for (int t = 0; t < N_TOKENS; ++t) {
        double* xt = &x[static_cast<size_t>(t) * e];
        linear(xt, e, lw.linear1_weight, lw.linear1_bias, f, hidden.data());
        for (double& h : hidden) h = std::max(h, 0.0);
        linear(hidden.data(), f, lw.linear2_weight, lw.linear2_bias, e, tmp.data());
        add_layer_norm(xt, tmp.data(), e, lw.norm2_weight, lw.norm2_bias);
    }
}

[[noreturn]] void bad_input(std::string_view source, std::string_view tensor,
                            const std::string& what) {
    throw InputError(fmt::format("{}: tensor '{}' {}", source, tensor, what));
}

}  // namespace

void validate_inputs(const ForwardInputs& in, std::string_view source) {
    const int64_t b = in.batch;
    if (b < 0) bad_input(source, "tokens", fmt::format("batch size {} is negative", b));
    if (static_cast<int64_t>(in.tokens.size()) != b * N_TOKENS * N_FEATURES)
        bad_input(source, "tokens",
                  fmt::format("holds {} values, expected [{}, {}, {}]", in.tokens.size(), b,
                              N_TOKENS, N_FEATURES));
    if (static_cast<int64_t>(in.mask.size()) != b * N_TOKENS)
        bad_input(source, "mask",
                  fmt::format("holds {} values, expected [{}, {}]", in.mask.size(), b, N_TOKENS));
    if (static_cast<int64_t>(in.actor.size()) != b)
        bad_input(source, "actor",
                  fmt::format("holds {} values, expected [{}]", in.actor.size(), b));
    for (int64_t i = 0; i < b; ++i) {
        for (int t = 0; t < N_TOKENS; ++t)
            for (int c = 0; c < N_FEATURES; ++c) {
                const int v = in.tokens[static_cast<size_t>((i * N_TOKENS + t) * N_FEATURES + c)];
                if (v < 0 || v >= FEATURES[c].rows)
                    bad_input(
                        source, "tokens",
                        fmt::format(
                            "value {} at [{}, {}, {}] is outside 0..{} (feature column {}, {})", v,
                            i, t, c, FEATURES[c].rows - 1, c, FEATURES[c].name));
            }
        int real = 0;
        for (int t = 0; t < N_TOKENS; ++t) {
            const int m = in.mask[static_cast<size_t>(i * N_TOKENS + t)];
            if (m != 0 && m != 1)
                bad_input(
                    source, "mask",
                    fmt::format("value {} at [{}, {}] is not 0 (padding) or 1 (real)", m, i, t));
            real += m;
        }
        if (real == 0)
            bad_input(source, "mask", fmt::format("row {} has no real token (all 0)", i));
        const int32_t a = in.actor[static_cast<size_t>(i)];
        if (a < 0 || a >= N_SEATS)
            bad_input(source, "actor", fmt::format("seat {} at [{}] is outside 0..3", a, i));
    }
}

ForwardOutputs forward_ref(const Weights& w, const ForwardInputs& in, ForwardTrace* trace) {
    validate_inputs(in, "forward input");
    const ModelConfig& c = w.config;
    const int e = c.embed_dim, d_in = c.input_dim();
    const auto b_count = static_cast<size_t>(in.batch);
    ForwardOutputs out{std::vector<double>(b_count * N_SLOTS), std::vector<double>(b_count)};
    if (trace)
        *trace = ForwardTrace{{},
                              {},
                              std::vector<std::vector<double>>(c.n_layers),
                              std::vector<std::vector<double>>(c.n_layers)};
    std::vector<double> emb(static_cast<size_t>(N_TOKENS) * d_in),
        x(static_cast<size_t>(N_TOKENS) * e);
    for (size_t b = 0; b < b_count; ++b) {
        const int8_t* tok = &in.tokens[b * N_TOKENS * N_FEATURES];
        const int8_t* real = &in.mask[b * N_TOKENS];
        // Step 1. Twelve embedding gathers, concatenated in column order, then input_proj.
        for (int t = 0; t < N_TOKENS; ++t)
            for (int col = 0; col < N_FEATURES; ++col) {
                const int width = c.feature_width(col);
                const float* row =
                    &w.embed[col][static_cast<size_t>(tok[t * N_FEATURES + col]) * width];
                std::copy(row, row + width,
                          &emb[static_cast<size_t>(t) * d_in + c.feature_offset(col)]);
            }
        for (int t = 0; t < N_TOKENS; ++t)
            linear(&emb[static_cast<size_t>(t) * d_in], d_in, w.input_proj_weight,
                   w.input_proj_bias, e, &x[static_cast<size_t>(t) * e]);
        if (trace) {
            trace->embedded.insert(trace->embedded.end(), emb.begin(), emb.end());
            trace->projected.insert(trace->projected.end(), x.begin(), x.end());
        }
        // Step 2. Encoder layers (no positional encoding, no final norm).
        for (int l = 0; l < c.n_layers; ++l) {
            encoder_layer(w.layers[static_cast<size_t>(l)], c, real, x,
                          trace ? &trace->attention[l] : nullptr);
            if (trace) trace->layer_out[l].insert(trace->layer_out[l].end(), x.begin(), x.end());
        }
        // Step 3. Heads: Q on the actor's 7 hand tokens, value on the context token.
        const int actor = in.actor[b];
        for (int i = 0; i < N_SLOTS; ++i)
            linear(&x[static_cast<size_t>(hand_token(actor, i)) * e], e, w.output_proj_weight,
                   w.output_proj_bias, 1, &out.q[b * N_SLOTS + i]);
        linear(&x[static_cast<size_t>(CONTEXT_TOKEN) * e], e, w.value_head_weight,
               w.value_head_bias, 1, &out.value[b]);
    }
    return out;
}

namespace {

// Integer tensor values widened to int64; InputError unless the dtype is an integer (or BOOL when
// allowed).
std::vector<int64_t> int_values(const io::Tensor& t, std::string_view source, bool allow_bool) {
    std::vector<int64_t> v(static_cast<size_t>(t.numel()));
    auto fill = [&](auto span) { std::copy(span.begin(), span.end(), v.begin()); };
    switch (t.dtype) {
        case io::DType::I8:
            fill(t.as<int8_t>());
            break;
        case io::DType::I16:
            fill(t.as<int16_t>());
            break;
        case io::DType::I32:
            fill(t.as<int32_t>());
            break;
        case io::DType::I64:
            fill(t.as<int64_t>());
            break;
        case io::DType::U8:
            fill(t.as<uint8_t>());
            break;
        case io::DType::U16:
            fill(t.as<uint16_t>());
            break;
        case io::DType::U32:
            fill(t.as<uint32_t>());
            break;
        case io::DType::BOOL:
            if (!allow_bool) bad_input(source, t.name, "has dtype BOOL, expected an integer dtype");
            fill(t.as<uint8_t>());
            break;
        default:
            bad_input(source, t.name,
                      fmt::format("has dtype {}, expected an integer dtype{}",
                                  io::dtype_name(t.dtype), allow_bool ? " or BOOL" : ""));
    }
    return v;
}

}  // namespace

InputBatch random_inputs(int64_t batch, uint64_t seed) {
    uint64_t state = seed * 0x9E3779B97F4A7C15ull + 1;
    auto next = [&](int n) {
        state += 0x9E3779B97F4A7C15ull;
        uint64_t z = state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return static_cast<int>((z ^ (z >> 31)) % static_cast<uint64_t>(n));
    };
    InputBatch in;
    in.batch = batch;
    in.tokens.assign(static_cast<size_t>(batch) * N_TOKENS * N_FEATURES, 0);
    in.mask.assign(static_cast<size_t>(batch) * N_TOKENS, 0);
    in.actor.resize(static_cast<size_t>(batch));
    for (size_t b = 0; b < static_cast<size_t>(batch); ++b) {
        const int real = 29 + next(4);  // context + 28 hand tokens + 0-3 trick tokens
        for (int t = 0; t < real; ++t) {
            in.mask[b * N_TOKENS + t] = 1;
            for (int c = 0; c < N_FEATURES; ++c)
                in.tokens[(b * N_TOKENS + t) * N_FEATURES + c] =
                    static_cast<int8_t>(next(FEATURES[c].rows));
        }
        in.actor[b] = next(N_SEATS);
    }
    return in;
}

InputBatch inputs_from_safetensors(const io::SafetensorsFile& file, std::string_view source) {
    auto need = [&](std::string_view name) -> const io::Tensor& {
        const io::Tensor* t = file.find(name);
        if (!t)
            bad_input(source, name,
                      "is missing (inputs need tokens [B,32,12], mask [B,32], actor [B])");
        return *t;
    };
    const io::Tensor &tokens = need("tokens"), &mask = need("mask"), &actor = need("actor");
    if (tokens.shape.size() != 3 || tokens.shape[1] != N_TOKENS || tokens.shape[2] != N_FEATURES)
        bad_input(source, "tokens", "must have shape [B, 32, 12]");
    const int64_t b = tokens.shape[0];
    if (mask.shape != std::vector<int64_t>{b, N_TOKENS})
        bad_input(source, "mask", fmt::format("must have shape [{}, 32] (B from tokens)", b));
    if (actor.shape != std::vector<int64_t>{b})
        bad_input(source, "actor", fmt::format("must have shape [{}]", b));
    InputBatch out;
    out.batch = b;
    auto narrow = [&](const io::Tensor& t, bool allow_bool, auto& dst, int64_t lo, int64_t hi) {
        auto v = int_values(t, source, allow_bool);
        dst.resize(v.size());
        for (size_t i = 0; i < v.size(); ++i) {
            if (v[i] < lo || v[i] > hi)
                bad_input(source, t.name,
                          fmt::format("value {} at flat index {} is out of range", v[i], i));
            dst[i] = static_cast<std::remove_reference_t<decltype(dst[0])>>(v[i]);
        }
    };
    narrow(tokens, false, out.tokens, INT8_MIN, INT8_MAX);
    narrow(mask, true, out.mask, INT8_MIN, INT8_MAX);
    narrow(actor, false, out.actor, INT32_MIN, INT32_MAX);
    validate_inputs(out.view(), source);
    return out;
}

}  // namespace eqvk::model
