// VkResult names and the throw path of VK_CHECK.
#include "vk/check.h"

#include <fmt/format.h>

namespace eqvk::vk {

const char* result_name(VkResult r) {
    switch (r) {
#define EQVK_RESULT_CASE(x) \
    case x:                 \
        return #x;
        EQVK_RESULT_CASE(VK_SUCCESS)
        EQVK_RESULT_CASE(VK_NOT_READY)
        EQVK_RESULT_CASE(VK_TIMEOUT)
        EQVK_RESULT_CASE(VK_INCOMPLETE)
        EQVK_RESULT_CASE(VK_ERROR_OUT_OF_HOST_MEMORY)
        EQVK_RESULT_CASE(VK_ERROR_OUT_OF_DEVICE_MEMORY)
        EQVK_RESULT_CASE(VK_ERROR_INITIALIZATION_FAILED)
        EQVK_RESULT_CASE(VK_ERROR_DEVICE_LOST)
        EQVK_RESULT_CASE(VK_ERROR_MEMORY_MAP_FAILED)
        EQVK_RESULT_CASE(VK_ERROR_LAYER_NOT_PRESENT)
        EQVK_RESULT_CASE(VK_ERROR_EXTENSION_NOT_PRESENT)
        EQVK_RESULT_CASE(VK_ERROR_FEATURE_NOT_PRESENT)
        EQVK_RESULT_CASE(VK_ERROR_INCOMPATIBLE_DRIVER)
        EQVK_RESULT_CASE(VK_ERROR_TOO_MANY_OBJECTS)
        EQVK_RESULT_CASE(VK_ERROR_FORMAT_NOT_SUPPORTED)
        EQVK_RESULT_CASE(VK_ERROR_FRAGMENTED_POOL)
        EQVK_RESULT_CASE(VK_ERROR_UNKNOWN)
        EQVK_RESULT_CASE(VK_ERROR_OUT_OF_POOL_MEMORY)
        EQVK_RESULT_CASE(VK_ERROR_INVALID_EXTERNAL_HANDLE)
        EQVK_RESULT_CASE(VK_ERROR_FRAGMENTATION)
        EQVK_RESULT_CASE(VK_ERROR_INVALID_OPAQUE_CAPTURE_ADDRESS)
        EQVK_RESULT_CASE(VK_PIPELINE_COMPILE_REQUIRED)
        EQVK_RESULT_CASE(VK_ERROR_VALIDATION_FAILED_EXT)
#undef EQVK_RESULT_CASE
        default:
            return "VkResult(unknown)";
    }
}

void throw_vk_error(VkResult r, const char* expr, const char* file, int line) {
    std::string what = fmt::format("Vulkan call failed with {} ({}): {} at {}:{}", result_name(r),
                                   static_cast<int>(r), expr, file, line);
    if (r == VK_ERROR_DEVICE_LOST)
        what += " — the GPU reset or the driver killed the work (watchdog, fault or driver bug)";
    else if (r == VK_ERROR_OUT_OF_DEVICE_MEMORY)
        what += " — lower games_per_batch, worlds or memory_budget_mb";
    throw VulkanError(r, what);
}

}  // namespace eqvk::vk
