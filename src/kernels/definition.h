// One definition per kernel family (STYLE.md §5): its shader stems, binding table, push block, what
// it needs from the device and the GPU-vs-CPU-reference checks that prove it. The registry,
// `eqvk selftest`, the registry-driven ctest case, the SPIR-V reflection test and the kernel table
// of docs/kernels.md all iterate over these definitions; nothing else lists kernels.
//
// A definition lives beside its wrapper, written once at global scope:
//   EQVK_KERNEL_DEF(layer_norm) { static const KernelDef def{...}; return def; }
// CMake finds every EQVK_KERNEL_DEF(...) line in a module's sources and links a generated list of
// them into each executable (cmake/KernelRegistry.cmake), so adding one needs no other edit.
#pragma once
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kernels/check.h"
#include "kernels/types.h"
#include "vk/barrier_plan.h"

namespace eqvk::vk {
class Context;
struct Capabilities;
}  // namespace eqvk::vk

namespace eqvk::kernels {

class KernelCache;

/// One binding of the shader's descriptor set 0, in binding order.
struct BindingDef {
    std::string_view name;
    vk::Access access;  // the widest use: readonly → Read, writeonly → Write, else ReadWrite
    std::string_view type;  // element type and shape, e.g. "dtype [rows][C]", "u32 [1]"
    bool uniform = false;   // a uniform buffer (else a storage buffer)
};

/// One compiled shader of a family (e.g. "layer_norm" and "layer_norm_f16").
struct StemDef {
    std::string_view stem;  // shaders/<stem>.comp (or shaders/<module>/<stem>.comp)
    /// Whether the device can run it (nullptr: every device eqvk accepts).
    bool (*supported)(const vk::Capabilities&) = nullptr;
};

/// One `eqvk selftest` line: a configuration of one stem and the shapes it is checked on.
struct CheckCase {
    std::string stem;
    std::string config = "-";  // tile configuration, mode or "-"
    std::string dtype = "-";   // "fp32", "fp16" or "-"
    /// Runs every shape of the case; returns the worst result and a detail ("5 shapes" or where it
    /// failed).
    std::function<CheckResult(vk::Context&, KernelCache&, std::string& detail)> run;
};

struct KernelDef {
    std::string_view name;  // family name, prefix of its stems
    std::string_view what;  // one line for the docs table and `eqvk selftest --list`
    std::vector<StemDef> stems;
    std::vector<BindingDef> bindings;
    uint32_t push_bytes = 0;
    std::string_view push_type;  // the C++ struct mirroring the push block
    /// SPIR-V of a stem (the module's embedded shader table).
    std::span<const uint32_t> (*spirv)(std::string_view stem) = nullptr;
    /// The checks for a device with these capabilities (only its supported stems). Every
    /// definition has at least one: the registry test fails on a kernel without a check.
    std::vector<CheckCase> (*checks)(const vk::Capabilities&) = nullptr;

    const StemDef& stem(std::string_view s) const;  // throws std::out_of_range
    bool supported(std::string_view s, const vk::Capabilities& caps) const;
};

using KernelDefFn = const KernelDef& (*)();

/// Adds definitions to the registry (called by the generated list, cmake/KernelRegistry.cmake).
bool register_kernel_defs(std::initializer_list<KernelDefFn> defs);
/// Every registered definition, in registration order (module by module, then source order).
std::vector<const KernelDef*> kernel_defs();
/// The definition holding `stem`; throws std::out_of_range naming it.
const KernelDef& kernel_def_of(std::string_view stem);

/// The markdown table of every registered kernel (docs/kernels.md keeps a copy; a test compares).
std::string kernel_table_markdown();

/// The (dtype, stem) pairs of a family with an fp32 stem "<name>" and an fp16 stem "<name>_f16"
/// that the device supports.
std::vector<std::pair<Dtype, std::string>> dtype_stems(const KernelDef& def,
                                                       const vk::Capabilities& caps);

/// A CheckCase that runs `check(ctx, cache, shape, seed)` on every shape (seeds 1, 2, ...) and
/// keeps the worst result; the detail is "N shapes" or "<label(shape)>: <first failure>".
template <class Shape, class Check, class Label>
CheckCase check_over(std::string stem, std::string config, std::string dtype,
                     std::vector<Shape> shapes, Check check, Label label) {
    return {std::move(stem), std::move(config), std::move(dtype),
            [shapes = std::move(shapes), check, label](vk::Context& ctx, KernelCache& cache,
                                                       std::string& detail) {
                CheckResult all;
                detail.clear();
                uint64_t seed = 1;
                for (const Shape& s : shapes) {
                    CheckResult r = check(ctx, cache, s, seed++);
                    if (!r.ok && all.ok) detail = std::string(label(s)) + ": " + r.summary();
                    all.merge(r);
                }
                if (all.ok) detail = std::to_string(shapes.size()) + " shapes";
                return all;
            }};
}

}  // namespace eqvk::kernels

/// Declares (and, followed by a body, defines) the definition function of kernel family `name`.
#define EQVK_KERNEL_DEF(name) const ::eqvk::kernels::KernelDef& eqvk_kernel_def_##name()
