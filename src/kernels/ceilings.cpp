// Wrappers of the two ceiling shaders used by `eqvk bench` to express results as % of what the
// device does.
#include "kernels/ceilings.h"

#include <algorithm>
#include <stdexcept>

#include "kernels/registry.h"
#include "vk/buffer.h"
#include "vk/context.h"
#include "vk/program.h"

namespace eqvk::kernels {

double bench_fma(KernelCache& cache, vk::Program& prog, const vk::Buffer& out, uint32_t groups,
                 uint32_t iters) {
    constexpr uint32_t WG = 256;
    if (out.size() < size_t(groups) * WG * 4)
        throw std::invalid_argument("bench_fma: output buffer too small");
    BenchFmaPush push{iters, 0.5f};
    prog.dispatch(cache.get("bench_fma", {{0, WG}}), {vk::writes(out, 0, size_t(groups) * WG * 4)},
                  push, {groups, 1, 1}, "bench_fma");
    return double(groups) * WG * iters * 8 * 4 * 2;
}

double bench_copy(KernelCache& cache, vk::Program& prog, const vk::Buffer& src,
                  const vk::Buffer& dst, size_t bytes) {
    constexpr uint32_t WG = 256;
    if (bytes % 16 || bytes > src.size() || bytes > dst.size())
        throw std::invalid_argument(
            "bench_copy: size must be a multiple of 16 and fit both buffers");
    uint32_t count = static_cast<uint32_t>(bytes / 16);
    uint32_t groups = std::min<uint32_t>((count + WG - 1) / WG, 4096);
    BenchCopyPush push{count};
    prog.dispatch(cache.get("bench_copy", {{0, WG}}),
                  {vk::reads(src, 0, bytes), vk::writes(dst, 0, bytes)}, push, {groups, 1, 1},
                  "bench_copy");
    return 2.0 * double(bytes);
}

}  // namespace eqvk::kernels
