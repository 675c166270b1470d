// Indirect-dispatch sizes from a GPU-side count (shaders/dispatch_args.comp): one dispatch writes
// up to 8 VkDispatchIndirectCommand entries whose x follows the number of live items, so the
// dispatches recorded after it (dispatch_indirect) cost nothing for absent worlds or games.
#pragma once
#include <cstdint>
#include <vector>

#include "kernels/check.h"
#include "kernels/types.h"

namespace eqvk::vk {
class Context;
class Program;
}  // namespace eqvk::vk

namespace eqvk::kernels {

class KernelCache;

inline constexpr uint32_t DISPATCH_ARGS_MAX = 8;

/// Mirrors the push block of shaders/dispatch_args.comp.
struct DispatchArgsPush {
    uint32_t n, items_per_count, capacity, max_x;
    uint32_t per_group[DISPATCH_ARGS_MAX], y[DISPATCH_ARGS_MAX], z[DISPATCH_ARGS_MAX];
};
static_assert(sizeof(DispatchArgsPush) <= 128);

/// One entry: x = ceil(count · items_per_count / per_group) workgroups, then y and z as given.
struct DispatchArgsEntry {
    uint32_t per_group = 1, y = 1, z = 1;
};

struct DispatchArgsDesc {
    uint32_t items_per_count = 1;  // items per counted unit (e.g. 32 token rows per world)
    uint32_t capacity = 0;         // counts above it are clamped (the recorded capacity)
    std::vector<DispatchArgsEntry> entries;  // 1..8
};

/// Records args[i] = (min(ceil(min(count, capacity)·items_per_count / per_group_i), max x), y_i,
/// z_i) with max x the device's maxComputeWorkGroupCount[0].
///   count: u32 [1]      args: u32 [entries][3], written (each entry's byte offset 12·i)
/// Throws std::invalid_argument on 0 or more than 8 entries, a per_group or items_per_count of 0
/// or ≥ 65536, or a view too small.
void dispatch_args(KernelCache& cache, vk::Program& prog, const DispatchArgsDesc& desc,
                   BufferView count, BufferView args);

/// The words dispatch_args writes for `count` (the CPU reference; [entries][3]).
std::vector<uint32_t> dispatch_args_ref(const DispatchArgsDesc& desc, uint32_t count,
                                        uint32_t max_x);

/// dispatch_args for `count` against dispatch_args_ref, exactly.
CheckResult check_dispatch_args(vk::Context& ctx, KernelCache& cache, const DispatchArgsDesc& desc,
                                uint32_t count);

}  // namespace eqvk::kernels
