// Buffer allocation: one dedicated allocation per buffer (eqvk allocates a few large buffers, far
// below maxMemoryAllocationCount), mapped for its whole life when host-visible.
#include "vk/buffer.h"

#include <fmt/format.h>

#include <stdexcept>

#include "vk/check.h"
#include "vk/context.h"

namespace eqvk::vk {

Buffer::Buffer(Context& ctx, size_t bytes, MemoryKind kind, std::string name)
    : size_(bytes), kind_(kind), name_(std::move(name)) {
    const auto& caps = ctx.caps();
    if (bytes == 0) throw std::invalid_argument("buffer '" + name_ + "': size 0");
    if (caps.max_memory_allocation_size && bytes > caps.max_memory_allocation_size)
        throw VulkanError(
            VK_ERROR_OUT_OF_DEVICE_MEMORY,
            fmt::format("buffer '{}' of {:.1f} MiB exceeds {}'s largest allocation ({:.1f} MiB); "
                        "lower games_per_batch, worlds or memory_budget_mb",
                        name_, bytes / 1048576.0, caps.name,
                        caps.max_memory_allocation_size / 1048576.0));
    VkDevice dev = ctx.device();
    VkBufferCreateInfo bi{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
    bi.size = bytes;
    bi.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_UNIFORM_BUFFER_BIT |
               VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT |
               VK_BUFFER_USAGE_INDIRECT_BUFFER_BIT;
    bi.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
    VkBuffer buf = VK_NULL_HANDLE;
    VK_CHECK(vkCreateBuffer(dev, &bi, nullptr, &buf));
    buffer_ = Handle<VkBuffer>(buf, [dev](VkBuffer b) { vkDestroyBuffer(dev, b, nullptr); });

    VkMemoryRequirements req{};
    vkGetBufferMemoryRequirements(dev, buf, &req);
    VkMemoryPropertyFlags required, preferred;
    if (kind == MemoryKind::DeviceLocal) {
        required = VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT;
        preferred = caps.device_local_is_host_visible
                        ? VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT
                        : 0;
    } else {
        required = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
        preferred = VK_MEMORY_PROPERTY_HOST_CACHED_BIT;
    }
    VkMemoryAllocateInfo ai{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
    ai.allocationSize = req.size;
    ai.memoryTypeIndex = ctx.find_memory_type(req.memoryTypeBits, required, preferred);
    VkDeviceMemory mem = VK_NULL_HANDLE;
    VkResult r = vkAllocateMemory(dev, &ai, nullptr, &mem);
    if (r == VK_ERROR_OUT_OF_DEVICE_MEMORY || r == VK_ERROR_OUT_OF_HOST_MEMORY)
        throw VulkanError(
            r, fmt::format("out of memory allocating buffer '{}' of {:.1f} MiB on {} ({}); lower "
                           "games_per_batch, worlds or memory_budget_mb",
                           name_, bytes / 1048576.0, caps.name, result_name(r)));
    VK_CHECK(r);
    memory_ =
        Handle<VkDeviceMemory>(mem, [dev](VkDeviceMemory m) { vkFreeMemory(dev, m, nullptr); });
    VK_CHECK(vkBindBufferMemory(dev, buf, mem, 0));

    // Map host-visible memory for the buffer's whole life.
    auto flags = ctx.memory_type_flags(ai.memoryTypeIndex);
    if ((flags & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT) &&
        (flags & VK_MEMORY_PROPERTY_HOST_COHERENT_BIT))
        VK_CHECK(vkMapMemory(dev, mem, 0, VK_WHOLE_SIZE, 0, &mapped_));
}

}  // namespace eqvk::vk
