// Embedding gather (shaders/embed_gather.comp, embed_gather_f16.comp): the 12 per-feature
// embedding lookups of every token, concatenated into [worlds·32][D_in] rows, the A operand of the
// oracle's input_proj GEMM. Generic over tables: a per-column info table says which feature
// column, table base, width and row count feed each output column.
#pragma once
#include <cstdint>
#include <vector>

#include "kernels/check.h"
#include "kernels/types.h"

namespace eqvk::vk {
class Context;
class Program;
}  // namespace eqvk::vk

namespace eqvk::kernels {

class KernelCache;

/// Mirrors the push block of shaders/common/embed_gather_impl.glsl.
struct EmbedGatherPush {
    uint32_t worlds;      // worlds in this dispatch (slice capacity)
    uint32_t world_base;  // first world of the slice in tokens and against count
    uint32_t d_in;        // output columns
};
static_assert(sizeof(EmbedGatherPush) <= 128);

/// One output column's source: out[.][j] = tables[base + min(token[col], rows-1)·width].
struct EmbedColumn {
    uint32_t col, base, width, rows;
};

struct EmbedGatherArgs {
    uint32_t worlds = 0, world_base = 0;
    Dtype dtype = Dtype::F32;  // storage of `out`
};

/// Records the gather.
///   tokens: [world_base + worlds][32][12] int8 (whole buffer; a multiple of 4 bytes)
///   tables: [Σ rows·width] f32          info: [D_in] EmbedColumn (uint32 ×4), D_in = info size
///   out:    [worlds][32][D_in] dtype, written for worlds world_base + w < count
///   count:  uint32 [1] worlds to compute
void embed_gather(KernelCache& cache, vk::Program& prog, const EmbedGatherArgs& args, uint32_t d_in,
                  BufferView tokens, BufferView tables, BufferView info, BufferView out,
                  BufferView count);

/// embed_gather on random tokens and tables (token values past a table's rows included: they
/// clamp) against embed_gather_ref; outputs of worlds at or past `count` must stay poisoned.
CheckResult check_embed_gather(vk::Context& ctx, KernelCache& cache, Dtype dtype, uint32_t worlds,
                               uint32_t d_in, uint32_t count, uint64_t seed);

}  // namespace eqvk::kernels
