#version 450
#extension GL_GOOGLE_include_directive : require
// Past positions of each sampled world (issue 16, posterior weighting), one invocation per (game g, world m,
// step k), grid-stride over B = N·M·K, b = (g·M + m)·K + k. Reference: eq::past_position (src/eq/posterior.cpp).
// With L = plays so far, j = L − K + k and jj = max(j, 0): the world's deal (each seat's tiles in the world —
// the actor's own hand, opponent i = seat (actor+1+i)%4 holding worlds[g][m][i] — plus all it has played, sorted)
// replayed to step jj, written as game jj of B state words (eq/gpu/layout.h: hands then = tiles held now plus
// those played since jj; the trick then, its leader; points banked before jj), so eq_tokenize(past, past worlds,
// B, 1) gives the oracle's input. Legality at jj follows the trick's real lead (not the observed tile) and only
// tiles held then (no ghost slots).
// Only the rows the oracle needs are written: a step is evaluated when it is scored (j ≥ 0 and its actor is one of
// the scored seats — the same for every world of the game) and its world is live (m < L_g = min(M, acc[g].target −
// acc[g].n), eq_control's: M sampled worlds, an enumeration's count, 0 for a game that takes none). They are
// compacted in (game, world, scored step) order: row r = plan[g] + m·S_g + rank of k among game g's S_g scored steps,
// with plan[g] = Σ_{g' < g} L_g'·S_g'. Phase 0 (one invocation) writes plan and the row count Σ L_g·S_g into
// past_ctrl[CTRL_ACTIVE] (eq_tokenize's active rows) and past_rows[0] (the oracle's count); phase 1 (grid-stride
// over B) writes row_of[b] = r (NONE when not evaluated), the step words of every b, and the states and opponents'
// hands of the evaluated rows at r.
// Bindings: 0 state u32 [ST_WORDS·N] (read), 1 rules u32 [R_WORDS] (read), 2 worlds u32 [N][M][4] (read),
//           3 past u32 [ST_WORDS·B] (write, row r), 4 past_worlds u32 [B][4] (write, row r: the past actor's
//           opponents' hands then, NONE), 5 steps u32 [B] (write: legal | observed slot << 8 | scored << 16,
//           eq::past_step_word), 6 row_of u32 [B] (write), 7 plan u32 [N] (phase 0 writes, phase 1 reads),
//           8 past_ctrl u32 [CTRL_WORDS] (CTRL_ACTIVE written), 9 past_rows u32 [1] (write), 10 acc u32
//           [N][ACC_WORDS] (read).
// Push: n_games, worlds, window, score (0 opponents, 1 others, 2 all), phase. Spec: 0 workgroup size.
layout(local_size_x_id = 0) in;
layout(std430, binding = 0) readonly buffer State { uint st[]; };
layout(std430, binding = 1) readonly buffer Rules { uint rules[]; };
layout(std430, binding = 2) readonly buffer Worlds { uvec4 worlds[]; };
layout(std430, binding = 3) writeonly buffer Past { uint past[]; };
layout(std430, binding = 4) writeonly buffer PastWorlds { uvec4 past_worlds[]; };
layout(std430, binding = 5) writeonly buffer Steps { uint steps[]; };
layout(std430, binding = 6) writeonly buffer RowOf { uint row_of[]; };
layout(std430, binding = 7) buffer Plan { uint plan[]; };
layout(std430, binding = 8) writeonly buffer PastCtrl { uint past_ctrl[]; };
layout(std430, binding = 9) writeonly buffer PastRows { uint past_rows[]; };
layout(std430, binding = 10) readonly buffer Acc { uint acc[]; };
layout(push_constant) uniform Push { uint n_games; uint worlds; uint window; uint score; uint phase; } pc;

#include "eq/gpu/layout.h"
#include "eq_rules.glsl"

// Row r of the B past states (nothing when r is NONE: a row the oracle does not evaluate).
void put(uint off, uint w, uint nb, uint r, uint j, uint v) {
    if (r != NONE) past[st_index(off, w, nb, r, j)] = v;
}

// Past step k of game g is scored: j = plays − K + k ≥ 0 and its actor is one of the scored seats.
bool step_scored(uint n, uint g, uint k) {
    int j = int(st_nplays(n, g)) - int(pc.window) + int(k);
    if (j < 0) return false;
    uint pa = st_history(n, g, uint(j)) & 0xFFu, actor = st_actor(n, g);
    return pc.score == 2u || (pc.score == 1u && pa != actor) || (pc.score == 0u && (pa & 1u) != (actor & 1u));
}

// Live worlds of game g in this (single) pass.
uint live_worlds(uint g) { return min(pc.worlds, acc[g * ACC_WORDS + ACC_TARGET] - acc[g * ACC_WORDS + ACC_N]); }

void main() {
    uint n = pc.n_games, total = n * pc.worlds * pc.window;
    if (pc.phase == 0u) {  // the plan: rows of the games before each game, the rows to evaluate
        if (gl_GlobalInvocationID.x != 0u) return;
        uint before = 0u;
        for (uint g = 0u; g < n; ++g) {
            plan[g] = before;
            uint scored_g = 0u;
            for (uint k = 0u; k < pc.window; ++k) scored_g += step_scored(n, g, k) ? 1u : 0u;
            before += live_worlds(g) * scored_g;
        }
        past_ctrl[CTRL_ACTIVE] = before;
        past_rows[0] = before;
        return;
    }
    for (uint b = gl_GlobalInvocationID.x; b < total; b += gl_NumWorkGroups.x * gl_WorkGroupSize.x) {
        uint g = b / (pc.worlds * pc.window), m = (b / pc.window) % pc.worlds, k = b % pc.window;
        uint plays = st_nplays(n, g), actor = st_actor(n, g), decl = st_decl(n, g);
        int j = int(plays) - int(pc.window) + int(k);
        uint jj = uint(max(j, 0));
        uvec4 world = worlds[g * pc.worlds + m];
        // Step 0. The row of this step, if the oracle evaluates it.
        uint scored_g = 0u, rank = 0u;
        for (uint i = 0u; i < pc.window; ++i)
            if (step_scored(n, g, i)) {
                rank += i < k ? 1u : 0u;
                ++scored_g;
            }
        bool scored = step_scored(n, g, k);
        uint r = scored && m < live_worlds(g) ? plan[g] + m * scored_g + rank : NONE;
        row_of[b] = r;
        // Step 1. Tiles held now in this world, all tiles played, and those played since jj.
        uint now[4], ever[4], since[4];
        for (uint p = 0u; p < 4u; ++p) since[p] = ever[p] = 0u;
        now[actor] = st_hand_mask(n, g, actor);
        for (uint i = 0u; i < 3u; ++i) now[(actor + 1u + i) & 3u] = world[i];
        uint played_before = 0u;
        for (uint i = 0u; i < plays; ++i) {
            uint h = st_history(n, g, i), p = h & 0xFFu, bit = 1u << ((h >> 8) & 0xFFu);
            ever[p] |= bit;
            if (i >= jj) since[p] |= bit;
            else played_before |= bit;
        }
        // Step 2. The deal (sorted), hands then, slots held then.
        uint slots = 0u, hand_then[4];
        for (uint p = 0u; p < 4u; ++p) {
            uint dealt = now[p] | ever[p], slot = 0u;
            hand_then[p] = now[p] | since[p];
            for (uint t = 0u; t < 28u && slot < 7u; ++t)
                if ((dealt & (1u << t)) != 0u) {
                    put(ST_HANDS, 28u, total, r, 7u * p + slot, t);
                    if ((hand_then[p] & (1u << t)) != 0u) slots |= 1u << (7u * p + slot);
                    ++slot;
                }
            put(ST_HAND_MASK, 4u, total, r, p, hand_then[p]);
        }
        put(ST_SLOTS, 1u, total, r, 0u, slots);
        put(ST_PLAYED, 1u, total, r, 0u, played_before);
        for (uint i = 0u; i < 28u; ++i) put(ST_HISTORY, 28u, total, r, i, i < jj ? st_history(n, g, i) : NONE);
        // Step 3. The trick then, its leader, and the points banked before it.
        uint trick_len = jj & 3u, start = jj - trick_len;
        for (uint i = 0u; i < 4u; ++i)
            put(ST_TRICK, 4u, total, r, i, i < trick_len ? (st_history(n, g, start + i) >> 8) & 0xFFu : NONE);
        uint leader = start < plays ? st_history(n, g, start) & 0xFFu : st_leader(n, g);
        uint points[2] = uint[2](0u, 0u);
        for (uint t = 0u; t + 4u <= start; t += 4u) {
            uint lead = (st_history(n, g, t) >> 8) & 0xFFu, suit = led_suit(lead, decl);
            uint best = 0u, winner = 0u, value = 1u;
            for (uint i = 0u; i < 4u; ++i) {
                uint h = st_history(n, g, t + i), tile = (h >> 8) & 0xFFu, r = trick_rank(tile, suit, decl);
                value += tile_count(tile);
                if (i == 0u || r > best) {
                    best = r;
                    winner = h & 0xFFu;
                }
            }
            points[winner & 1u] += value;
        }
        put(ST_NPLAYS, 1u, total, r, 0u, jj);
        put(ST_LEADER, 1u, total, r, 0u, leader);
        put(ST_DECL, 1u, total, r, 0u, decl);
        put(ST_BIDDER, 1u, total, r, 0u, st[st_index(ST_BIDDER, 1u, n, g, 0u)]);
        put(ST_POINTS, 2u, total, r, 0u, points[0]);
        put(ST_POINTS, 2u, total, r, 1u, points[1]);
        uvec2 seed = st_seed(n, g);
        put(ST_SEED, 2u, total, r, 0u, seed.x);
        put(ST_SEED, 2u, total, r, 1u, seed.y);
        // Step 4. The past actor's opponents then, its legal slots (the trick's real lead), the observed slot.
        uint pa = (leader + trick_len) & 3u;
        if (r != NONE)
            past_worlds[r] = uvec4(hand_then[(pa + 1u) & 3u], hand_then[(pa + 2u) & 3u], hand_then[(pa + 3u) & 3u], NONE);
        uint tiles = hand_then[pa];
        if (trick_len != 0u) {
            uint f = tiles & follow_mask(led_suit((st_history(n, g, start) >> 8) & 0xFFu, decl), decl);
            if (f != 0u) tiles = f;
        }
        uint legal = 0u, observed = 7u, dealt = now[pa] | ever[pa], slot = 0u;
        uint obs_tile = j >= 0 ? (st_history(n, g, uint(j)) >> 8) & 0xFFu : 32u;
        for (uint t = 0u; t < 28u && slot < 7u; ++t)
            if ((dealt & (1u << t)) != 0u) {
                if ((tiles & (1u << t)) != 0u) legal |= 1u << slot;
                if (t == obs_tile) observed = slot;
                ++slot;
            }
        steps[b] = legal | observed << 8 | (scored ? 1u : 0u) << 16;
    }
}
