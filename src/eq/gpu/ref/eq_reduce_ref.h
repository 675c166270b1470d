// Plain-loop CPU references of shaders/eq/eq_reduce.comp and shaders/eq/choose_move.comp (same formulas,
// same order of summation, fp32 like the shaders).
#pragma once
#include <cstdint>

namespace eqvk::eq::gpu {

/// q: [G·M][7]; e_q, var: [G][7]; pdf: [G][7][85]. Welford's mean and M2 in world order (var =
/// M2 / M, the population variance), as the shader.
void eq_reduce_ref(const float* q, uint32_t games, uint32_t worlds, float* e_q, float* var,
                   float* pdf);

/// e_q, var: [G][7]; pdf: [G][7][85]; legal: [G]; min_bin: [G]; action: [G]; uncertainty: [G][2].
void choose_move_ref(const float* e_q, const float* var, const float* pdf, const uint32_t* legal,
                     const int32_t* min_bin, uint32_t games, uint32_t mode, int32_t* action,
                     float* uncertainty);

}  // namespace eqvk::eq::gpu
