// Pipeline creation and the on-disk pipeline cache.
#include "vk/pipeline.h"

#include <fmt/format.h>

#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "eqvk_build_config.h"
#include "util/fs.h"
#include "vk/capabilities.h"
#include "vk/check.h"
#include "vk/context.h"

namespace eqvk::vk {
namespace {

// The header every driver writes at the start of its cache data (VkPipelineCacheHeaderVersionOne).
bool header_matches(const std::vector<std::byte>& data, const Capabilities& caps) {
    VkPipelineCacheHeaderVersionOne h{};
    if (data.size() < sizeof(h)) return false;
    std::memcpy(&h, data.data(), sizeof(h));
    return h.headerSize >= sizeof(h) && h.headerVersion == VK_PIPELINE_CACHE_HEADER_VERSION_ONE &&
           h.vendorID == caps.vendor_id && h.deviceID == caps.device_id &&
           std::memcmp(h.pipelineCacheUUID, caps.pipeline_cache_uuid.data(), VK_UUID_SIZE) == 0;
}

}  // namespace

std::filesystem::path PipelineCache::file_for(const std::filesystem::path& dir,
                                              const Capabilities& caps) {
    std::string uuid;
    for (auto b : caps.pipeline_cache_uuid) uuid += fmt::format("{:02x}", b);
    return dir / fmt::format("pipelines-{:04x}-{:04x}-{:08x}-{}-{}.bin", caps.vendor_id,
                             caps.device_id, caps.driver_version, uuid, EQVK_VERSION_STRING);
}

PipelineCache::PipelineCache(VkDevice device, const Capabilities& caps, std::filesystem::path file)
    : device_(device), file_(std::move(file)) {
    std::vector<std::byte> initial;
    if (!file_.empty()) {
        if (auto data = read_file(file_); data && header_matches(*data, caps)) {
            initial = std::move(*data);
            loaded_ = true;
        }
    }
    VkPipelineCacheCreateInfo info{VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO};
    info.initialDataSize = initial.size();
    info.pInitialData = initial.empty() ? nullptr : initial.data();
    VkPipelineCache c = VK_NULL_HANDLE;
    VkResult r = vkCreatePipelineCache(device_, &info, nullptr, &c);
    if (r != VK_SUCCESS &&
        loaded_) {  // a driver may still reject data it wrote itself: start empty
        loaded_ = false;
        info.initialDataSize = 0;
        info.pInitialData = nullptr;
        r = vkCreatePipelineCache(device_, &info, nullptr, &c);
    }
    VK_CHECK(r);
    cache_ = Handle<VkPipelineCache>(
        c, [device](VkPipelineCache h) { vkDestroyPipelineCache(device, h, nullptr); });
}

PipelineCache::~PipelineCache() = default;

size_t PipelineCache::data_size() const {
    size_t n = 0;
    VK_CHECK(vkGetPipelineCacheData(device_, cache_.get(), &n, nullptr));
    return n;
}

bool PipelineCache::save() const {
    if (file_.empty()) return false;
    try {
        size_t n = data_size();
        std::vector<std::byte> data(n);
        VK_CHECK(vkGetPipelineCacheData(device_, cache_.get(), &n, data.data()));
        data.resize(n);
        std::filesystem::create_directories(file_.parent_path());
        write_file_atomic(file_, data);
        return true;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "eqvk: warning: pipeline cache not saved: %s\n", e.what());
        return false;
    }
}

Pipeline::Pipeline(Context& ctx, const PipelineDesc& desc)
    : name_(desc.name),
      bindings_(desc.bindings),
      uniform_bindings_(desc.uniform_bindings),
      push_bytes_(desc.push_constant_bytes) {
    const auto& caps = ctx.caps();
    VkDevice dev = ctx.device();
    if (desc.spirv.empty())
        throw std::invalid_argument("pipeline '" + desc.name + "': empty SPIR-V");
    if (desc.push_constant_bytes > caps.max_push_constants || desc.push_constant_bytes % 4 != 0)
        throw std::invalid_argument(
            fmt::format("pipeline '{}': {} push-constant bytes (device max {}, multiple of 4)",
                        desc.name, desc.push_constant_bytes, caps.max_push_constants));
    if (desc.required_subgroup_size &&
        (!caps.subgroup_size_control || !caps.subgroup_size_control_compute ||
         desc.required_subgroup_size < caps.min_subgroup_size ||
         desc.required_subgroup_size > caps.max_subgroup_size))
        throw std::invalid_argument(
            fmt::format("pipeline '{}': subgroup size {} not available (device range {}..{}, "
                        "size control {})",
                        desc.name, desc.required_subgroup_size, caps.min_subgroup_size,
                        caps.max_subgroup_size, caps.subgroup_size_control ? "yes" : "no"));

    if (desc.bindings > 32 || (desc.bindings < 32 && desc.uniform_bindings >> desc.bindings))
        throw std::invalid_argument(
            fmt::format("pipeline '{}': uniform-binding mask {:#x} names a binding past {}",
                        desc.name, desc.uniform_bindings, desc.bindings));

    // Step 1. Descriptor set layout: buffers 0..bindings-1, storage or uniform.
    std::vector<VkDescriptorSetLayoutBinding> binds(desc.bindings);
    for (uint32_t i = 0; i < desc.bindings; ++i)
        binds[i] = {i, descriptor_type(i), 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr};
    VkDescriptorSetLayoutCreateInfo dsl{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
    dsl.bindingCount = desc.bindings;
    dsl.pBindings = binds.data();
    VkDescriptorSetLayout set_layout = VK_NULL_HANDLE;
    VK_CHECK(vkCreateDescriptorSetLayout(dev, &dsl, nullptr, &set_layout));
    set_layout_ = Handle<VkDescriptorSetLayout>(set_layout, [dev](VkDescriptorSetLayout h) {
        vkDestroyDescriptorSetLayout(dev, h, nullptr);
    });

    // Step 2. Pipeline layout with one push-constant range.
    VkPushConstantRange push{VK_SHADER_STAGE_COMPUTE_BIT, 0, desc.push_constant_bytes};
    VkPipelineLayoutCreateInfo pl{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
    pl.setLayoutCount = 1;
    pl.pSetLayouts = &set_layout;
    pl.pushConstantRangeCount = desc.push_constant_bytes ? 1 : 0;
    pl.pPushConstantRanges = &push;
    VkPipelineLayout layout = VK_NULL_HANDLE;
    VK_CHECK(vkCreatePipelineLayout(dev, &pl, nullptr, &layout));
    layout_ = Handle<VkPipelineLayout>(
        layout, [dev](VkPipelineLayout h) { vkDestroyPipelineLayout(dev, h, nullptr); });

    // Step 3. Shader module (only needed until the pipeline exists).
    VkShaderModuleCreateInfo sm{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
    sm.codeSize = desc.spirv.size_bytes();
    sm.pCode = desc.spirv.data();
    VkShaderModule module = VK_NULL_HANDLE;
    VK_CHECK(vkCreateShaderModule(dev, &sm, nullptr, &module));
    Handle<VkShaderModule> module_owner(
        module, [dev](VkShaderModule h) { vkDestroyShaderModule(dev, h, nullptr); });

    // Step 4. Specialization constants and the compute pipeline.
    std::vector<VkSpecializationMapEntry> entries;
    std::vector<uint32_t> values;
    for (const auto& s : desc.spec) {
        entries.push_back({s.id, static_cast<uint32_t>(values.size() * 4), 4});
        values.push_back(s.value);
    }
    VkSpecializationInfo spec{static_cast<uint32_t>(entries.size()), entries.data(),
                              values.size() * 4, values.data()};
    VkPipelineShaderStageRequiredSubgroupSizeCreateInfo sub{
        VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_REQUIRED_SUBGROUP_SIZE_CREATE_INFO};
    sub.requiredSubgroupSize = desc.required_subgroup_size;
    VkComputePipelineCreateInfo ci{VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
    ci.stage = {VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO};
    ci.stage.pNext = desc.required_subgroup_size ? &sub : nullptr;
    if (desc.full_subgroups)
        ci.stage.flags |= VK_PIPELINE_SHADER_STAGE_CREATE_REQUIRE_FULL_SUBGROUPS_BIT;
    ci.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
    ci.stage.module = module;
    ci.stage.pName = "main";
    ci.stage.pSpecializationInfo = entries.empty() ? nullptr : &spec;
    ci.layout = layout;
    VkPipeline pipeline = VK_NULL_HANDLE;
    VK_CHECK(vkCreateComputePipelines(dev, ctx.pipeline_cache().get(), 1, &ci, nullptr, &pipeline));
    pipeline_ =
        Handle<VkPipeline>(pipeline, [dev](VkPipeline h) { vkDestroyPipeline(dev, h, nullptr); });
}

}  // namespace eqvk::vk
