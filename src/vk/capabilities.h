// What one Vulkan physical device offers to eqvk's kernels: limits, arithmetic and storage
// features, subgroup sizes, cooperative-matrix shapes, timestamps and memory. Queried, never
// assumed (ARCHITECTURE "Portability rules"): kernels choose tiles and variants from this struct.
#pragma once
#include <volk.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace eqvk::vk {

/// One cooperative-matrix shape the driver supports: C[M,N] (+)= A[M,K]·B[K,N], types as names
/// ("f16").
struct CoopMatShape {
    uint32_t m = 0, n = 0, k = 0;
    std::string a_type, b_type, c_type, result_type;
    std::string scope;  // "subgroup", "workgroup", ...
};

/// A memory heap; budget/usage come from VK_EXT_memory_budget and are 0 when the device lacks it.
struct MemoryHeap {
    uint64_t size = 0;  // bytes
    uint64_t budget = 0;
    uint64_t usage = 0;
    bool device_local = false;
};

struct Capabilities {
    // Identity.
    std::string name;
    VkPhysicalDeviceType type = VK_PHYSICAL_DEVICE_TYPE_OTHER;
    uint32_t api_version = 0;
    uint32_t vendor_id = 0, device_id = 0, driver_version = 0;
    std::string driver_name, driver_info;
    std::array<uint8_t, VK_UUID_SIZE> pipeline_cache_uuid{};

    // Compute queue: the first family with VK_QUEUE_COMPUTE_BIT; -1 when none.
    int compute_queue_family = -1;

    // Subgroups. min/max are the range subgroup-size control can request (both = subgroup_size
    // without it).
    uint32_t subgroup_size = 0;
    uint32_t min_subgroup_size = 0, max_subgroup_size = 0;
    bool subgroup_size_control = false;          // feature subgroupSizeControl
    bool compute_full_subgroups = false;         // feature computeFullSubgroups
    bool subgroup_size_control_compute = false;  // requiredSubgroupSizeStages has COMPUTE
    bool subgroup_arithmetic = false;            // VK_SUBGROUP_FEATURE_ARITHMETIC_BIT in compute
    bool subgroup_ballot = false;                // VK_SUBGROUP_FEATURE_BALLOT_BIT in compute

    // Limits.
    uint32_t max_shared_memory = 0;  // bytes per workgroup
    std::array<uint32_t, 3> max_workgroup_size{};
    uint32_t max_workgroup_invocations = 0;
    std::array<uint32_t, 3> max_workgroup_count{};
    uint32_t max_push_constants = 0;          // bytes
    uint64_t max_storage_buffer_range = 0;    // bytes one binding may cover
    uint64_t max_memory_allocation_size = 0;  // bytes (VkPhysicalDeviceMaintenance3Properties)
    uint32_t max_bound_descriptor_sets = 0;
    uint64_t min_storage_buffer_offset_alignment = 0;
    uint32_t max_uniform_buffer_range = 0;  // bytes one uniform-buffer binding may cover
    uint64_t min_uniform_buffer_offset_alignment = 0;

    // Arithmetic and storage.
    bool shader_float16 = false, shader_int8 = false, shader_int64 = false, shader_int16 = false;
    bool storage_buffer_16bit = false, storage_buffer_8bit = false;

    // Cooperative matrix (each needs the extension and its feature bit).
    bool nv_cooperative_matrix = false;
    bool khr_cooperative_matrix = false;
    std::vector<CoopMatShape> nv_cooperative_matrix_shapes, khr_cooperative_matrix_shapes;

    // Timestamps on the compute queue.
    bool timestamps = false;
    float timestamp_period_ns = 0.0f;
    uint32_t timestamp_valid_bits = 0;

    // Memory.
    bool memory_budget = false;  // VK_EXT_memory_budget
    std::vector<MemoryHeap> heaps;
    bool device_local_is_host_visible = false;  // UMA / resizable BAR: uploads need no staging copy

    /// Bytes in device-local heaps (sum), and the budget for them (heap size where no budget
    /// extension).
    uint64_t device_local_bytes() const;
    uint64_t device_local_budget() const;
};

/// Names of the device's extensions.
std::vector<std::string> device_extensions(VkPhysicalDevice pd);

/// Queries everything above. Requires volkLoadInstance() for the instance owning `pd`.
Capabilities query_capabilities(VkPhysicalDevice pd);

/// "discrete", "integrated", "virtual", "cpu", "other".
const char* device_type_name(VkPhysicalDeviceType t);
/// "1.3.230".
std::string version_string(uint32_t v);

}  // namespace eqvk::vk
