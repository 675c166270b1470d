// The subcommands of `eqvk`. Each command file adds its CLI11 subcommand and, when the user picks
// it, stores the work to run in `action`; main() runs it and maps exceptions to exit codes
// (0 ok, 1 other, 2 bad input, 3 Vulkan/no device, 4 out of device memory, 5 device lost, 130
// interrupted).
#pragma once
#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <string_view>
#include <utility>

namespace eqvk::cli {

/// Options every command sees. `device` is "" (automatic), an index or a name substring.
struct GlobalOptions {
    std::string device;
};

/// The chosen command's work; returns the process exit code. Throwing is fine: main() maps errors.
using Action = std::function<int()>;

/// For the CPU-only commands: InputError when --device was given (it would be silently ignored).
void require_no_device(const GlobalOptions& global, std::string_view command);

/// `eqvk` with no command: opens the chosen device and prints one line about it.
int run_default(const GlobalOptions& global);

void add_run_command(CLI::App& app, const GlobalOptions& global, Action& action);
void add_match_command(CLI::App& app, const GlobalOptions& global, Action& action);
void add_devices_command(CLI::App& app, const GlobalOptions& global, Action& action);
void add_solve_command(CLI::App& app, const GlobalOptions& global, Action& action);
/// `eqvk eval-oracle`: a model's Q against exact solver Q on sampled states (Forge's metrics).
void add_eval_oracle_command(CLI::App& app, const GlobalOptions& global, Action& action);
/// `bench` is the `eqvk bench` subcommand; each benchmark adds its own sub-subcommand to it.
void add_bench_eq_command(CLI::App& bench, const GlobalOptions& global, Action& action);
void add_bench_solver_command(CLI::App& bench, const GlobalOptions& global, Action& action);
/// `eqvk selftest`: every kernel against its CPU reference on the chosen device; exit 1 on any
/// failure.
void add_selftest_command(CLI::App& app, const GlobalOptions& global, Action& action);
/// `eqvk bench gemm`: GEMM GFLOP/s per configuration and for the automatic choice, with device
/// ceilings.
void add_bench_gemm_command(CLI::App& bench, const GlobalOptions& global, Action& action);

/// `eqvk dataset verify DIR`: an output directory against its manifest (docs/dataset.md).
void add_dataset_command(CLI::App& app, const GlobalOptions& global, Action& action);

/// `eqvk forward`: the GPU oracle forward on inputs from a safetensors file, outputs to another.
void add_forward_command(CLI::App& app, const GlobalOptions& global, Action& action);
/// `eqvk bench oracle`: worlds/s, GFLOP/s, % of the FMA ceiling and the GPU-time split per kernel.
void add_bench_oracle_command(CLI::App& bench, const GlobalOptions& global, Action& action);

}  // namespace eqvk::cli
