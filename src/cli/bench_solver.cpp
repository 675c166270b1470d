// `eqvk bench solver`: full-deal exhaustive solves over fixed seeds (solver/bench.h), a table or
// JSON on stdout and the deterministic `Signature : N` line on stderr (STYLE.md §7).
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/numbers.h"
#include "solver/bench.h"

namespace eqvk::cli {

void add_bench_solver_command(CLI::App& bench, const GlobalOptions& global, Action& action) {
    struct Args {
        int seeds = 10;
        bool json = false;
    };
    auto args = std::make_shared<Args>();
    CLI::App* cmd = bench.add_subcommand(
        "solver", "Exhaustive solver: seconds, states/s, memory per full deal");
    cmd->add_option("--seeds", args->seeds, "Deals: seeds 0..N-1 with decl = seed % 10")
        ->check(uint_in(1, 1000));
    cmd->add_flag("--json", args->json, "Print the report as JSON");
    cmd->callback([args, &global, &action] {
        action = [args, &global] {
            require_no_device(global, "bench solver");
            auto report = solver::bench_solver(args->seeds, {}, [&](const solver::BenchDeal& d) {
                if (!args->json)
                    fmt::print(stderr, "seed {} decl {}: {} states in {:.2f} s\n", d.seed, d.decl,
                               d.states, d.seconds);
            });
            fmt::print("{}\n", args->json ? solver::format_bench_json(report)
                                          : solver::format_bench_table(report));
            fmt::print(stderr, "Signature : {}\n", report.signature);
            return 0;
        };
    });
}

}  // namespace eqvk::cli
