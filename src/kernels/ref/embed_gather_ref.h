// CPU reference of embed_gather (shaders/common/embed_gather_impl.glsl).
#pragma once
#include <cstdint>

#include "kernels/embed_gather.h"

namespace eqvk::kernels {

/// out[w][t][j] for w < min(worlds, count − world_base): tables[base_j + min(tok,
/// rows_j−1)·width_j].
///   tokens: [world_base + worlds][32][12] int8   info: [d_in]   out: [worlds][32][d_in] (others
///   untouched)
void embed_gather_ref(uint32_t worlds, uint32_t world_base, uint32_t count, uint32_t d_in,
                      const int8_t* tokens, const float* tables, const EmbedColumn* info,
                      float* out);

}  // namespace eqvk::kernels
