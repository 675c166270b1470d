// The oracle forward on the GPU (spec §4.1), recorded into a vk::Program once per batch capacity:
// token embedding with input_proj folded in (embed_sum) → L post-norm encoder layers (QKV GEMM, fused attention, out_proj,
// residual + LayerNorm, ReLU FFN, residual + LayerNorm) → Q and value heads. The last layer runs
// past attention only on the 8 rows per world the heads read. fp32 or fp16 storage, fp32
// accumulation, LayerNorm and softmax in fp32. A GPU-side world count lets one recording serve any
// batch up to its capacity (docs/model.md, "GPU forward").
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kernels/embed_sum.h"
#include "kernels/gemm.h"
#include "kernels/selftest.h"
#include "model/forward_ref.h"
#include "model/weights.h"
#include "vk/buffer.h"
#include "vk/program.h"

namespace eqvk::kernels {
class KernelCache;
class CountGrids;
}  // namespace eqvk::kernels

namespace eqvk::model {

/// The weights on the device, uploaded once: GEMM weights and biases in the storage dtype (fp16
/// copies in fp16 mode), LayerNorm parameters, the projected embedding tables and head weights in
/// f32. input_proj has no GPU copy: it is folded into the embedding tables (embed_table).
class GpuWeights {
public:
    GpuWeights(vk::Context& ctx, const Weights& w, kernels::Dtype dtype);
    const ModelConfig& config() const { return config_; }
    kernels::Dtype dtype() const { return dtype_; }
    /// Device bytes of every weight buffer.
    uint64_t bytes() const;

    struct Linear {
        vk::Buffer weight;  // [out][in] dtype
        vk::Buffer bias;    // [out] dtype
    };
    struct Layer {
        Linear in_proj, out_proj, linear1, linear2;
        vk::Buffer norm1_weight, norm1_bias, norm2_weight, norm2_bias;  // [E] f32
    };
    // The 12 projected tables P_c = table_c · input_proj.weight[:, slice_c]ᵀ (+ input_proj.bias in
    // P_0), [Σ rows_c][E] f32, computed on the host in double; embed_cols says where each starts.
    vk::Buffer embed_table;  // packed as embed_layout (uniform-buffer blocks)
    kernels::EmbedTableCols embed_cols;
    kernels::EmbedTableLayout embed_layout;
    std::vector<Layer> layers;
    vk::Buffer head_w;  // [2][E+1] f32: output_proj weight|bias, value_head weight|bias

private:
    ModelConfig config_;
    kernels::Dtype dtype_;
};

/// The caller's buffers a recorded forward reads and writes (views may carry offsets).
struct ForwardIo {
    kernels::BufferView tokens;  // [capacity][32][12] int8 feature values (validated by the writer)
    kernels::BufferView mask;    // [capacity][32] int8, 1 = real token, 0 = padding
    kernels::BufferView actor;   // [capacity] int32 seat 0..3
    kernels::BufferView count;   // uint32 [1]: worlds to evaluate in this submit, ≤ capacity
    kernels::BufferView q;       // [capacity][7] f32, written for worlds < count
    kernels::BufferView value;   // [capacity] f32, written for worlds < count
};

/// FLOPs of the forward as eqvk computes it for `worlds` worlds (GEMMs, attention and heads; the
/// last layer past attention on 8 rows per world). E=256/8/6/512: ≈ 0.18 GFLOP per world.
double forward_flops(const ModelConfig& c, uint64_t worlds);

/// Largest number of worlds one slice of the recording can hold on this device: every binding
/// within maxStorageBufferRange, worlds within the attention grid's y limit; a multiple of 64 when
/// at least 64. Throws std::invalid_argument when not even one world fits a binding.
uint32_t max_slice_worlds(const vk::Capabilities& caps, const ModelConfig& c, kernels::Dtype dtype);

/// One forward recorded into `prog` for `capacity` worlds: owns the activations (sized for one
/// slice of ≤ max_slice_worlds worlds; slices run one after another inside the Program) and must
/// outlive every submit of `prog`. Every submit evaluates worlds 0..count-1 as read from io.count
/// on the GPU: the GEMMs' grids are sized from it (one dispatch_args per slice, then
/// dispatch_indirect), so absent worlds cost no GEMM work past the last live tile, and every other
/// kernel skips them.
class ForwardRecording {
public:
    /// `max_slice` (0 = max_slice_worlds) caps the worlds per slice (tests use it to force slices).
    ForwardRecording(kernels::KernelCache& cache, const GpuWeights& weights, vk::Program& prog,
                     const ForwardIo& io, uint32_t capacity, uint32_t max_slice = 0);
    ~ForwardRecording();
    uint32_t capacity() const { return capacity_; }
    uint32_t slice_worlds() const { return slice_; }
    /// Records one more forward of `capacity` worlds into `prog` (the same or another program) on
    /// these activations: forwards recorded one after another share one set of scratch buffers.
    void record(kernels::KernelCache& cache, vk::Program& prog, const ForwardIo& io);
    /// Device bytes a recording of `capacity` worlds allocates (activations of one slice and the
    /// split-K workspace), as the constructor sizes them.
    static uint64_t device_bytes(const vk::Capabilities& caps, const ModelConfig& c,
                                 kernels::Dtype dtype, uint32_t capacity, uint32_t max_slice = 0);

private:
    /// Buffer sizes in bytes for `capacity` worlds: slice, then x, qkv, att, tmp, h, f, workspace.
    struct Sizes {
        uint32_t slice = 0;
        uint64_t x = 0, qkv = 0, att = 0, tmp = 0, h = 0, f = 0, workspace = 0;
        uint64_t total() const { return x + qkv + att + tmp + h + f + workspace; }
    };
    static Sizes sizes(const vk::Capabilities& caps, const ModelConfig& c, kernels::Dtype dtype,
                       uint32_t capacity, uint32_t max_slice);
    void record_slice(kernels::KernelCache& cache, vk::Program& prog, const ForwardIo& io,
                      uint32_t world_base, uint32_t worlds);
    const GpuWeights& w_;
    uint32_t capacity_, slice_;
    // out_proj and linear2 carry the residual LayerNorm (forward.cpp fuse_norm()).
    bool fused_norm_;
    vk::Buffer x_, qkv_, att_, tmp_, h_, f_, workspace_;
    // The GEMMs' indirect grids, per slice; one set per record().
    std::vector<std::unique_ptr<kernels::CountGrids>> grids_;
};

/// A self-contained forward for host inputs: its own Program and input/output buffers for
/// `capacity` worlds. run() uploads, submits, waits and reads back; batches above the capacity run
/// in chunks of `capacity` (no re-recording either way).
class GpuForward {
public:
    GpuForward(vk::Context& ctx, kernels::KernelCache& cache, const GpuWeights& weights,
               uint32_t capacity, vk::ProgramOptions options = {}, uint32_t max_slice = 0);
    ~GpuForward();
    /// Outputs in the reference's layout (q [B][7], value [B]); validates `in` first.
    ForwardOutputs run(const ForwardInputs& in);
    vk::Program& program() { return *prog_; }
    uint32_t capacity() const { return capacity_; }
    uint32_t slice_worlds() const { return rec_->slice_worlds(); }

private:
    vk::Context& ctx_;
    uint32_t capacity_;
    vk::Buffer tokens_, mask_, actor_, count_, q_, value_;
    std::unique_ptr<ForwardRecording> rec_;
    std::unique_ptr<vk::Program> prog_;  // destroyed before the buffers it uses
};

/// One clause on what a non-finite oracle output means at `dtype`: in fp16 the model overflows
/// fp16 activations (use fp32: `how_fp32` says how, e.g. "--dtype fp32"); in fp32 its weights or
/// activations overflow fp32.
std::string overflow_advice(kernels::Dtype dtype, std::string_view how_fp32);

/// Throws NonFiniteError when any q or value of `out` is NaN or ±Inf, naming `row_name(r)` of the
/// first such row and overflow_advice(dtype, how_fp32): forward results are never printed or
/// written non-finite.
void require_finite(const ForwardOutputs& out, kernels::Dtype dtype, std::string_view how_fp32,
                    const std::function<std::string(size_t)>& row_name);

/// `eqvk selftest`'s forward line: random weights at two sizes (24/2/1/32, 64/4/2/128), random
/// inputs in chunks and slices, GPU vs forward_ref (fp32: 1e-4 of the output range; fp16: 2e-2).
kernels::SelftestLine forward_selftest(vk::Context& ctx, kernels::Dtype dtype);

}  // namespace eqvk::model
