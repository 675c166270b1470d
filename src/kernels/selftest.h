// `eqvk selftest` as a library: every registered kernel definition's checks on this device, one line
// per kernel × configuration × dtype. A user runs it to trust a driver, cross-vendor CI runs it on
// each vendor, and ctest runs the same checks (tests/test_kernel_defs.cpp).
#pragma once
#include <functional>
#include <string>
#include <vector>

namespace eqvk::vk {
class Context;
}

namespace eqvk::kernels {

struct SelftestLine {
    std::string kernel;  // stem
    std::string config;  // tile configuration, mode, or "-"
    std::string dtype;   // "fp32", "fp16", "-"
    bool ok = false;
    double max_err = 0.0;
    std::string detail;  // shapes covered, or the first failure
};

/// Runs the checks of every registered definition; `on_line` (may be empty) sees each line as soon
/// as it is known. Stems the device does not support appear with ok = true and "skipped: ...". A
/// definition without any check is a failed line.
std::vector<SelftestLine> run_selftest(vk::Context& ctx,
                                       const std::function<void(const SelftestLine&)>& on_line);

}  // namespace eqvk::kernels
