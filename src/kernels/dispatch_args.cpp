// dispatch_args wrapper (argument checks, push block, one single-workgroup dispatch), its exact
// check against dispatch_args_ref and its definition.
#include "kernels/dispatch_args.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>
#include <utility>

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

namespace {

void check_field(uint32_t v, const char* field, size_t entry) {
    if (v == 0 || v >= 65536)
        throw std::invalid_argument(
            fmt::format("dispatch_args: entry {} {} {} not in 1..65535", entry, field, v));
}

void check_entry(const DispatchArgsEntry& e, size_t i) {
    check_field(e.items, "items", i);
    check_field(e.per_group, "per_group", i);
    check_field(e.y, "y", i);
    check_field(e.z, "z", i);
    for (auto [v, field] : {std::pair{e.first_group, "first_group"}, {e.max_groups, "max_groups"}})
        if (v >= 65536)
            throw std::invalid_argument(
                fmt::format("dispatch_args: entry {} {} {} not in 0..65535", i, field, v));
}

}  // namespace

uint32_t dispatch_max_x(const vk::Capabilities& caps) {
    return std::min<uint32_t>(caps.max_workgroup_count[0], 0x7FFFFFFFu);
}

void dispatch_args(KernelCache& cache, vk::Program& prog, const DispatchArgsDesc& d,
                   BufferView count, BufferView args) {
    const char* k = "dispatch_args";
    const size_t n = d.entries.size();
    if (n == 0 || n > DISPATCH_ARGS_MAX)
        throw std::invalid_argument(fmt::format("{}: {} entries (1..{})", k, n, DISPATCH_ARGS_MAX));
    DispatchArgsPush push{uint32_t(n), d.capacity, d.base, dispatch_max_x(cache.context().caps()),
                          {},          {},         {}};
    for (size_t i = 0; i < n; ++i) {
        const auto& e = d.entries[i];
        check_entry(e, i);
        push.group[i] = e.items | e.per_group << 16;
        push.window[i] = e.first_group | e.max_groups << 16;
        push.yz[i] = e.y | e.z << 16;
    }
    prog.dispatch(cache.get(eqvk_kernel_def_dispatch_args(), k, {{0, DISPATCH_ARGS_MAX}}),
                  {bind_view(k, "count", count, 4, vk::Access::Read),
                   bind_view(k, "args", args, n * 12, vk::Access::Write)},
                  push, {1, 1, 1}, fmt::format("dispatch_args x{}", n));
}

CountGrids::CountGrids(vk::Context& ctx, uint32_t max_entries, const std::string& name)
    : args_(ctx, 4, vk::MemoryKind::DeviceLocal, name), max_entries_(0), stride_(0) {
    // Each dispatch_args writes a group of up to 8 entries at a binding offset, which must respect
    // minStorageBufferOffsetAlignment.
    const uint64_t align = std::max<uint64_t>(ctx.caps().min_storage_buffer_offset_alignment, 4);
    stride_ = static_cast<uint32_t>((DISPATCH_ARGS_MAX * 12 + align - 1) / align * align);
    const uint32_t groups = (std::max(max_entries, 1u) + DISPATCH_ARGS_MAX - 1) / DISPATCH_ARGS_MAX;
    max_entries_ = groups * DISPATCH_ARGS_MAX;
    args_ = vk::Buffer(ctx, uint64_t(groups) * stride_, vk::MemoryKind::DeviceLocal, name);
}

BufferView CountGrids::add(const DispatchArgsEntry& entry) {
    check_entry(entry, pending_.size());
    auto it = std::find(pending_.begin(), pending_.end(), entry);
    uint32_t slot = pending_first_ + static_cast<uint32_t>(it - pending_.begin());
    if (it == pending_.end()) {
        if (slot >= max_entries_)
            throw std::invalid_argument(
                fmt::format("CountGrids '{}': more than {} entries", args_.name(), max_entries_));
        pending_.push_back(entry);
        used_ = slot + 1;
    }
    return BufferView(
        args_, size_t(slot / DISPATCH_ARGS_MAX) * stride_ + size_t(slot % DISPATCH_ARGS_MAX) * 12);
}

void CountGrids::record(KernelCache& cache, vk::Program& prog, BufferView count, uint32_t base,
                        uint32_t capacity) {
    for (size_t i = 0; i < pending_.size(); i += DISPATCH_ARGS_MAX) {
        DispatchArgsDesc d{base, capacity, {}};
        d.entries.assign(pending_.begin() + i,
                         pending_.begin() + std::min(pending_.size(), i + DISPATCH_ARGS_MAX));
        const uint32_t slot = pending_first_ + static_cast<uint32_t>(i);
        dispatch_args(cache, prog, d, count,
                      BufferView(args_, size_t(slot / DISPATCH_ARGS_MAX) * stride_));
    }
    // The next entries start a new group of 8 (a group is one dispatch_args binding).
    pending_first_ = (used_ + DISPATCH_ARGS_MAX - 1) / DISPATCH_ARGS_MAX * DISPATCH_ARGS_MAX;
    used_ = pending_first_;
    pending_.clear();
}

CheckResult check_dispatch_args(vk::Context& ctx, KernelCache& cache, const DispatchArgsDesc& d,
                                uint32_t count) {
    const auto want = dispatch_args_ref(d, count, dispatch_max_x(ctx.caps()));
    vk::Buffer bc = count_buffer(ctx, count);
    vk::Program prog(ctx, "check dispatch_args");
    vk::Buffer ba = poisoned_buffer(ctx, prog, want.size(), Dtype::F32, "check.args");
    dispatch_args(cache, prog, d, bc, ba);
    prog.run();
    return exact(download_vector<uint32_t>(ctx, ba, want.size()) == want, want.size());
}

namespace {

// Counts of 0, 1, odd, at and past the capacity, below and at a slice's base; 1, 3 and 8 entries;
// group sizes that do and do not divide the item count; a product past 2^32 and a result past the
// grid limit (clamped).
std::vector<CheckCase> dispatch_args_checks(const vk::Capabilities&) {
    struct Shape {
        DispatchArgsDesc desc;
        uint32_t count;
    };
    const DispatchArgsDesc one{0, 1000, {{32, 64, 1, 1}}};
    const DispatchArgsDesc three{0, 4096, {{32, 1, 2, 3}, {32, 128, 1, 1}, {1, 7, 5, 65535}}};
    const DispatchArgsDesc sliced{100, 50, {{8, 64, 3, 1}, {512, 256, 1, 1}}};
    // Windows of a 64-row grid (gemm_rows' A windows: 8 groups each) and of a clamped one.
    const DispatchArgsDesc windows{0,
                                   4096,
                                   {{32, 64, 4, 1, 0, 8},
                                    {32, 64, 4, 1, 8, 8},
                                    {32, 64, 4, 1, 16, 8},
                                    {32, 64, 4, 1, 65535, 65535},
                                    {1, 1, 1, 1, 3, 0},
                                    {65535, 1, 1, 1, 65535, 0}}};
    const DispatchArgsDesc eight{0,
                                 1u << 31,
                                 {{65535, 1},
                                  {65535, 2},
                                  {65535, 3},
                                  {1, 8},
                                  {65535, 31},
                                  {65535, 64, 65535, 2},
                                  {7, 255},
                                  {65535, 65535}}};
    std::vector<Shape> shapes;
    for (uint32_t c : {0u, 1u, 7u, 999u, 1000u, 1001u}) shapes.push_back({one, c});
    for (uint32_t c : {0u, 5u, 4096u, 5000u}) shapes.push_back({three, c});
    for (uint32_t c : {0u, 99u, 100u, 101u, 149u, 150u, 151u, 0xFFFFFFFFu})
        shapes.push_back({sliced, c});
    for (uint32_t c : {1u, 65537u, 0x7FFFFFFFu}) shapes.push_back({eight, c});
    for (uint32_t c : {0u, 1u, 2u, 3u, 4u, 15u, 16u, 17u, 31u, 33u, 4096u, 5000u})
        shapes.push_back({windows, c});
    return {check_over(
        "dispatch_args", "-", "-", shapes,
        [](vk::Context& ctx, KernelCache& cache, const Shape& s, uint64_t) {
            return check_dispatch_args(ctx, cache, s.desc, s.count);
        },
        [](const Shape& s) {
            return fmt::format("count {} base {} over {} entries", s.count, s.desc.base,
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
