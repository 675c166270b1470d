// `eqvk dataset verify DIR`: re-checks an output directory against its manifest (eq/manifest.h):
// every planned shard present, recorded, with the recorded size and checksum and the expected
// games. Exit 0 only when the dataset is complete and intact, 1 when shards are missing or
// damaged, 2 when DIR has no readable manifest.
#include <fmt/format.h>

#include <memory>
#include <string>

#include "cli/commands.h"
#include "eq/manifest.h"

namespace eqvk::cli {
namespace {

int verify_main(const std::string& dir) {
    const eq::VerifyReport r = eq::verify_dataset(dir);
    for (const auto& p : r.problems) fmt::print("{}\n", p);
    for (const auto& n : r.notes) fmt::print("note: {}\n", n);
    fmt::print("{}: {} of {} shards intact ({} games){}\n", dir, r.intact, r.planned, r.games,
               r.ok() ? ", complete" : "");
    return r.ok() ? 0 : 1;
}

}  // namespace

void add_dataset_command(CLI::App& app, const GlobalOptions&, Action& action) {
    auto* dataset = app.add_subcommand("dataset", "Checks on eqvk output directories");
    dataset->require_subcommand(1);
    auto* verify = dataset->add_subcommand(
        "verify",
        "Re-check every shard of an output directory against its manifest; exit 0 only when "
        "complete and intact, 1 when shards are missing or damaged (docs/dataset.md)");
    auto dir = std::make_shared<std::string>();
    verify->add_option("dir", *dir, "Output directory (output.dir of the run)")->required();
    verify->callback([&action, dir] { action = [dir] { return verify_main(*dir); }; });
}

}  // namespace eqvk::cli
