// Token embedding with input_proj folded in (shaders/embed_sum.comp, embed_sum_f16.comp): the
// oracle's 12 per-feature lookups followed by input_proj are one linear map, so the host projects
// each embedding table through its slice of input_proj once (model::GpuWeights) and this kernel
// sums one row of each of the 12 projected tables per token: x0 = Σ_c P_c[tok_c] (bias folded
// into P_0). It replaces an embedding gather into [worlds·32][D_in] plus the input_proj GEMM.
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "kernels/check.h"
#include "kernels/types.h"

namespace eqvk::vk {
class Context;
class Program;
struct Capabilities;
}  // namespace eqvk::vk

namespace eqvk::kernels {

class KernelCache;

/// One feature column's projected table inside the concatenated table: rows first .. first+rows−1
/// (rows ≥ 1; a token value past the last row reads the last row).
struct EmbedTableCol {
    uint32_t first = 0, rows = 1;
};
using EmbedTableCols = std::array<EmbedTableCol, 12>;

/// Mirrors the push block of shaders/common/embed_sum_impl.glsl (std430: cols at offset 24).
struct EmbedSumPush {
    uint32_t worlds;      // worlds in this dispatch (slice capacity)
    uint32_t world_base;  // first world of the slice in tokens and against count
    uint32_t E;           // output row length
    uint32_t e0, width;   // this block's columns [e0, e0 + width)
    uint32_t pad = 0;
    EmbedTableCols cols;
};
static_assert(sizeof(EmbedSumPush) == 120);

/// Where the projected table [rows][E] f32 lives on the device: blocks of `block_cols` columns (the
/// last may be narrower), block b = columns [b·block_cols, ..) as [rows][width_b] f32 at byte
/// offsets[b], a multiple of the device's uniform-buffer offset alignment, each at most one
/// uniform binding (min(maxUniformBufferRange, 64 KiB)). E ≤ 256 is one block for 59 rows.
struct EmbedTableLayout {
    uint32_t rows = 0, E = 0, block_cols = 0;
    std::vector<uint64_t> offsets;  // bytes, one per block
    uint64_t bytes = 0;             // the whole buffer
    uint32_t width(size_t b) const { return std::min(block_cols, E - uint32_t(b) * block_cols); }
};

/// The layout for `rows` × E on `caps`. Throws std::invalid_argument when not even 4 columns of
/// the rows fit one uniform binding, or for an empty shape.
EmbedTableLayout embed_table_layout(const vk::Capabilities& caps, uint32_t rows, uint32_t E);

/// `table` [rows][E] f32 rearranged into `layout` (padding zero), as floats.
std::vector<float> pack_embed_table(const EmbedTableLayout& layout,
                                    const std::vector<float>& table);

struct EmbedSumArgs {
    uint32_t worlds = 0, world_base = 0, E = 0;
    Dtype dtype = Dtype::F32;  // storage of `out`
};

/// Records the sum, one dispatch per block of the table.
///   tokens: [world_base + worlds][32][12] int8 (whole buffer; a multiple of 4 bytes)
///   table:  the 12 projected tables concatenated ([Σ rows][E]; `cols` says where each starts),
///           packed as `layout` (pack_embed_table) at a view offset aligned for uniform buffers
///   out:    [worlds][32][E] dtype, written for worlds world_base + w < count
///   count:  uint32 [1] worlds to compute
/// Throws std::invalid_argument for an empty shape, E ≠ layout.E, a column of 0 rows or one past
/// the layout's rows.
void embed_sum(KernelCache& cache, vk::Program& prog, const EmbedSumArgs& args,
               const EmbedTableCols& cols, const EmbedTableLayout& layout, BufferView tokens,
               BufferView table, BufferView out, BufferView count);

/// embed_sum on random tokens (values past a table's rows included: they clamp) and tables against
/// embed_sum_ref; outputs of worlds at or past `count` must stay poisoned.
CheckResult check_embed_sum(vk::Context& ctx, KernelCache& cache, Dtype dtype, uint32_t worlds,
                            uint32_t E, uint32_t count, uint64_t seed);

}  // namespace eqvk::kernels
