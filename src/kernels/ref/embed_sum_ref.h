// CPU reference of embed_sum (shaders/common/embed_sum_impl.glsl).
#pragma once
#include <cstdint>

#include "kernels/embed_sum.h"

namespace eqvk::kernels {

/// out[w][t][e] for w < min(worlds, count − world_base): Σ_{c<12} table[(cols[c].first +
/// min(tok_c, cols[c].rows − 1))·E + e], summed in order c = 0..11 in fp32 (as the shader).
///   tokens: [world_base + worlds][32][12] int8   out: [worlds][32][E] (other worlds untouched)
void embed_sum_ref(uint32_t worlds, uint32_t world_base, uint32_t count, uint32_t E,
                   const EmbedTableCols& cols, const int8_t* tokens, const float* table,
                   float* out);

}  // namespace eqvk::kernels
