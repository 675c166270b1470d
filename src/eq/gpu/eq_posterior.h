// eq_posterior (shaders/eq/eq_posterior.comp): posterior weights of each game's sampled worlds from
// the oracle's Q on their past positions (issue 16): the behaviour model's log-probabilities of the
// observed plays, summed, floored at −30 below the best world, normalised; ESS and max weight.
// Reference: eq/posterior.h posterior_weights_ref. Recorded by the pipeline when posterior is on.
#pragma once
#include <cstdint>

#include "eq/gpu/common.h"

namespace eqvk::eq::gpu {

/// Mirrors the push block of shaders/eq/eq_posterior.comp.
struct PosteriorPush {
    uint32_t games, worlds, window;
    float tau, beta;
};

/// Records the weights of game g's live worlds m < min(M, acc[g].target − acc[g].n) (eq_control's
/// words for a decision taken in one pass); a game without live worlds gets stats {0, 0}.
///   q_past: [rows ≤ G·M·K][7] f32   steps: [G][M][K] u32 (eq::past_step_word)
///   weights: [G][M] f32   stats: [G][2] f32 (ESS, max w)   acc: [G][ACC_WORDS] u32
///   row_of: [G][M][K] u32, the q_past row of each scored step (eq_past_states; identity for
///   a dense q_past [G][M][K][7])
/// Throws std::invalid_argument for tau ≤ 0, beta outside [0, 1] or too small a view.
void eq_posterior(KernelCache& cache, vk::Program& prog, BufferView q_past, BufferView steps,
                  BufferView weights, BufferView stats, BufferView acc, BufferView row_of,
                  uint32_t games, uint32_t worlds, uint32_t window, float tau, float beta);

/// acc words [G][ACC_WORDS] for eq_posterior outside the pipeline: game g has live[g] worlds (all
/// `worlds` when `live` is empty).
std::vector<uint32_t> posterior_acc(uint32_t games, uint32_t worlds,
                                    const std::vector<uint32_t>& live = {});

/// eq_posterior on host inputs against posterior_weights_ref (per game, over its live worlds;
/// all M when `live` is empty): weights and stats within 1e-5 relative.
kernels::CheckResult check_eq_posterior(vk::Context& ctx, KernelCache& cache,
                                        const std::vector<float>& q_past,
                                        const std::vector<uint32_t>& steps, uint32_t games,
                                        uint32_t worlds, uint32_t window, float tau, float beta,
                                        const std::vector<uint32_t>& live = {});

}  // namespace eqvk::eq::gpu
