// `eqvk selftest` as a library: every registered kernel the device supports, in each configuration
// and storage type, against its CPU reference. One line per kernel × configuration × dtype; a user
// runs it to trust a driver, cross-vendor CI runs it on each vendor. Grows with every kernel added
// to the registry.
#pragma once
#include <functional>
#include <string>
#include <vector>

namespace eqvk::vk {
class Context;
}

namespace eqvk::kernels {

struct SelftestLine {
    std::string kernel;  // registry stem
    std::string config;  // tile configuration, or "-"
    std::string dtype;   // "fp32", "fp16", "-"
    bool ok = false;
    double max_err = 0.0;
    std::string detail;  // shapes covered, or the first failure
};

/// Runs every check; `on_line` (may be empty) sees each line as soon as it is known. Skipped
/// kernels (not supported on this device) appear with ok = true and detail "skipped: ...".
std::vector<SelftestLine> run_selftest(vk::Context& ctx,
                                       const std::function<void(const SelftestLine&)>& on_line);

}  // namespace eqvk::kernels
