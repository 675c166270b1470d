// GEMM family wrappers (size checks, push constants, grid and spec constants next to each other,
// one or, with split-K, two dispatches recorded into the caller's Program), their checks against
// gemm_ref and the family's definition.
#include "kernels/gemm.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <vector>

#include "eqvk_kernel_shaders_spirv.h"
#include "kernels/binding.h"
#include "kernels/check_util.h"
#include "kernels/definition.h"
#include "kernels/dispatch_args.h"
#include "kernels/gemm_coopmat.h"
#include "kernels/gemm_rows.h"
#include "kernels/ref/gemm_ref.h"
#include "kernels/ref/layer_norm_ref.h"
#include "kernels/registry.h"
#include "vk/buffer.h"
#include "vk/context.h"
#include "vk/program.h"

EQVK_KERNEL_DEF(gemm);

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
    return cache.get(eqvk_kernel_def_gemm(), stem_for(dtype), spec);
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

std::string Epilogue::name() const {
    std::string s;
    if (bias) s += "bias";
    if (relu) s += s.empty() ? "relu" : "+relu";
    if (residual) s += s.empty() ? "res" : "+res";
    if (layer_norm) s += s.empty() ? "ln" : "+ln";
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
    if (epilogue.layer_norm) {  // the rows family's LayerNorm tiles only, on any device
        if (!gemm_rows_norm_usable(dev, N, K, dtype))
            throw std::invalid_argument(fmt::format(
                "gemm: a LayerNorm epilogue over N = {} with K = {} is not usable here", N, K));
        p.choice = choose_gemm_rows_norm(dev, N, K, dtype);
        p.choice.a_window = gemm_rows_window(dev, p);
        return p;
    }
    if (dtype == Dtype::F16 && dev.nv_coopmat && automatic)
        p.choice = parse_gemm_choice(dev, "nv_coopmat", K);
    else if (dev.cpu && automatic && gemm_rows_usable(dev, K))
        p.choice = choose_gemm_rows(dev, M, N, K);
    else
        p.choice = choose_gemm(dev, M, N, K, 1, forced);
    if (p.choice.nv_coopmat && dtype != Dtype::F16)
        throw std::invalid_argument("gemm: nv_coopmat needs fp16 storage");
    if (p.choice.rows) p.choice.a_window = gemm_rows_window(dev, p);
    return p;
}

std::vector<GemmGrid> gemm_grids(const vk::Capabilities& caps, const GemmPlan& plan) {
    if (plan.choice.nv_coopmat) return {nv_coopmat_grid(plan)};
    if (plan.choice.rows) return gemm_rows_grids(caps, plan);
    const GemmTile& t = plan.choice.tile;
    const GemmGrid main{1, t.bm, ceil_div(plan.N, t.bn), std::max(plan.choice.splits, 1u)};
    if (plan.choice.splits <= 1) return {main};
    return {main, GemmGrid{plan.N, t.workgroup_size(), 1, 1}};
}

namespace {

std::vector<BufferView> checked_indirect(const vk::Capabilities& caps, const GemmPlan& plan,
                                         std::span<const BufferView> indirect) {
    const size_t n = gemm_grids(caps, plan).size();
    if (indirect.empty()) return std::vector<BufferView>(n);
    if (indirect.size() != n)
        throw std::invalid_argument(
            fmt::format("gemm {}: {} indirect grids given, the plan records {} dispatches",
                        plan.choice.name(), indirect.size(), n));
    return {indirect.begin(), indirect.end()};
}

}  // namespace

bool gemm_layer_norm_usable(const GemmDevice& dev, uint32_t N, uint32_t K, Dtype dtype) {
    return dev.cpu && dev.forced.empty() && gemm_rows_norm_usable(dev, N, K, dtype);
}

void gemm(KernelCache& cache, vk::Program& prog, const GemmPlan& plan, BufferView a, BufferView w,
          BufferView bias, BufferView residual, BufferView c, BufferView workspace,
          std::span<const BufferView> indirect, const GemmNorm& norm) {
    const auto& caps = cache.context().caps();
    const std::vector<BufferView> grids_at = checked_indirect(caps, plan, indirect);
    if (plan.epilogue.layer_norm && !plan.choice.rows)
        throw std::invalid_argument("gemm: a LayerNorm epilogue needs the rows family");
    if (plan.choice.nv_coopmat)
        return gemm_nv_coopmat(cache, prog, plan, a, w, bias, residual, c, grids_at[0]);
    if (plan.choice.rows)
        return gemm_rows(cache, prog, plan, a, w, bias, residual, c, grids_at, norm);
    const std::vector<GemmGrid> grids = gemm_grids(caps, plan);
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
        dispatch_grid(prog, pipeline_for(cache, plan.dtype, t, epi, false, false, DIRECT),
                      {ba, bw, bb, br, bc, ba}, push, grids[0].groups(M), grids_at[0],
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
    dispatch_grid(prog, pipeline_for(cache, plan.dtype, t, 0, false, false, PARTIAL),
                  {ba, bw, ba, ba, ba, bp}, push, grids[0].groups(M), grids_at[0],
                  fmt::format("gemm {} {}x{}x{} {} partial", plan.choice.name(), M, N, K,
                              dtype_name(plan.dtype)));
    bp.access = vk::Access::Read;
    dispatch_grid(prog, pipeline_for(cache, plan.dtype, t, epi, false, false, REDUCE),
                  {bp, bp, bb, br, bc, bp}, push, grids[1].groups(M), grids_at[1],
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

namespace {

/// Elements of C (row-major, N per row) the count-aware grids of `plan` write for `live_rows`
/// live rows: the last dispatch writes C (split-K's reduce; every column slice of the rows family
/// covers the same rows) in whole workgroups of per_group rows (row_items = 1) or elements
/// (row_items = N); without an indirect view it writes all of C.
uint64_t counted_elements(const std::vector<GemmGrid>& grids, const std::vector<BufferView>& views,
                          uint32_t M, uint32_t N, uint64_t live_rows) {
    const GemmGrid& g = grids.back();
    if (!views.back()) return uint64_t(M) * N;
    const uint64_t groups = (live_rows * g.row_items + g.per_group - 1) / g.per_group;
    return std::min(groups * g.per_group * (N / g.row_items), uint64_t(M) * N);
}

}  // namespace

CheckResult check_gemm(vk::Context& ctx, KernelCache& cache, const GemmPlan& plan, uint64_t seed,
                       const GemmCounted* counted) {
    const uint32_t M = plan.M, N = plan.N, K = plan.K;
    const Dtype dt = plan.dtype;
    auto a = random_values(size_t(M) * K, seed, dt);
    auto w = random_values(size_t(N) * K, seed + 1, dt);
    auto bias = random_values(N, seed + 2, dt);
    auto res = random_values(size_t(M) * N, seed + 3, dt);
    std::vector<float> want(size_t(M) * N);
    // With the LayerNorm epilogue, as the unfused forward: the GEMM (bias, ReLU) stored in dtype,
    // then layer_norm(x + R) over each row.
    const bool ln = plan.epilogue.layer_norm;
    Epilogue ref_epi = plan.epilogue;
    if (ln) ref_epi.residual = ref_epi.layer_norm = false;
    gemm_ref(M, N, K, a.data(), w.data(), bias.data(), res.data(), want.data(), ref_epi,
             plan.alpha);
    GemmNorm norm;
    const auto gamma = ln ? random_values(N, seed + 4, Dtype::F32) : std::vector<float>{};
    const auto beta = ln ? random_values(N, seed + 5, Dtype::F32) : std::vector<float>{};
    if (ln) {
        if (dt == Dtype::F16) std::ranges::transform(want, want.begin(), f16_round);
        layer_norm_ref(M, N, 1, M, want.data(), plan.epilogue.residual ? res.data() : nullptr,
                       gamma.data(), beta.data(), norm.eps, want.data());
    }

    vk::Buffer ba = upload_as(ctx, a, dt, "check.a"), bw = upload_as(ctx, w, dt, "check.w");
    vk::Buffer bb = upload_as(ctx, bias, dt, "check.bias"),
               br = upload_as(ctx, res, dt, "check.residual");
    vk::Program prog(ctx, "check_gemm");
    vk::Buffer bc = poisoned_buffer(ctx, prog, want.size(), dt, "check.c");
    vk::Buffer bws =
        poisoned_buffer(ctx, prog, plan.workspace_bytes() / 4, Dtype::F32, "check.workspace");
    std::vector<BufferView> views;
    std::optional<CountGrids> grids;
    std::optional<vk::Buffer> count;
    if (counted) {
        const uint32_t rpu = counted->rows_per_unit, units = M / rpu;
        if (rpu == 0 || M % rpu)
            throw std::invalid_argument("check_gemm: M is not a multiple of rows_per_unit");
        const auto g = gemm_grids(ctx.caps(), plan);
        grids.emplace(ctx, static_cast<uint32_t>(g.size()), "check.grids");
        for (const GemmGrid& e : g) {
            const auto entry = e.counted(rpu);
            views.push_back(entry ? grids->add(*entry) : BufferView{});
        }
        count.emplace(count_buffer(ctx, counted->count));
        grids->record(cache, prog, *count, counted->base, units);
        const uint64_t live = std::min<uint64_t>(
            counted->count > counted->base ? counted->count - counted->base : 0, units);
        std::fill(want.begin() + counted_elements(g, views, M, N, live * rpu), want.end(), NAN);
    }
    std::optional<vk::Buffer> bgamma, bbeta;
    if (ln) {
        bgamma.emplace(upload_as(ctx, gamma, Dtype::F32, "check.gamma"));
        bbeta.emplace(upload_as(ctx, beta, Dtype::F32, "check.beta"));
        norm.gamma = BufferView(*bgamma);
        norm.beta = BufferView(*bbeta);
    }
    gemm(cache, prog, plan, ba, bw, bb, br, bc, bws, views, norm);
    prog.run();
    auto got = download_as(ctx, bc, want.size(), dt);
    auto [atol, rtol] =
        tolerance(dt, K, double(plan.epilogue.bias) + double(plan.epilogue.residual));
    // LayerNorm divides the GEMM's error by each row's standard deviation (≥ 1 here) and scales
    // it by gamma (|gamma| ≤ 1); its output is within a few units, stored in dtype.
    if (plan.epilogue.layer_norm) atol = std::max(atol, dt == Dtype::F16 ? 8e-3 : 2e-5);
    return compare_written(got, want, atol * std::max(1.0f, std::fabs(plan.alpha)), rtol);
}

CheckResult check_gemm_batched(vk::Context& ctx, KernelCache& cache, const BatchedGemmPlan& plan,
                               uint64_t seed) {
    const BatchedGemmDesc& d = plan.desc;
    auto span = [&](uint32_t stride, uint32_t head_stride, uint32_t rows, uint32_t cols,
                    uint32_t ld) {
        uint32_t z = d.batch - 1;
        return size_t(z / d.heads) * stride + size_t(z % d.heads) * head_stride +
               size_t(rows - 1) * ld + cols;
    };
    size_t na =
        span(d.stride_a, d.head_stride_a, d.trans_a ? d.K : d.M, d.trans_a ? d.M : d.K, d.lda);
    size_t nb =
        span(d.stride_b, d.head_stride_b, d.trans_b ? d.K : d.N, d.trans_b ? d.N : d.K, d.ldb);
    size_t nc = span(d.stride_c, d.head_stride_c, d.M, d.N, d.ldc);
    auto a = random_values(na, seed, d.dtype);
    auto b = random_values(nb, seed + 1, d.dtype);
    // Elements of C outside every batch's matrix keep the poison on both sides: compare only
    // written ones.
    std::vector<float> want(nc, NAN);
    gemm_batched_ref(d, a.data(), b.data(), want.data());

    vk::Buffer ba = upload_as(ctx, a, d.dtype, "check.a"),
               bb = upload_as(ctx, b, d.dtype, "check.b");
    vk::Program prog(ctx, "check_gemm_batched");
    vk::Buffer bc = poisoned_buffer(ctx, prog, nc, d.dtype, "check.c");
    gemm_batched(cache, prog, plan, ba, bb, bc);
    prog.run();
    auto [atol, rtol] = tolerance(d.dtype, d.K, 0.0);
    return compare_written(download_as(ctx, bc, nc, d.dtype), want,
                           atol * std::max(1.0f, std::fabs(d.alpha)), rtol);
}

namespace {

/// M = 1, odd and multi-tile shapes; every epilogue across the set.
struct GemmShape {
    uint32_t M, N, K;
    Epilogue epi;
};
const std::vector<GemmShape> GEMM_SHAPES = {
    {1, 64, 100, {true, false, false}},
    {7, 3, 357, {false, true, false}},
    {33, 257, 256, {true, true, true}},
    {130, 100, 64, {false, false, true}},
    {300, 256, 512, {true, true, false}},
    // Several A windows in the rows family: fp32 K % 4 != 0 (scalar reads, 32 rows per 64 KiB
    // window for 32-row tiles; W slices of 45 rows, so the epilogue stays scalar although
    // N % 4 == 0) and fp16 K % 8 != 0 (4-vector reads, 320 rows per window).
    {200, 100, 357, {true, false, false}},
    {700, 40, 100, {false, true, true}},
};

/// The shapes of GEMM_SHAPES under configuration `config` ("" = the automatic choice).
CheckCase gemm_case(const GemmDevice& dev, Dtype dt, const std::string& config,
                    const std::string& stem) {
    return check_over(
        stem, config.empty() ? "auto" : config, dtype_name(dt), GEMM_SHAPES,
        [dev, dt, config](vk::Context& ctx, KernelCache& cache, const GemmShape& s, uint64_t seed) {
            return check_gemm(ctx, cache, plan_gemm(dev, s.M, s.N, s.K, dt, s.epi, config),
                              seed + 6);
        },
        [dev, dt, config](const GemmShape& s) {
            return fmt::format("{}x{}x{} {} ({})", s.M, s.N, s.K, s.epi.name(),
                               plan_gemm(dev, s.M, s.N, s.K, dt, s.epi, config).choice.name());
        });
}

/// Count-aware recordings (CountGrids → dispatch_indirect): capacities of 32-, 8- and 1-row units,
/// slices at base 0 and later, live counts of 0, some and past the capacity.
struct CountedShape {
    GemmShape shape;
    GemmCounted counted;
};
const std::vector<CountedShape> COUNTED_SHAPES = {
    {{160, 100, 64, {true, false, false}}, {32, 0, 3}},
    {{72, 257, 256, {true, true, true}}, {8, 2, 7}},
    {{72, 64, 100, {true, false, false}}, {8, 2, 100}},
    {{128, 3, 357, {false, true, false}}, {32, 1, 1}},
    {{300, 256, 512, {true, true, false}}, {1, 0, 129}},
};

CheckCase counted_case(const GemmDevice& dev, Dtype dt, const std::string& config,
                       const std::string& stem) {
    return check_over(
        stem, (config.empty() ? std::string("auto") : config) + " counted", dtype_name(dt),
        COUNTED_SHAPES,
        [dev, dt, config](vk::Context& ctx, KernelCache& cache, const CountedShape& c,
                          uint64_t seed) {
            const GemmShape& s = c.shape;
            return check_gemm(ctx, cache, plan_gemm(dev, s.M, s.N, s.K, dt, s.epi, config),
                              seed + 7, &c.counted);
        },
        [dev, dt, config](const CountedShape& c) {
            const GemmShape& s = c.shape;
            return fmt::format("{}x{}x{} {} ({}) units of {} from {}, count {}", s.M, s.N, s.K,
                               s.epi.name(),
                               plan_gemm(dev, s.M, s.N, s.K, dt, s.epi, config).choice.name(),
                               c.counted.rows_per_unit, c.counted.base, c.counted.count);
        });
}

/// The attention layouts of the batched GEMM: 12 batches of 33x32x16, either operand transposed.
CheckCase batched_case(const GemmDevice& dev, Dtype dt, const std::string& stem) {
    std::vector<BatchedGemmDesc> layouts;
    for (bool ta : {false, true})
        for (bool tb : {false, true}) {
            BatchedGemmDesc d{12, 33, 32, 16, ta, tb};
            d.alpha = 0.25f;
            d.dtype = dt;
            layouts.push_back(d);
        }
    return check_over(
        stem, "batched", dtype_name(dt), layouts,
        [dev](vk::Context& ctx, KernelCache& cache, const BatchedGemmDesc& d, uint64_t seed) {
            return check_gemm_batched(ctx, cache, plan_gemm_batched(dev, d), seed + 69);
        },
        [](const BatchedGemmDesc& d) {
            return fmt::format("trans_a={} trans_b={}", d.trans_a, d.trans_b);
        });
}

/// Per dtype: the automatic choice, every tile the device keeps, split-K, the batched layouts.
std::vector<CheckCase> gemm_checks(const vk::Capabilities& caps) {
    GemmDevice dev = GemmDevice::from_caps(caps);
    dev.forced.clear();
    dev.nv_coopmat = false;  // the cooperative-matrix kernel is checked by its own definition
    std::vector<CheckCase> cases;
    for (const auto& [dt, stem] : dtype_stems(eqvk_kernel_def_gemm(), caps)) {
        cases.push_back(gemm_case(dev, dt, "", stem));
        for (const auto& t : dev.tiles)
            cases.push_back(gemm_case(dev, dt, std::string(t.name), stem));
        cases.push_back(gemm_case(dev, dt, "medium/sk4", stem));
        cases.push_back(counted_case(dev, dt, "", stem));
        cases.push_back(counted_case(dev, dt, "medium/sk4", stem));
        if (dev.cpu) cases.push_back(counted_case(dev, dt, "small", stem));
        cases.push_back(batched_case(dev, dt, stem));
    }
    return cases;
}

}  // namespace

/// The LayerNorm epilogue (rows family, rows4x64): N = 64, 48, 40 and 1, odd M, K % 4 ≠ 0, with and
/// without bias, residual and ReLU (rows_per_unit 0: all rows); then count-aware (units of 8 from
/// 2).
const std::vector<CountedShape> NORM_SHAPES = {
    {{70, 64, 64, {true, false, true, true}}, {0, 0, 0}},
    {{33, 48, 100, {true, false, false, true}}, {0, 0, 0}},
    {{130, 40, 357, {true, true, true, true}}, {0, 0, 0}},
    {{9, 1, 72, {false, false, true, true}}, {0, 0, 0}},
    {{72, 64, 128, {true, false, true, true}}, {8, 2, 7}},
};

CheckCase gemm_norm_check_case(const GemmDevice& dev, Dtype dt, const std::string& stem,
                               const std::string& label) {
    return check_over(
        stem, "layer_norm " + label, dtype_name(dt), NORM_SHAPES,
        [dev, dt](vk::Context& ctx, KernelCache& cache, const CountedShape& c, uint64_t seed) {
            const GemmShape& s = c.shape;
            return check_gemm(ctx, cache, plan_gemm(dev, s.M, s.N, s.K, dt, s.epi), seed + 8,
                              c.counted.rows_per_unit ? &c.counted : nullptr);
        },
        [dev, dt](const CountedShape& c) {
            const GemmShape& s = c.shape;
            return fmt::format("{}x{}x{} {} ({}){}", s.M, s.N, s.K, s.epi.name(),
                               plan_gemm(dev, s.M, s.N, s.K, dt, s.epi).choice.name(),
                               c.counted.rows_per_unit ? " counted" : "");
        });
}

CheckCase gemm_check_case(const GemmDevice& dev, Dtype dtype, const std::string& config,
                          const std::string& stem, bool counted) {
    return counted ? counted_case(dev, dtype, config, stem) : gemm_case(dev, dtype, config, stem);
}

}  // namespace eqvk::kernels

EQVK_KERNEL_DEF(gemm) {
    using namespace eqvk::kernels;
    using eqvk::vk::Access;
    static const KernelDef def{
        "gemm",
        "GEMM family C = act(alpha*A*W^T + bias) (+ R): tiles, split-K partial/reduce, batched",
        {{"gemm", nullptr}, {"gemm_f16", has_16bit_storage}},
        {{"a", Access::Read, "dtype [M][K] (split-K reduce: f32 partials)"},
         {"w", Access::Read, "dtype [N][K] (batched: B)"},
         {"bias", Access::Read, "dtype [N]"},
         {"residual", Access::Read, "dtype [M][N]"},
         {"c", Access::Write, "dtype [M][N]"},
         {"partials", Access::ReadWrite, "f32 [splits][M][N] (split-K)"}},
        sizeof(GemmPush),
        "GemmPush",
        shaders::spirv,
        gemm_checks};
    return def;
}
