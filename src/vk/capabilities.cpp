// Capability query: one properties2/features2 chain per device, plus cooperative-matrix shapes and
// budgets. VK_KHR_cooperative_matrix is newer than Debian 12's headers, so its three structs are
// declared here from the registry's definition (same layout as the spec) and its query function is
// fetched by name.
#include "vk/capabilities.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <string_view>

#include "vk/check.h"
#include "vk/feature_chain.h"

namespace eqvk::vk {
namespace {

// VK_KHR_cooperative_matrix (registry extension 507), declared locally.
constexpr auto STYPE_KHR_COOPMAT_PROPERTIES = static_cast<VkStructureType>(1000506001);
struct KhrCoopMatProperties {
    VkStructureType sType;
    void* pNext;
    uint32_t MSize, NSize, KSize;
    uint32_t AType, BType, CType, ResultType;  // VkComponentTypeKHR (same values as the NV enum)
    VkBool32 saturatingAccumulation;
    uint32_t scope;  // VkScopeKHR (same values as VkScopeNV)
};
using PfnKhrCoopMatProps = VkResult(VKAPI_PTR*)(VkPhysicalDevice, uint32_t*, KhrCoopMatProperties*);

const char* component_name(uint32_t t) {
    static const char* names[] = {"f16", "f32", "f64", "s8",  "s16", "s32",
                                  "s64", "u8",  "u16", "u32", "u64"};
    return t < std::size(names) ? names[t] : "?";
}

const char* scope_name(uint32_t s) {
    switch (s) {
        case 1:
            return "device";
        case 2:
            return "workgroup";
        case 3:
            return "subgroup";
        case 5:
            return "queue-family";
        default:
            return "?";
    }
}

// Every shape one cooperative-matrix query reports. `query(count, props)` is the NV or the KHR
// vkGetPhysicalDeviceCooperativeMatrixProperties*, `blank` an entry with its sType set and `result`
// the member naming the result type (NV's DType, KHR's ResultType).
template <typename Props, typename Query, typename Member>
std::vector<CoopMatShape> coopmat_shapes(Query query, const Props& blank, Member Props::*result) {
    uint32_t n = 0;
    VK_CHECK(query(&n, nullptr));
    std::vector<Props> props(n, blank);
    VK_CHECK_ENUM(query(&n, props.data()));
    props.resize(n);
    std::vector<CoopMatShape> shapes;
    for (auto& p : props)
        shapes.push_back({p.MSize, p.NSize, p.KSize, component_name(p.AType),
                          component_name(p.BType), component_name(p.CType),
                          component_name(p.*result), scope_name(p.scope)});
    return shapes;
}

void query_cooperative_matrix(VkPhysicalDevice pd, Capabilities& c) {
    if (c.nv_cooperative_matrix && vkGetPhysicalDeviceCooperativeMatrixPropertiesNV) {
        auto nv = [pd](uint32_t* n, VkCooperativeMatrixPropertiesNV* props) {
            return vkGetPhysicalDeviceCooperativeMatrixPropertiesNV(pd, n, props);
        };
        c.nv_cooperative_matrix_shapes = coopmat_shapes(
            nv, VkCooperativeMatrixPropertiesNV{VK_STRUCTURE_TYPE_COOPERATIVE_MATRIX_PROPERTIES_NV},
            &VkCooperativeMatrixPropertiesNV::DType);
    }
    if (c.khr_cooperative_matrix) {
        auto fn = reinterpret_cast<PfnKhrCoopMatProps>(vkGetInstanceProcAddr(
            volkGetLoadedInstance(), "vkGetPhysicalDeviceCooperativeMatrixPropertiesKHR"));
        if (!fn) {
            c.khr_cooperative_matrix = false;
            return;
        }
        auto khr = [pd, fn](uint32_t* n, KhrCoopMatProperties* props) { return fn(pd, n, props); };
        c.khr_cooperative_matrix_shapes = coopmat_shapes(
            khr,
            KhrCoopMatProperties{STYPE_KHR_COOPMAT_PROPERTIES, nullptr, 0, 0, 0, 0, 0, 0, 0, 0, 0},
            &KhrCoopMatProperties::ResultType);
    }
}

void query_memory(VkPhysicalDevice pd, Capabilities& c) {
    VkPhysicalDeviceMemoryBudgetPropertiesEXT budget{
        VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_BUDGET_PROPERTIES_EXT};
    VkPhysicalDeviceMemoryProperties2 mem{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_PROPERTIES_2};
    if (c.memory_budget) mem.pNext = &budget;
    vkGetPhysicalDeviceMemoryProperties2(pd, &mem);
    const auto& mp = mem.memoryProperties;
    for (uint32_t h = 0; h < mp.memoryHeapCount; ++h) {
        MemoryHeap heap;
        heap.size = mp.memoryHeaps[h].size;
        heap.device_local = (mp.memoryHeaps[h].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT) != 0;
        if (c.memory_budget) {
            heap.budget = budget.heapBudget[h];
            heap.usage = budget.heapUsage[h];
        }
        c.heaps.push_back(heap);
    }
    for (uint32_t t = 0; t < mp.memoryTypeCount; ++t) {
        auto f = mp.memoryTypes[t].propertyFlags;
        if ((f & VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT) &&
            (f & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT) &&
            (f & VK_MEMORY_PROPERTY_HOST_COHERENT_BIT) &&
            mp.memoryHeaps[mp.memoryTypes[t].heapIndex].size >= (uint64_t(256) << 20))
            c.device_local_is_host_visible = true;
    }
}

}  // namespace

std::vector<std::string> device_extensions(VkPhysicalDevice pd) {
    uint32_t n = 0;
    VK_CHECK(vkEnumerateDeviceExtensionProperties(pd, nullptr, &n, nullptr));
    std::vector<VkExtensionProperties> props(n);
    VK_CHECK_ENUM(vkEnumerateDeviceExtensionProperties(pd, nullptr, &n, props.data()));
    std::vector<std::string> names;
    for (uint32_t i = 0; i < n; ++i) names.emplace_back(props[i].extensionName);
    return names;
}

uint64_t Capabilities::device_local_bytes() const {
    uint64_t s = 0;
    for (auto& h : heaps)
        if (h.device_local) s += h.size;
    return s;
}

uint64_t Capabilities::device_local_budget() const {
    uint64_t s = 0;
    for (auto& h : heaps)
        if (h.device_local) s += memory_budget && h.budget ? h.budget : h.size;
    return s;
}

const char* device_type_name(VkPhysicalDeviceType t) {
    switch (t) {
        case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
            return "discrete";
        case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
            return "integrated";
        case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
            return "virtual";
        case VK_PHYSICAL_DEVICE_TYPE_CPU:
            return "cpu";
        default:
            return "other";
    }
}

std::string version_string(uint32_t v) {
    return fmt::format("{}.{}.{}", VK_API_VERSION_MAJOR(v), VK_API_VERSION_MINOR(v),
                       VK_API_VERSION_PATCH(v));
}

namespace {

// Step 1. Properties chain: identity, subgroups, limits. Returns the subgroup-size-control
// properties for step 2 (which knows whether the feature is on).
VkPhysicalDeviceSubgroupSizeControlProperties query_properties(VkPhysicalDevice pd,
                                                               FeatureChainParts chains,
                                                               Capabilities& c) {
    VkPhysicalDeviceSubgroupProperties subgroup{
        VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES};
    VkPhysicalDeviceSubgroupSizeControlProperties size_ctl{
        VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_SIZE_CONTROL_PROPERTIES};
    VkPhysicalDeviceMaintenance3Properties maint3{
        VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MAINTENANCE_3_PROPERTIES};
    VkPhysicalDeviceDriverProperties driver{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES};
    VkPhysicalDeviceProperties2 props{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2};
    props.pNext = &subgroup;
    subgroup.pNext = &maint3;
    if (chains.v12) maint3.pNext = &driver;
    if (chains.size_control) driver.pNext = &size_ctl;
    vkGetPhysicalDeviceProperties2(pd, &props);
    const auto& p = props.properties;
    const auto& lim = p.limits;

    c.name = p.deviceName;
    c.type = p.deviceType;
    c.api_version = p.apiVersion;
    c.vendor_id = p.vendorID;
    c.device_id = p.deviceID;
    c.driver_version = p.driverVersion;
    std::memcpy(c.pipeline_cache_uuid.data(), p.pipelineCacheUUID, VK_UUID_SIZE);
    if (chains.v12) {
        c.driver_name = driver.driverName;
        c.driver_info = driver.driverInfo;
    }
    c.subgroup_size = subgroup.subgroupSize;
    c.subgroup_arithmetic = (subgroup.supportedStages & VK_SHADER_STAGE_COMPUTE_BIT) &&
                            (subgroup.supportedOperations & VK_SUBGROUP_FEATURE_ARITHMETIC_BIT);
    c.subgroup_ballot = (subgroup.supportedStages & VK_SHADER_STAGE_COMPUTE_BIT) &&
                        (subgroup.supportedOperations & VK_SUBGROUP_FEATURE_BALLOT_BIT);
    c.min_subgroup_size = c.max_subgroup_size = subgroup.subgroupSize;
    c.max_shared_memory = lim.maxComputeSharedMemorySize;
    for (int i = 0; i < 3; ++i) {
        c.max_workgroup_size[i] = lim.maxComputeWorkGroupSize[i];
        c.max_workgroup_count[i] = lim.maxComputeWorkGroupCount[i];
    }
    c.max_workgroup_invocations = lim.maxComputeWorkGroupInvocations;
    c.max_push_constants = lim.maxPushConstantsSize;
    c.max_storage_buffer_range = lim.maxStorageBufferRange;
    c.max_memory_allocation_size = maint3.maxMemoryAllocationSize;
    c.max_bound_descriptor_sets = lim.maxBoundDescriptorSets;
    c.min_storage_buffer_offset_alignment = lim.minStorageBufferOffsetAlignment;
    c.max_uniform_buffer_range = lim.maxUniformBufferRange;
    c.min_uniform_buffer_offset_alignment = lim.minUniformBufferOffsetAlignment;
    c.timestamp_period_ns = lim.timestampPeriod;
    return size_ctl;
}

// Step 2. Features chain: arithmetic and storage types, subgroup size control, cooperative matrix.
void query_features(VkPhysicalDevice pd, FeatureChainParts chains,
                    const VkPhysicalDeviceSubgroupSizeControlProperties& size_ctl,
                    Capabilities& c) {
    FeatureChain f(chains);
    vkGetPhysicalDeviceFeatures2(pd, &f.feats);

    c.shader_int64 = f.feats.features.shaderInt64;
    c.shader_int16 = f.feats.features.shaderInt16;
    c.shader_float16 = f.f12.shaderFloat16;
    c.shader_int8 = f.f12.shaderInt8;
    c.storage_buffer_16bit = f.f11.storageBuffer16BitAccess;
    c.storage_buffer_8bit = f.f12.storageBuffer8BitAccess;
    c.subgroup_size_control = f.fsize.subgroupSizeControl;
    c.compute_full_subgroups = f.fsize.computeFullSubgroups;
    if (c.subgroup_size_control) {
        c.min_subgroup_size = size_ctl.minSubgroupSize;
        c.max_subgroup_size = size_ctl.maxSubgroupSize;
        c.subgroup_size_control_compute =
            (size_ctl.requiredSubgroupSizeStages & VK_SHADER_STAGE_COMPUTE_BIT) != 0;
    }
    c.nv_cooperative_matrix = f.fnv.cooperativeMatrix;
    c.khr_cooperative_matrix = f.fkhr.cooperativeMatrix;
}

// Step 3. The compute queue family and its timestamps.
void query_compute_queue(VkPhysicalDevice pd, Capabilities& c) {
    uint32_t nq = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(pd, &nq, nullptr);
    std::vector<VkQueueFamilyProperties> qf(nq);
    vkGetPhysicalDeviceQueueFamilyProperties(pd, &nq, qf.data());
    for (uint32_t i = 0; i < nq; ++i) {
        if (qf[i].queueFlags & VK_QUEUE_COMPUTE_BIT) {
            c.compute_queue_family = static_cast<int>(i);
            c.timestamp_valid_bits = qf[i].timestampValidBits;
            c.timestamps = qf[i].timestampValidBits > 0;
            // The first compute family is the universal one every driver supports best; an
            // async-compute family gives nothing to an app that only computes.
            break;
        }
    }
}

}  // namespace

Capabilities query_capabilities(VkPhysicalDevice pd) {
    Capabilities c;
    auto exts = device_extensions(pd);
    auto has = [&](std::string_view e) {
        return std::find(exts.begin(), exts.end(), e) != exts.end();
    };
    VkPhysicalDeviceProperties base{};
    vkGetPhysicalDeviceProperties(pd, &base);
    FeatureChainParts chains;
    chains.v12 = base.apiVersion >= VK_API_VERSION_1_2;
    chains.size_control =
        base.apiVersion >= VK_API_VERSION_1_3 || has(VK_EXT_SUBGROUP_SIZE_CONTROL_EXTENSION_NAME);
    chains.nv_coopmat = has(VK_NV_COOPERATIVE_MATRIX_EXTENSION_NAME);
    chains.khr_coopmat = has("VK_KHR_cooperative_matrix");

    auto size_ctl = query_properties(pd, chains, c);
    query_features(pd, chains, size_ctl, c);
    query_compute_queue(pd, c);
    // Step 4. Memory and cooperative-matrix shapes.
    c.memory_budget = has(VK_EXT_MEMORY_BUDGET_EXTENSION_NAME);
    query_memory(pd, c);
    query_cooperative_matrix(pd, c);
    return c;
}

}  // namespace eqvk::vk
