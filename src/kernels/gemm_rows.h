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

/// The automatic choice within the family for C[M,N] (K usable).
GemmChoice choose_gemm_rows(const GemmDevice& dev, uint32_t M, uint32_t N, uint32_t K);

/// The dispatches gemm_rows() records for `plan`: one per slice of W (see gemm_grids()).
std::vector<GemmGrid> gemm_rows_grids(const vk::Capabilities& caps, const GemmPlan& plan);

/// Records plan (plan.choice.rows) as one dispatch per slice of W. Operands as for gemm();
/// `indirect` holds one view (given or missing) per gemm_rows_grids() entry.
void gemm_rows(KernelCache& cache, vk::Program& prog, const GemmPlan& plan, BufferView a,
               BufferView w, BufferView bias, BufferView residual, BufferView c,
               std::span<const BufferView> indirect);

}  // namespace eqvk::kernels
