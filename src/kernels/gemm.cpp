// GEMM family wrappers: size checks, push constants, grid and spec constants next to each other,
// and one (or, with split-K, two) dispatches recorded into the caller's Program.
#include "kernels/gemm.h"

#include <fmt/format.h>

#include <stdexcept>
#include <vector>

#include "kernels/binding.h"
#include "kernels/gemm_coopmat.h"
#include "kernels/gemm_rows.h"
#include "kernels/registry.h"
#include "vk/buffer.h"
#include "vk/context.h"
#include "vk/program.h"

namespace eqvk::kernels {
namespace {

uint32_t ceil_div(uint64_t a, uint64_t b) {
    return static_cast<uint32_t>((a + b - 1) / b);
}

enum Mode : uint32_t { DIRECT = 0, PARTIAL = 1, REDUCE = 2 };

const char* stem_for(Dtype d) {
    return d == Dtype::F16 ? "gemm_f16" : "gemm";
}

const vk::Pipeline& pipeline_for(KernelCache& cache, Dtype dtype, const GemmTile& t, uint32_t epi,
                                 bool trans_a, bool trans_b, Mode mode) {
    if (dtype == Dtype::F16 && !cache.context().caps().storage_buffer_16bit)
        throw std::invalid_argument(
            "gemm: fp16 storage needs storageBuffer16BitAccess, which this device lacks");
    std::vector<vk::SpecConstant> spec = {{0, t.workgroup_size()},
                                          {1, t.bm},
                                          {2, t.bn},
                                          {3, t.bk},
                                          {4, t.tm},
                                          {5, t.tn},
                                          {6, epi},
                                          {7, trans_a ? 1u : 0u},
                                          {8, trans_b ? 1u : 0u},
                                          {9, mode}};
    return cache.get(stem_for(dtype), spec);
}

/// Checks that `v` holds `elems` elements of `elem_bytes` and returns its binding (range = exactly
/// that).
vk::Binding bind(const char* what, BufferView v, uint64_t elems, size_t elem_bytes,
                 vk::Access access) {
    return bind_view("gemm", what, v, elems * elem_bytes, access);
}

/// Elements spanned by `rows` rows of `cols` with row stride `ld`.
uint64_t extent(uint32_t rows, uint32_t cols, uint32_t ld) {
    return uint64_t(rows - 1) * ld + cols;
}

}  // namespace

const char* dtype_name(Dtype d) {
    return d == Dtype::F16 ? "fp16" : "fp32";
}

std::string Epilogue::name() const {
    std::string s;
    if (bias) s += "bias";
    if (relu) s += s.empty() ? "relu" : "+relu";
    if (residual) s += s.empty() ? "res" : "+res";
    return s.empty() ? "none" : s;
}

GemmPlan plan_gemm(const GemmDevice& dev, uint32_t M, uint32_t N, uint32_t K, Dtype dtype,
                   Epilogue epilogue, std::string_view forced) {
    if (M == 0 || N == 0 || K == 0)
        throw std::invalid_argument(fmt::format("gemm: empty shape M={} N={} K={}", M, N, K));
    GemmPlan p;
    p.M = M;
    p.N = N;
    p.K = K;
    p.dtype = dtype;
    p.epilogue = epilogue;
    // fp16 goes to the cooperative-matrix kernel where usable, unless a configuration is forced;
    // CPU devices: the rows family (gemm_rows.h) wherever K fits its uniform-buffer slices.
    const bool automatic = forced.empty() && dev.forced.empty();
    if (dtype == Dtype::F16 && dev.nv_coopmat && automatic)
        p.choice = parse_gemm_choice(dev, "nv_coopmat", K);
    else if (dev.cpu && automatic && gemm_rows_usable(dev, K))
        p.choice = choose_gemm_rows(dev, M, N, K);
    else
        p.choice = choose_gemm(dev, M, N, K, 1, forced);
    if (p.choice.nv_coopmat && dtype != Dtype::F16)
        throw std::invalid_argument("gemm: nv_coopmat needs fp16 storage");
    return p;
}

void gemm(KernelCache& cache, vk::Program& prog, const GemmPlan& plan, BufferView a, BufferView w,
          BufferView bias, BufferView residual, BufferView c, BufferView workspace) {
    if (plan.choice.nv_coopmat) return gemm_nv_coopmat(cache, prog, plan, a, w, bias, residual, c);
    if (plan.choice.rows) return gemm_rows(cache, prog, plan, a, w, bias, residual, c);
    const size_t eb = dtype_bytes(plan.dtype);
    const uint32_t M = plan.M, N = plan.N, K = plan.K;
    const GemmTile& t = plan.choice.tile;
    vk::Binding ba = bind("a", a, uint64_t(M) * K, eb, vk::Access::Read);
    vk::Binding bw = bind("w", w, uint64_t(N) * K, eb, vk::Access::Read);
    vk::Binding bb = plan.epilogue.bias ? bind("bias", bias, N, eb, vk::Access::Read) : ba;
    vk::Binding br = plan.epilogue.residual
                         ? bind("residual", residual, uint64_t(M) * N, eb, vk::Access::Read)
                         : ba;
    vk::Binding bc = bind("c", c, uint64_t(M) * N, eb, vk::Access::Write);

    GemmPush push{M, N, K, K, K, N, 0, 0, 0, 1, 0, 0, 0, 0, 1, plan.alpha};
    const uint32_t epi = plan.epilogue.bits();
    if (plan.choice.splits <= 1) {
        push.k_split = K;
        vk::Groups grid{ceil_div(M, t.bm), ceil_div(N, t.bn), 1};
        prog.dispatch(pipeline_for(cache, plan.dtype, t, epi, false, false, DIRECT),
                      {ba, bw, bb, br, bc, ba}, push, grid,
                      fmt::format("gemm {} {}x{}x{} {}", plan.choice.name(), M, N, K,
                                  dtype_name(plan.dtype)));
        return;
    }
    // Split-K: slice z of K writes fp32 partials P[z]; the reduce pass sums them and applies the
    // epilogue.
    vk::Binding bp =
        bind("workspace", workspace, uint64_t(plan.choice.splits) * M * N, 4, vk::Access::Write);
    push.k_split = plan.choice.k_split;
    push.splits = plan.choice.splits;
    vk::Groups grid{ceil_div(M, t.bm), ceil_div(N, t.bn), plan.choice.splits};
    prog.dispatch(pipeline_for(cache, plan.dtype, t, 0, false, false, PARTIAL),
                  {ba, bw, ba, ba, ba, bp}, push, grid,
                  fmt::format("gemm {} {}x{}x{} {} partial", plan.choice.name(), M, N, K,
                              dtype_name(plan.dtype)));
    bp.access = vk::Access::Read;
    vk::Groups rgrid{ceil_div(uint64_t(M) * N, t.workgroup_size()), 1, 1};
    prog.dispatch(pipeline_for(cache, plan.dtype, t, epi, false, false, REDUCE),
                  {bp, bp, bb, br, bc, bp}, push, rgrid,
                  fmt::format("gemm {} {}x{}x{} {} reduce", plan.choice.name(), M, N, K,
                              dtype_name(plan.dtype)));
}

BatchedGemmPlan plan_gemm_batched(const GemmDevice& dev, const BatchedGemmDesc& desc,
                                  std::string_view forced) {
    BatchedGemmDesc d = desc;
    if (d.batch == 0 || d.M == 0 || d.N == 0 || d.K == 0 || d.heads == 0)
        throw std::invalid_argument(
            fmt::format("gemm_batched: empty shape batch={} M={} N={} K={} heads={}", d.batch, d.M,
                        d.N, d.K, d.heads));
    if (!d.lda) d.lda = d.trans_a ? d.M : d.K;
    if (!d.ldb) d.ldb = d.trans_b ? d.N : d.K;
    if (!d.ldc) d.ldc = d.N;
    if (d.lda < (d.trans_a ? d.M : d.K) || d.ldb < (d.trans_b ? d.N : d.K) || d.ldc < d.N)
        throw std::invalid_argument("gemm_batched: a row stride is shorter than its row");
    // Packed defaults: with heads > 1 the head index selects the matrix, the batch index a group of
    // heads.
    uint64_t sa = extent(d.trans_a ? d.K : d.M, d.trans_a ? d.M : d.K, d.lda);
    uint64_t sb = extent(d.trans_b ? d.K : d.N, d.trans_b ? d.N : d.K, d.ldb);
    uint64_t sc = extent(d.M, d.N, d.ldc);
    if (d.heads > 1) {
        if (!d.head_stride_a) d.head_stride_a = static_cast<uint32_t>(sa);
        if (!d.head_stride_b) d.head_stride_b = static_cast<uint32_t>(sb);
        if (!d.head_stride_c) d.head_stride_c = static_cast<uint32_t>(sc);
        sa *= d.heads;
        sb *= d.heads;
        sc *= d.heads;
    }
    if (!d.stride_a) d.stride_a = static_cast<uint32_t>(sa);
    if (!d.stride_b) d.stride_b = static_cast<uint32_t>(sb);
    if (!d.stride_c) d.stride_c = static_cast<uint32_t>(sc);
    GemmChoice choice = choose_gemm(dev, d.M, d.N, d.K, d.batch, forced);
    if (choice.nv_coopmat || choice.rows) {  // no batched kernel in those: the tile rule decides
        GemmDevice scalar = dev;
        scalar.forced.clear();
        choice = choose_gemm(scalar, d.M, d.N, d.K, d.batch);
    }
    return {d, choice};
}

void gemm_batched(KernelCache& cache, vk::Program& prog, const BatchedGemmPlan& plan, BufferView a,
                  BufferView b, BufferView c) {
    const BatchedGemmDesc& d = plan.desc;
    const GemmTile& t = plan.choice.tile;
    const size_t eb = dtype_bytes(d.dtype);
    // The last batch's start plus one matrix extent bounds every access.
    auto last = [&](uint32_t stride, uint32_t head_stride) {
        uint32_t z = d.batch - 1;
        return uint64_t(z / d.heads) * stride + uint64_t(z % d.heads) * head_stride;
    };
    uint64_t ea = last(d.stride_a, d.head_stride_a) +
                  extent(d.trans_a ? d.K : d.M, d.trans_a ? d.M : d.K, d.lda);
    uint64_t eb_ = last(d.stride_b, d.head_stride_b) +
                   extent(d.trans_b ? d.K : d.N, d.trans_b ? d.N : d.K, d.ldb);
    uint64_t ec = last(d.stride_c, d.head_stride_c) + extent(d.M, d.N, d.ldc);
    vk::Binding ba = bind("a", a, ea, eb, vk::Access::Read);
    vk::Binding bb = bind("b", b, eb_, eb, vk::Access::Read);
    vk::Binding bc = bind("c", c, ec, eb, vk::Access::Write);
    GemmPush push{d.M,
                  d.N,
                  d.K,
                  d.lda,
                  d.ldb,
                  d.ldc,
                  d.stride_a,
                  d.stride_b,
                  d.stride_c,
                  d.heads,
                  d.head_stride_a,
                  d.head_stride_b,
                  d.head_stride_c,
                  d.K,
                  1,
                  d.alpha};
    vk::Groups grid{ceil_div(d.M, t.bm), ceil_div(d.N, t.bn), d.batch};
    prog.dispatch(pipeline_for(cache, d.dtype, t, 0, d.trans_a, d.trans_b, DIRECT),
                  {ba, bb, ba, ba, bc, ba}, push, grid,
                  fmt::format("gemm_batched {} {}x{}x{}x{} {}", plan.choice.name(), d.batch, d.M,
                              d.N, d.K, dtype_name(d.dtype)));
}

}  // namespace eqvk::kernels
