// `eqvk run --shard auto[/N]`: the part i of n a job-array task writes, from the scheduler's
// environment (docs/scale-out.md).
#pragma once
#include <cstdint>
#include <functional>
#include <string_view>
#include <utility>

namespace eqvk::cli {

/// Environment lookup: the variable's value, or nullptr when unset (std::getenv in eqvk).
using EnvLookup = std::function<const char*(const char*)>;

/// True for "auto" and "auto/<N>".
bool is_shard_auto(std::string_view spec);

/// Part {i, n} for `--shard auto` or `--shard auto/N`:
///  - Slurm job array (SLURM_ARRAY_TASK_ID set): i = ID − SLURM_ARRAY_TASK_MIN,
///    n = SLURM_ARRAY_TASK_COUNT; the array must be contiguous (MAX − MIN + 1 = COUNT, step 1), and
///    with auto/N, N must equal COUNT.
///  - Kubernetes Indexed Job (JOB_COMPLETION_INDEX set): i = the index, n = N from auto/N (the
///    job's completions; the pod does not see it).
/// Throws InputError naming the variables when none is set, both are, one is missing, malformed or
/// inconsistent, or i ≥ n.
std::pair<uint32_t, uint32_t> resolve_shard_auto(std::string_view spec, const EnvLookup& env);

}  // namespace eqvk::cli
