// Shared wrapper helpers: view → binding with a size check, the grid-size rule, capability
// predicates, typed upload/download.
#include "kernels/binding.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

#include "util/half.h"
#include "vk/buffer.h"
#include "vk/capabilities.h"
#include "vk/context.h"

namespace eqvk::kernels {

vk::Binding bind_view(std::string_view kernel, std::string_view what, BufferView v, uint64_t bytes,
                      vk::Access access) {
    if (!v) throw std::invalid_argument(fmt::format("{}: operand '{}' is missing", kernel, what));
    if (v.offset > v.buffer->size() || bytes > v.buffer->size() - v.offset)
        throw std::invalid_argument(
            fmt::format("{}: operand '{}' needs {} bytes at offset {}, buffer '{}' has {}", kernel,
                        what, bytes, v.offset, v.buffer->name(), v.buffer->size()));
    return {v.buffer, access, v.offset, static_cast<size_t>(bytes)};
}

uint32_t grid_groups(uint64_t items, uint32_t per_group, const vk::Capabilities& caps) {
    uint64_t groups = std::max<uint64_t>(1, (items + per_group - 1) / per_group);
    return static_cast<uint32_t>(std::min<uint64_t>(groups, caps.max_workgroup_count[0]));
}

void require_uniform_offset(std::string_view kernel, std::string_view what, BufferView v,
                            const vk::Capabilities& caps) {
    const uint64_t align = std::max<uint64_t>(caps.min_uniform_buffer_offset_alignment, 1);
    if (v && v.offset % align)
        throw std::invalid_argument(fmt::format(
            "{}: operand '{}' offset {} is not a multiple of {}", kernel, what, v.offset, align));
}

std::string forced_shape(const char* variable, std::initializer_list<std::string_view> choices) {
    const char* env = std::getenv(variable);
    std::string forced = env ? env : "";
    if (forced.empty() || std::find(choices.begin(), choices.end(), forced) != choices.end())
        return forced;
    throw std::invalid_argument(
        fmt::format("{}='{}': expected one of '{}'", variable, forced, fmt::join(choices, "', '")));
}

bool has_16bit_storage(const vk::Capabilities& caps) {
    return caps.storage_buffer_16bit;
}

bool has_subgroup_arithmetic(const vk::Capabilities& caps) {
    return caps.subgroup_arithmetic && caps.subgroup_size > 0;
}

bool has_subgroup_ballot(const vk::Capabilities& caps) {
    return caps.subgroup_ballot && caps.subgroup_size > 0;
}

vk::Buffer upload_as(vk::Context& ctx, const std::vector<float>& v, Dtype dtype, std::string name) {
    const size_t bytes = std::max<size_t>(4, (v.size() * dtype_bytes(dtype) + 3) & ~size_t(3));
    vk::Buffer b(ctx, bytes, vk::MemoryKind::DeviceLocal, std::move(name));
    if (dtype == Dtype::F16) {
        std::vector<uint16_t> h(v.size());
        for (size_t i = 0; i < v.size(); ++i) h[i] = f32_to_f16(v[i]);
        ctx.upload(b, h.data(), h.size() * 2);
    } else {
        ctx.upload(b, v.data(), v.size() * 4);
    }
    return b;
}

std::vector<float> download_as(vk::Context& ctx, const vk::Buffer& b, size_t n, Dtype dtype) {
    if (dtype == Dtype::F32) return download_vector<float>(ctx, b, n);
    std::vector<float> v(n);
    std::vector<uint16_t> h = download_vector<uint16_t>(ctx, b, n);
    for (size_t i = 0; i < n; ++i) v[i] = f16_to_f32(h[i]);
    return v;
}

}  // namespace eqvk::kernels
