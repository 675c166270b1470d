// CPU reference of the output heads: 8 dot products per world.
#include "kernels/ref/oracle_heads_ref.h"

#include <cstddef>

namespace eqvk::kernels {

void oracle_heads_ref(uint32_t worlds, uint32_t world_base, uint32_t valid_worlds, uint32_t E,
                      const float* x8, const float* head_w, float* q, float* value) {
    for (uint32_t w = 0; w < worlds && w < valid_worlds; ++w)
        for (uint32_t r = 0; r < 8; ++r) {
            const float* hw = head_w + (r == 0 ? E + 1 : 0);
            double acc = hw[E];
            for (uint32_t c = 0; c < E; ++c) acc += double(x8[(size_t(w) * 8 + r) * E + c]) * hw[c];
            if (r == 0)
                value[world_base + w] = float(acc);
            else
                q[size_t(world_base + w) * 7 + r - 1] = float(acc);
        }
}

}  // namespace eqvk::kernels
