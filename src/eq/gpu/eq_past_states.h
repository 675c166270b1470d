// eq_past_states (shaders/eq/eq_past_states.comp): for posterior weighting (issue 16), each
// sampled world's last `window` past positions as game states — the world's deal replayed to the
// past step, the trick then and its leader — with the past actor's opponents' hands (for
// eq_tokenize), legal slots from the trick's real lead and the observed slot, for the rows the
// oracle evaluates (scored steps of live games, compacted). Reference:
// eq/posterior.h past_position. Recorded by the pipeline when posterior is on.
#pragma once
#include <cstdint>

#include "eq/gpu/common.h"

namespace eqvk::eq::gpu {

/// Mirrors the push block of shaders/eq/eq_past_states.comp.
struct PastStatesPush {
    uint32_t n_games, worlds, window;
    uint32_t score;  // eq::PosteriorScore
    uint32_t phase;  // 0: the plan (one invocation), 1: the rows
};

/// Buffers of the past rows the oracle evaluates: only scored steps of live worlds (m < L_g, the
/// game's live worlds in eq_control's acc), compacted in (game, world, scored step) order (row
/// r = plan[g] + m·S_g + rank of k among the game's S_g scored steps), so unscored steps and
/// worlds past an enumeration's count cost no forward.
///   row_of: [B] u32, written: row r of step b, NONE when not evaluated
///   plan: [N] u32 scratch: rows of the games before g
///   ctrl: [CTRL_WORDS] u32: CTRL_ACTIVE = rows (written; eq_tokenize's active rows over an
///   identity list)   rows: [1] u32, written (the oracle's count)
struct PastRows {
    BufferView row_of, plan, ctrl, rows;
};

/// PastRows' buffers, owned (the pipeline, checks and tests).
struct PastRowBuffers {
    vk::Buffer row_of, plan, ctrl, rows;
    PastRowBuffers(vk::Context& ctx, uint32_t n_games, uint64_t total);
    PastRows views() const { return {row_of, plan, ctrl, rows}; }
};

/// Records the past positions of N games × M worlds × K steps (B = N·M·K, b = (g·M + m)·K + k):
/// the step word of every b, the state words and opponents' hands of the evaluated rows at their
/// row r (two dispatches: the plan, then the rows).
///   state: [ST_WORDS·N] u32   rules: [R_WORDS] u32   worlds: [N][M][4] u32
///   acc: [N][ACC_WORDS] u32 (eq_control's: live worlds min(M, target − n) of the one pass)
///   past: [ST_WORDS·B] u32 (B games' state words, rows r)   past_worlds: [B][4] u32 (rows r)
///   steps: [B] u32 (every b)
/// Throws std::invalid_argument for window 0 or > 28, score > 2, or too small a view.
void eq_past_states(KernelCache& cache, vk::Program& prog, BufferView state, BufferView rules,
                    BufferView worlds, BufferView acc, BufferView past, BufferView past_worlds,
                    BufferView steps, const PastRows& rows, uint32_t n_games,
                    uint32_t worlds_per_game, uint32_t window, uint32_t score);

/// eq_past_states on the batch (CHECK_WORLDS sampled worlds per game), windows 4 and 9, every
/// score mode and some games with fewer live worlds or none, then eq_tokenize on its rows: step words of every step, the
/// row map and count, and the state words, opponents' hands and tokens of every evaluated row
/// exactly as past_position.
void check_eq_past_states(vk::Context& ctx, KernelCache& cache, CheckBatch& b, Exact& v);

}  // namespace eqvk::eq::gpu
