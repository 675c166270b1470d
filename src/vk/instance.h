// The Vulkan instance: loads the loader through volk, optionally enables the Khronos validation
// layer (with synchronization validation) and collects every message it emits so tests can fail on
// them.
#pragma once
#include <volk.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "vk/handle.h"

namespace eqvk::vk {

/// Messages from the validation layer (warnings and errors), in arrival order. Thread-safe.
class ValidationLog {
public:
    void add(std::string msg);
    /// Returns the messages so far and clears the log.
    std::vector<std::string> take();
    size_t size() const;

private:
    mutable std::mutex m_;
    std::vector<std::string> messages_;
};

/// True when EQVK_VALIDATION is set to anything but "" or "0".
bool validation_requested();

class Instance {
public:
    /// Loads libvulkan through volk and creates the instance. Throws NoDeviceError when no loader
    /// is found, Error when `validation` is asked for but VK_LAYER_KHRONOS_validation is not
    /// installed.
    explicit Instance(bool validation);
    Instance(Instance&&) = default;
    Instance& operator=(Instance&&) = default;
    ~Instance();

    VkInstance get() const { return instance_.get(); }
    bool validation() const { return validation_; }
    ValidationLog& log() const { return *log_; }
    /// Physical devices in the loader's order (the indices `--device N` refers to).
    std::vector<VkPhysicalDevice> physical_devices() const;

private:
    std::unique_ptr<ValidationLog> log_;
    Handle<VkInstance> instance_;
    Handle<VkDebugUtilsMessengerEXT> messenger_;
    bool validation_ = false;
};

}  // namespace eqvk::vk
