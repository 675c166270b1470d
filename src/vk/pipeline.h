// Compute pipelines from embedded SPIR-V with specialization constants, and the on-disk pipeline
// cache (keyed by vendor, device, driver version, the driver's cache UUID and the eqvk version).
#pragma once
#include <volk.h>

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "vk/handle.h"

namespace eqvk::vk {

class Context;
struct Capabilities;

/// The driver's pipeline cache, loaded from and saved to a file under util/fs.h's cache_dir().
class PipelineCache {
public:
    /// Loads `file` if it exists and its header matches the device (else starts empty). `file`
    /// empty: in-memory only.
    PipelineCache(VkDevice device, const Capabilities& caps, std::filesystem::path file);
    ~PipelineCache();
    VkPipelineCache get() const { return cache_.get(); }
    const std::filesystem::path& file() const { return file_; }
    /// True when the cache started from a valid file.
    bool loaded_from_disk() const { return loaded_; }
    /// Writes the cache atomically to file(). Returns false (and says why on stderr) if that fails.
    bool save() const;
    /// Bytes of cache data the driver currently holds.
    size_t data_size() const;

    /// The cache file eqvk uses for a device:
    /// <dir>/pipelines-<vendor>-<device>-<driver>-<uuid>-<version>.bin.
    static std::filesystem::path file_for(const std::filesystem::path& dir,
                                          const Capabilities& caps);

private:
    VkDevice device_;
    std::filesystem::path file_;
    Handle<VkPipelineCache> cache_;
    bool loaded_ = false;
};

/// A 32-bit specialization constant (int, uint or float bits) for `layout(constant_id = id)`.
struct SpecConstant {
    uint32_t id = 0;
    uint32_t value = 0;
};

/// What a compute pipeline is built from. Bindings are set 0, 0..bindings-1: storage buffers,
/// except those whose bit is set in `uniform_bindings` (uniform buffers).
struct PipelineDesc {
    std::string name;                 // for messages and timestamps
    std::span<const uint32_t> spirv;  // embedded SPIR-V words
    uint32_t bindings = 0;
    uint32_t uniform_bindings = 0;     // bit i: binding i is a uniform buffer
    uint32_t push_constant_bytes = 0;  // ≤ 128 (the guaranteed minimum and lavapipe's limit)
    std::vector<SpecConstant> spec;    // the workgroup size is constant_id 0 by convention
    uint32_t required_subgroup_size =
        0;                        // 0 = the driver's choice; else needs subgroup-size control
    bool full_subgroups = false;  // VK_PIPELINE_SHADER_STAGE_CREATE_REQUIRE_FULL_SUBGROUPS_BIT
};

class Pipeline {
public:
    /// Builds the shader module, descriptor set layout, layout and pipeline. Throws
    /// std::invalid_argument when the description asks for more than the device offers, VulkanError
    /// when the driver fails.
    Pipeline(Context& ctx, const PipelineDesc& desc);

    VkPipeline get() const { return pipeline_.get(); }
    VkPipelineLayout layout() const { return layout_.get(); }
    VkDescriptorSetLayout set_layout() const { return set_layout_.get(); }
    const std::string& name() const { return name_; }
    uint32_t bindings() const { return bindings_; }
    /// Whether binding `i` is a uniform buffer (else a storage buffer).
    bool is_uniform(uint32_t i) const { return i < 32 && (uniform_bindings_ >> i) & 1u; }
    VkDescriptorType descriptor_type(uint32_t i) const {
        return is_uniform(i) ? VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER
                             : VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    }
    uint32_t push_constant_bytes() const { return push_bytes_; }

private:
    Handle<VkDescriptorSetLayout> set_layout_;
    Handle<VkPipelineLayout> layout_;
    Handle<VkPipeline> pipeline_;
    std::string name_;
    uint32_t bindings_ = 0;
    uint32_t uniform_bindings_ = 0;
    uint32_t push_bytes_ = 0;
};

}  // namespace eqvk::vk
