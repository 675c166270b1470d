// VK_CHECK and VulkanError: every VkResult eqvk receives goes through here (STYLE §4).
#pragma once
#include <volk.h>

#include <string>

#include "util/error.h"

namespace eqvk::vk {

/// A Vulkan call failed. what() names the VkResult, the expression and file:line.
/// result() lets cli choose the exit code (out of device memory and device lost get their own).
class VulkanError : public Error {
public:
    VulkanError(VkResult result, const std::string& message) : Error(message), result_(result) {}
    VkResult result() const { return result_; }

private:
    VkResult result_;
};

/// No Vulkan loader could be loaded, or the loader lists no usable device.
class NoDeviceError : public Error {
public:
    using Error::Error;
};

/// "VK_ERROR_DEVICE_LOST" etc.; "VkResult(<n>)" for codes this build does not know.
const char* result_name(VkResult r);

[[noreturn]] void throw_vk_error(VkResult r, const char* expr, const char* file, int line);

}  // namespace eqvk::vk

/// VK_CHECK for the second call of a two-call enumeration, where VK_INCOMPLETE (the list grew
/// between the calls) only means a shorter list.
#define VK_CHECK_ENUM(expr)                                                         \
    do {                                                                            \
        VkResult eqvk_vk_result_ = (expr);                                          \
        if (eqvk_vk_result_ != VK_SUCCESS && eqvk_vk_result_ != VK_INCOMPLETE)      \
            ::eqvk::vk::throw_vk_error(eqvk_vk_result_, #expr, __FILE__, __LINE__); \
    } while (0)

/// Throws eqvk::vk::VulkanError unless `expr` returns VK_SUCCESS.
#define VK_CHECK(expr)                                                              \
    do {                                                                            \
        VkResult eqvk_vk_result_ = (expr);                                          \
        if (eqvk_vk_result_ != VK_SUCCESS)                                          \
            ::eqvk::vk::throw_vk_error(eqvk_vk_result_, #expr, __FILE__, __LINE__); \
    } while (0)
