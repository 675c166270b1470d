// Every kernel eqvk embeds, one row each (stem, bindings, push-constant size, what it needs from
// the device), and KernelCache: pipelines built once per (stem, specialization constants) and owned
// by the caller. selftest and bench enumerate the registry; wrappers get their pipelines from a
// KernelCache.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vk/pipeline.h"

namespace eqvk::vk {
class Context;
struct Capabilities;
}  // namespace eqvk::vk

namespace eqvk::kernels {

struct KernelInfo {
    std::string_view stem;  // shaders/<stem>.comp
    uint32_t bindings = 0;
    uint32_t push_bytes = 0;
    std::string_view what;
    /// Whether the device can run it (nullptr: every device eqvk accepts).
    bool (*supported)(const vk::Capabilities&) = nullptr;
    uint32_t uniform_bindings = 0;  // bit i: binding i is a uniform buffer (else storage)
};

/// All embedded kernels, in a fixed order.
std::span<const KernelInfo> kernel_registry();
/// The row for `stem`; throws std::out_of_range for an unknown stem.
const KernelInfo& kernel_info(std::string_view stem);
/// Whether `stem` is embedded and supported on a device with `caps`.
bool kernel_supported(std::string_view stem, const vk::Capabilities& caps);

/// Pipelines keyed by stem + specialization constants, created on first use and kept for the
/// cache's lifetime (Programs that dispatch them must not outlive it). Not thread-safe.
class KernelCache {
public:
    explicit KernelCache(vk::Context& ctx) : ctx_(ctx) {}
    /// The pipeline for `stem` specialised with `spec` (constant 0 is the workgroup size by
    /// convention). `required_subgroup_size` 0 leaves the subgroup size to the driver.
    const vk::Pipeline& get(std::string_view stem, const std::vector<vk::SpecConstant>& spec,
                            uint32_t required_subgroup_size = 0);
    vk::Context& context() const { return ctx_; }
    size_t size() const { return pipelines_.size(); }

private:
    vk::Context& ctx_;
    std::map<std::string, std::unique_ptr<vk::Pipeline>> pipelines_;
};

}  // namespace eqvk::kernels
