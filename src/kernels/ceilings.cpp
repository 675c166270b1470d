// Wrappers of the two ceiling shaders used by `eqvk bench` to express results as % of what the
// device does, their checks (an exact copy; every FMA invocation writes a finite value) and their
// definitions.
#include "kernels/ceilings.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "eqvk_kernel_shaders_spirv.h"
#include "kernels/binding.h"
#include "kernels/check_util.h"
#include "kernels/definition.h"
#include "kernels/registry.h"
#include "vk/buffer.h"
#include "vk/context.h"
#include "vk/program.h"

EQVK_KERNEL_DEF(bench_fma);
EQVK_KERNEL_DEF(bench_copy);

namespace eqvk::kernels {

double bench_fma(KernelCache& cache, vk::Program& prog, BufferView out, uint32_t groups,
                 uint32_t iters) {
    constexpr uint32_t WG = 256;
    auto bo = bind_view("bench_fma", "out", out, uint64_t(groups) * WG * 4, vk::Access::Write);
    BenchFmaPush push{iters, 0.5f};
    prog.dispatch(cache.get(eqvk_kernel_def_bench_fma(), "bench_fma", {{0, WG}}), {bo}, push,
                  {groups, 1, 1}, "bench_fma");
    return double(groups) * WG * iters * 8 * 4 * 2;
}

double bench_copy(KernelCache& cache, vk::Program& prog, BufferView src, BufferView dst,
                  size_t bytes) {
    constexpr uint32_t WG = 256;
    if (bytes % 16) throw std::invalid_argument("bench_copy: size must be a multiple of 16");
    auto bs = bind_view("bench_copy", "src", src, bytes, vk::Access::Read);
    auto bd = bind_view("bench_copy", "dst", dst, bytes, vk::Access::Write);
    uint32_t count = static_cast<uint32_t>(bytes / 16);
    uint32_t groups = std::min<uint32_t>((count + WG - 1) / WG, 4096);
    BenchCopyPush push{count};
    prog.dispatch(cache.get(eqvk_kernel_def_bench_copy(), "bench_copy", {{0, WG}}), {bs, bd}, push,
                  {groups, 1, 1}, "bench_copy");
    return 2.0 * double(bytes);
}

namespace {

/// bench_copy must copy 64 KiB exactly; bench_fma must write a finite value per invocation.
CheckResult check_ceiling(vk::Context& ctx, KernelCache& cache, bool copy, std::string& detail) {
    const size_t bytes = 1 << 16;
    std::vector<float> src(bytes / 4);
    for (size_t i = 0; i < src.size(); ++i) src[i] = float(i) - 3.5f;
    vk::Buffer s = upload_as(ctx, src, Dtype::F32, "check.src");
    vk::Program prog(ctx, copy ? "check bench_copy" : "check bench_fma");
    vk::Buffer d = poisoned_buffer(ctx, prog, src.size(), Dtype::F32, "check.dst");
    if (copy)
        bench_copy(cache, prog, s, d, bytes);
    else
        bench_fma(cache, prog, d, static_cast<uint32_t>(bytes / 4 / 256), 16);
    prog.run();
    auto got = download_as(ctx, d, src.size(), Dtype::F32);
    for (size_t i = 0; i < got.size(); ++i)
        if (copy ? got[i] != src[i] : !std::isfinite(got[i])) {
            detail = fmt::format("element {} is {}", i, got[i]);
            return exact(false, got.size());
        }
    detail = "exact";
    return exact(true, got.size());
}

std::vector<CheckCase> fma_checks(const vk::Capabilities&) {
    return {
        {"bench_fma", "-", "fp32", [](vk::Context& ctx, KernelCache& cache, std::string& detail) {
             return check_ceiling(ctx, cache, false, detail);
         }}};
}

std::vector<CheckCase> copy_checks(const vk::Capabilities&) {
    return {
        {"bench_copy", "-", "fp32", [](vk::Context& ctx, KernelCache& cache, std::string& detail) {
             return check_ceiling(ctx, cache, true, detail);
         }}};
}

}  // namespace
}  // namespace eqvk::kernels

EQVK_KERNEL_DEF(bench_fma) {
    using namespace eqvk::kernels;
    static const KernelDef def{"bench_fma",
                               "FMA-throughput ceiling (bench only): 8 independent vec4 FMA chains",
                               {{"bench_fma", nullptr}},
                               {{"out", eqvk::vk::Access::Write, "f32 [groups*256]"}},
                               sizeof(BenchFmaPush),
                               "BenchFmaPush",
                               shaders::spirv,
                               fma_checks};
    return def;
}

EQVK_KERNEL_DEF(bench_copy) {
    using namespace eqvk::kernels;
    static const KernelDef def{"bench_copy",
                               "copy-bandwidth ceiling (bench only)",
                               {{"bench_copy", nullptr}},
                               {{"src", eqvk::vk::Access::Read, "vec4 f32 [bytes/16]"},
                                {"dst", eqvk::vk::Access::Write, "vec4 f32 [bytes/16]"}},
                               sizeof(BenchCopyPush),
                               "BenchCopyPush",
                               shaders::spirv,
                               copy_checks};
    return def;
}
