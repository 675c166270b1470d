// The "rows" GEMM family for CPU Vulkan devices (shaders/gemm_rows.comp, gemm_rows_f16.comp,
// common/gemm_rows_impl.glsl): lanes on rows, a TM×TN register tile per lane, W read through a
// uniform buffer (lavapipe broadcasts uniform-buffer loads at subgroup-uniform addresses, not
// storage-buffer ones) bound one ≤ 64 KiB slice of W's rows per dispatch. choose_gemm() picks it
// automatically on CPU devices; EQVK_GEMM_TILE=rows (or rows<TM>x<TN>) forces it elsewhere. See
// docs/kernels.md, "CPU family".
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "kernels/gemm.h"

namespace eqvk::kernels {

/// Mirrors the push-constant block of shaders/common/gemm_rows_impl.glsl (same order and names).
struct GemmRowsPush {
    uint32_t M, N, K;
    uint32_t n0, ns;  // the slice of output columns (W rows) this dispatch covers
    float alpha;
    uint32_t m0, mw;  // the window of rows this dispatch covers (A's binding starts at row m0 when
                      // A is read through a uniform buffer)
    float eps;        // LayerNorm epilogue
};
static_assert(sizeof(GemmRowsPush) <= 128);

/// The family's configurations as GemmTiles: tm×tn register tile per lane, bm = workgroup size ·
/// tm rows and bn = tn columns per workgroup, bk = 4 (the K step); workgroup_size() holds.
std::span<const GemmTile> gemm_rows_table();

/// Output columns per dispatch for reduction length K and `elem_bytes` storage: the most W rows a
/// uniform binding of dev.max_uniform_range (≤ 64 KiB) holds with every slice offset a multiple of
/// dev.uniform_align, rounded down to whole tn-wide column tiles where possible. 0: K too long for
/// the family (the caller falls back to the tiled family).
uint32_t gemm_rows_slice(const GemmDevice& dev, uint32_t K, size_t elem_bytes, uint32_t tn);

/// Whether the family can run reduction length K in fp32 and fp16 on `dev`.
bool gemm_rows_usable(const GemmDevice& dev, uint32_t K);

/// "rows" (the default shape) or a table name, as a GemmChoice with rows = true; nullopt when
/// `text` names no rows configuration. Throws InputError when it does but K is too long.
std::optional<GemmChoice> parse_gemm_rows(const GemmDevice& dev, std::string_view text, uint32_t K);

/// Whether a LayerNorm epilogue over rows of N fits one of the family's whole-row tiles with all
/// N rows of W in one uniform slice (reduction K, `dtype` storage).
bool gemm_rows_norm_usable(const GemmDevice& dev, uint32_t N, uint32_t K, Dtype dtype);

/// The LayerNorm epilogue's configuration: rows4x64 (N ≤ 64, all N rows of W in one uniform
/// slice). Throws std::invalid_argument when it is not usable.
GemmChoice choose_gemm_rows_norm(const GemmDevice& dev, uint32_t N, uint32_t K, Dtype dtype);

/// The automatic choice within the family for C[M,N] (K usable).
GemmChoice choose_gemm_rows(const GemmDevice& dev, uint32_t M, uint32_t N, uint32_t K);

/// Rows of A per dispatch when A is read through a uniform buffer (plan_gemm() stores it in
/// plan.choice.a_window): the most whole bm-row tiles one uniform binding of dev holds with aligned
/// offsets, when that is all of M or each dispatch still has at least dev.compute_units workgroups
/// (dispatches run one after another); else 0 (A is read as a storage buffer, one window of all M
/// rows, as when not even one tile fits).
uint32_t gemm_rows_window(const GemmDevice& dev, const GemmPlan& plan);

/// The dispatches gemm_rows() records for `plan`: one per slice of W (see gemm_grids()).
std::vector<GemmGrid> gemm_rows_grids(const vk::Capabilities& caps, const GemmPlan& plan);

/// Records plan (plan.choice.rows) as one dispatch per window of A and slice of W. Operands as
/// for gemm(); `indirect` holds one view (given or missing) per gemm_rows_grids() entry; `norm`
/// is read with plan.epilogue.layer_norm (gamma and beta offsets aligned like W's).
void gemm_rows(KernelCache& cache, vk::Program& prog, const GemmPlan& plan, BufferView a,
               BufferView w, BufferView bias, BufferView residual, BufferView c,
               std::span<const BufferView> indirect, const GemmNorm& norm = {});

}  // namespace eqvk::kernels
