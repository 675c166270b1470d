// dispatch_args wrapper (argument checks, push block, one single-workgroup dispatch), its exact
// check against dispatch_args_ref and its definition.
#include "kernels/dispatch_args.h"

#include <fmt/format.h>

#include <stdexcept>

#include "eqvk_kernel_shaders_spirv.h"
#include "kernels/binding.h"
#include "kernels/check_util.h"
#include "kernels/definition.h"
#include "kernels/registry.h"
#include "vk/capabilities.h"
#include "vk/context.h"
#include "vk/program.h"

EQVK_KERNEL_DEF(dispatch_args);

namespace eqvk::kernels {

void dispatch_args(KernelCache& cache, vk::Program& prog, const DispatchArgsDesc& d,
                   BufferView count, BufferView args) {
    const char* k = "dispatch_args";
    const size_t n = d.entries.size();
    if (n == 0 || n > DISPATCH_ARGS_MAX)
        throw std::invalid_argument(fmt::format("{}: {} entries (1..{})", k, n, DISPATCH_ARGS_MAX));
    if (d.items_per_count == 0 || d.items_per_count >= 65536)
        throw std::invalid_argument(
            fmt::format("{}: items_per_count {} not in 1..65535", k, d.items_per_count));
    DispatchArgsPush push{uint32_t(n), d.items_per_count,
                          d.capacity,  cache.context().caps().max_workgroup_count[0],
                          {},          {},
                          {}};
    for (size_t i = 0; i < n; ++i) {
        const auto& e = d.entries[i];
        if (e.per_group == 0 || e.per_group >= 65536)
            throw std::invalid_argument(
                fmt::format("{}: entry {} per_group {} not in 1..65535", k, i, e.per_group));
        push.per_group[i] = e.per_group;
        push.y[i] = e.y;
        push.z[i] = e.z;
    }
    prog.dispatch(cache.get(eqvk_kernel_def_dispatch_args(), k, {{0, DISPATCH_ARGS_MAX}}),
                  {bind_view(k, "count", count, 4, vk::Access::Read),
                   bind_view(k, "args", args, n * 12, vk::Access::Write)},
                  push, {1, 1, 1}, fmt::format("dispatch_args x{}", n));
}

CheckResult check_dispatch_args(vk::Context& ctx, KernelCache& cache, const DispatchArgsDesc& d,
                                uint32_t count) {
    const auto want = dispatch_args_ref(d, count, ctx.caps().max_workgroup_count[0]);
    vk::Buffer bc = count_buffer(ctx, count);
    vk::Program prog(ctx, "check dispatch_args");
    vk::Buffer ba = poisoned_buffer(ctx, prog, want.size(), Dtype::F32, "check.args");
    dispatch_args(cache, prog, d, bc, ba);
    prog.run();
    return exact(download_vector<uint32_t>(ctx, ba, want.size()) == want, want.size());
}

namespace {

// Counts of 0, 1, odd, at and past the capacity; 1, 3 and 8 entries; group sizes that do and do
// not divide the item count; a product past 2^32 and a result past the grid limit (clamped).
std::vector<CheckCase> dispatch_args_checks(const vk::Capabilities&) {
    struct Shape {
        DispatchArgsDesc desc;
        uint32_t count;
    };
    const DispatchArgsDesc one{32, 1000, {{64, 1, 1}}};
    const DispatchArgsDesc three{32, 4096, {{1, 2, 3}, {128, 1, 1}, {7, 5, 1}}};
    const DispatchArgsDesc eight{65535, 1u << 31, {{1}, {2}, {3}, {8}, {31}, {64}, {255}, {65535}}};
    std::vector<Shape> shapes;
    for (uint32_t c : {0u, 1u, 7u, 999u, 1000u, 1001u}) shapes.push_back({one, c});
    for (uint32_t c : {0u, 5u, 4096u, 5000u}) shapes.push_back({three, c});
    for (uint32_t c : {1u, 65537u, 0x7FFFFFFFu}) shapes.push_back({eight, c});
    return {check_over(
        "dispatch_args", "-", "-", shapes,
        [](vk::Context& ctx, KernelCache& cache, const Shape& s, uint64_t) {
            return check_dispatch_args(ctx, cache, s.desc, s.count);
        },
        [](const Shape& s) {
            return fmt::format("count {} x{} over {} entries", s.count, s.desc.items_per_count,
                               s.desc.entries.size());
        })};
}

}  // namespace
}  // namespace eqvk::kernels

EQVK_KERNEL_DEF(dispatch_args) {
    using namespace eqvk::kernels;
    using eqvk::vk::Access;
    static const KernelDef def{
        "dispatch_args",
        "indirect-dispatch sizes from a GPU-side count (count-aware dispatches)",
        {{"dispatch_args", nullptr}},
        {{"count", Access::Read, "u32 [1]"}, {"args", Access::Write, "u32 [entries][3]"}},
        sizeof(DispatchArgsPush),
        "DispatchArgsPush",
        shaders::spirv,
        dispatch_args_checks};
    return def;
}
