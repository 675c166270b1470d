// Indirect-dispatch sizes from a GPU-side count (shaders/dispatch_args.comp): one dispatch writes
// up to 8 VkDispatchIndirectCommand entries whose x follows the number of live items, so the
// dispatches recorded after it (dispatch_indirect) cost nothing for absent worlds or games.
// CountGrids collects the entries of many dispatches and records them with as few dispatch_args
// as it can.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/check.h"
#include "kernels/types.h"
#include "vk/buffer.h"

namespace eqvk::vk {
struct Capabilities;
class Context;
class Program;
}  // namespace eqvk::vk

namespace eqvk::kernels {

class KernelCache;

inline constexpr uint32_t DISPATCH_ARGS_MAX = 8;

/// Mirrors the push block of shaders/dispatch_args.comp.
struct DispatchArgsPush {
    uint32_t n, capacity, base, max_x;
    uint32_t group[DISPATCH_ARGS_MAX];   // items | per_group << 16
    uint32_t window[DISPATCH_ARGS_MAX];  // first_group | max_groups << 16
    uint32_t yz[DISPATCH_ARGS_MAX];      // y | z << 16
};
static_assert(sizeof(DispatchArgsPush) <= 128);

/// One entry: x = ceil(live · items / per_group) workgroups, less the first `first_group` of them
/// and at most `max_groups` (0: no limit) of the rest (a window of the grid), then y and z as
/// given. items, per_group, y and z are in 1..65535, first_group and max_groups in 0..65535.
struct DispatchArgsEntry {
    uint32_t items = 1;      // items per counted unit (e.g. 32 token rows per world)
    uint32_t per_group = 1;  // items one workgroup covers in x
    uint32_t y = 1, z = 1;
    uint32_t first_group = 0, max_groups = 0;
    bool operator==(const DispatchArgsEntry&) const = default;
};

struct DispatchArgsDesc {
    uint32_t base = 0;      // the counted units before this slice: live = count - base, ≥ 0
    uint32_t capacity = 0;  // live counts above it are clamped (the recorded slice's size)
    std::vector<DispatchArgsEntry> entries;  // 1..8
};

/// The largest x dispatch_args writes: the device's maxComputeWorkGroupCount[0], at most 2^31 − 1.
uint32_t dispatch_max_x(const vk::Capabilities& caps);

/// Records args[i] = (min(window_i(ceil(live·items_i / per_group_i)), max x), y_i, z_i) with live =
/// min(max(count − base, 0), capacity), window_i(x) = min(max(x − first_group_i, 0), max_groups_i
/// or ∞) and max x the device's maxComputeWorkGroupCount[0] (at most 2^31 − 1).
///   count: u32 [1]      args: u32 [entries][3], written (each entry's byte offset 12·i)
/// Throws std::invalid_argument on 0 or more than 8 entries, a field outside 1..65535, or a view
/// too small.
void dispatch_args(KernelCache& cache, vk::Program& prog, const DispatchArgsDesc& desc,
                   BufferView count, BufferView args);

/// The words dispatch_args writes for `count` (the CPU reference; [entries][3]).
std::vector<uint32_t> dispatch_args_ref(const DispatchArgsDesc& desc, uint32_t count,
                                        uint32_t max_x);

/// dispatch_args for `count` against dispatch_args_ref, exactly.
CheckResult check_dispatch_args(vk::Context& ctx, KernelCache& cache, const DispatchArgsDesc& desc,
                                uint32_t count);

/// The indirect grids of the dispatches that follow one GPU-side count (a program's count-aware
/// dispatches): add() each dispatch's entry and record its dispatch_indirect with the returned view
/// after record() has written it. Owns the args buffer (`max_entries` entries).
class CountGrids {
public:
    CountGrids(vk::Context& ctx, uint32_t max_entries, const std::string& name);
    /// The 12-byte args view of `entry` for the next record() (an entry equal to one added since
    /// the last record() shares its view). Throws std::invalid_argument when a field is outside
    /// 1..65535 or the buffer is full.
    BufferView add(const DispatchArgsEntry& entry);
    /// Records dispatch_args for the entries added since the last record(), with live units =
    /// min(max(count − base, 0), capacity): one dispatch per 8 entries, none when there are none.
    void record(KernelCache& cache, vk::Program& prog, BufferView count, uint32_t base,
                uint32_t capacity);
    /// Entries added so far (all record() calls together).
    uint32_t size() const { return used_; }

private:
    vk::Buffer args_;
    uint32_t max_entries_, stride_;  // stride_: bytes between dispatch_args groups of 8 entries
    uint32_t used_ = 0;              // slots handed out (groups are never shared between records)
    std::vector<DispatchArgsEntry> pending_;
    uint32_t pending_first_ = 0;  // slot of pending_[0]
};

}  // namespace eqvk::kernels
