// CPU reference of the projected-embedding sum: the obvious loops.
#include "kernels/ref/embed_sum_ref.h"

#include <algorithm>

namespace eqvk::kernels {

void embed_sum_ref(uint32_t worlds, uint32_t world_base, uint32_t count, uint32_t E,
                   const EmbedTableCols& cols, const int8_t* tokens, const float* table,
                   float* out) {
    for (uint32_t w = 0; w < worlds && world_base + w < count; ++w)
        for (uint32_t t = 0; t < 32; ++t) {
            const int8_t* tok = tokens + (size_t(world_base + w) * 32 + t) * 12;
            for (uint32_t e = 0; e < E; ++e) {
                float s = 0.0f;
                for (uint32_t c = 0; c < 12; ++c) {
                    const uint32_t v = static_cast<uint8_t>(tok[c]);
                    s += table[(cols[c].first + std::min(v, cols[c].rows - 1)) * size_t(E) + e];
                }
                out[(size_t(w) * 32 + t) * E + e] = s;
            }
        }
}

}  // namespace eqvk::kernels
