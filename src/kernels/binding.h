// Helpers every kernel wrapper and user shares: a BufferView checked against the bytes a dispatch
// will touch and turned into a Program binding, the one grid-size rule, the capability predicates
// of stems, and vectors uploaded / downloaded (floats in a storage dtype, fp16 rounded to nearest).
#pragma once
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "kernels/types.h"
#include "vk/buffer.h"
#include "vk/context.h"
#include "vk/program.h"

namespace eqvk::vk {
struct Capabilities;
}

namespace eqvk::kernels {

/// Throws std::invalid_argument naming `kernel` and operand `what` unless `v` (when given) starts at
/// a multiple of the device's minUniformBufferOffsetAlignment, as a uniform-buffer binding must.
void require_uniform_offset(std::string_view kernel, std::string_view what, BufferView v,
                            const vk::Capabilities& caps);

/// The binding of `bytes` bytes of `v` (range exactly that). Throws std::invalid_argument naming
/// `kernel` and operand `what` when the view is missing or its buffer is too small.
vk::Binding bind_view(std::string_view kernel, std::string_view what, BufferView v, uint64_t bytes,
                      vk::Access access);

/// Workgroups of a 1-D grid for `items` items, `per_group` items per workgroup: ceil(items /
/// per_group), at least 1, capped at the device's maxComputeWorkGroupCount[0] (the shader then
/// loops grid-stride over the rest).
uint32_t grid_groups(uint64_t items, uint32_t per_group, const vk::Capabilities& caps);

/// Records `pipeline` with grid `direct`, or, when `indirect` is given, with the grid in the 12-byte
/// VkDispatchIndirectCommand it views (written by an earlier operation, e.g. dispatch_args).
template <typename Push>
void dispatch_grid(vk::Program& prog, const vk::Pipeline& pipeline,
                   std::vector<vk::Binding> bindings, const Push& push, vk::Groups direct,
                   BufferView indirect, std::string label) {
    if (indirect)
        prog.dispatch_indirect(pipeline, std::move(bindings), push, *indirect.buffer,
                               indirect.offset, std::move(label));
    else
        prog.dispatch(pipeline, std::move(bindings), push, direct, std::move(label));
}

/// The kernel shape an environment switch forces: its value ("" when unset), which must be one of
/// `choices`; throws std::invalid_argument naming the variable and the choices otherwise.
std::string forced_shape(const char* variable, std::initializer_list<std::string_view> choices);

/// Stem predicate: the device stores 16-bit values in storage buffers (every *_f16 stem).
bool has_16bit_storage(const vk::Capabilities& caps);
/// Stem predicate: subgroup arithmetic (subgroupAdd, ...) in compute shaders.
bool has_subgroup_arithmetic(const vk::Capabilities& caps);
/// Subgroup ballot operations (subgroupBroadcast) in compute shaders, with a known subgroup size.
bool has_subgroup_ballot(const vk::Capabilities& caps);

/// A device-local buffer holding `v` stored as `dtype` (size rounded up to 4 bytes, at least 4, so
/// it can be filled).
vk::Buffer upload_as(vk::Context& ctx, const std::vector<float>& v, Dtype dtype, std::string name);
/// The first `n` elements of `b`, stored as `dtype`, widened to float.
std::vector<float> download_as(vk::Context& ctx, const vk::Buffer& b, size_t n, Dtype dtype);

/// The first `count` elements of `b` as T (raw bytes; waits for nothing: the caller has waited).
template <class T>
std::vector<T> download_vector(vk::Context& ctx, const vk::Buffer& b, size_t count) {
    std::vector<T> v(count);
    ctx.download(b, v.data(), count * sizeof(T));
    return v;
}

}  // namespace eqvk::kernels
