// KernelCache: pipelines built once per (stem, specialization constants) from a kernel's definition
// (kernels/definition.h) and owned by the caller. Wrappers get their pipelines here.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vk/pipeline.h"

namespace eqvk::vk {
class Context;
}

namespace eqvk::kernels {

struct KernelDef;

/// Pipelines keyed by stem + specialization constants, created on first use and kept for the
/// cache's lifetime (Programs that dispatch them must not outlive it). Not thread-safe.
class KernelCache {
public:
    explicit KernelCache(vk::Context& ctx) : ctx_(ctx) {}
    /// The pipeline for `stem` of `def` specialised with `spec` (constant 0 is the workgroup size by
    /// convention). `required_subgroup_size` 0 leaves the subgroup size to the driver. Throws
    /// std::invalid_argument when the device does not support the stem.
    const vk::Pipeline& get(const KernelDef& def, std::string_view stem,
                            const std::vector<vk::SpecConstant>& spec,
                            uint32_t required_subgroup_size = 0);
    vk::Context& context() const { return ctx_; }
    size_t size() const { return pipelines_.size(); }

private:
    vk::Context& ctx_;
    std::map<std::string, std::unique_ptr<vk::Pipeline>> pipelines_;
};

}  // namespace eqvk::kernels
