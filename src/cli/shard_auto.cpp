// --shard auto from Slurm job arrays and Kubernetes Indexed Jobs (see shard_auto.h).
#include "cli/shard_auto.h"

#include <fmt/format.h>

#include <charconv>
#include <optional>
#include <string>

#include "util/error.h"

namespace eqvk::cli {
namespace {

// Whole-string unsigned decimal below 2^32; nullopt for anything else ("", "-1", "3x", "1e3").
std::optional<uint32_t> parse_u32(std::string_view s) {
    uint32_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return v;
}

// The variable as a number; InputError naming it when unset or malformed.
uint32_t env_u32(const EnvLookup& env, const char* name, std::string_view spec) {
    const char* v = env(name);
    if (!v)
        throw InputError(
            fmt::format("--shard {}: {} is not set (is this a job array task?)", spec, name));
    auto n = parse_u32(v);
    if (!n) throw InputError(fmt::format("--shard {}: {}={} is not a number", spec, name, v));
    return *n;
}

std::pair<uint32_t, uint32_t> from_slurm(std::string_view spec, std::optional<uint32_t> given,
                                         const EnvLookup& env) {
    const uint32_t id = env_u32(env, "SLURM_ARRAY_TASK_ID", spec);
    const uint32_t min = env_u32(env, "SLURM_ARRAY_TASK_MIN", spec);
    const uint32_t count = env_u32(env, "SLURM_ARRAY_TASK_COUNT", spec);
    if (const char* step = env("SLURM_ARRAY_TASK_STEP"); step && std::string_view(step) != "1")
        throw InputError(fmt::format(
            "--shard {}: SLURM_ARRAY_TASK_STEP={}: the array must be contiguous (--array=0-{})",
            spec, step, count ? count - 1 : 0));
    if (env("SLURM_ARRAY_TASK_MAX")) {
        const uint32_t max = env_u32(env, "SLURM_ARRAY_TASK_MAX", spec);
        if (max < min || max - min + 1 != count)
            throw InputError(fmt::format(
                "--shard {}: SLURM_ARRAY_TASK_MIN={} .. MAX={} holds {} ids but "
                "SLURM_ARRAY_TASK_COUNT={}: the array must be contiguous (--array={}-{})",
                spec, min, max, max >= min ? max - min + 1 : 0, count, min, min + count - 1));
    }
    if (id < min || id - min >= count)
        throw InputError(fmt::format(
            "--shard {}: SLURM_ARRAY_TASK_ID={} is outside MIN={} .. MIN + COUNT={} - 1", spec, id,
            min, count));
    if (given && *given != count)
        throw InputError(
            fmt::format("--shard {}: the Slurm array has SLURM_ARRAY_TASK_COUNT={} "
                        "tasks, not {}",
                        spec, count, *given));
    return {id - min, count};
}

}  // namespace

bool is_shard_auto(std::string_view spec) {
    return spec == "auto" || spec.rfind("auto/", 0) == 0;
}

std::pair<uint32_t, uint32_t> resolve_shard_auto(std::string_view spec, const EnvLookup& env) {
    std::optional<uint32_t> given;
    if (spec != "auto") {
        given = spec.rfind("auto/", 0) == 0 ? parse_u32(spec.substr(5)) : std::nullopt;
        if (!given || *given == 0)
            throw InputError(
                fmt::format("--shard {}: expected auto or auto/N with N >= 1 tasks", spec));
    }
    const bool slurm = env("SLURM_ARRAY_TASK_ID") != nullptr;
    const bool k8s = env("JOB_COMPLETION_INDEX") != nullptr;
    if (slurm && k8s)
        throw InputError(fmt::format(
            "--shard {}: both SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX are set; give "
            "--shard i/n",
            spec));
    if (slurm) return from_slurm(spec, given, env);
    if (!k8s)
        throw InputError(fmt::format(
            "--shard {}: neither SLURM_ARRAY_TASK_ID (Slurm job array) nor JOB_COMPLETION_INDEX "
            "(Kubernetes Indexed Job) is set; give --shard i/n",
            spec));
    if (!given)
        throw InputError(
            fmt::format("--shard {}: JOB_COMPLETION_INDEX is set but the pod cannot see the job's "
                        "completions; give --shard auto/N with N = spec.completions",
                        spec));
    const uint32_t i = env_u32(env, "JOB_COMPLETION_INDEX", spec);
    if (i >= *given)
        throw InputError(
            fmt::format("--shard {}: JOB_COMPLETION_INDEX={} is not below {}", spec, i, *given));
    return {i, *given};
}

}  // namespace eqvk::cli
