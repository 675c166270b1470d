// CPU reference of the embedding gather: the obvious triple loop.
#include "kernels/ref/embed_gather_ref.h"

#include <algorithm>

namespace eqvk::kernels {

void embed_gather_ref(uint32_t worlds, uint32_t world_base, uint32_t count, uint32_t d_in,
                      const int8_t* tokens, const float* tables, const EmbedColumn* info,
                      float* out) {
    for (uint32_t w = 0; w < worlds && world_base + w < count; ++w)
        for (uint32_t t = 0; t < 32; ++t)
            for (uint32_t j = 0; j < d_in; ++j) {
                const EmbedColumn& c = info[j];
                auto v = static_cast<uint8_t>(tokens[((world_base + w) * 32 + t) * 12 + c.col]);
                out[(size_t(w) * 32 + t) * d_in + j] =
                    tables[c.base + std::min<uint32_t>(v, c.rows - 1) * c.width];
            }
}

}  // namespace eqvk::kernels
