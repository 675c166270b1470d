// Shared set-up of `eqvk run` and `eqvk match` (see run_setup.h).
#include "cli/run_setup.h"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

#include "cli/commands.h"
#include "util/error.h"
#include "util/fs.h"
#include "vk/capabilities.h"
#if EQVK_HAS_DEFAULT_MODEL
#include "eqvk_default_model.h"
#endif

namespace eqvk::cli {

vk::ContextOptions context_options(const GlobalOptions& global, const io::RunConfig& config) {
    vk::ContextOptions opt;
    opt.device = global.device.empty() ? config.device.select : global.device;
    if (global.device.empty()) opt.device_source = "device.select";
    return opt;
}

ModelBytes load_model_bytes(const std::string& path, std::string_view what) {
    ModelBytes m;
    if (!path.empty()) {
        auto data = read_file(path);
        if (!data)
            throw InputError(
                fmt::format("{}: cannot read {} ({})", what, path, unreadable_reason(path)));
        m.owned = std::move(*data);
        m.bytes = m.owned;
        m.name = path;
        return m;
    }
#if EQVK_HAS_DEFAULT_MODEL
    m.bytes = eqvk_default_model_bytes();
    m.name = std::string("embedded:") + EQVK_DEFAULT_MODEL_NAME;
    return m;
#else
    throw InputError(
        fmt::format("no {} given and this build embeds no default model; give one", what));
#endif
}

ModelBytes load_model_bytes(const io::RunConfig& config) {
    return load_model_bytes(config.model.path, "model.path");
}

void require_writable_dir(const std::filesystem::path& dir, bool create, const std::string& what) {
    const std::filesystem::path d = dir.empty() ? "." : dir;
    const std::string why = unwritable_reason(d, create);
    if (!why.empty())
        throw InputError(fmt::format("{}: cannot write into {} ({})", what, d.string(), why));
}

void require_writable_file(const std::filesystem::path& file, const std::string& what) {
    if (std::filesystem::is_directory(file))
        throw InputError(
            fmt::format("{} {}: is a directory; give a file name", what, file.string()));
    require_writable_dir(file.parent_path(), false, what);
}

kernels::Dtype oracle_dtype(const io::RunConfig& config, const vk::Capabilities& caps) {
    if (config.model.precision == io::Precision::Fp32) return kernels::Dtype::F32;
    if (!caps.storage_buffer_16bit)
        throw InputError(fmt::format(
            "model.precision = \"fp16\" but {} has no 16-bit storage; use \"fp32\"", caps.name));
    return kernels::Dtype::F16;
}

eq::SamplingOptions sampling_options(const io::RunConfig& config) {
    eq::SamplingOptions s;
    s.adaptive = config.sampling.mode == io::SamplingMode::Adaptive;
    s.exact_max = config.posterior.enabled
                      ? std::min(config.sampling.exact_max, config.sampling.worlds)
                      : config.sampling.exact_max;
    s.min_worlds = config.sampling.min_worlds;
    s.max_worlds = config.sampling.max_worlds;
    s.round_worlds = config.sampling.round_worlds;
    s.sem_target = static_cast<float>(config.sampling.sem_target);
    return s;
}

eq::PosteriorParams posterior_params(const io::RunConfig& config) {
    eq::PosteriorParams p;
    p.enabled = config.posterior.enabled;
    p.window = config.posterior.window;
    p.tau = static_cast<float>(config.posterior.tau);
    p.beta = static_cast<float>(config.posterior.uniform_mix);
    p.score = static_cast<eq::PosteriorScore>(config.posterior.score);
    return p;
}

eq::PipelineOptions pipeline_options(const io::RunConfig& config, const vk::Capabilities& caps,
                                     uint64_t max_games, const eq::Evaluator& oracle) {
    eq::PipelineOptions po;
    po.worlds = config.sampling.worlds;
    po.run_seed = config.sampling.seed;
    po.sampling = sampling_options(config);
    po.forge_compat = config.output.compat == io::CompatMode::Forge;
    po.rule = config.policy.action == io::PolicyAction::PMake ? eq::gpu::MoveRule::PMake
                                                              : eq::gpu::MoveRule::EQ;
    po.explore = eq::explore_params(static_cast<eq::ExploreMode>(config.policy.exploration),
                                    config.policy.epsilon, config.policy.temperature,
                                    config.policy.blunder_rate, config.policy.blunder_max_regret);
    po.posterior = posterior_params(config);
    const uint64_t budget = config.device.memory_budget_mb ? config.device.memory_budget_mb << 20
                                                           : caps.device_local_budget() / 2;
    if (budget > caps.device_local_bytes())
        throw InputError(fmt::format(
            "device.memory_budget_mb = {} is more than {} has ({} MiB of device-local memory)",
            config.device.memory_budget_mb, caps.name, caps.device_local_bytes() >> 20));
    std::tie(po.games_per_batch, po.world_chunk) = eq::plan_batch(
        max_games, config.device.games_per_batch, eq::sampling_pass_worlds(po.sampling, po.worlds),
        budget, caps.max_storage_buffer_range, oracle,
        po.posterior.enabled ? po.posterior.window : 0);
    const uint32_t passes =
        eq::sampling_passes(eq::sampling_rule(po.sampling, po.worlds), po.world_chunk);
    if (passes > eq::MAX_WORLD_PASSES)
        throw InputError(fmt::format(
            "sampling: {} passes of {} worlds per game per decision (at most {}): lower "
            "sampling.exact_max or sampling.max_worlds, or raise device.memory_budget_mb",
            passes, po.world_chunk, eq::MAX_WORLD_PASSES));
    // A GPU runs a decision step in milliseconds: all 28 in one submit (one host wait per batch). A
    // CPU device (lavapipe) takes up to minutes per step at large M: one step per submit, so the
    // stop flag (Ctrl-C) is read between steps; the submit overhead is nothing beside the step.
    po.steps_per_submit = caps.type == VK_PHYSICAL_DEVICE_TYPE_CPU ? 1u : 28u;
    return po;
}

}  // namespace eqvk::cli
