// Instance creation: volk loader, API 1.2+, validation layer + synchronization validation +
// messenger.
#include "vk/instance.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "eqvk_build_config.h"
#include "vk/capabilities.h"
#include "vk/check.h"

namespace eqvk::vk {
namespace {

constexpr const char* VALIDATION_LAYER = "VK_LAYER_KHRONOS_validation";

VKAPI_ATTR VkBool32 VKAPI_CALL on_message(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                          VkDebugUtilsMessageTypeFlagsEXT,
                                          const VkDebugUtilsMessengerCallbackDataEXT* data,
                                          void* user) {
    const char* level =
        (severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT) ? "error" : "warning";
    std::string msg =
        fmt::format("[validation {}] {}", level, data && data->pMessage ? data->pMessage : "");
    static_cast<ValidationLog*>(user)->add(msg);
    return VK_FALSE;
}

bool layer_available(const char* name) {
    uint32_t n = 0;
    VK_CHECK(vkEnumerateInstanceLayerProperties(&n, nullptr));
    std::vector<VkLayerProperties> layers(n);
    VK_CHECK_ENUM(vkEnumerateInstanceLayerProperties(&n, layers.data()));
    layers.resize(n);
    return std::any_of(layers.begin(), layers.end(), [&](const VkLayerProperties& l) {
        return std::strcmp(l.layerName, name) == 0;
    });
}

bool extension_available(const char* layer, const char* ext) {
    uint32_t n = 0;
    if (vkEnumerateInstanceExtensionProperties(layer, &n, nullptr) != VK_SUCCESS) return false;
    std::vector<VkExtensionProperties> exts(n);
    VK_CHECK_ENUM(vkEnumerateInstanceExtensionProperties(layer, &n, exts.data()));
    exts.resize(n);
    return std::any_of(exts.begin(), exts.end(), [&](const VkExtensionProperties& e) {
        return std::strcmp(e.extensionName, ext) == 0;
    });
}

}  // namespace

void ValidationLog::add(std::string msg) {
    std::lock_guard lock(m_);
    messages_.push_back(std::move(msg));
}

std::vector<std::string> ValidationLog::take() {
    std::lock_guard lock(m_);
    return std::exchange(messages_, {});
}

size_t ValidationLog::size() const {
    std::lock_guard lock(m_);
    return messages_.size();
}

bool validation_requested() {
    const char* v = std::getenv("EQVK_VALIDATION");
    return v && *v && std::strcmp(v, "0") != 0;
}

Instance::Instance(bool validation)
    : log_(std::make_unique<ValidationLog>()), validation_(validation) {
    if (volkInitialize() != VK_SUCCESS)
        throw NoDeviceError(
            "no Vulkan loader found (libvulkan.so.1 could not be loaded); install the Vulkan "
            "loader "
            "(Debian/Ubuntu: libvulkan1) and a driver (mesa-vulkan-drivers for "
            "AMD/Intel/lavapipe)");
    if (volkGetInstanceVersion() < VK_API_VERSION_1_2)
        throw NoDeviceError(
            fmt::format("the Vulkan loader supports only API {}; eqvk needs 1.2 or newer",
                        version_string(volkGetInstanceVersion())));

    std::vector<const char*> layers, extensions;
    if (validation_) {
        if (!layer_available(VALIDATION_LAYER))
            throw Error(std::string("EQVK_VALIDATION is set but ") + VALIDATION_LAYER +
                        " is not installed (Debian/Ubuntu: vulkan-validationlayers)");
        layers.push_back(VALIDATION_LAYER);
        extensions.push_back(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
    }
    const bool sync_validation =
        validation_ &&
        extension_available(VALIDATION_LAYER, VK_EXT_VALIDATION_FEATURES_EXTENSION_NAME);
    if (sync_validation) extensions.push_back(VK_EXT_VALIDATION_FEATURES_EXTENSION_NAME);

    VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
    app.pApplicationName = "eqvk";
    app.applicationVersion = VK_MAKE_API_VERSION(0, 0, 1, 0);
    app.pEngineName = "eqvk";
    app.apiVersion = VK_API_VERSION_1_3;

    VkDebugUtilsMessengerCreateInfoEXT messenger_info{
        VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT};
    messenger_info.messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT |
                                     VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
    messenger_info.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT |
                                 VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                                 VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
    messenger_info.pfnUserCallback = on_message;
    messenger_info.pUserData = log_.get();

    VkValidationFeatureEnableEXT enables[] = {
        VK_VALIDATION_FEATURE_ENABLE_SYNCHRONIZATION_VALIDATION_EXT};
    VkValidationFeaturesEXT features{VK_STRUCTURE_TYPE_VALIDATION_FEATURES_EXT};
    features.enabledValidationFeatureCount = 1;
    features.pEnabledValidationFeatures = enables;

    VkInstanceCreateInfo info{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
    info.pApplicationInfo = &app;
    info.enabledLayerCount = static_cast<uint32_t>(layers.size());
    info.ppEnabledLayerNames = layers.data();
    info.enabledExtensionCount = static_cast<uint32_t>(extensions.size());
    info.ppEnabledExtensionNames = extensions.data();
    if (validation_) {
        // Messages during vkCreateInstance/vkDestroyInstance go to the same log.
        info.pNext = &messenger_info;
        if (sync_validation) messenger_info.pNext = &features;
    }

    VkInstance inst = VK_NULL_HANDLE;
    VkResult r = vkCreateInstance(&info, nullptr, &inst);
    if (r == VK_ERROR_INCOMPATIBLE_DRIVER)
        throw NoDeviceError(
            "no Vulkan device found: the loader found no driver (Debian/Ubuntu: "
            "mesa-vulkan-drivers for "
            "AMD/Intel/lavapipe, or the GPU vendor's driver)");
    VK_CHECK(r);
    // Device functions go through the loader's trampolines, so several devices can be used at once.
    volkLoadInstance(inst);
    instance_ = Handle<VkInstance>(inst, [](VkInstance i) { vkDestroyInstance(i, nullptr); });

    if (validation_) {
        messenger_info.pNext = nullptr;
        VkDebugUtilsMessengerEXT m = VK_NULL_HANDLE;
        VK_CHECK(vkCreateDebugUtilsMessengerEXT(inst, &messenger_info, nullptr, &m));
        messenger_ = Handle<VkDebugUtilsMessengerEXT>(m, [inst](VkDebugUtilsMessengerEXT h) {
            vkDestroyDebugUtilsMessengerEXT(inst, h, nullptr);
        });
    }
}

Instance::~Instance() {
    messenger_.reset();
    instance_.reset();
}

std::vector<VkPhysicalDevice> Instance::physical_devices() const {
    uint32_t n = 0;
    VK_CHECK(vkEnumeratePhysicalDevices(get(), &n, nullptr));
    std::vector<VkPhysicalDevice> pds(n);
    VK_CHECK_ENUM(vkEnumeratePhysicalDevices(get(), &n, pds.data()));
    pds.resize(n);
    return pds;
}

}  // namespace eqvk::vk
