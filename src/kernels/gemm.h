// GEMM family host wrappers (shaders/gemm.comp, gemm_f16.comp, common/gemm_impl.glsl):
//   gemm():         C[M,N] = act(A[M,K]·W[N,K]ᵀ + bias[N]) (+ R[M,N]), W in PyTorch Linear
//                   layout [out, in], with the tile and split-K chosen per shape (gemm_tiles.h);
//   gemm_batched(): strided-batched C[z] = alpha·opA(A[z])·opB(B[z]) for attention (QKᵀ, P·V).
// Wrappers record into a caller's Program; they never submit or wait. Pipelines come from a
// KernelCache. The family's definition and checks are in gemm.cpp.
#pragma once
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kernels/check.h"
#include "kernels/dispatch_args.h"
#include "kernels/gemm_tiles.h"
#include "kernels/types.h"

namespace eqvk::vk {
class Context;
class Program;
struct Capabilities;
}  // namespace eqvk::vk

namespace eqvk::kernels {

class KernelCache;

/// Fused epilogue: v = alpha·acc; + bias[n]; ReLU; + R[m][n] (in that order).
struct Epilogue {
    bool bias = false;
    bool relu = false;
    bool residual = false;
    /// LayerNorm of each whole row after the residual (rows family only, N ≤ its widest tile:
    /// gemm_layer_norm_usable()); gamma and beta come as GemmNorm.
    bool layer_norm = false;
    uint32_t bits() const {
        return (bias ? 1u : 0u) | (relu ? 2u : 0u) | (residual ? 4u : 0u) | (layer_norm ? 8u : 0u);
    }
    std::string name() const;  // "none", "bias", "bias+relu", "bias+relu+res", "bias+res+ln", ...
};

/// The LayerNorm operands of an Epilogue with layer_norm: y = (v − mean)·rsqrt(var + eps)·gamma +
/// beta over each row of C (biased variance, fp32 statistics; spec §4.1, as layer_norm).
///   gamma, beta: [N] f32 (whatever the GEMM's storage type, as layer_norm's)
struct GemmNorm {
    BufferView gamma, beta;
    float eps = 1e-5f;
};

/// Mirrors the push-constant block of shaders/common/gemm_impl.glsl (same order and names).
struct GemmPush {
    uint32_t M, N, K;
    uint32_t lda, ldb, ldc;
    uint32_t batch_a, batch_b, batch_c;
    uint32_t heads, head_a, head_b, head_c;
    uint32_t k_split;
    uint32_t splits;
    float alpha;
};
static_assert(sizeof(GemmPush) <= 128);

/// One GEMM as recorded: shape, storage type, epilogue and the chosen configuration.
struct GemmPlan {
    uint32_t M = 0, N = 0, K = 0;
    Dtype dtype = Dtype::F32;
    Epilogue epilogue;
    float alpha = 1.0f;
    GemmChoice choice;
    /// Bytes of fp32 split-K partials gemm() needs in `workspace` (0 without split-K).
    size_t workspace_bytes() const {
        return choice.splits > 1 ? size_t(choice.splits) * M * N * sizeof(float) : 0;
    }
};

/// One dispatch that gemm() records for a plan: x = ceil(M · row_items / per_group) workgroups
/// (per_group rows of C per workgroup; split-K's reduce pass: row_items = N elements per row), then
/// y and z. With M = units · rows_per_unit, a dispatch_args entry {rows_per_unit · row_items,
/// per_group, y, z} sizes it for the live units only.
struct GemmGrid {
    uint32_t row_items = 1, per_group = 1, y = 1, z = 1;
    /// A window of the x grid (the rows family's A windows): x skips the first `first_group`
    /// workgroups and takes at most `max_groups` (0: no limit) of the rest.
    uint32_t first_group = 0, max_groups = 0;
    /// The full grid for M rows.
    std::array<uint32_t, 3> groups(uint32_t M) const {
        uint64_t x = (uint64_t(M) * row_items + per_group - 1) / per_group;
        x = x > first_group ? x - first_group : 0;
        if (max_groups) x = std::min<uint64_t>(x, max_groups);
        return {static_cast<uint32_t>(x), y, z};
    }
    /// The count-aware entry of this grid when M = live units · rows_per_unit; nullopt when
    /// rows_per_unit · row_items is past dispatch_args' 16-bit fields (dispatch the full grid).
    std::optional<DispatchArgsEntry> counted(uint32_t rows_per_unit) const {
        if (uint64_t(rows_per_unit) * row_items >= 65536) return std::nullopt;
        return DispatchArgsEntry{
            rows_per_unit * row_items, per_group, y, z, first_group, max_groups};
    }
};

/// Chooses the configuration for C[M,N] with reduction K. `forced` ("" = automatic, else a name as
/// in EQVK_GEMM_TILE) wins over dev.forced; automatic: nv_coopmat for fp16 where usable, the rows
/// family on CPU devices (gemm_rows.h), else choose_gemm(). Throws std::invalid_argument for M, N
/// or K = 0.
GemmPlan plan_gemm(const GemmDevice& dev, uint32_t M, uint32_t N, uint32_t K, Dtype dtype,
                   Epilogue epilogue = {}, std::string_view forced = {});

/// The dispatches gemm() records for `plan`, in order: one; two with split-K (partials, reduce);
/// one per column slice of W in the rows family.
std::vector<GemmGrid> gemm_grids(const vk::Capabilities& caps, const GemmPlan& plan);

/// Records C = act(alpha·A·Wᵀ + bias) (+ R); one dispatch, or two with split-K (partials, then
/// reduce). `indirect`: empty, or one view per gemm_grids(plan) entry; a given view holds that
/// dispatch's grid (VkDispatchIndirectCommand, e.g. from CountGrids) so that only live rows are
/// computed, a missing one dispatches the full grid.
///   a:         [M][K] dtype          w:        [N][K] dtype (PyTorch Linear weight)
///   bias:      [N] dtype (if epilogue.bias)      residual: [M][N] dtype (if epilogue.residual; may
///   not alias c) c:         [M][N] dtype, written  workspace: plan.workspace_bytes() bytes of fp32
///   when split-K
/// With plan.epilogue.layer_norm (rows family only) `norm` gives gamma and beta.
/// Throws std::invalid_argument when a view is missing or too small, or the device lacks fp16
/// storage.
void gemm(KernelCache& cache, vk::Program& prog, const GemmPlan& plan, BufferView a, BufferView w,
          BufferView bias, BufferView residual, BufferView c, BufferView workspace = {},
          std::span<const BufferView> indirect = {}, const GemmNorm& norm = {});

/// Whether a forward on `dev` should fuse a LayerNorm over rows of N into the GEMM with reduction
/// K: a CPU device under the automatic choice, where the rows family holds the row in one column
/// tile and one W slice. (plan_gemm() plans the epilogue on any device where the rows family can
/// hold the row, so the selftest covers it on GPUs too.)
bool gemm_layer_norm_usable(const GemmDevice& dev, uint32_t N, uint32_t K, Dtype dtype);

/// Strided-batched GEMM: for z in [0, batch): C[z][M,N] = alpha · opA(A[z]) · opB(B[z]).
/// Batch z starts at (z / heads)·stride_x + (z % heads)·head_stride_x elements of operand x, so a
/// [B][T][H·D] tensor is used per (b, h) in place (heads = H, stride = T·ld, head_stride = D).
/// Strides are in elements; ld* = 0 means packed rows, stride* = 0 means packed matrices.
struct BatchedGemmDesc {
    uint32_t batch = 1, M = 0, N = 0, K = 0;
    bool trans_a = false;  // A stored [K][M] instead of [M][K]
    bool trans_b =
        false;  // B stored [K][N] (C = A·B, e.g. P·V) instead of [N][K] (C = A·Bᵀ, e.g. Q·Kᵀ)
    uint32_t lda = 0, ldb = 0, ldc = 0;
    uint32_t heads = 1;
    uint32_t stride_a = 0, stride_b = 0, stride_c = 0;
    uint32_t head_stride_a = 0, head_stride_b = 0, head_stride_c = 0;
    float alpha = 1.0f;
    Dtype dtype = Dtype::F32;
};

struct BatchedGemmPlan {
    BatchedGemmDesc desc;  // with ld*/stride* 0 replaced by packed values
    GemmChoice choice;     // never split-K
};

/// Fills packed strides and chooses the tile. Throws std::invalid_argument on zero sizes or batch %
/// heads.
BatchedGemmPlan plan_gemm_batched(const GemmDevice& dev, const BatchedGemmDesc& desc,
                                  std::string_view forced = {});

/// Records the batched GEMM as one dispatch (grid z = batch).
///   a: opA storage, dtype   b: opB storage, dtype   c: [batch][M][N] (strided as planned), dtype,
///   written
void gemm_batched(KernelCache& cache, vk::Program& prog, const BatchedGemmPlan& plan, BufferView a,
                  BufferView b, BufferView c);

/// Count-aware recording for check_gemm: M = capacity units of `rows_per_unit` rows; the GPU-side
/// count holds `count` and the slice starts at unit `base`, so live units = min(max(count − base,
/// 0), M / rows_per_unit).
struct GemmCounted {
    uint32_t rows_per_unit = 1, base = 0, count = 0;
};

/// One GEMM as planned (every operand the epilogue needs), inputs uniform in [-1, 1) from `seed`,
/// against gemm_ref; poisoned outputs. With `counted`, its grids come from CountGrids: rows of the
/// live units must match and rows past the last workgroup they need must stay poisoned.
CheckResult check_gemm(vk::Context& ctx, KernelCache& cache, const GemmPlan& plan, uint64_t seed,
                       const GemmCounted* counted = nullptr);
/// One batched GEMM as planned, against gemm_batched_ref; elements between batches stay poisoned.
CheckResult check_gemm_batched(vk::Context& ctx, KernelCache& cache, const BatchedGemmPlan& plan,
                               uint64_t seed);

struct CheckCase;
/// The selftest case of `config` ("" = automatic) on GEMM's five check shapes (M = 1, odd,
/// multi-tile; every epilogue), run through `stem`: shared with the rows and cooperative-matrix
/// definitions. `counted`: the count-aware shapes instead (GemmCounted).
CheckCase gemm_check_case(const GemmDevice& dev, Dtype dtype, const std::string& config,
                          const std::string& stem, bool counted = false);

/// The selftest case of the LayerNorm epilogue (rows family, automatic tile) on its own shapes,
/// count-aware included; `label` is appended to the configuration column.
CheckCase gemm_norm_check_case(const GemmDevice& dev, Dtype dtype, const std::string& stem,
                               const std::string& label);

}  // namespace eqvk::kernels
