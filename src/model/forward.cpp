// GPU forward: weights upload (fp32 or fp16 copies), the recording of one forward per capacity in
// slices that respect the device's binding limits, and the host-input wrapper that chunks batches.
#include "model/forward.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <stdexcept>
#include <tuple>

#include "kernels/attention.h"
#include "kernels/binding.h"
#include "kernels/dispatch_args.h"
#include "kernels/embed_sum.h"
#include "kernels/gemm_tiles.h"
#include "kernels/layer_norm.h"
#include "kernels/oracle_heads.h"
#include "kernels/registry.h"
#include "util/error.h"
#include "util/half.h"
#include "vk/context.h"

namespace eqvk::model {
namespace {

using kernels::Dtype;

GpuWeights::Linear upload_linear(vk::Context& ctx, const std::vector<float>& w,
                                 const std::vector<float>& b, Dtype dt, const std::string& name) {
    return {kernels::upload_as(ctx, w, dt, name + ".weight"),
            kernels::upload_as(ctx, b, dt, name + ".bias")};
}

/// One GEMM shape of a slice: rows per world (32, or 8 in the last layer past attention), N, K and
/// the epilogue.
struct LinearShape {
    uint32_t rows_per_world, n, k;
    kernels::Epilogue epi;
};

/// The epilogue of out_proj and linear2 when the LayerNorm is fused: bias, residual, LayerNorm.
constexpr kernels::Epilogue NORM_EPILOGUE{true, false, true, true};

/// Whether the forward folds each residual LayerNorm into the GEMM before it (out_proj and
/// linear2, N = E; the rows family on CPU devices: gemm_layer_norm_usable()). The epilogue rounds
/// the GEMM's value to the storage type before adding the residual, as the unfused GEMM's store
/// does, so a model whose activations overflow fp16 still ends in NaN and is refused with exit 6.

bool fuse_norm(const vk::Capabilities& caps, const ModelConfig& c, Dtype dt) {
    const auto dev = kernels::GemmDevice::from_caps(caps);
    const auto E = uint32_t(c.embed_dim), F = uint32_t(c.ff_dim);
    return kernels::gemm_layer_norm_usable(dev, E, E, dt) &&
           kernels::gemm_layer_norm_usable(dev, E, F, dt);
}

/// Every GEMM shape record_slice() uses (the encoder layers, the last layer's 8 rows); with
/// `fused`, out_proj and linear2 carry the residual LayerNorm.
std::vector<LinearShape> slice_linear_shapes(const ModelConfig& c, bool fused) {
    const auto E = uint32_t(c.embed_dim), F = uint32_t(c.ff_dim);
    const kernels::Epilogue bias{true, false, false}, bias_relu{true, true, false};
    const kernels::Epilogue to_e = fused ? NORM_EPILOGUE : bias;
    std::vector<LinearShape> v = {{32, 3 * E, E, bias}};
    for (uint32_t rows : {32u, 8u})
        if (rows == 8 || c.n_layers > 1)
            v.insert(v.end(), {{rows, E, E, to_e}, {rows, F, E, bias_relu}, {rows, E, F, to_e}});
    return v;
}

/// Bytes per world of the largest per-slice binding (activations and GEMM operands).
uint64_t bytes_per_world(const ModelConfig& c, Dtype dt) {
    const uint64_t widest = std::max(3 * c.embed_dim, c.ff_dim);
    return widest * N_TOKENS * kernels::dtype_bytes(dt);
}

}  // namespace

GpuWeights::GpuWeights(vk::Context& ctx, const Weights& w, Dtype dtype)
    : embed_table(ctx, 4, vk::MemoryKind::DeviceLocal, "oracle.embed_table"),
      head_w(ctx, 4, vk::MemoryKind::DeviceLocal, "oracle.head_w"),
      config_(w.config),
      dtype_(dtype) {
    const ModelConfig& c = w.config;
    // input_proj folded into the embedding tables (embed_sum.h): row r of feature column col
    // becomes P[r][e] = Σ_k table_col[r][k] · W[e][offset_col + k] (+ bias[e] for col 0), in double.
    static_assert(N_FEATURES == 12);
    const auto E = static_cast<size_t>(c.embed_dim), D_in = static_cast<size_t>(c.input_dim());
    std::vector<float> projected;
    for (int col = 0; col < N_FEATURES; ++col) {
        const auto rows = static_cast<size_t>(FEATURES[col].rows);
        const auto width = static_cast<size_t>(c.feature_width(col));
        const auto off = static_cast<size_t>(c.feature_offset(col));
        embed_cols[size_t(col)] = {static_cast<uint32_t>(projected.size() / E),
                                   static_cast<uint32_t>(rows)};
        for (size_t r = 0; r < rows; ++r)
            for (size_t e = 0; e < E; ++e) {
                double s = col == 0 ? double(w.input_proj_bias[e]) : 0.0;
                for (size_t k = 0; k < width; ++k)
                    s += double(w.embed[size_t(col)][r * width + k]) *
                         double(w.input_proj_weight[e * D_in + off + k]);
                projected.push_back(static_cast<float>(s));
            }
    }
    embed_layout = kernels::embed_table_layout(
        ctx.caps(), static_cast<uint32_t>(projected.size() / E), static_cast<uint32_t>(E));
    embed_table = kernels::upload_as(ctx, kernels::pack_embed_table(embed_layout, projected),
                                     Dtype::F32, "oracle.embed_table");
    for (size_t l = 0; l < w.layers.size(); ++l) {
        const LayerWeights& lw = w.layers[l];
        const std::string p = fmt::format("layers.{}.", l);
        layers.push_back(
            {upload_linear(ctx, lw.in_proj_weight, lw.in_proj_bias, dtype, p + "in_proj"),
             upload_linear(ctx, lw.out_proj_weight, lw.out_proj_bias, dtype, p + "out_proj"),
             upload_linear(ctx, lw.linear1_weight, lw.linear1_bias, dtype, p + "linear1"),
             upload_linear(ctx, lw.linear2_weight, lw.linear2_bias, dtype, p + "linear2"),
             kernels::upload_as(ctx, lw.norm1_weight, Dtype::F32, p + "norm1.weight"),
             kernels::upload_as(ctx, lw.norm1_bias, Dtype::F32, p + "norm1.bias"),
             kernels::upload_as(ctx, lw.norm2_weight, Dtype::F32, p + "norm2.weight"),
             kernels::upload_as(ctx, lw.norm2_bias, Dtype::F32, p + "norm2.bias")});
    }
    std::vector<float> heads(w.output_proj_weight);
    heads.push_back(w.output_proj_bias[0]);
    heads.insert(heads.end(), w.value_head_weight.begin(), w.value_head_weight.end());
    heads.push_back(w.value_head_bias[0]);
    head_w = kernels::upload_as(ctx, heads, Dtype::F32, "oracle.head_w");
}

double forward_flops(const ModelConfig& c, uint64_t worlds) {
    const double E = c.embed_dim, F = c.ff_dim, T = N_TOKENS,
                 R = 8;  // R: rows kept in the last layer
    double mac = 0.0;
    const double full = T * (3 * E * E + E * E + 2 * E * F) + 2 * T * T * E;  // GEMMs + QKᵀ, PV
    mac += (c.n_layers - 1) * full;
    mac += T * 3 * E * E + 2 * R * T * E + R * (E * E + 2 * E * F);  // last layer
    mac += R * E;                                                    // heads
    // The token embedding: 12 projected rows summed per token (input_proj folded in; embed_sum.h).
    return (2.0 * mac + T * N_FEATURES * E) * double(worlds);
}

uint32_t max_slice_worlds(const vk::Capabilities& caps, const ModelConfig& c, Dtype dtype) {
    uint64_t by_range = caps.max_storage_buffer_range / bytes_per_world(c, dtype);
    uint64_t s = std::min<uint64_t>({by_range, caps.max_workgroup_count[1], 1u << 20});
    if (s >= 64) s -= s % 64;
    if (s == 0) throw std::invalid_argument("forward: one world's activations exceed a binding");
    return static_cast<uint32_t>(s);
}

uint64_t GpuWeights::bytes() const {
    uint64_t n = embed_table.size() + head_w.size();
    for (const Layer& l : layers) {
        for (const Linear* lin : {&l.in_proj, &l.out_proj, &l.linear1, &l.linear2})
            n += lin->weight.size() + lin->bias.size();
        n += l.norm1_weight.size() + l.norm1_bias.size() + l.norm2_weight.size() +
             l.norm2_bias.size();
    }
    return n;
}

ForwardRecording::Sizes ForwardRecording::sizes(const vk::Capabilities& caps, const ModelConfig& c,
                                                Dtype dtype, uint32_t capacity,
                                                uint32_t max_slice) {
    if (capacity == 0) throw std::invalid_argument("forward: capacity 0");
    Sizes s;
    s.slice = std::min(capacity, max_slice_worlds(caps, c, dtype));
    if (max_slice) s.slice = std::min(s.slice, max_slice);
    const uint64_t rows = uint64_t(s.slice) * N_TOKENS, eb = kernels::dtype_bytes(dtype);
    auto act = [&](uint64_t cols) { return std::max<uint64_t>(4, (rows * cols * eb + 3) & ~3ull); };
    const uint64_t E = c.embed_dim;
    s.x = s.att = s.tmp = s.h = act(E);
    s.qkv = act(3 * E);
    s.f = act(c.ff_dim);
    // Split-K scratch: the largest any GEMM of a full slice or the remainder slice asks for.
    auto dev = kernels::GemmDevice::from_caps(caps);
    s.workspace = 4;
    for (uint32_t worlds : {s.slice, capacity % s.slice})
        for (const LinearShape& l : slice_linear_shapes(c, fuse_norm(caps, c, dtype)))
            if (worlds)
                s.workspace = std::max<uint64_t>(
                    s.workspace,
                    kernels::plan_gemm(dev, worlds * l.rows_per_world, l.n, l.k, dtype, l.epi)
                        .workspace_bytes());
    return s;
}

uint64_t ForwardRecording::device_bytes(const vk::Capabilities& caps, const ModelConfig& c,
                                        Dtype dtype, uint32_t capacity, uint32_t max_slice) {
    return sizes(caps, c, dtype, capacity, max_slice).total();
}

ForwardRecording::ForwardRecording(kernels::KernelCache& cache, const GpuWeights& weights,
                                   vk::Program& prog, const ForwardIo& io, uint32_t capacity,
                                   uint32_t max_slice)
    : w_(weights),
      capacity_(capacity),
      slice_(0),
      fused_norm_(fuse_norm(cache.context().caps(), weights.config(), weights.dtype())),
      x_(cache.context(), 4, vk::MemoryKind::DeviceLocal, "fwd.x"),
      qkv_(cache.context(), 4, vk::MemoryKind::DeviceLocal, "fwd.qkv"),
      att_(cache.context(), 4, vk::MemoryKind::DeviceLocal, "fwd.att"),
      tmp_(cache.context(), 4, vk::MemoryKind::DeviceLocal, "fwd.tmp"),
      h_(cache.context(), 4, vk::MemoryKind::DeviceLocal, "fwd.h"),
      f_(cache.context(), 4, vk::MemoryKind::DeviceLocal, "fwd.f"),
      workspace_(cache.context(), 4, vk::MemoryKind::DeviceLocal, "fwd.workspace") {
    vk::Context& ctx = cache.context();
    const Sizes s = sizes(ctx.caps(), w_.config(), w_.dtype(), capacity, max_slice);
    slice_ = s.slice;
    auto make = [&](uint64_t bytes, const char* name) {
        return vk::Buffer(ctx, bytes, vk::MemoryKind::DeviceLocal, name);
    };
    x_ = make(s.x, "fwd.x");
    qkv_ = make(s.qkv, "fwd.qkv");
    att_ = make(s.att, "fwd.att");
    tmp_ = make(s.tmp, "fwd.tmp");
    h_ = make(s.h, "fwd.h");
    f_ = make(s.f, "fwd.f");
    workspace_ = make(s.workspace, "fwd.workspace");
    // Rows past the count are computed by the GEMMs: start them at zero so they stay finite.
    vk::Program init(ctx, "forward init");
    for (vk::Buffer* b : {&x_, &qkv_, &att_, &tmp_, &h_, &f_}) init.fill(*b, 0);
    init.run();
    record(cache, prog, io);
}

void ForwardRecording::record(kernels::KernelCache& cache, vk::Program& prog, const ForwardIo& io) {
    // Count-aware GEMM grids: at most one entry per GEMM dispatch of a slice (the largest slice has
    // the most: split-K's reduce, the rows family's windows × column slices), each slice's entries
    // in whole groups of 8; each recorded forward has its own (a few bytes per entry), the
    // activations are shared.
    const uint32_t slices = (capacity_ + slice_ - 1) / slice_;
    const auto dev = kernels::GemmDevice::from_caps(cache.context().caps());
    uint32_t per_slice = 0;
    for (const LinearShape& l : slice_linear_shapes(w_.config(), fused_norm_))
        per_slice += static_cast<uint32_t>(
            kernels::gemm_grids(
                cache.context().caps(),
                kernels::plan_gemm(dev, slice_ * l.rows_per_world, l.n, l.k, w_.dtype(), l.epi))
                .size());
    grids_.push_back(std::make_unique<kernels::CountGrids>(
        cache.context(), slices * (per_slice + kernels::DISPATCH_ARGS_MAX), "fwd.grids"));
    for (uint32_t base = 0; base < capacity_; base += slice_)
        record_slice(cache, prog, io, base, std::min(slice_, capacity_ - base));
}

ForwardRecording::~ForwardRecording() = default;

void ForwardRecording::record_slice(kernels::KernelCache& cache, vk::Program& prog,
                                    const ForwardIo& io, uint32_t base, uint32_t worlds) {
    const ModelConfig& c = w_.config();
    const Dtype dt = w_.dtype();
    const auto E = uint32_t(c.embed_dim), F = uint32_t(c.ff_dim);
    const uint32_t R = worlds * N_TOKENS, R8 = worlds * 8;
    auto dev = kernels::GemmDevice::from_caps(cache.context().caps());
    const kernels::Epilogue bias{true, false, false}, bias_relu{true, true, false};
    // Step 0. The slice's GEMM plans and their grids for the live worlds only (count-aware: one
    // dispatch_args per slice sizes every GEMM from io.count; absent worlds cost no GEMM work).
    struct Planned {
        kernels::GemmPlan plan;
        std::vector<kernels::BufferView> grids;
    };
    std::map<std::tuple<uint32_t, uint32_t, uint32_t, uint32_t>, Planned> planned;
    for (const LinearShape& l : slice_linear_shapes(c, fused_norm_)) {
        Planned p{kernels::plan_gemm(dev, worlds * l.rows_per_world, l.n, l.k, dt, l.epi), {}};
        for (const kernels::GemmGrid& g : kernels::gemm_grids(cache.context().caps(), p.plan)) {
            const auto entry = g.counted(l.rows_per_world);
            p.grids.push_back(entry ? grids_.back()->add(*entry) : kernels::BufferView{});
        }
        planned.emplace(std::tuple{l.rows_per_world, l.n, l.k, l.epi.bits()}, std::move(p));
    }
    grids_.back()->record(cache, prog, io.count, base, worlds);
    auto gemm = [&](uint32_t m, const GpuWeights::Linear& lin, uint32_t n, uint32_t k,
                    kernels::Epilogue epi, const vk::Buffer& a, const vk::Buffer* res,
                    const kernels::GemmNorm& gn, const vk::Buffer& out) {
        auto it = planned.find(std::tuple{m / worlds, n, k, epi.bits()});
        if (it == planned.end())
            throw std::logic_error("forward: a GEMM shape missing from slice_linear_shapes()");
        kernels::gemm(cache, prog, it->second.plan, a, lin.weight, lin.bias,
                      res ? kernels::BufferView(*res) : kernels::BufferView{}, out, workspace_,
                      it->second.grids, gn);
    };
    auto linear = [&](uint32_t m, const GpuWeights::Linear& lin, uint32_t n, uint32_t k,
                      kernels::Epilogue epi, const vk::Buffer& a,
                      const vk::Buffer& out) { gemm(m, lin, n, k, epi, a, nullptr, {}, out); };
    // y = LN(res + lin(a)): one GEMM with the LayerNorm epilogue where fused, else the GEMM into
    // tmp_ and layer_norm.
    auto linear_norm = [&](uint32_t rows, uint32_t rows_per_world, const GpuWeights::Linear& lin,
                           uint32_t k, const vk::Buffer& a, const vk::Buffer& res,
                           const vk::Buffer& g, const vk::Buffer& b, const vk::Buffer& y) {
        if (fused_norm_) return gemm(rows, lin, E, k, NORM_EPILOGUE, a, &res, {g, b, 1e-5f}, y);
        linear(rows, lin, E, k, bias, a, tmp_);
        kernels::LayerNormArgs la{rows, E, rows_per_world, base, 1e-5f, true, dt};
        kernels::layer_norm(cache, prog, la, tmp_, res, g, b, y, io.count);
    };
    // Step 1. Token embedding with input_proj folded in: x = Σ_c P_c[tok_c].
    kernels::embed_sum(cache, prog, {worlds, base, E, dt}, w_.embed_cols, w_.embed_layout,
                       io.tokens, w_.embed_table, x_, io.count);
    // Step 2. Encoder layers: x → LN1(x + out_proj(MHA(x))) = h → LN2(h + FFN(h)) = x.
    for (size_t l = 0; l < w_.layers.size(); ++l) {
        const GpuWeights::Layer& lw = w_.layers[l];
        const bool last = l + 1 == w_.layers.size();
        linear(R, lw.in_proj, 3 * E, E, bias, x_, qkv_);
        kernels::AttentionArgs aa{worlds, E, uint32_t(c.n_heads), base, last, dt};
        if (!last) {
            kernels::attention(cache, prog, aa, qkv_, io.mask, io.actor, att_, {}, {}, io.count);
            linear_norm(R, 32, lw.out_proj, E, att_, x_, lw.norm1_weight, lw.norm1_bias, h_);
            linear(R, lw.linear1, F, E, bias_relu, h_, f_);
            linear_norm(R, 32, lw.linear2, F, f_, h_, lw.norm2_weight, lw.norm2_bias, x_);
            continue;
        }
        // Step 3. Last layer: attention on the 8 rows the heads read (x's rows gathered into h),
        // then everything on 8 rows per world; the heads write q and value.
        kernels::attention(cache, prog, aa, qkv_, io.mask, io.actor, att_, x_, h_, io.count);
        linear_norm(R8, 8, lw.out_proj, E, att_, h_, lw.norm1_weight, lw.norm1_bias, x_);
        linear(R8, lw.linear1, F, E, bias_relu, x_, f_);
        linear_norm(R8, 8, lw.linear2, F, f_, x_, lw.norm2_weight, lw.norm2_bias, h_);
        kernels::oracle_heads(cache, prog, {worlds, base, E, dt}, h_, w_.head_w, io.q, io.value,
                              io.count);
    }
}

GpuForward::GpuForward(vk::Context& ctx, kernels::KernelCache& cache, const GpuWeights& weights,
                       uint32_t capacity, vk::ProgramOptions options, uint32_t max_slice)
    : ctx_(ctx),
      capacity_(capacity),
      tokens_(ctx, size_t(capacity) * N_TOKENS * N_FEATURES, vk::MemoryKind::DeviceLocal,
              "fwd.tokens"),
      mask_(ctx, size_t(capacity) * N_TOKENS, vk::MemoryKind::DeviceLocal, "fwd.mask"),
      actor_(ctx, size_t(capacity) * 4, vk::MemoryKind::DeviceLocal, "fwd.actor"),
      count_(ctx, 4, vk::MemoryKind::DeviceLocal, "fwd.count"),
      q_(ctx, size_t(capacity) * N_SLOTS * 4, vk::MemoryKind::DeviceLocal, "fwd.q"),
      value_(ctx, size_t(capacity) * 4, vk::MemoryKind::DeviceLocal, "fwd.value") {
    prog_ = std::make_unique<vk::Program>(ctx, fmt::format("forward x{}", capacity), options);
    rec_ = std::make_unique<ForwardRecording>(cache, weights, *prog_,
                                              ForwardIo{tokens_, mask_, actor_, count_, q_, value_},
                                              capacity, max_slice);
    prog_->finalize();
}

GpuForward::~GpuForward() = default;

ForwardOutputs GpuForward::run(const ForwardInputs& in) {
    validate_inputs(in, "forward input");
    const auto n = static_cast<size_t>(in.batch);
    ForwardOutputs out{std::vector<double>(n * N_SLOTS), std::vector<double>(n)};
    std::vector<float> q, v;
    for (size_t b0 = 0; b0 < n; b0 += capacity_) {
        const auto m = static_cast<uint32_t>(std::min<size_t>(capacity_, n - b0));
        ctx_.upload(tokens_, in.tokens.data() + b0 * N_TOKENS * N_FEATURES,
                    size_t(m) * N_TOKENS * N_FEATURES);
        ctx_.upload(mask_, in.mask.data() + b0 * N_TOKENS, size_t(m) * N_TOKENS);
        ctx_.upload(actor_, in.actor.data() + b0, size_t(m) * 4);
        ctx_.upload(count_, &m, 4);
        prog_->run();
        q.resize(size_t(m) * N_SLOTS);
        v.resize(m);
        ctx_.download(q_, q.data(), q.size() * 4);
        ctx_.download(value_, v.data(), v.size() * 4);
        std::copy(q.begin(), q.end(), out.q.begin() + b0 * N_SLOTS);
        std::copy(v.begin(), v.end(), out.value.begin() + b0);
    }
    return out;
}

kernels::SelftestLine forward_selftest(vk::Context& ctx, Dtype dtype) {
    kernels::SelftestLine line{"forward", "vs forward_ref", kernels::dtype_name(dtype), true, 0.0,
                               ""};
    if (dtype == Dtype::F16 && !ctx.caps().storage_buffer_16bit) {
        line.detail = "skipped: no 16-bit storage";
        return line;
    }
    kernels::KernelCache cache(ctx);
    const double tol = dtype == Dtype::F16 ? 2e-2 : 1e-4;  // of the output range
    for (const ModelConfig c : {ModelConfig{24, 2, 1, 32}, ModelConfig{64, 4, 2, 128}}) {
        const Weights w = random_weights(c, 3);
        const InputBatch in = random_inputs(19, 5);
        const ForwardOutputs want = forward_ref(w, in.view());
        GpuWeights gw(ctx, w, dtype);
        GpuForward fwd(ctx, cache, gw, 8, {}, 3);  // three chunks, slices of 3
        const ForwardOutputs got = fwd.run(in.view());
        double range = 0.0, err = 0.0;
        // A NaN or infinite output is an infinite error (std::max would drop a NaN).
        auto diff = [](double g, double w) {
            return std::isfinite(g) ? std::abs(g - w) : std::numeric_limits<double>::infinity();
        };
        for (size_t i = 0; i < want.q.size(); ++i) {
            range = std::max(range, std::abs(want.q[i]));
            err = std::max(err, diff(got.q[i], want.q[i]));
        }
        for (size_t i = 0; i < want.value.size(); ++i) {
            range = std::max(range, std::abs(want.value[i]));
            err = std::max(err, diff(got.value[i], want.value[i]));
        }
        const double rel = err / std::max(range, 1e-30);
        line.max_err = std::max(line.max_err, rel);
        if (!(rel <= tol) && line.ok) {
            line.ok = false;
            line.detail = fmt::format("{}/{}/{}/{}: error {:.3g} of the output range (tol {:.0e})",
                                      c.embed_dim, c.n_heads, c.n_layers, c.ff_dim, rel, tol);
        }
    }
    if (line.ok) line.detail = "24/2/1/32 and 64/4/2/128, B=19 in chunks of 8, error rel. to range";
    return line;
}

std::string overflow_advice(kernels::Dtype dtype, std::string_view how_fp32) {
    if (dtype == kernels::Dtype::F16)
        return fmt::format(
            "the model overflows fp16 activations (|x| > 65504): run it in fp32 ({})", how_fp32);
    return "the model's weights or activations overflow fp32: the model file is unusable";
}

void require_finite(const ForwardOutputs& out, kernels::Dtype dtype, std::string_view how_fp32,
                    const std::function<std::string(size_t)>& row_name) {
    const size_t rows = out.value.size();
    for (size_t r = 0; r < rows; ++r) {
        size_t bad = !std::isfinite(out.value[r]);
        for (size_t s = 0; s < size_t(N_SLOTS); ++s) bad += !std::isfinite(out.q[r * N_SLOTS + s]);
        if (bad)
            throw NonFiniteError(fmt::format(
                "non-finite oracle output: {}: {} of its 8 outputs (7 Q, value) are NaN or "
                "infinite; {}",
                row_name(r), bad, overflow_advice(dtype, how_fp32)));
    }
}

}  // namespace eqvk::model
