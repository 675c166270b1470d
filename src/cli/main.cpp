// eqvk's entry point: parses the command line (CLI11), runs the chosen command and maps every error
// to a one-line message on stderr and an exit code: 0 ok, 1 other, 2 bad input, 3 Vulkan or no
// usable device, 4 out of device memory, 5 device lost, 6 non-finite results (an overflowing
// model), 130 interrupted (SIGINT/SIGTERM). Nothing else in eqvk calls exit() (`eqvk run`'s
// second-Ctrl-C handler calls _exit(130)).
#include <fmt/format.h>

#include <cstdio>
#include <exception>
#include <new>

#include "cli/commands.h"
#include "eqvk_build_config.h"
#include "util/error.h"
#include "vk/check.h"

namespace {

int report(const char* kind, const char* what, int code) {
    std::fprintf(stderr, "eqvk: %s%s\n", kind, what);
    return code;
}

int exit_code_for(const eqvk::vk::VulkanError& e) {
    switch (e.result()) {
        case VK_ERROR_OUT_OF_DEVICE_MEMORY:
        case VK_ERROR_OUT_OF_HOST_MEMORY:
            return 4;
        case VK_ERROR_DEVICE_LOST:
            return 5;
        default:
            return 3;
    }
}

}  // namespace

int main(int argc, char** argv) {
    using namespace eqvk;
    CLI::App app{"eqvk " EQVK_VERSION_STRING
                 " — E[Q] training data for Texas 42 on any Vulkan GPU.\n"
                 "Exit codes: 0 ok, 1 other error, 2 bad input, 3 Vulkan/no usable device, 4 out "
                 "of device memory, "
                 "5 device lost, 6 non-finite results (the model overflows), 130 interrupted "
                 "(Ctrl-C/SIGTERM)."};
    app.set_version_flag("--version", std::string(EQVK_VERSION_STRING));
    cli::GlobalOptions global;
    // Global options may also follow the subcommand (`eqvk run config.toml --device 0`); set
    // before the subcommands are added, which inherit it.
    app.fallthrough();
    app.add_option(
        "--device", global.device,
        "GPU to use: an index from `eqvk devices`, or a case-insensitive name substring (default: "
        "the best usable device)");
    cli::Action action;
    cli::add_run_command(app, global, action);
    cli::add_match_command(app, global, action);
    cli::add_devices_command(app, global, action);
    cli::add_solve_command(app, global, action);
    cli::add_eval_oracle_command(app, global, action);
    cli::add_selftest_command(app, global, action);
    cli::add_forward_command(app, global, action);
    cli::add_dataset_command(app, global, action);
    auto* bench = app.add_subcommand("bench", "Shader-level and end-to-end benchmarks");
    bench->require_subcommand(1);
    cli::add_bench_gemm_command(*bench, global, action);
    cli::add_bench_solver_command(*bench, global, action);
    cli::add_bench_eq_command(*bench, global, action);
    cli::add_bench_oracle_command(*bench, global, action);
    // With no command, eqvk opens the chosen device and says which it is (a quick driver check).
    app.callback([&] {
        if (!action && app.get_subcommands().empty())
            action = [&] { return cli::run_default(global); };
    });

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {  // one line, like every other error
        return report("", e.what(), 2);
    } catch (const InputError& e) {  // a parse-time check of ours
        return report("", e.what(), 2);
    }
    try {
        return action ? action() : 0;
    } catch (const InputError& e) {
        return report("", e.what(), 2);
    } catch (const NonFiniteError& e) {
        return report("", e.what(), 6);
    } catch (const Interrupted&) {
        return 130;
    } catch (const vk::NoDeviceError& e) {
        return report("", e.what(), 3);
    } catch (const vk::VulkanError& e) {
        return report("", e.what(), exit_code_for(e));
    } catch (const std::bad_alloc&) {
        return report("", "out of host memory", 1);
    } catch (const std::exception& e) {
        return report("error: ", e.what(), 1);
    }
}
