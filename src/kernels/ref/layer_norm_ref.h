// CPU reference of layer_norm (shaders/common/layer_norm_impl.glsl), statistics in double.
#pragma once
#include <cstdint>

namespace eqvk::kernels {

/// y[r] = LN(x[r] + res[r]) · gamma + beta for rows r whose world (r / rows_per_world) is below
/// `valid_worlds`; `res` may be null (no residual). x, res, y: [rows][C]; gamma, beta: [C].
void layer_norm_ref(uint32_t rows, uint32_t C, uint32_t rows_per_world, uint32_t valid_worlds,
                    const float* x, const float* res, const float* gamma, const float* beta,
                    float eps, float* y);

}  // namespace eqvk::kernels
