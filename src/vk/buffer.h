// Buffer: one VkBuffer with its own VkDeviceMemory. Device-local buffers hold kernel data;
// host-visible ones are for staging and read-back and stay mapped. Usage always includes storage,
// transfer and indirect.
#pragma once
#include <volk.h>

#include <string>

#include "vk/handle.h"

namespace eqvk::vk {

class Context;

enum class MemoryKind {
    DeviceLocal,  // fastest for kernels; also mapped on UMA (device-local memory host-visible)
    HostVisible,  // host-coherent (cached where possible), always mapped: staging and read-back
};

class Buffer {
public:
    /// Allocates `bytes` (> 0). Throws VulkanError(VK_ERROR_OUT_OF_DEVICE_MEMORY) naming the buffer
    /// when it exceeds the device's max allocation size or the heap is exhausted.
    Buffer(Context& ctx, size_t bytes, MemoryKind kind, std::string name);
    Buffer(Buffer&&) = default;
    Buffer& operator=(Buffer&&) = default;

    VkBuffer get() const { return buffer_.get(); }
    size_t size() const { return size_; }
    const std::string& name() const { return name_; }
    MemoryKind kind() const { return kind_; }
    /// Host pointer to the whole buffer, or nullptr when its memory is not host-visible.
    void* mapped() const { return mapped_; }

private:
    Handle<VkDeviceMemory> memory_;  // destroyed after buffer_ (members die in reverse order)
    Handle<VkBuffer> buffer_;
    size_t size_ = 0;
    MemoryKind kind_ = MemoryKind::DeviceLocal;
    std::string name_;
    void* mapped_ = nullptr;
};

}  // namespace eqvk::vk
