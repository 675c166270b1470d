// Output-head wrapper: one invocation per (world, row), grid-stride.
#include "kernels/oracle_heads.h"

#include <fmt/format.h>

#include "kernels/binding.h"
#include "kernels/registry.h"
#include "vk/context.h"
#include "vk/program.h"

namespace eqvk::kernels {

void oracle_heads(KernelCache& cache, vk::Program& prog, const OracleHeadsArgs& a, BufferView x8,
                  BufferView head_w, BufferView q, BufferView value, BufferView count) {
    constexpr uint32_t WG = 64;
    const char* stem = a.dtype == Dtype::F16 ? "oracle_heads_f16" : "oracle_heads";
    const uint64_t total = uint64_t(a.world_base) + a.worlds;
    auto bx = bind_view(stem, "x8", x8, uint64_t(a.worlds) * 8 * a.E * dtype_bytes(a.dtype),
                        vk::Access::Read);
    auto bw = bind_view(stem, "head_w", head_w, 2 * (uint64_t(a.E) + 1) * 4, vk::Access::Read);
    auto bq = bind_view(stem, "q", q, total * 7 * 4, vk::Access::Write);
    auto bv = bind_view(stem, "value", value, total * 4, vk::Access::Write);
    auto bc = bind_view(stem, "count", count, 4, vk::Access::Read);
    OracleHeadsPush push{a.worlds, a.world_base, a.E};
    prog.dispatch(cache.get(stem, {{0, WG}}), {bx, bw, bq, bv, bc}, push,
                  {flat_groups(uint64_t(a.worlds) * 8, WG, cache.context().caps()), 1, 1},
                  fmt::format("oracle_heads {}x{} {}", a.worlds, a.E, dtype_name(a.dtype)));
}

}  // namespace eqvk::kernels
