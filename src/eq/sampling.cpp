// The sampling rule and its pass counts (see sampling.h).
#include "eq/sampling.h"

#include <algorithm>
#include <climits>

namespace eqvk::eq {

gpu::SamplingRule sampling_rule(const SamplingOptions& s, uint32_t worlds) {
    gpu::SamplingRule r;
    r.mode = s.adaptive ? gpu::MODE_ADAPTIVE : gpu::MODE_FIXED;
    r.exact_max = s.exact_max;
    r.fixed_worlds = worlds;
    r.min_worlds = s.min_worlds;
    r.max_worlds = s.max_worlds;
    r.round_worlds = s.round_worlds;
    r.sem_target = s.sem_target;
    return r;
}

uint32_t sampling_passes(const gpu::SamplingRule& r, uint32_t pass_worlds) {
    auto passes = [&](uint64_t worlds) { return (worlds + pass_worlds - 1) / pass_worlds; };
    uint64_t most = r.exact_max ? passes(r.exact_max) : 0;
    if (r.mode == gpu::MODE_FIXED) {
        most = std::max(most, passes(r.fixed_worlds));
    } else {  // rounds up to max_worlds, each in passes of its own
        uint64_t total = 0;
        for (uint64_t n = 0; n < r.max_worlds;) {
            const uint64_t next = std::min<uint64_t>(n + r.round_worlds, r.max_worlds);
            total += passes(next - n);
            n = next;
        }
        most = std::max(most, total);
    }
    return static_cast<uint32_t>(std::min<uint64_t>(most, UINT32_MAX));
}

uint32_t sampling_pass_worlds(const SamplingOptions& s, uint32_t worlds) {
    const uint32_t base = s.adaptive ? std::min(s.round_worlds, s.max_worlds) : worlds;
    // An enumeration of up to exact_max worlds in at most EXACT_PASSES passes.
    return std::max(base, (s.exact_max + EXACT_PASSES - 1) / EXACT_PASSES);
}

}  // namespace eqvk::eq
