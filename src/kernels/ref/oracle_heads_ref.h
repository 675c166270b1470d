// CPU reference of oracle_heads (shaders/common/oracle_heads_impl.glsl), double accumulation.
#pragma once
#include <cstdint>

namespace eqvk::kernels {

/// value[world_base + w] = x8[w][0]·head_w[1] (+ bias), q[world_base + w][i] = x8[w][1+i]·head_w[0]
/// (+ bias) for w < valid_worlds. x8: [worlds][8][E]; head_w: [2][E+1]; q: [.][7]; value: [.].
void oracle_heads_ref(uint32_t worlds, uint32_t world_base, uint32_t valid_worlds, uint32_t E,
                      const float* x8, const float* head_w, float* q, float* value);

}  // namespace eqvk::kernels
