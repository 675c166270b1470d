#version 450
#extension GL_GOOGLE_include_directive : require
// Exactly uniform worlds (ARCHITECTURE decision 2) for one pass of the decision step: row r = i·P + m
// (i < active games, m < P) is world w = n + m of game g = list[i], n = the game's worlds so far
// (eq_control's acc), while w < the round's target; its rank is r = uniform_below(count) from the
// counter RNG keyed by (run seed; game seed, decision = plays so far, world index w), or r = w for a game
// being enumerated exactly (ACC_EXACT). World w of a game has the same rank whatever the passes, rounds
// and other games. The rank is unranked through the count table (each tile to the first opponent whose
// subtree holds r), so every consistent world has probability exactly 1/count and none is ever invalid.
// Bindings: 0 state uint [ST_WORDS·N] readonly, 1 table uint [N][WT_WORDS] readonly
// (eq_world_count), 2 worlds uint [N·P][4] writeonly: opponent masks 0..2, rank (NONE and masks 0 for
// a row past the game's target, or when count is 0), 3 list uint [N] readonly (active games),
// 4 acc uint [N][ACC_WORDS] readonly, 5 ctrl uint [CTRL_WORDS] readonly (CTRL_ACTIVE).
// Push: n_games, pass_worlds (P), run_seed_lo, run_seed_hi.
// Spec: 0 workgroup size. Grid: (groups, 1, 1) with a grid-stride loop over the active games' rows.
// Reference: eq::world_rank + eq::unrank_world.
layout(local_size_x_id = 0) in;
layout(binding = 0) readonly buffer State { uint st[]; };
layout(binding = 1) readonly buffer Table { uint table[]; };
layout(binding = 2) writeonly buffer Worlds { uvec4 worlds[]; };
layout(binding = 3) readonly buffer List { uint list[]; };
layout(binding = 4) readonly buffer Acc { uint acc[]; };
layout(binding = 5) readonly buffer Ctrl { uint ctrl[]; };
layout(push_constant) uniform Push {
    uint n_games, pass_worlds, run_seed_lo, run_seed_hi;
} pc;

#include "eq/gpu/layout.h"
#include "philox.glsl"

uvec4 unrank(uint base, uint rank) {
    uint c[3] = uint[3](table[base + WT_SIZE], table[base + WT_SIZE + 1u], table[base + WT_SIZE + 2u]);
    uint allowed[3] = uint[3](table[base + WT_ALLOWED], table[base + WT_ALLOWED + 1u],
                              table[base + WT_ALLOWED + 2u]);
    uvec4 out_w = uvec4(0u, 0u, 0u, rank);
    uint rest = table[base + WT_POOL];
    for (uint i = 0u; rest != 0u; ++i) {
        uint tile = uint(findLSB(rest));
        rest &= rest - 1u;
        for (uint o = 0u; o < 3u; ++o) {
            if ((allowed[o] >> tile & 1u) == 0u || c[o] == 0u) continue;
            uint d0 = c[0] - (o == 0u ? 1u : 0u), d1 = c[1] - (o == 1u ? 1u : 0u);
            uint sub = table[base + WT_CELLS + (i + 1u) * 64u + d0 * 8u + d1];
            if (rank < sub) {
                out_w[o] |= 1u << tile;
                c[o] -= 1u;
                break;
            }
            rank -= sub;
        }
    }
    return out_w;
}

void main() {
    uint total = min(ctrl[CTRL_ACTIVE], pc.n_games) * pc.pass_worlds;
    for (uint b = gl_GlobalInvocationID.x; b < total; b += gl_NumWorkGroups.x * gl_WorkGroupSize.x) {
        uint g = list[b / pc.pass_worlds], a = g * ACC_WORDS;
        uint w = acc[a + ACC_N] + b % pc.pass_worlds;
        uint base = g * WT_WORDS, count = table[base + WT_COUNT];
        uint rank = NONE;
        if (w >= acc[a + ACC_TARGET]) {
            rank = NONE;
        } else if ((acc[a + ACC_FLAGS] & ACC_EXACT) != 0u) {
            rank = w;
        } else if (count != 0u) {
            uint decision = st[st_index(ST_NPLAYS, 1u, pc.n_games, g, 0u)];
            uvec2 seed = uvec2(st[st_index(ST_SEED, 2u, pc.n_games, g, 0u)],
                               st[st_index(ST_SEED, 2u, pc.n_games, g, 1u)]);
            rank = uniform_below(count, rng_counter(seed, decision, w, 0u, RNG_STREAM_WORLD),
                                 uvec2(pc.run_seed_lo, pc.run_seed_hi));
        }
        worlds[b] = rank < count ? unrank(base, rank) : uvec4(0u, 0u, 0u, NONE);
    }
}
