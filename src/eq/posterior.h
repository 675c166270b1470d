// Posterior weighting of sampled worlds (issue 16; spec §6.9 with Forge's defects fixed): each
// world is weighted by how well it explains the last `window` observed plays under a behaviour
// model p = (1 − β)·softmax_legal((Q − mean Q)/τ) + β/|legal|, with Q the oracle's values of the
// past position in that world and legality from the trick's real lead. CPU reference of
// shaders/eq/eq_posterior.comp (the weights) and of eq_past_states (the past positions); the
// pipeline (eq/pipeline.h) and play_reference (eq/reference.h) weight E[Q], Var and PDF with them.
#pragma once
#include <cstdint>
#include <vector>

#include "eq/tokens.h"
#include "eq/worlds.h"
#include "game/state.h"

namespace eqvk::eq {

/// Log-weights below the best world's by more than this are raised to it (Forge's −30 clip).
inline constexpr float POSTERIOR_LOG_FLOOR = -30.0f;
/// log p of an observed play that the world cannot explain (its slot is absent or not legal).
inline constexpr float POSTERIOR_LOG_IMPOSSIBLE = -1.0e9f;

/// One scored past step of one world, packed as the kernel reads it: bits 0..6 the past actor's
/// legal dealt slots, bits 8..10 the observed slot (7 = absent from the world's hand), bit 16 set
/// when the step is scored (an unscored step contributes log p = 0).
constexpr uint32_t past_step_word(uint32_t legal, uint32_t observed_slot, bool scored) {
    return (legal & 0x7Fu) | (observed_slot & 7u) << 8 | uint32_t(scored) << 16;
}
inline constexpr uint32_t PAST_ABSENT = 7;

/// log p(observed | Q, legal) under the behaviour model: 0 for an unscored step or no legal slot;
/// POSTERIOR_LOG_IMPOSSIBLE when the observed slot is absent or not legal; else log(p + 1e-30).
/// q: [7] f32 points in the past actor's perspective; tau > 0; beta in [0, 1].
float behaviour_log_prob(const float* q, uint32_t step_word, float tau, float beta);

/// Weights of G games × M worlds from K past steps each.
///   q_past: [G][M][K][7] f32   steps: [G][M][K] u32 (past_step_word)
///   weights: [G][M] f32 (Σ_m = 1)   stats: [G][2] f32 (ESS = 1/Σw², max w)
/// logw[m] = Σ_k log p; w ∝ exp(max(logw − max_m logw, POSTERIOR_LOG_FLOOR)). A game with no
/// scored step has uniform weights (ESS = M); worlds = 0 gives stats {0, 0}.
void posterior_weights_ref(const float* q_past, const uint32_t* steps, uint32_t games,
                           uint32_t worlds, uint32_t window, float tau, float beta, float* weights,
                           float* stats);

/// Whose past plays are scored (config posterior.score): the current actor's opponents, every
/// other seat, or every seat (Forge: all K plays, the actor's own included).
enum class PosteriorScore : uint32_t { Opponents = 0, Others = 1, All = 2 };

/// Posterior weighting of a run (config [posterior]; docs/config.md). Off by default.
struct PosteriorParams {
    bool enabled = false;
    uint32_t window = 4;  // K past decisions, 1..28
    float tau = 0.1f;     // behaviour-model temperature (points), > 0
    float beta = 0.1f;    // uniform_mix β, [0, 1]
    PosteriorScore score = PosteriorScore::Opponents;
};

/// Past step k (0..window−1) of decision `s` in world `world`: step j = plays − window + k.
struct PastPosition {
    bool scored = false;              // j ≥ 0 and the past actor is one of the scored seats
    game::State state;                // the game at step j in this world (valid when scored)
    int observed_slot = PAST_ABSENT;  // slot of the tile played at j in the past actor's deal
    uint32_t legal = 0;               // the past actor's legal dealt slots at j
    TokenRow tokens;                  // the oracle's input for the past position
    uint32_t word() const { return past_step_word(legal, uint32_t(observed_slot), scored); }
};

/// The world's deal: each seat's hand in `world` (opponent i = seat (actor+1+i)%4, the actor's
/// from `s`) plus the tiles it has played.
game::Deal world_deal(const game::State& s, const World& world);

/// Reconstructs past step k of `window` for decision `s` in `world` (deal = world_deal, the
/// history of `s` replayed up to step j, the trick then and its leader), with its legal slots
/// (the trick's real lead), observed slot and tokens (encoding `enc`). Before the first play
/// (j < 0) the state is the deal and nothing is observed. Reference of eq_past_states.
PastPosition past_position(const game::State& s, const World& world, uint32_t window, uint32_t k,
                           PosteriorScore score, Encoding enc);

}  // namespace eqvk::eq
