// The kernel registry (definitions added by the generated per-executable list), the docs table
// rendered from it, and the pipeline cache keyed by specialization constants.
#include "kernels/registry.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "kernels/definition.h"
#include "vk/context.h"

namespace eqvk::kernels {
namespace {

std::vector<KernelDefFn>& registered() {
    static std::vector<KernelDefFn> fns;
    return fns;
}

const char* access_name(vk::Access a) {
    return a == vk::Access::Read ? "readonly" : a == vk::Access::Write ? "writeonly" : "read-write";
}

}  // namespace

const StemDef& KernelDef::stem(std::string_view s) const {
    for (const auto& st : stems)
        if (st.stem == s) return st;
    throw std::out_of_range(fmt::format("kernel '{}' has no stem '{}'", name, s));
}

bool KernelDef::supported(std::string_view s, const vk::Capabilities& caps) const {
    const StemDef& st = stem(s);
    return !st.supported || st.supported(caps);
}

bool register_kernel_defs(std::initializer_list<KernelDefFn> defs) {
    for (KernelDefFn f : defs)
        if (std::find(registered().begin(), registered().end(), f) == registered().end())
            registered().push_back(f);
    return true;
}

std::vector<const KernelDef*> kernel_defs() {
    std::vector<const KernelDef*> out;
    for (KernelDefFn f : registered()) out.push_back(&f());
    return out;
}

const KernelDef& kernel_def_of(std::string_view stem) {
    for (const KernelDef* d : kernel_defs())
        for (const auto& s : d->stems)
            if (s.stem == stem) return *d;
    throw std::out_of_range(fmt::format("no kernel named '{}' in the registry", stem));
}

std::string kernel_table_markdown() {
    std::string s =
        "| kernel | stems | bindings (set 0, in order) | push block | what |\n"
        "| --- | --- | --- | --- | --- |\n";
    for (const KernelDef* d : kernel_defs()) {
        std::string stems, binds;
        for (const auto& st : d->stems)
            stems += fmt::format("{}`{}`", stems.empty() ? "" : ", ", st.stem);
        for (size_t i = 0; i < d->bindings.size(); ++i) {
            const BindingDef& b = d->bindings[i];
            binds += fmt::format("{}{} `{}` {} {}{}", i ? "; " : "", i, b.name, b.type,
                                 access_name(b.access), b.uniform ? " (uniform buffer)" : "");
        }
        s += fmt::format("| {} | {} | {} | `{}` ({} B) | {} |\n", d->name, stems, binds,
                         d->push_type, d->push_bytes, d->what);
    }
    return s;
}

std::vector<std::pair<Dtype, std::string>> dtype_stems(const KernelDef& def,
                                                       const vk::Capabilities& caps) {
    std::vector<std::pair<Dtype, std::string>> out;
    for (Dtype dt : {Dtype::F32, Dtype::F16}) {
        std::string stem = std::string(def.name) + (dt == Dtype::F16 ? "_f16" : "");
        if (def.supported(stem, caps)) out.emplace_back(dt, stem);
    }
    return out;
}

const vk::Pipeline& KernelCache::get(const KernelDef& def, std::string_view stem,
                                     const std::vector<vk::SpecConstant>& spec,
                                     uint32_t required_subgroup_size) {
    std::string key(stem);
    for (const auto& s : spec) key += fmt::format(":{}={}", s.id, s.value);
    if (required_subgroup_size) key += fmt::format(":sg={}", required_subgroup_size);
    auto it = pipelines_.find(key);
    if (it != pipelines_.end()) return *it->second;
    if (!def.supported(stem, ctx_.caps()))
        throw std::invalid_argument(
            fmt::format("{}: not supported on this device ({})", stem, ctx_.caps().name));
    vk::PipelineDesc desc;
    desc.name = key;
    desc.spirv = def.spirv(stem);
    desc.bindings = static_cast<uint32_t>(def.bindings.size());
    for (size_t i = 0; i < def.bindings.size() && i < 32; ++i)
        if (def.bindings[i].uniform) desc.uniform_bindings |= 1u << i;
    desc.push_constant_bytes = def.push_bytes;
    desc.spec = spec;
    desc.required_subgroup_size = required_subgroup_size;
    auto [pos, inserted] = pipelines_.emplace(key, std::make_unique<vk::Pipeline>(ctx_, desc));
    return *pos->second;
}

}  // namespace eqvk::kernels
