// What `eqvk run` and `eqvk match` both build from a RunConfig: the device choice, the model file's
// bytes (config path or the embedded default), the oracle's storage dtype on this device, and the
// pipeline options with the batch shape planned from the memory budget.
#pragma once
#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "eq/pipeline.h"
#include "io/config.h"
#include "kernels/gemm.h"
#include "vk/context.h"

namespace eqvk::vk {
struct Capabilities;
}

namespace eqvk::cli {

struct GlobalOptions;

/// Context options for the config's device: the global --device when given, else device.select.
vk::ContextOptions context_options(const GlobalOptions& global, const io::RunConfig& config);

struct ModelBytes {
    std::vector<std::byte> owned;  // file contents when model.path is set
    std::span<const std::byte> bytes;
    std::string name;  // the path, or "embedded:<file>"
};

/// The model file at `path`, or the embedded default when `path` is empty. Throws InputError naming
/// `what` (the option or key) when it cannot be read or when the build embeds no default.
ModelBytes load_model_bytes(const std::string& path, std::string_view what);
/// load_model_bytes(model.path, "model.path").
ModelBytes load_model_bytes(const io::RunConfig& config);

/// Throws InputError "<what>: cannot write into <dir> (<reason>)" unless files can be created in
/// `dir` (created with its parents when `create`); checked before any work (util/fs.h
/// unwritable_reason).
void require_writable_dir(const std::filesystem::path& dir, bool create, const std::string& what);

/// The same for an output file: InputError naming `what` when `file` is a directory or its
/// (existing) directory does not take new files.
void require_writable_file(const std::filesystem::path& file, const std::string& what);

/// F16 or F32 from model.precision; throws InputError when fp16 is asked for and the device has no
/// 16-bit storage.
kernels::Dtype oracle_dtype(const io::RunConfig& config, const vk::Capabilities& caps);

/// The pipeline's sampling options of config [sampling] (mode, exact_max, adaptive rule). With
/// posterior.enabled, exact_max is at most sampling.worlds: a decision is enumerated only when its
/// consistent worlds fit the one pass the posterior weights (docs/config.md).
eq::SamplingOptions sampling_options(const io::RunConfig& config);

/// The pipeline's posterior parameters of config [posterior].
eq::PosteriorParams posterior_params(const io::RunConfig& config);

/// Worlds, run seed, compat mode and move rule from the config; games per batch (≤ max_games, or
/// device.games_per_batch) and world chunk planned by eq::plan_batch from device.memory_budget_mb
/// (everything eqvk allocates on the device: pipeline buffers, `oracle`'s weights and activations;
/// default: half the device-local budget) and the device's binding limit. InputError when the
/// budget exceeds the device's memory or fits no plan.
eq::PipelineOptions pipeline_options(const io::RunConfig& config, const vk::Capabilities& caps,
                                     uint64_t max_games, const eq::Evaluator& oracle);

}  // namespace eqvk::cli
