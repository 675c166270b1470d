// GPU data layout of the E[Q] decision step, one file valid in C++ and GLSL (shaders/eq/*.comp
// include it as "eq/gpu/layout.h"): the game-state struct-of-arrays for N games, the rule-table
// buffer, the world-count table, the worlds, the token buffers and the decision record. All words
// are uint32; src/eq/gpu_state.h converts game::State to and from them.
#ifndef EQVK_EQ_GPU_LAYOUT_H
#define EQVK_EQ_GPU_LAYOUT_H

#ifdef __cplusplus
#include <cstddef>
#include <cstdint>
#define EQVK_LAYOUT(name, value) inline constexpr uint32_t name = value
namespace eqvk::eq::gpu {
#else
#define EQVK_LAYOUT(name, value) const uint name = value
#endif

// ---- game state [N games]: field F holds WIDTH words per game at word F_OFF·N + g·WIDTH + j.
EQVK_LAYOUT(ST_HANDS, 0u);       // [4][7] dealt tile id of seat p slot i (sorted)
EQVK_LAYOUT(ST_SLOTS, 28u);      // [1] bit 7p+i: seat p still holds slot i
EQVK_LAYOUT(ST_HAND_MASK, 29u);  // [4] tile mask of seat p's remaining tiles
EQVK_LAYOUT(ST_PLAYED, 33u);     // [1] tile mask of all tiles played
EQVK_LAYOUT(ST_HISTORY, 34u);    // [28] play k: player | tile<<8 | lead tile<<16
EQVK_LAYOUT(ST_TRICK, 62u);      // [4] tile of current-trick play i, else NONE
EQVK_LAYOUT(ST_NPLAYS, 66u);     // [1] plays so far 0..28 = the decision index
EQVK_LAYOUT(ST_LEADER, 67u);     // [1] leader of the current trick
EQVK_LAYOUT(ST_DECL, 68u);       // [1] declaration 0..9
EQVK_LAYOUT(ST_BIDDER, 69u);     // [1] notional bidder seat (spec §1.5)
EQVK_LAYOUT(ST_POINTS, 70u);     // [2] points banked by team 0 / team 1
EQVK_LAYOUT(ST_SEED, 72u);       // [2] game (deal) seed lo / hi
EQVK_LAYOUT(ST_WORDS, 74u);      // words per game
EQVK_LAYOUT(NONE, 0xFFFFFFFFu);  // empty history / trick entry

// ---- rule tables (uploaded once from game::RULES by src/eq/gpu_state.h rule_table_words).
EQVK_LAYOUT(R_FOLLOW, 0u);     // [8 suits][10 decls] follow mask
EQVK_LAYOUT(R_CALLED, 80u);    // [10] called-suit mask
EQVK_LAYOUT(R_LED, 90u);       // [28 tiles][10] led suit
EQVK_LAYOUT(R_RANK, 370u);     // [28][8][10] trick_rank key
EQVK_LAYOUT(R_TRUMP, 2610u);   // [28][10] trump rank TR (spec §5.3)
EQVK_LAYOUT(R_HIGH, 2890u);    // [28]
EQVK_LAYOUT(R_LOW, 2918u);     // [28]
EQVK_LAYOUT(R_DOUBLE, 2946u);  // [28]
EQVK_LAYOUT(R_COUNT, 2974u);   // [28] count points 0/5/10
EQVK_LAYOUT(R_WORDS, 3002u);

// ---- voids [N][3]: 8-bit suit mask of opponent i = seat (actor+1+i)%4 (spec §1.6).
EQVK_LAYOUT(VOID_WORDS, 3u);

// ---- world-count table [N][WT_WORDS]: a header, then f[i][c0][c1] = number of ways to deal pool
// tiles i..n-1 (ascending id) to the opponents with remaining capacities c0, c1 and
// c2 = n-i-c0-c1 (0..7), every tile to an opponent allowed to hold it. f[0][s0][s1] = worlds.
EQVK_LAYOUT(WT_COUNT, 0u);    // number of consistent worlds (<= 399,072,960)
EQVK_LAYOUT(WT_POOL, 1u);     // tile mask of the unseen pool
EQVK_LAYOUT(WT_N, 2u);        // pool size n = s0+s1+s2
EQVK_LAYOUT(WT_SIZE, 3u);     // [3] opponents' hand sizes
EQVK_LAYOUT(WT_ALLOWED, 6u);  // [3] pool tiles each opponent may hold
EQVK_LAYOUT(WT_ACTOR, 9u);    // seat to move
EQVK_LAYOUT(WT_CELLS, 16u);   // f[i][c0][c1] at WT_CELLS + i·64 + c0·8 + c1
EQVK_LAYOUT(WT_LAYERS, 22u);  // i = 0..21
EQVK_LAYOUT(WT_WORDS, 16u + 22u * 64u);

// ---- worlds [N][M][4]: opponent i's hidden-tile mask for i < 3, then the world's rank (index
// in the table's order), or NONE for an enumeration index past the count.
EQVK_LAYOUT(WORLD_WORDS, 4u);

// ---- sampling control (eq_control; issue 15): per game [N][ACC_WORDS] — worlds evaluated so far,
// the target of the current round (n < target: the game is active), flags, the exact world count.
EQVK_LAYOUT(ACC_N, 0u);
EQVK_LAYOUT(ACC_TARGET, 1u);
EQVK_LAYOUT(ACC_FLAGS, 2u);
EQVK_LAYOUT(ACC_COUNT, 3u);
EQVK_LAYOUT(ACC_WORDS, 4u);
EQVK_LAYOUT(ACC_ACTIVE, 1u);     // flag: sampled in the current pass
EQVK_LAYOUT(ACC_EXACT, 2u);      // flag: every consistent world enumerated (count <= exact_max)
EQVK_LAYOUT(ACC_CONVERGED, 4u);  // flag: max legal-slot standard error <= sem_target (or exact)
EQVK_LAYOUT(ACC_HIT_MAX, 8u);    // flag: adaptive game stopped at max_worlds
EQVK_LAYOUT(ACC_DONE, 16u);      // flag: the game takes no more worlds this decision
// Control words [CTRL_WORDS]: live games of the batch (uploaded per batch), then the pass's active
// games and oracle rows (active games x pass worlds). The active list [N] holds game indices.
EQVK_LAYOUT(CTRL_LIVE, 0u);
EQVK_LAYOUT(CTRL_ACTIVE, 1u);
EQVK_LAYOUT(CTRL_WORDS, 2u);
// Indirect dispatch sizes eq_control writes for the pass [ARGS_WORDS] (VkDispatchIndirectCommand x,
// y, z): one invocation per active row (eq_world_sample, eq_tokenize), one per (active game, slot)
// (eq_reduce); zero groups when no game is active.
EQVK_LAYOUT(ARGS_ROWS, 0u);
EQVK_LAYOUT(ARGS_SLOTS, 3u);
EQVK_LAYOUT(ARGS_WORDS, 6u);
// Sampling modes (push constant `mode` of eq_control).
EQVK_LAYOUT(MODE_FIXED, 0u);
EQVK_LAYOUT(MODE_ADAPTIVE, 1u);

// ---- tokens: int8 [B][32][12] stored as uint32 [B][96] (little-endian bytes); mask int8 [B][32]
// as uint32 [B][8]; actor int32 [B]. B = N·M, world b = g·M + m.
EQVK_LAYOUT(TOKENS, 32u);
EQVK_LAYOUT(FEATURES, 12u);
EQVK_LAYOUT(TOKEN_WORDS, 32u * 12u / 4u);
EQVK_LAYOUT(MASK_WORDS, 32u / 4u);

// ---- E[Q] per game: e_q, var [N][EQ_SLOTS] f32, pdf [N][EQ_SLOTS][EQ_BINS] f32 (bin b ↔ Q = b − 42).
EQVK_LAYOUT(EQ_SLOTS, 7u);
EQVK_LAYOUT(EQ_BINS, 85u);

// ---- decision records [N][28][REC_WORDS] (eq_record; floats as their bits): E[Q] [7], Var [7],
// PDF [7][85], player, action, legal mask, worlds, u_mean, u_max, the count of non-finite
// values among this decision's E[Q] and Var (0 for a good label; the host refuses any other), then
// issue 15's block: the standard error of E[Q] per slot sqrt(Var / n) [7], flags (ACC_EXACT,
// ACC_CONVERGED, ACC_HIT_MAX) and the exact number of consistent worlds, then issue 16's
// exploration block and posterior block.
EQVK_LAYOUT(REC_EQ, 0u);
EQVK_LAYOUT(REC_VAR, 7u);
EQVK_LAYOUT(REC_PDF, 14u);
EQVK_LAYOUT(REC_PLAYER, 609u);
EQVK_LAYOUT(REC_ACTION, 610u);
EQVK_LAYOUT(REC_LEGAL, 611u);
EQVK_LAYOUT(REC_SAMPLES, 612u);
EQVK_LAYOUT(REC_UMEAN, 613u);
EQVK_LAYOUT(REC_UMAX, 614u);
EQVK_LAYOUT(REC_NONFINITE, 615u);
EQVK_LAYOUT(REC_SEM, 616u);
EQVK_LAYOUT(REC_FLAGS, 623u);
EQVK_LAYOUT(REC_WORLD_COUNT, 624u);
// Exploration (eq_explore's [n][4] output, config [policy] exploration): what chose the move
// (eq::ExploreChoice), the greedy slot (−1 when none is legal), E[Q] of the greedy slot minus that
// of the slot taken, and the entropy of softmax(E[Q]) over the legal slots (nats).
EQVK_LAYOUT(REC_EXPLORE_MODE, 625u);
EQVK_LAYOUT(REC_GREEDY, 626u);
EQVK_LAYOUT(REC_QGAP, 627u);
EQVK_LAYOUT(REC_ENTROPY, 628u);
// Posterior weighting (eq_posterior's stats, config [posterior]): the effective number of worlds
// ESS = 1/Σw² and the largest weight; both 0 when the posterior is off (Forge's "no posterior").
EQVK_LAYOUT(REC_ESS, 629u);
EQVK_LAYOUT(REC_MAXW, 630u);
EQVK_LAYOUT(REC_WORDS, 631u);

#undef EQVK_LAYOUT

#ifdef __cplusplus
/// State field offsets in order, ending with ST_WORDS.
inline constexpr uint32_t ST_FIELDS[] = {ST_HANDS,  ST_SLOTS,  ST_HAND_MASK, ST_PLAYED, ST_HISTORY,
                                         ST_TRICK,  ST_NPLAYS, ST_LEADER,    ST_DECL,   ST_BIDDER,
                                         ST_POINTS, ST_SEED,   ST_WORDS};
/// Width of the field starting at `off` (words per game), 0 when no field starts there.
constexpr uint32_t st_width(uint32_t off) {
    for (size_t i = 0; i + 1 < sizeof(ST_FIELDS) / sizeof(ST_FIELDS[0]); ++i)
        if (ST_FIELDS[i] == off) return ST_FIELDS[i + 1] - ST_FIELDS[i];
    return 0;
}
/// Word index of element j of field `off` for game g of n.
constexpr size_t st_index(uint32_t off, uint32_t n, uint32_t g, uint32_t j = 0) {
    return size_t(off) * n + size_t(g) * st_width(off) + j;
}
static_assert(REC_PDF + EQ_SLOTS * EQ_BINS == REC_PLAYER);
}  // namespace eqvk::eq::gpu
#else
// Word index of element j of the state field at `off` (width w) for game g of n.
uint st_index(uint off, uint w, uint n, uint g, uint j) {
    return off * n + g * w + j;
}
#endif

#endif  // EQVK_EQ_GPU_LAYOUT_H
