// Helpers every kernel wrapper and user shares: a BufferView checked against the bytes a dispatch
// will touch and turned into a Program binding, the workgroup count of a grid-stride (flat)
// dispatch, and float vectors uploaded / downloaded in a storage dtype (fp16 rounded to nearest).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "kernels/gemm.h"
#include "vk/program.h"

namespace eqvk::vk {
class Buffer;
class Context;
struct Capabilities;
}  // namespace eqvk::vk

namespace eqvk::kernels {

/// The binding of `bytes` bytes of `v` (range exactly that). Throws std::invalid_argument naming
/// `kernel` and operand `what` when the view is missing or its buffer is too small.
vk::Binding bind_view(std::string_view kernel, std::string_view what, BufferView v, uint64_t bytes,
                      vk::Access access);

/// Workgroups for `n` invocations of a grid-stride loop: ceil(n / wg), at least 1, capped at the
/// device's maxComputeWorkGroupCount[0] (each invocation then loops).
uint32_t flat_groups(uint64_t n, uint32_t wg, const vk::Capabilities& caps);

/// A device-local buffer holding `v` stored as `dtype` (size rounded up to 4 bytes, at least 4, so
/// it can be filled).
vk::Buffer upload_as(vk::Context& ctx, const std::vector<float>& v, Dtype dtype, std::string name);
/// The first `n` elements of `b`, stored as `dtype`, widened to float.
std::vector<float> download_as(vk::Context& ctx, const vk::Buffer& b, size_t n, Dtype dtype);

}  // namespace eqvk::kernels
