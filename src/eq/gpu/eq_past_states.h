// eq_past_states (shaders/eq/eq_past_states.comp): for posterior weighting (issue 16), each
// sampled world's last `window` past positions as game states — the world's deal replayed to the
// past step, the trick then and its leader — with the past actor's opponents' hands (for
// eq_tokenize), legal slots from the trick's real lead and the observed slot. Reference:
// eq/posterior.h past_position. Recorded by the pipeline when posterior is on.
#pragma once
#include <cstdint>

#include "eq/gpu/common.h"

namespace eqvk::eq::gpu {

/// Mirrors the push block of shaders/eq/eq_past_states.comp.
struct PastStatesPush {
    uint32_t n_games, worlds, window;
    uint32_t score;  // eq::PosteriorScore
};

/// Records the past positions of N games × M worlds × K steps (B = N·M·K, b = (g·M + m)·K + k).
///   state: [ST_WORDS·N] u32   rules: [R_WORDS] u32   worlds: [N][M][4] u32
///   past: [ST_WORDS·B] u32 (B games' state words)   past_worlds: [B][4] u32   steps: [B] u32
/// Throws std::invalid_argument for window 0 or > 28, score > 2, or too small a view.
void eq_past_states(KernelCache& cache, vk::Program& prog, BufferView state, BufferView rules,
                    BufferView worlds, BufferView past, BufferView past_worlds, BufferView steps,
                    uint32_t n_games, uint32_t worlds_per_game, uint32_t window, uint32_t score);

/// eq_past_states on the batch (CHECK_WORLDS sampled worlds per game), windows 4 and 9 and
/// every score mode, then eq_tokenize on its output: state words, opponents' hands, step words
/// and tokens exactly as past_position.
void check_eq_past_states(vk::Context& ctx, KernelCache& cache, CheckBatch& b, Exact& v);

}  // namespace eqvk::eq::gpu
