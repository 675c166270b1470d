// The barrier planner behind Program: from the buffers each recorded operation reads and writes,
// the exact set of buffer memory barriers (read-after-write, write-after-write, write-after-read)
// and nothing more. Pure: works on resource ids, so it is tested without a GPU.
#pragma once
#include <volk.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace eqvk::vk {

enum class Access : uint8_t { Read = 1, Write = 2, ReadWrite = 3 };

/// Where an operation touches a resource: a compute shader, a compute shader's uniform-buffer read
/// (read only), a transfer command, or the indirect-argument read of vkCmdDispatchIndirect (read
/// only).
enum class Stage : uint8_t { Compute, ComputeUniform, Transfer, Indirect };

struct ResourceUse {
    uint64_t resource = 0;
    Stage stage = Stage::Compute;
    Access access = Access::Read;
};

/// One buffer memory barrier to record before an operation.
struct PlannedBarrier {
    uint64_t resource = 0;
    VkPipelineStageFlags src_stage = 0, dst_stage = 0;
    VkAccessFlags src_access = 0, dst_access = 0;
};

/// The barriers to record right before operation `before_op` (one vkCmdPipelineBarrier).
struct BarrierBatch {
    size_t before_op = 0;
    std::vector<PlannedBarrier> barriers;
};

/// ops[i] lists what operation i touches. Returns one batch per operation that needs any barrier,
/// in order. Resources untouched earlier in the list need none: the previous submit's closing
/// barrier covers them.
std::vector<BarrierBatch> plan_barriers(const std::vector<std::vector<ResourceUse>>& ops);

}  // namespace eqvk::vk
