// CPU reference of LayerNorm with residual: two passes in double per row.
#include "kernels/ref/layer_norm_ref.h"

#include <cmath>
#include <vector>

namespace eqvk::kernels {

void layer_norm_ref(uint32_t rows, uint32_t C, uint32_t rows_per_world, uint32_t valid_worlds,
                    const float* x, const float* res, const float* gamma, const float* beta,
                    float eps, float* y) {
    std::vector<double> v(C);
    for (uint32_t r = 0; r < rows && r / rows_per_world < valid_worlds; ++r) {
        double mean = 0.0, var = 0.0;
        for (uint32_t c = 0; c < C; ++c) {
            size_t i = size_t(r) * C + c;
            v[c] = double(x[i]) + (res ? double(res[i]) : 0.0);
            mean += v[c];
        }
        mean /= C;
        for (uint32_t c = 0; c < C; ++c) var += (v[c] - mean) * (v[c] - mean);
        double inv = 1.0 / std::sqrt(var / C + double(eps));
        for (uint32_t c = 0; c < C; ++c)
            y[size_t(r) * C + c] = float((v[c] - mean) * inv * gamma[c] + beta[c]);
    }
}

}  // namespace eqvk::kernels
