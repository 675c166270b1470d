// GPU data layout of the E[Q] decision step, as plain integers (no game includes): the game-state
// struct-of-arrays for N games, the rule-table buffer, the world-count table and the token
// buffers. Mirrored field by field in shaders/common/eq_layout.glsl; src/eq/gpu_state.h converts
// game::State to and from it. All words are uint32.
#pragma once
#include <cstddef>
#include <cstdint>

namespace eqvk::kernels::eq_layout {

// ---- game state [N games]: field F holds WIDTH words per game at word F_OFF·N + g·WIDTH + j.
inline constexpr uint32_t ST_HANDS = 0;        ///< [4][7] dealt tile id of seat p slot i (sorted)
inline constexpr uint32_t ST_SLOTS = 28;       ///< [1] bit 7p+i: seat p still holds slot i
inline constexpr uint32_t ST_HAND_MASK = 29;   ///< [4] tile mask of seat p's remaining tiles
inline constexpr uint32_t ST_PLAYED = 33;      ///< [1] tile mask of all tiles played
inline constexpr uint32_t ST_HISTORY = 34;     ///< [28] play k: player | tile<<8 | lead tile<<16
inline constexpr uint32_t ST_TRICK = 62;       ///< [4] tile of current-trick play i, else NONE
inline constexpr uint32_t ST_NPLAYS = 66;      ///< [1] plays so far 0..28 = the decision index
inline constexpr uint32_t ST_LEADER = 67;      ///< [1] leader of the current trick
inline constexpr uint32_t ST_DECL = 68;        ///< [1] declaration 0..9
inline constexpr uint32_t ST_BIDDER = 69;      ///< [1] notional bidder seat (spec §1.5)
inline constexpr uint32_t ST_POINTS = 70;      ///< [2] points banked by team 0 / team 1
inline constexpr uint32_t ST_SEED = 72;        ///< [2] game (deal) seed lo / hi
inline constexpr uint32_t ST_WORDS = 74;       ///< words per game
inline constexpr uint32_t NONE = 0xFFFFFFFFu;  ///< empty history / trick entry

/// Field offsets in order, ending with ST_WORDS.
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

// ---- rule tables (uploaded once from game::RULES by src/eq/gpu_state.h rule_table_words).
inline constexpr uint32_t R_FOLLOW = 0;     ///< [8 suits][10 decls] follow mask
inline constexpr uint32_t R_CALLED = 80;    ///< [10] called-suit mask
inline constexpr uint32_t R_LED = 90;       ///< [28 tiles][10] led suit
inline constexpr uint32_t R_RANK = 370;     ///< [28][8][10] trick_rank key
inline constexpr uint32_t R_TRUMP = 2610;   ///< [28][10] trump rank TR (spec §5.3)
inline constexpr uint32_t R_HIGH = 2890;    ///< [28]
inline constexpr uint32_t R_LOW = 2918;     ///< [28]
inline constexpr uint32_t R_DOUBLE = 2946;  ///< [28]
inline constexpr uint32_t R_COUNT = 2974;   ///< [28] count points 0/5/10
inline constexpr uint32_t R_WORDS = 3002;

// ---- voids [N][3]: 8-bit suit mask of opponent i = seat (actor+1+i)%4 (spec §1.6).
inline constexpr uint32_t VOID_WORDS = 3;

// ---- world-count table [N][WT_WORDS]: a header, then f[i][c0][c1] = number of ways to deal pool
// tiles i..n-1 (ascending id) to the opponents with remaining capacities c0, c1 and
// c2 = n-i-c0-c1 (0..7), every tile to an opponent allowed to hold it. f[0][s0][s1] = worlds.
inline constexpr uint32_t WT_COUNT = 0;    ///< number of consistent worlds (<= 399,072,960)
inline constexpr uint32_t WT_POOL = 1;     ///< tile mask of the unseen pool
inline constexpr uint32_t WT_N = 2;        ///< pool size n = s0+s1+s2
inline constexpr uint32_t WT_SIZE = 3;     ///< [3] opponents' hand sizes
inline constexpr uint32_t WT_ALLOWED = 6;  ///< [3] pool tiles each opponent may hold
inline constexpr uint32_t WT_ACTOR = 9;    ///< seat to move
inline constexpr uint32_t WT_CELLS = 16;   ///< f[i][c0][c1] at WT_CELLS + i·64 + c0·8 + c1
inline constexpr uint32_t WT_LAYERS = 22;  ///< i = 0..21
inline constexpr uint32_t WT_WORDS = WT_CELLS + WT_LAYERS * 64;

// ---- worlds [N][M][4]: opponent i's hidden-tile mask for i < 3, then the world's rank (index
// in the table's order), or NONE for an enumeration index past the count.
inline constexpr uint32_t WORLD_WORDS = 4;

// ---- tokens: int8 [B][32][12] stored as uint32 [B][96] (little-endian bytes); mask int8 [B][32]
// as uint32 [B][8]; actor int32 [B]. B = N·M, world b = g·M + m.
inline constexpr uint32_t TOKENS = 32, FEATURES = 12;
inline constexpr uint32_t TOKEN_WORDS = TOKENS * FEATURES / 4;
inline constexpr uint32_t MASK_WORDS = TOKENS / 4;

}  // namespace eqvk::kernels::eq_layout
