// The E[Q] decision step on the GPU (ARCHITECTURE "one decision step"), recorded once per batch
// capacity and replayed: voids → world-count DP → legal slots → P(make) thresholds → exact uniform
// worlds (counter RNG) → tokens → oracle → [posterior: past positions → tokens → oracle → weights]
// → E[Q]/Var/PDF → move choice → exploration → decision record → apply move. The steps need no host data between them: `steps_per_submit` of them (all 28 by default)
// are recorded into one command buffer, so a batch costs one submit, one host wait and no read-back
// until its games are over.
#pragma once
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "eq/dataset.h"
#include "eq/evaluator.h"
#include "eq/explore.h"
#include "eq/gpu/choose_move.h"
#include "eq/posterior.h"
#include "eq/sampling.h"
#include "vk/buffer.h"
#include "vk/program.h"

namespace eqvk::kernels {
class KernelCache;
}

namespace eqvk::eq {

namespace gpu {
struct PastRowBuffers;
}

struct PipelineOptions {
    uint32_t games_per_batch = 16;  // N: games advanced together (the recorded capacity)
    uint32_t worlds = 32;           // M: worlds per decision (fixed mode)
    SamplingOptions sampling;       // fixed or adaptive, exact enumeration
    uint32_t world_chunk = 0;       // P: worlds per game sampled, tokenised and evaluated per pass
        // (0 = sampling_pass_worlds); results are bit-identical for every P
    uint64_t run_seed = 0;      // counter-RNG key
    bool forge_compat = false;  // Forge's production tokens (§5.5) and fixed P(make) bins
    gpu::MoveRule rule = gpu::MoveRule::PMake;
    ExploreParams explore;  // exploration after the greedy choice (eq/explore.h); none by default
    // Posterior-weighted worlds (eq/posterior.h): needs fixed sampling taken in one pass per
    // decision (no chunking, sampling.exact_max ≤ worlds), else the constructor throws.
    PosteriorParams posterior;
    bool timestamps = true;  // per-kernel GPU time in stats()
    // Decision steps per submit: a divisor of 28 (1, 2, 4, 7, 14, 28). Fewer means more host
    // waits per batch and earlier chances to stop between them; results are identical.
    uint32_t steps_per_submit = 28;
    int baseline_team = -1;  // `eqvk match`: seats of this team (0 or 1) play `baseline` instead
    uint32_t baseline = 0;   // eq::Baseline: 0 random, 1 heuristic
    // Read before every submit (every steps_per_submit decision steps): once set, play() throws
    // Interrupted, so Ctrl-C waits for at most one submit. nullptr = never stopped.
    const std::atomic<bool>* stop = nullptr;
};

/// Running totals for the run summary.
struct PipelineStats {
    uint64_t games = 0, decisions = 0, worlds = 0, submits = 0;
    double host_wait_s = 0.0;              // time blocked waiting for the GPU
    std::map<std::string, double> gpu_ms;  // per kernel label, summed over submits
};

/// GPU memory one batch of N games needs besides the oracle's own (bytes), with `chunk` of the M
/// worlds per game in flight at once and, with the posterior, `window` past positions per world
/// (0 = posterior off).
uint64_t pipeline_bytes(uint32_t games, uint32_t chunk, uint32_t window = 0);

/// Most chunks a pass's M (or round_worlds) worlds are cut into when memory is short: each chunk is
/// another sample, tokenise, oracle and reduce in the command buffer, so a budget that needs more
/// is refused.
inline constexpr uint32_t MAX_WORLD_CHUNKS = 64;

/// Most passes one decision step is recorded with (sampling_passes); more is refused.
inline constexpr uint32_t MAX_WORLD_PASSES = 1024;

/// All the device memory a Pipeline of N = `games` with `chunk` worlds per game in flight needs:
/// its own buffers (pipeline_bytes), the oracle's weights and its one recording of N·chunk rows
/// (every pass has the same capacity), plus with the posterior (`window` > 0) its second recording
/// of N·chunk·window past positions. `worlds` is unused (kept for the callers' shape).
uint64_t pipeline_total_bytes(const Evaluator& oracle, uint32_t games, uint32_t worlds,
                              uint32_t chunk, uint32_t window = 0);

/// Games per batch N (≤ max_games) and worlds in flight per game (≤ M): the most games whose
/// memory (pipeline_total_bytes: pipeline buffers, oracle weights and activations) fits
/// `budget_bytes` and whose tokens fit one storage-buffer binding (`max_binding_bytes`), halving
/// N down to 1, then chunking the worlds (at most MAX_WORLD_CHUNKS chunks) when even one game's M
/// do not fit. `fixed_games` > 0 fixes N. With the posterior (`window` > 0) the worlds are never
/// chunked (its weights normalise over all of a decision's worlds) and the past positions' tokens
/// must fit a binding too. Throws InputError naming device.memory_budget_mb and the MiB the
/// smallest plan needs when nothing fits.
std::pair<uint32_t, uint32_t> plan_batch(uint64_t max_games, uint32_t fixed_games, uint32_t worlds,
                                         uint64_t budget_bytes, uint64_t max_binding_bytes,
                                         const Evaluator& oracle, uint32_t window = 0);

class Pipeline {
public:
    /// Allocates every buffer for N = options.games_per_batch games and records the step program.
    /// Throws std::invalid_argument for N or M of 0 or steps_per_submit not dividing 28,
    /// VulkanError when memory runs out.
    Pipeline(vk::Context& ctx, kernels::KernelCache& cache, Evaluator& oracle,
             PipelineOptions options);
    ~Pipeline();

    /// Plays games seeds[i] (declaration decls[i], notional bidder `bidder`) from the deal to the
    /// end of the hand; at most games_per_batch of them (a shorter batch is padded with copies and
    /// trimmed). Returns one record per game, in order. Throws Interrupted when options.stop is
    /// set before a submit (the batch's games are dropped).
    std::vector<GameRecord> play(std::span<const uint64_t> seeds, std::span<const int> decls,
                                 int bidder);

    const PipelineStats& stats() const { return stats_; }
    const PipelineOptions& options() const { return options_; }

private:
    vk::Context& ctx_;
    PipelineOptions options_;
    std::vector<std::unique_ptr<vk::Buffer>> buffers_;
    vk::Buffer *rules_, *state_, *voids_, *table_, *legal_, *min_bin_, *worlds_, *tokens_, *mask_,
        *actor_, *q_, *e_q_, *var_, *pdf_, *action_, *uncertainty_, *status_, *records_, *acc_,
        *list_, *ctrl_, *rows_, *args_, *explore_, *weights_, *post_;
    // Posterior only (nullptr when off): the past positions the oracle evaluates (scored steps,
    // compacted), the step words of every (game, world, step), the rows' tokens and Q, the
    // identity list for eq_tokenize and the row map, plan and counts (eq_past_states).
    vk::Buffer *past_ = nullptr, *past_worlds_ = nullptr, *steps_ = nullptr,
               *past_tokens_ = nullptr, *past_mask_ = nullptr, *past_actor_ = nullptr,
               *q_past_ = nullptr, *past_list_ = nullptr;
    std::unique_ptr<gpu::PastRowBuffers> past_rows_;
    size_t post_begin_ = 0, post_end_ = 0;  // the posterior's operations in step_ (labels)
    std::unique_ptr<vk::Program> step_;
    PipelineStats stats_;
};

}  // namespace eqvk::eq
