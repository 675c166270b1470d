// Attention wrapper: stages Q/K/V in shared memory when they fit the device's limit (else the
// shader reads them from the buffer), one workgroup per (head, world).
#include "kernels/attention.h"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

#include "kernels/binding.h"
#include "kernels/registry.h"
#include "vk/context.h"
#include "vk/program.h"

namespace eqvk::kernels {

uint32_t attention_shared_bytes(uint32_t D, uint32_t query_rows, bool staged) {
    uint32_t sh_d = staged ? D : 1;
    return 4 * ((query_rows + 64) * sh_d + query_rows * 33);
}

void attention(KernelCache& cache, vk::Program& prog, const AttentionArgs& a, BufferView qkv,
               BufferView mask, BufferView actor, BufferView out, BufferView x, BufferView x8,
               BufferView count) {
    const char* stem = a.dtype == Dtype::F16 ? "attention_f16" : "attention";
    if (a.worlds == 0 || a.H == 0 || a.E % a.H != 0)
        throw std::invalid_argument(
            fmt::format("{}: bad shape worlds={} E={} H={}", stem, a.worlds, a.E, a.H));
    const auto& caps = cache.context().caps();
    const uint32_t D = a.E / a.H, qr = a.query_rows();
    const bool staged = attention_shared_bytes(D, qr, true) <= caps.max_shared_memory;
    if (attention_shared_bytes(D, qr, false) > caps.max_shared_memory)
        throw std::invalid_argument(fmt::format("{}: scores do not fit in shared memory", stem));
    const size_t eb = dtype_bytes(a.dtype);
    const uint64_t total = uint64_t(a.world_base) + a.worlds, rows = uint64_t(a.worlds) * 32;
    auto bq = bind_view(stem, "qkv", qkv, rows * 3 * a.E * eb, vk::Access::Read);
    auto bm = bind_view(stem, "mask", mask, total * 32, vk::Access::Read);
    auto bo = bind_view(stem, "out", out, uint64_t(a.worlds) * qr * a.E * eb, vk::Access::Write);
    auto bc = bind_view(stem, "count", count, 4, vk::Access::Read);
    vk::Binding ba = bq, bx = bq, bx8 = bo;
    if (a.last) {
        ba = bind_view(stem, "actor", actor, total * 4, vk::Access::Read);
        bx = bind_view(stem, "x", x, rows * a.E * eb, vk::Access::Read);
        bx8 = bind_view(stem, "x8", x8, uint64_t(a.worlds) * 8 * a.E * eb, vk::Access::Write);
    }
    if (a.worlds > caps.max_workgroup_count[1])
        throw std::invalid_argument(fmt::format("{}: {} worlds exceed the grid's y limit {}", stem,
                                                a.worlds, caps.max_workgroup_count[1]));
    AttentionPush push{a.E, a.world_base, 1.0f / std::sqrt(float(D))};
    const uint32_t wg = 64;
    const auto& pipe = cache.get(stem, {{0, wg}, {1, D}, {2, staged ? D : 1u}, {3, qr}});
    prog.dispatch(pipe, {bq, bm, ba, bo, bx, bx8, bc}, push, {a.H, a.worlds, 1},
                  fmt::format("attention {}x{}x{}{} {}", a.worlds, a.H, D, a.last ? " last" : "",
                              dtype_name(a.dtype)));
}

}  // namespace eqvk::kernels
