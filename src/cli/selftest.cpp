// `eqvk selftest [--device N]`: runs every kernel eqvk has against its CPU reference on the chosen
// device and prints one PASS/FAIL line per kernel × configuration × dtype with its max error;
// exit 1 on any failure.
#include "kernels/selftest.h"

#include <fmt/format.h>

#include "cli/commands.h"
#include "eq/selftest.h"
#include "model/forward.h"
#include "vk/context.h"

namespace eqvk::cli {
namespace {

int run_selftest(const GlobalOptions& global) {
    vk::ContextOptions opt;
    opt.device = global.device;
    vk::Context ctx(opt);
    fmt::print("eqvk selftest on device {}: {} ({})\n", ctx.device_index(), ctx.caps().name,
               ctx.caps().driver_info);
    int failed = 0, passed = 0;
    auto print = [&](const kernels::SelftestLine& l) {
        bool skipped = l.detail.rfind("skipped", 0) == 0;
        const char* verdict = !l.ok ? "FAIL" : skipped ? "SKIP" : "PASS";
        fmt::print("{} {:<16} {:<12} {:<5} max err {:<10.3g} {}\n", verdict, l.kernel, l.config,
                   l.dtype, l.max_err, l.detail);
        std::fflush(stdout);
        (l.ok ? passed : failed) += skipped ? 0 : 1;
    };
    kernels::run_selftest(ctx, print);
    eq::run_selftest(ctx, print);
    for (auto dt : {kernels::Dtype::F32, kernels::Dtype::F16})
        print(model::forward_selftest(ctx, dt));
    fmt::print("{} passed, {} failed\n", passed, failed);
    return failed ? 1 : 0;
}

}  // namespace

void add_selftest_command(CLI::App& app, const GlobalOptions& global, Action& action) {
    auto* sub = app.add_subcommand("selftest",
                                   "Check every kernel against its CPU reference on this device");
    sub->callback([&global, &action] { action = [&global] { return run_selftest(global); }; });
}

}  // namespace eqvk::cli
