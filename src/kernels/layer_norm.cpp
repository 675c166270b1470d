// LayerNorm wrapper: workgroup size from C (a power of two, ≤ 64), one workgroup per row.
#include "kernels/layer_norm.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "kernels/binding.h"
#include "kernels/registry.h"
#include "vk/context.h"
#include "vk/program.h"

namespace eqvk::kernels {

void layer_norm(KernelCache& cache, vk::Program& prog, const LayerNormArgs& a, BufferView x,
                BufferView res, BufferView gamma, BufferView beta, BufferView y, BufferView count) {
    const char* stem = a.dtype == Dtype::F16 ? "layer_norm_f16" : "layer_norm";
    if (a.rows == 0 || a.C == 0 || a.rows_per_world == 0)
        throw std::invalid_argument(fmt::format("{}: empty shape rows={} C={}", stem, a.rows, a.C));
    const uint64_t bytes = uint64_t(a.rows) * a.C * dtype_bytes(a.dtype);
    auto bx = bind_view(stem, "x", x, bytes, vk::Access::Read);
    auto br = a.residual ? bind_view(stem, "res", res, bytes, vk::Access::Read) : bx;
    auto bg = bind_view(stem, "gamma", gamma, uint64_t(a.C) * 4, vk::Access::Read);
    auto bb = bind_view(stem, "beta", beta, uint64_t(a.C) * 4, vk::Access::Read);
    auto by = bind_view(stem, "y", y, bytes, vk::Access::Write);
    auto bc = bind_view(stem, "count", count, 4, vk::Access::Read);
    const auto& caps = cache.context().caps();
    // A power of two near C, at most 64: each tree level costs a barrier, and lavapipe runs a
    // barrier-separated section over every invocation in turn (256 ran LN at ~1/3 the speed).
    uint32_t wg = 32;
    while (wg < a.C && wg < 64 && wg * 2 <= caps.max_workgroup_invocations) wg *= 2;
    LayerNormPush push{a.rows, a.C, a.rows_per_world, a.world_base, a.eps};
    uint32_t groups = std::min(a.rows, caps.max_workgroup_count[0]);
    prog.dispatch(cache.get(stem, {{0, wg}, {1, a.residual ? 1u : 0u}}), {bx, br, bg, bb, by, bc},
                  push, {groups, 1, 1},
                  fmt::format("layer_norm {}x{} {}", a.rows, a.C, dtype_name(a.dtype)));
}

}  // namespace eqvk::kernels
