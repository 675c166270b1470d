// CPU reference of shaders/dispatch_args.comp (in 64-bit arithmetic, so it also checks the
// shader's overflow-free split of the product).
#include <algorithm>

#include "kernels/dispatch_args.h"

namespace eqvk::kernels {

std::vector<uint32_t> dispatch_args_ref(const DispatchArgsDesc& desc, uint32_t count,
                                        uint32_t max_x) {
    std::vector<uint32_t> out;
    const uint64_t c = std::min(count > desc.base ? count - desc.base : 0u, desc.capacity);
    for (const auto& e : desc.entries) {
        uint64_t x = (c * e.items + e.per_group - 1) / e.per_group;
        x = x > e.first_group ? x - e.first_group : 0;
        if (e.max_groups) x = std::min<uint64_t>(x, e.max_groups);
        out.insert(out.end(), {uint32_t(std::min<uint64_t>(x, max_x)), e.y, e.z});
    }
    return out;
}

}  // namespace eqvk::kernels
