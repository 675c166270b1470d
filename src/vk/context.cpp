// Context: device creation with every optional feature eqvk's kernels can use, one-shot submits,
// uploads/downloads, and the pipeline cache's lifetime.
#include "vk/context.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "util/error.h"
#include "util/fs.h"
#include "vk/buffer.h"
#include "vk/check.h"
#include "vk/device_select.h"
#include "vk/feature_chain.h"
#include "vk/pipeline.h"

namespace eqvk::vk {
namespace {

bool env_flag(const char* name) {
    const char* v = std::getenv(name);
    return v && *v && std::strcmp(v, "0") != 0;
}

bool has_extension(VkPhysicalDevice pd, const char* name) {
    auto exts = device_extensions(pd);
    return std::find(exts.begin(), exts.end(), name) != exts.end();
}

// Turns on in `f` every optional feature the kernels may use and the device has.
void enable_features(const Capabilities& caps, FeatureChain& f) {
    f.feats.features.shaderInt64 = caps.shader_int64;
    f.feats.features.shaderInt16 = caps.shader_int16;
    f.f11.storageBuffer16BitAccess = caps.storage_buffer_16bit;
    f.f12.shaderFloat16 = caps.shader_float16;
    f.f12.shaderInt8 = caps.shader_int8;
    f.f12.storageBuffer8BitAccess = caps.storage_buffer_8bit;
    f.fsize.subgroupSizeControl = caps.subgroup_size_control;
    f.fsize.computeFullSubgroups = caps.compute_full_subgroups;
    f.fnv.cooperativeMatrix = caps.nv_cooperative_matrix;
    f.fkhr.cooperativeMatrix = VK_TRUE;  // chained only where the device has it
}

// The device extensions those features need, plus the portability subset where the driver has it.
std::vector<const char*> extensions_to_enable(const Capabilities& caps, VkPhysicalDevice pd) {
    std::vector<const char*> exts;
    if (caps.subgroup_size_control && caps.api_version < VK_API_VERSION_1_3)
        exts.push_back(VK_EXT_SUBGROUP_SIZE_CONTROL_EXTENSION_NAME);
    if (caps.nv_cooperative_matrix) exts.push_back(VK_NV_COOPERATIVE_MATRIX_EXTENSION_NAME);
    if (caps.khr_cooperative_matrix) exts.push_back("VK_KHR_cooperative_matrix");
    if (caps.memory_budget) exts.push_back(VK_EXT_MEMORY_BUDGET_EXTENSION_NAME);
    if (has_extension(pd, "VK_KHR_portability_subset")) exts.push_back("VK_KHR_portability_subset");
    return exts;
}

}  // namespace

void wait_fence(VkDevice device, VkFence fence, double timeout_s, const char* what) {
    auto ns = static_cast<uint64_t>(timeout_s * 1e9);
    VkResult r = vkWaitForFences(device, 1, &fence, VK_TRUE, ns);
    if (r == VK_TIMEOUT)
        throw VulkanError(
            r, fmt::format("GPU work '{}' did not finish within {:.0f} s (EQVK_SUBMIT_TIMEOUT_S); "
                           "the device may be hung",
                           what, timeout_s));
    VK_CHECK(r);
}

Context::Context(const ContextOptions& options) : instance_(options.validation) {
    choose_device(options.device, options.device_source);
    create_device();
    create_one_shot_objects();
    open_pipeline_cache(options.pipeline_cache);
}

// Step 1. Choose the physical device; the environment may switch features off.
void Context::choose_device(const std::string& choice, const std::string& source) {
    auto selection = select_device(list_devices(instance_), choice, source);
    if (!selection.chosen) {
        if (selection.bad_choice) throw InputError(selection.error);
        throw NoDeviceError(selection.error);
    }
    device_index_ = selection.candidates[*selection.chosen].index;
    physical_device_ = instance_.physical_devices()[device_index_];
    caps_ = selection.candidates[*selection.chosen].caps;
    queue_family_ = static_cast<uint32_t>(caps_.compute_queue_family);
    vkGetPhysicalDeviceMemoryProperties(physical_device_, &memory_);
    if (env_flag("EQVK_NO_NV_COOPMAT")) caps_.nv_cooperative_matrix = false;
    if (env_flag("EQVK_NO_KHR_COOPMAT")) caps_.khr_cooperative_matrix = false;
    // A CPU implementation has no watchdog and is never hung, only slow (one large forward on
    // lavapipe can take minutes): it gets an hour by default.
    if (caps_.type == VK_PHYSICAL_DEVICE_TYPE_CPU) submit_timeout_s_ = 3600.0;
    if (const char* t = std::getenv("EQVK_SUBMIT_TIMEOUT_S"); t && std::atof(t) > 0)
        submit_timeout_s_ = std::atof(t);
}

// Step 2. The device with every optional feature the kernels may use and the device has.
void Context::create_device() {
    FeatureChain features({.v12 = true,
                           .size_control = caps_.subgroup_size_control,
                           .nv_coopmat = caps_.nv_cooperative_matrix,
                           .khr_coopmat = caps_.khr_cooperative_matrix});
    enable_features(caps_, features);
    const auto exts = extensions_to_enable(caps_, physical_device_);
    float priority = 1.0f;
    VkDeviceQueueCreateInfo qi{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
    qi.queueFamilyIndex = queue_family_;
    qi.queueCount = 1;
    qi.pQueuePriorities = &priority;
    VkDeviceCreateInfo di{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
    di.pNext = &features.feats;
    di.queueCreateInfoCount = 1;
    di.pQueueCreateInfos = &qi;
    di.enabledExtensionCount = static_cast<uint32_t>(exts.size());
    di.ppEnabledExtensionNames = exts.data();
    VkDevice dev = VK_NULL_HANDLE;
    VK_CHECK(vkCreateDevice(physical_device_, &di, nullptr, &dev));
    device_ = Handle<VkDevice>(dev, [](VkDevice d) { vkDestroyDevice(d, nullptr); });
    vkGetDeviceQueue(dev, queue_family_, 0, &queue_);
}

// Step 3. One-shot command pool and fence.
void Context::create_one_shot_objects() {
    VkDevice dev = device_.get();
    VkCommandPoolCreateInfo pi{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
    pi.flags =
        VK_COMMAND_POOL_CREATE_TRANSIENT_BIT | VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
    pi.queueFamilyIndex = queue_family_;
    VkCommandPool pool = VK_NULL_HANDLE;
    VK_CHECK(vkCreateCommandPool(dev, &pi, nullptr, &pool));
    one_shot_pool_ = Handle<VkCommandPool>(
        pool, [dev](VkCommandPool p) { vkDestroyCommandPool(dev, p, nullptr); });
    VkFenceCreateInfo fi{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    VkFence fence = VK_NULL_HANDLE;
    VK_CHECK(vkCreateFence(dev, &fi, nullptr, &fence));
    one_shot_fence_ = Handle<VkFence>(fence, [dev](VkFence f) { vkDestroyFence(dev, f, nullptr); });
}

// Step 4. The pipeline cache: on disk unless switched off, else in memory only.
void Context::open_pipeline_cache(bool on_disk) {
    std::filesystem::path cache_file;
    if (on_disk && !env_flag("EQVK_NO_PIPELINE_CACHE")) {
        auto dir = cache_dir();
        if (!dir.empty()) cache_file = PipelineCache::file_for(dir, caps_);
    }
    pipeline_cache_ = std::make_unique<PipelineCache>(device_.get(), caps_, cache_file);
}

Context::~Context() {
    if (device_) vkDeviceWaitIdle(device_.get());
    if (pipeline_cache_) pipeline_cache_->save();
    pipeline_cache_.reset();
    staging_.reset();
}

uint32_t Context::find_memory_type(uint32_t bits, VkMemoryPropertyFlags required,
                                   VkMemoryPropertyFlags preferred) const {
    int best = -1, best_score = -1;
    for (uint32_t i = 0; i < memory_.memoryTypeCount; ++i) {
        auto f = memory_.memoryTypes[i].propertyFlags;
        if (!(bits & (1u << i)) || (f & required) != required) continue;
        int score = __builtin_popcount(f & preferred);
        if (score > best_score) {
            best = static_cast<int>(i);
            best_score = score;
        }
    }
    if (best < 0)
        throw VulkanError(
            VK_ERROR_OUT_OF_DEVICE_MEMORY,
            fmt::format("no memory type with properties 0x{:x} on {}", required, caps_.name));
    return static_cast<uint32_t>(best);
}

void Context::submit_now(const std::function<void(VkCommandBuffer)>& record) {
    VkCommandBufferAllocateInfo ai{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
    ai.commandPool = one_shot_pool_.get();
    ai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    ai.commandBufferCount = 1;
    VkCommandBuffer cb = VK_NULL_HANDLE;
    VK_CHECK(vkAllocateCommandBuffers(device(), &ai, &cb));
    VkDevice dev = device();
    VkCommandPool pool = one_shot_pool_.get();
    Handle<VkCommandBuffer> owner(
        cb, [dev, pool](VkCommandBuffer c) { vkFreeCommandBuffers(dev, pool, 1, &c); });
    VkCommandBufferBeginInfo bi{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    bi.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    VK_CHECK(vkBeginCommandBuffer(cb, &bi));
    record(cb);
    VK_CHECK(vkEndCommandBuffer(cb));
    VkSubmitInfo si{VK_STRUCTURE_TYPE_SUBMIT_INFO};
    si.commandBufferCount = 1;
    si.pCommandBuffers = &cb;
    VkFence fence = one_shot_fence_.get();
    VK_CHECK(vkResetFences(dev, 1, &fence));
    VK_CHECK(vkQueueSubmit(queue_, 1, &si, fence));
    wait_fence(dev, fence, submit_timeout_s_, "transfer");
}

Buffer& Context::staging(size_t bytes) {
    if (!staging_ || staging_->size() < bytes)
        staging_ = std::make_unique<Buffer>(*this, bytes, MemoryKind::HostVisible, "staging");
    return *staging_;
}

namespace {
void check_range(const Buffer& b, size_t bytes, size_t offset, const char* what) {
    if (offset > b.size() || bytes > b.size() - offset)
        throw std::invalid_argument(
            fmt::format("{} of {} bytes at offset {} exceeds buffer '{}' of {} bytes", what, bytes,
                        offset, b.name(), b.size()));
}
constexpr size_t STAGING_CHUNK = size_t(64) << 20;
}  // namespace

void Context::upload(Buffer& dst, const void* src, size_t bytes, size_t offset) {
    check_range(dst, bytes, offset, "upload");
    if (dst.mapped()) {
        std::memcpy(static_cast<char*>(dst.mapped()) + offset, src, bytes);
        return;
    }
    for (size_t done = 0; done < bytes;) {
        size_t n = std::min(STAGING_CHUNK, bytes - done);
        Buffer& st = staging(n);
        std::memcpy(st.mapped(), static_cast<const char*>(src) + done, n);
        submit_now([&](VkCommandBuffer cb) {
            VkBufferCopy region{0, offset + done, n};
            vkCmdCopyBuffer(cb, st.get(), dst.get(), 1, &region);
            VkMemoryBarrier mb{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
            mb.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
            mb.dstAccessMask = VK_ACCESS_MEMORY_READ_BIT | VK_ACCESS_MEMORY_WRITE_BIT;
            vkCmdPipelineBarrier(cb, VK_PIPELINE_STAGE_TRANSFER_BIT,
                                 VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, 0, 1, &mb, 0, nullptr, 0,
                                 nullptr);
        });
        done += n;
    }
}

void Context::download(const Buffer& src, void* dst, size_t bytes, size_t offset) {
    check_range(src, bytes, offset, "download");
    if (src.mapped()) {
        std::memcpy(dst, static_cast<const char*>(src.mapped()) + offset, bytes);
        return;
    }
    for (size_t done = 0; done < bytes;) {
        size_t n = std::min(STAGING_CHUNK, bytes - done);
        Buffer& st = staging(n);
        submit_now([&](VkCommandBuffer cb) {
            VkBufferCopy region{offset + done, 0, n};
            vkCmdCopyBuffer(cb, src.get(), st.get(), 1, &region);
            VkMemoryBarrier mb{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
            mb.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
            mb.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
            vkCmdPipelineBarrier(cb, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0,
                                 1, &mb, 0, nullptr, 0, nullptr);
        });
        std::memcpy(static_cast<char*>(dst) + done, st.mapped(), n);
        done += n;
    }
}

}  // namespace eqvk::vk
