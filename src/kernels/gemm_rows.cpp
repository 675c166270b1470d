// Host side of the "rows" GEMM family: its configurations, the W slicing that keeps each uniform
// binding within maxUniformBufferRange and its offset alignment, the choice within the family, and
// the dispatches (one per slice).
#include "kernels/gemm_rows.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <optional>
#include <stdexcept>

#include "eqvk_kernel_shaders_spirv.h"
#include "kernels/binding.h"
#include "kernels/definition.h"
#include "kernels/registry.h"
#include "util/error.h"
#include "vk/buffer.h"
#include "vk/capabilities.h"
#include "vk/context.h"
#include "vk/program.h"

EQVK_KERNEL_DEF(gemm_rows);

namespace eqvk::kernels {
namespace {

constexpr uint32_t WG = 8;               // one lavapipe subgroup per workgroup
constexpr uint32_t SLICE_BYTES = 65536;  // the shader declares W as a 64 KiB uniform block

//                        name        bm       bn  bk  tm  tn
const GemmTile TABLE[] = {
    {"rows8x32", WG * 8, 32, 4, 8, 32},  // the default (256 accumulators per lane)
    {"rows16x16", WG * 16, 16, 4, 16, 16},
    {"rows8x16", WG * 8, 16, 4, 8, 16},
    {"rows4x32", WG * 4, 32, 4, 4, 32},
    // Whole rows of N ≤ 64 for the LayerNorm epilogue (choose_gemm_rows_norm).
    {"rows4x64", WG * 4, 64, 4, 4, 64},
};

uint32_t ceil_div(uint64_t a, uint64_t b) {
    return static_cast<uint32_t>((a + b - 1) / b);
}

const GemmTile& by_name(std::string_view name) {
    for (const auto& t : TABLE)
        if (t.name == name) return t;
    return TABLE[0];
}

GemmChoice make_choice(const GemmTile& t, uint32_t K) {
    GemmChoice c{t, 1, K};
    c.rows = true;
    return c;
}

}  // namespace

std::span<const GemmTile> gemm_rows_table() {
    return TABLE;
}

uint32_t gemm_rows_slice(const GemmDevice& dev, uint32_t K, size_t elem_bytes, uint32_t tn) {
    const uint64_t range = std::min<uint64_t>(dev.max_uniform_range, SLICE_BYTES);
    const uint64_t row = uint64_t(K) * elem_bytes;
    if (row == 0 || row > range) return 0;
    const uint64_t max_rows = range / row;
    // Slice offsets are multiples of `step` rows, so that n0·row is a multiple of the alignment.
    const uint64_t align = std::max<uint64_t>(dev.uniform_align, 1);
    const uint64_t step = align / std::gcd(align, row);
    const uint64_t whole = std::lcm(step, uint64_t(tn));
    if (max_rows >= whole) return static_cast<uint32_t>(max_rows / whole * whole);
    return static_cast<uint32_t>(max_rows / step * step);  // 0 when even `step` rows do not fit
}

bool gemm_rows_usable(const GemmDevice& dev, uint32_t K) {
    return gemm_rows_slice(dev, K, 4, 1) > 0 && gemm_rows_slice(dev, K, 2, 1) > 0;
}

std::optional<GemmChoice> parse_gemm_rows(const GemmDevice& dev, std::string_view text,
                                          uint32_t K) {
    const GemmTile* tile = text == "rows" ? &TABLE[0] : nullptr;
    for (const auto& t : TABLE)
        if (t.name == text) tile = &t;
    if (!tile) return std::nullopt;
    if (!gemm_rows_usable(dev, K))
        throw InputError(
            fmt::format("GEMM configuration '{}': K = {} is too long for a {}-byte uniform binding",
                        text, K, std::min<uint32_t>(dev.max_uniform_range, SLICE_BYTES)));
    return make_choice(*tile, K);
}

GemmChoice choose_gemm_rows(const GemmDevice& dev, uint32_t M, uint32_t N, uint32_t K) {
    (void)dev;
    if (N <= 16) return make_choice(by_name("rows8x16"), K);
    if (M <= 32) return make_choice(by_name("rows4x32"), K);
    return make_choice(by_name("rows8x32"), K);
}

namespace {

/// The LayerNorm epilogue's tile for rows of N: rows4x64 when N ≤ 64 and its W slice holds all N
/// rows of W; nullptr otherwise. (Wider whole-row tiles, 2×128 and 1×256, cost minutes of LLVM
/// compilation in the selftest and buy nothing for the shipped models: fp32 K = 256 fits only 64
/// rows of W in one binding.)
const GemmTile* norm_tile(const GemmDevice& dev, uint32_t N, uint32_t K, Dtype dtype) {
    const GemmTile& t = by_name("rows4x64");
    return N <= t.tn && gemm_rows_slice(dev, K, dtype_bytes(dtype), t.tn) >= N ? &t : nullptr;
}

}  // namespace

bool gemm_rows_norm_usable(const GemmDevice& dev, uint32_t N, uint32_t K, Dtype dtype) {
    return N > 0 && norm_tile(dev, N, K, dtype) != nullptr;
}

GemmChoice choose_gemm_rows_norm(const GemmDevice& dev, uint32_t N, uint32_t K, Dtype dtype) {
    const GemmTile* t = norm_tile(dev, N, K, dtype);
    if (!t)
        throw std::invalid_argument(fmt::format(
            "gemm_rows: no LayerNorm tile for N = {}, K = {} ({})", N, K, dtype_name(dtype)));
    return make_choice(*t, K);
}

namespace {

GemmDevice uniform_device(const vk::Capabilities& caps) {
    GemmDevice dev;
    dev.max_uniform_range = caps.max_uniform_buffer_range;
    dev.uniform_align = static_cast<uint32_t>(caps.min_uniform_buffer_offset_alignment);
    return dev;
}

/// Output columns per dispatch of `plan` on `caps` (0: K too long for one uniform binding).
uint32_t rows_slice(const vk::Capabilities& caps, const GemmPlan& plan) {
    return gemm_rows_slice(uniform_device(caps), plan.K, dtype_bytes(plan.dtype),
                           plan.choice.tile.tn);
}

}  // namespace

uint32_t gemm_rows_window(const GemmDevice& dev, const GemmPlan& plan) {
    const GemmTile& t = plan.choice.tile;
    const size_t eb = dtype_bytes(plan.dtype);
    const uint32_t rows = gemm_rows_slice(dev, plan.K, eb, t.bm) / t.bm * t.bm;
    if (rows == 0) return 0;
    if (rows >= plan.M) return rows;  // one window: the grid is the storage path's
    // Dispatches run one after the other: each must still keep every thread busy.
    const uint64_t groups =
        uint64_t(rows / t.bm) *
        ceil_div(std::min(plan.N, gemm_rows_slice(dev, plan.K, eb, t.tn)), t.tn);
    return groups >= dev.compute_units ? rows : 0;
}

std::vector<GemmGrid> gemm_rows_grids(const vk::Capabilities& caps, const GemmPlan& plan) {
    const uint32_t slice = rows_slice(caps, plan);
    const uint32_t window = plan.choice.a_window;
    const GemmTile& t = plan.choice.tile;
    std::vector<GemmGrid> grids;
    for (uint32_t m0 = 0; m0 < plan.M; m0 = window ? m0 + window : plan.M)
        for (uint32_t n0 = 0; slice && n0 < plan.N; n0 += slice)
            grids.push_back({1, t.bm, ceil_div(std::min(slice, plan.N - n0), t.tn), 1, m0 / t.bm,
                             window / t.bm});
    return grids;
}

namespace {

/// `v` (bytes of operand `what` from its offset) as a uniform binding of `first`..`first + bytes`:
/// the shader reads in 32-bit words (fp16: two halves) and lavapipe zeroes a uniform load that
/// reaches past the bound range, so the range extends to a 16-byte boundary where the buffer
/// allows and must reach at least the next 4-byte one.
vk::Binding uniform_window(const vk::Binding& whole, const BufferView& v, std::string_view what,
                           size_t first, size_t bytes) {
    vk::Binding b = whole;
    b.offset += first;
    const size_t room = v.buffer->size() - b.offset;
    b.bytes = std::min((bytes + 15) & ~size_t(15), room);
    if (b.bytes < ((bytes + 3) & ~size_t(3)))
        throw std::invalid_argument(
            fmt::format("gemm_rows: buffer '{}' of operand '{}' must extend to a 4-byte boundary "
                        "past its data",
                        v.buffer->name(), what));
    return b;
}

}  // namespace

void gemm_rows(KernelCache& cache, vk::Program& prog, const GemmPlan& plan, BufferView a,
               BufferView w, BufferView bias, BufferView residual, BufferView c,
               std::span<const BufferView> indirect, const GemmNorm& norm) {
    const auto& caps = cache.context().caps();  // fp16 support: checked by KernelCache::get
    const size_t eb = dtype_bytes(plan.dtype);
    const uint32_t M = plan.M, N = plan.N, K = plan.K;
    const GemmTile& t = plan.choice.tile;
    const uint32_t slice = rows_slice(caps, plan);
    if (slice == 0)
        throw std::invalid_argument(fmt::format(
            "gemm_rows: K = {} ({}) does not fit one uniform binding", K, dtype_name(plan.dtype)));
    require_uniform_offset("gemm_rows", "w", w, caps);

    vk::Binding ba = bind_view("gemm_rows", "a", a, uint64_t(M) * K * eb, vk::Access::Read);
    vk::Binding bw = bind_view("gemm_rows", "w", w, uint64_t(N) * K * eb, vk::Access::Read);
    vk::Binding bb = plan.epilogue.bias
                         ? bind_view("gemm_rows", "bias", bias, uint64_t(N) * eb, vk::Access::Read)
                         : ba;
    vk::Binding br = plan.epilogue.residual ? bind_view("gemm_rows", "residual", residual,
                                                        uint64_t(M) * N * eb, vk::Access::Read)
                                            : ba;
    vk::Binding bc = bind_view("gemm_rows", "c", c, uint64_t(M) * N * eb, vk::Access::Write);

    // 2: A as uvec4 of 8 halves (fp16, K % 8 == 0); 1: A and W as 4-vectors; 0: scalar reads.
    const uint32_t vec = plan.dtype == Dtype::F16 && K % 8 == 0 ? 2u : K % 4 == 0 ? 1u : 0u;
    // The epilogue moves 4 columns per access when every slice starts on a multiple of 4 columns
    // and bias, R and C start on a 4-element boundary.
    const auto vec_aligned = [&](BufferView v, bool used) {
        return !used || v.offset % (4 * eb) == 0;
    };
    const bool out_vec = N % 4 == 0 && t.tn % 4 == 0 && (slice >= N || slice % 4 == 0) &&
                         vec_aligned(bias, plan.epilogue.bias) &&
                         vec_aligned(residual, plan.epilogue.residual) && vec_aligned(c, true);
    const vk::Pipeline& pipe = cache.get(eqvk_kernel_def_gemm_rows(),
                                         plan.dtype == Dtype::F16 ? "gemm_rows_f16" : "gemm_rows",
                                         {{0, t.workgroup_size()},
                                          {1, t.tm},
                                          {2, t.tn},
                                          {3, plan.epilogue.bits()},
                                          {4, vec},
                                          {5, plan.choice.a_window ? 1u : 0u},
                                          {6, out_vec ? 1u : 0u}});
    const std::vector<GemmGrid> grids = gemm_rows_grids(caps, plan);
    if (indirect.size() != grids.size())
        throw std::invalid_argument(fmt::format("gemm_rows: {} indirect views for {} dispatches",
                                                indirect.size(), grids.size()));
    const uint32_t window = plan.choice.a_window;
    if (window) require_uniform_offset("gemm_rows", "a", a, caps);
    const bool ln = plan.epilogue.layer_norm;
    // gamma and beta (f32 [N]) as uniform bindings; W's slice stands in without the epilogue.
    auto bind_norm = [&](BufferView view, const char* what) {
        require_uniform_offset("gemm_rows", what, view, caps);
        return uniform_window(bind_view("gemm_rows", what, view, uint64_t(N) * 4, vk::Access::Read),
                              view, what, 0, size_t(N) * 4);
    };
    std::optional<vk::Binding> bg, bbeta;
    if (ln) {
        if (slice < N || t.tn < N)
            throw std::invalid_argument(fmt::format(
                "gemm_rows: a LayerNorm epilogue needs all N = {} columns in one tile ({})", N,
                t.name));
        bg = bind_norm(norm.gamma, "gamma");
        bbeta = bind_norm(norm.beta, "beta");
    }
    uint32_t i = 0;
    for (uint32_t m0 = 0; m0 < M; m0 = window ? m0 + window : M) {
        const uint32_t mw = window ? std::min(window, M - m0) : M;
        const vk::Binding as =
            window ? uniform_window(ba, a, "a", size_t(m0) * K * eb, size_t(mw) * K * eb)
                   : vk::Binding{};
        for (uint32_t n0 = 0; n0 < N; n0 += slice, ++i) {
            const uint32_t ns = std::min(slice, N - n0);
            const vk::Binding ws =
                uniform_window(bw, w, "w", size_t(n0) * K * eb, size_t(ns) * K * eb);
            GemmRowsPush push{M, N, K, n0, ns, plan.alpha, m0, mw, norm.eps};
            dispatch_grid(prog, pipe,
                          {ba, ws, bb, br, bc, window ? as : ws, ln ? *bg : ws, ln ? *bbeta : ws},
                          push, grids[i].groups(M), indirect[i],
                          fmt::format("gemm {} {}x{}x{} {} rows {}..{} cols {}..{}", t.name, M, N,
                                      K, dtype_name(plan.dtype), m0, m0 + mw, n0, n0 + ns));
        }
    }
}

namespace {

/// Every register-tile shape of the family on GEMM's check shapes (M = 1, odd, multi-tile,
/// K % 4 != 0 for the scalar path, every epilogue, several A windows), fp32 and fp16, with A read
/// through uniform windows wherever one fits ("A windows": as on a one-thread device); the
/// automatic shape also with A as a storage buffer ("A storage": as on a device with more threads
/// than any window has workgroups), and both count-aware.
std::vector<CheckCase> gemm_rows_checks(const vk::Capabilities& caps) {
    GemmDevice windows = GemmDevice::from_caps(caps);
    windows.forced.clear();
    windows.compute_units = 1;
    GemmDevice storage = windows;
    storage.compute_units = 1u << 30;
    std::vector<CheckCase> cases;
    auto add = [&](CheckCase c, const char* what) {
        c.config += what;
        cases.push_back(std::move(c));
    };
    for (const auto& [dt, stem] : dtype_stems(eqvk_kernel_def_gemm_rows(), caps)) {
        for (const auto& t : gemm_rows_table())
            add(gemm_check_case(windows, dt, std::string(t.name), stem), " A windows");
        add(gemm_check_case(storage, dt, "rows", stem), " A storage");
        add(gemm_check_case(windows, dt, "rows", stem, true), " A windows");
        add(gemm_check_case(storage, dt, "rows", stem, true), " A storage");
        cases.push_back(gemm_norm_check_case(windows, dt, stem, "A windows"));
        cases.push_back(gemm_norm_check_case(storage, dt, stem, "A storage"));
    }
    return cases;
}

}  // namespace
}  // namespace eqvk::kernels

EQVK_KERNEL_DEF(gemm_rows) {
    using namespace eqvk::kernels;
    using eqvk::vk::Access;
    static const KernelDef def{
        "gemm_rows",
        "GEMM for CPU devices: lanes on rows, a TMxTN register tile per "
        "lane, W slices (and A windows where they keep every thread busy) "
        "read through uniform buffers (one dispatch per <= 64 KiB slice "
        "and window)",
        {{"gemm_rows", nullptr}, {"gemm_rows_f16", has_16bit_storage}},
        {{"a", Access::Read, "dtype [M][K]"},
         {"w", Access::Read, "dtype [ns][K] (the slice's W rows)", true},
         {"bias", Access::Read, "dtype [N]"},
         {"residual", Access::Read, "dtype [M][N]"},
         {"c", Access::Write, "dtype [M][N]"},
         {"a_window", Access::Read, "dtype [mw][K] (the window's A rows)", true},
         {"gamma", Access::Read, "f32 [N] (LayerNorm epilogue)", true},
         {"beta", Access::Read, "f32 [N] (LayerNorm epilogue)", true}},
        sizeof(GemmRowsPush),
        "GemmRowsPush",
        shaders::spirv,
        gemm_rows_checks};
    return def;
}
