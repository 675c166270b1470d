// Selftest: the checks of every registered kernel definition (kernels/definition.h), in registry
// order, each failure reported with its shape and first bad element.
#include "kernels/selftest.h"

#include <fmt/format.h>

#include "kernels/definition.h"
#include "kernels/registry.h"
#include "vk/context.h"

namespace eqvk::kernels {

std::vector<SelftestLine> run_selftest(vk::Context& ctx,
                                       const std::function<void(const SelftestLine&)>& on_line) {
    std::vector<SelftestLine> lines;
    auto emit = [&](SelftestLine l) {
        if (on_line) on_line(l);
        lines.push_back(std::move(l));
    };
    KernelCache cache(ctx);
    for (const KernelDef* def : kernel_defs()) {
        for (const auto& st : def->stems)
            if (!def->supported(st.stem, ctx.caps()))
                emit({std::string(st.stem), "-", "-", true, 0.0,
                      "skipped: not supported on this device"});
        auto cases = def->checks ? def->checks(ctx.caps()) : std::vector<CheckCase>{};
        if (cases.empty() && def->checks == nullptr)
            emit({std::string(def->name), "-", "-", false, 0.0,
                  "no check registered for this kernel"});
        for (const CheckCase& c : cases) {
            SelftestLine line{c.stem, c.config, c.dtype, true, 0.0, ""};
            CheckResult r = c.run(ctx, cache, line.detail);
            line.ok = r.ok;
            line.max_err = r.max_err;
            emit(std::move(line));
        }
    }
    return lines;
}

}  // namespace eqvk::kernels
