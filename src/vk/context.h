// Context: one logical device with its compute queue, a command pool for one-shot transfers, the
// on-disk pipeline cache and the validation log. Everything GPU-side in eqvk hangs off one Context.
#pragma once
#include <volk.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "vk/capabilities.h"
#include "vk/handle.h"
#include "vk/instance.h"

namespace eqvk::vk {

class Buffer;
class PipelineCache;

struct ContextOptions {
    std::string device;                        // "" automatic, index, or name substring
    bool validation = validation_requested();  // EQVK_VALIDATION=1
    bool pipeline_cache = true;  // load/save the on-disk cache (EQVK_NO_PIPELINE_CACHE=1 turns off)
    std::string device_source = "--device";  // where `device` came from, named in its errors
};

class Context {
public:
    /// Creates the instance and the device. Throws NoDeviceError (no loader / no usable device),
    /// InputError (a `device` choice that matches nothing usable), VulkanError.
    explicit Context(const ContextOptions& options = {});
    ~Context();
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;

    VkDevice device() const { return device_.get(); }
    VkPhysicalDevice physical_device() const { return physical_device_; }
    VkQueue queue() const { return queue_; }
    uint32_t queue_family() const { return queue_family_; }
    uint32_t device_index() const { return device_index_; }
    /// Capabilities of the device, with cooperative-matrix flags cleared where EQVK_NO_NV_COOPMAT=1
    /// or EQVK_NO_KHR_COOPMAT=1 turn them off.
    const Capabilities& caps() const { return caps_; }
    const Instance& instance() const { return instance_; }
    PipelineCache& pipeline_cache() { return *pipeline_cache_; }

    /// Validation messages since the last call (empty when validation is off), then clears them.
    std::vector<std::string> take_validation_messages() { return instance_.log().take(); }

    /// A memory type index with all of `required` (and as many of `preferred` as possible) among
    /// `bits`. Throws VulkanError(VK_ERROR_OUT_OF_DEVICE_MEMORY) when none fits.
    uint32_t find_memory_type(uint32_t bits, VkMemoryPropertyFlags required,
                              VkMemoryPropertyFlags preferred) const;

    /// Property flags of memory type `index` (from find_memory_type).
    VkMemoryPropertyFlags memory_type_flags(uint32_t index) const {
        return memory_.memoryTypes[index].propertyFlags;
    }

    /// Records `record` into a one-shot command buffer, submits it and waits. For uploads and
    /// set-up only.
    void submit_now(const std::function<void(VkCommandBuffer)>& record);

    /// Copies host bytes into `dst` at `offset` (mapped memcpy when the buffer is host-visible,
    /// else a staging copy). Throws std::invalid_argument when the range exceeds the buffer.
    void upload(Buffer& dst, const void* src, size_t bytes, size_t offset = 0);
    /// Copies `bytes` from `src` at `offset` to host memory. Call after the GPU work that wrote
    /// `src` finished.
    void download(const Buffer& src, void* dst, size_t bytes, size_t offset = 0);

    /// Seconds a submit may take before wait() gives up with VK_TIMEOUT (EQVK_SUBMIT_TIMEOUT_S,
    /// default 120; 3600 on CPU implementations such as lavapipe, which are slow but never hang).
    double submit_timeout_s() const { return submit_timeout_s_; }

private:
    Buffer& staging(size_t bytes);
    // The constructor's steps, in order.
    void choose_device(const std::string& choice, const std::string& source);
    void create_device();
    void create_one_shot_objects();
    void open_pipeline_cache(bool on_disk);

    Instance instance_;
    VkPhysicalDevice physical_device_ = VK_NULL_HANDLE;
    uint32_t device_index_ = 0;
    Capabilities caps_;
    VkPhysicalDeviceMemoryProperties memory_{};
    Handle<VkDevice> device_;
    VkQueue queue_ = VK_NULL_HANDLE;
    uint32_t queue_family_ = 0;
    Handle<VkCommandPool> one_shot_pool_;
    Handle<VkFence> one_shot_fence_;
    std::unique_ptr<Buffer> staging_;
    std::unique_ptr<PipelineCache> pipeline_cache_;
    double submit_timeout_s_ = 120.0;
};

/// Waits on `fence` for at most `timeout_s`; throws VulkanError on timeout or device loss, naming
/// `what`.
void wait_fence(VkDevice device, VkFence fence, double timeout_s, const char* what);

}  // namespace eqvk::vk
