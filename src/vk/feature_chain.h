// The VkPhysicalDeviceFeatures2 chain eqvk both queries (capabilities.cpp) and enables (context.cpp):
// Vulkan 1.1/1.2 features, subgroup size control, NV and KHR cooperative matrix, always linked in
// that order. VK_KHR_cooperative_matrix is newer than Debian 12's headers, so its features struct is
// declared here from the registry's definition (same layout as the spec).
#pragma once
#include <volk.h>

namespace eqvk::vk {

constexpr auto STYPE_KHR_COOPMAT_FEATURES = static_cast<VkStructureType>(1000506000);
struct KhrCoopMatFeatures {
    VkStructureType sType = STYPE_KHR_COOPMAT_FEATURES;
    void* pNext = nullptr;
    VkBool32 cooperativeMatrix = VK_FALSE;
    VkBool32 cooperativeMatrixRobustBufferAccess = VK_FALSE;
};

/// Which optional structs join the chain.
struct FeatureChainParts {
    bool v12 = false;           // VkPhysicalDeviceVulkan11Features and ...12Features
    bool size_control = false;  // subgroup size control (core in 1.3, else the EXT)
    bool nv_coopmat = false, khr_coopmat = false;
};

/// The structs, zeroed and linked from `feats`. Neither copied nor moved: they point at each other.
struct FeatureChain {
    VkPhysicalDeviceFeatures2 feats{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
    VkPhysicalDeviceVulkan11Features f11{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES};
    VkPhysicalDeviceVulkan12Features f12{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES};
    VkPhysicalDeviceSubgroupSizeControlFeatures fsize{
        VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_SIZE_CONTROL_FEATURES};
    VkPhysicalDeviceCooperativeMatrixFeaturesNV fnv{
        VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_COOPERATIVE_MATRIX_FEATURES_NV};
    KhrCoopMatFeatures fkhr;

    explicit FeatureChain(FeatureChainParts parts) {
        void** tail = &feats.pNext;
        auto chain = [&](auto& s) {
            *tail = &s;
            tail = &s.pNext;
        };
        if (parts.v12) {
            chain(f11);
            chain(f12);
        }
        if (parts.size_control) chain(fsize);
        if (parts.nv_coopmat) chain(fnv);
        if (parts.khr_coopmat) chain(fkhr);
    }
    FeatureChain(const FeatureChain&) = delete;
    FeatureChain& operator=(const FeatureChain&) = delete;
};

}  // namespace eqvk::vk
