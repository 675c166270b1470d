// CPU reference of the fused attention: per (world, head, query) scores, masked softmax, ·V in
// double.
#include "kernels/ref/attention_ref.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace eqvk::kernels {

void attention_ref(const AttentionArgs& a, uint32_t valid_worlds, const float* qkv,
                   const int8_t* mask, const int32_t* actor, float* out, const float* x,
                   float* x8) {
    const uint32_t E = a.E, D = E / a.H, qr = a.query_rows();
    const double scale = 1.0 / std::sqrt(double(D));
    for (uint32_t w = 0; w < a.worlds && w < valid_worlds; ++w) {
        const float* blk = qkv + size_t(w) * 32 * 3 * E;
        const int8_t* m = mask + size_t(a.world_base + w) * 32;
        int seat = a.last ? std::clamp(actor[a.world_base + w], 0, 3) : 0;
        for (uint32_t i = 0; i < qr; ++i) {
            uint32_t tok = !a.last ? i : i == 0 ? 0 : 1 + 7 * seat + i - 1;
            if (a.last)
                std::copy(x + (size_t(w) * 32 + tok) * E, x + (size_t(w) * 32 + tok + 1) * E,
                          x8 + (size_t(w) * 8 + i) * E);
            for (uint32_t h = 0; h < a.H; ++h) {
                double s[32], mx = -std::numeric_limits<double>::infinity(), sum = 0.0;
                for (uint32_t j = 0; j < 32; ++j) {
                    if (!m[j]) continue;
                    double acc = 0.0;
                    for (uint32_t d = 0; d < D; ++d)
                        acc +=
                            double(blk[tok * 3 * E + h * D + d]) * blk[j * 3 * E + E + h * D + d];
                    s[j] = acc * scale;
                    mx = std::max(mx, s[j]);
                }
                for (uint32_t j = 0; j < 32; ++j)
                    if (m[j]) sum += (s[j] = std::exp(s[j] - mx));
                for (uint32_t d = 0; d < D; ++d) {
                    double o = 0.0;
                    for (uint32_t j = 0; j < 32; ++j)
                        if (m[j]) o += s[j] / sum * blk[j * 3 * E + 2 * E + h * D + d];
                    out[(size_t(w) * qr + i) * E + h * D + d] = float(o);
                }
            }
        }
    }
}

}  // namespace eqvk::kernels
