#version 450
#extension GL_GOOGLE_include_directive : require
// World-count table (ARCHITECTURE decision 2) of each game's current decision: the unseen pool
// (28 − played − the actor's hand) in ascending id order, each tile allowed to the opponents not
// void in a suit it follows; f[i][c0][c1] = deals of tiles i..n-1 with capacities c0, c1,
// c2 = n-i-c0-c1, built from i = n down to 0. Counts are exact in uint32 (max 21!/(7!)^3).
// Bindings: 0 state uint [ST_WORDS·N] readonly, 1 rules uint [R_WORDS] readonly, 2 voids uint
// [N][3] readonly (eq_voids), 3 table uint [N][WT_WORDS] writeonly (header + cells, eq/gpu/layout.h;
// every word written, unused cells 0). Push: n_games. Spec: 0 workgroup size.
// Grid: (ceil(N / wg), 1, 1), one invocation per game. Reference: eq::world_table.
layout(local_size_x_id = 0) in;
layout(binding = 0) readonly buffer State { uint st[]; };
layout(binding = 1) readonly buffer Rules { uint rules[]; };
layout(binding = 2) readonly buffer Voids { uint voids[]; };
layout(binding = 3) buffer Table { uint table[]; };
layout(push_constant) uniform Push { uint n_games; } pc;

#include "eq/gpu/layout.h"
#include "eq_rules.glsl"

void main() {
    uint g = gl_GlobalInvocationID.x;
    if (g >= pc.n_games) return;
    uint n_g = pc.n_games, decl = st_decl(n_g, g), actor = st_actor(n_g, g);
    uint base = g * WT_WORDS;
    uint pool = 0x0FFFFFFFu & ~st_played(n_g, g) & ~st_hand_mask(n_g, g, actor);
    uint n = bitCount(pool);
    uint allowed[3], size[3];
    for (uint i = 0u; i < 3u; ++i) {
        uint seat = (actor + 1u + i) & 3u, v = voids[g * VOID_WORDS + i], forbidden = 0u;
        for (uint s = 0u; s < 8u; ++s)
            if ((v >> s & 1u) != 0u) forbidden |= follow_mask(s, decl);
        allowed[i] = pool & ~forbidden;
        size[i] = bitCount(st_hand_mask(n_g, g, seat));
    }
    for (uint w = 0u; w < WT_WORDS; ++w) table[base + w] = 0u;
    table[base + WT_POOL] = pool;
    table[base + WT_N] = n;
    for (uint i = 0u; i < 3u; ++i) {
        table[base + WT_SIZE + i] = size[i];
        table[base + WT_ALLOWED + i] = allowed[i];
    }
    table[base + WT_ACTOR] = actor;
    uint cells = base + WT_CELLS;
    table[cells + n * 64u] = 1u;
    // Tile i of the pool, walking down from the highest: i = n-1 .. 0.
    uint rest = pool;
    for (int i = int(n) - 1; i >= 0; --i) {
        uint tile = uint(findMSB(rest));
        rest &= ~(1u << tile);
        bool a0 = (allowed[0] >> tile & 1u) != 0u, a1 = (allowed[1] >> tile & 1u) != 0u,
             a2 = (allowed[2] >> tile & 1u) != 0u;
        uint next = cells + uint(i + 1) * 64u, here = cells + uint(i) * 64u;
        for (int c0 = 0; c0 < 8; ++c0)
            for (int c1 = 0; c1 < 8; ++c1) {
                int c2 = int(n) - i - c0 - c1;
                if (c2 < 0 || c2 > 7) continue;
                uint f = 0u;
                if (a0 && c0 > 0) f += table[next + uint(c0 - 1) * 8u + uint(c1)];
                if (a1 && c1 > 0) f += table[next + uint(c0) * 8u + uint(c1 - 1)];
                if (a2 && c2 > 0) f += table[next + uint(c0) * 8u + uint(c1)];
                table[here + uint(c0) * 8u + uint(c1)] = f;
            }
    }
    bool fits = size[0] <= 7u && size[1] <= 7u && size[2] <= 7u;
    table[base + WT_COUNT] = fits ? table[cells + size[0] * 8u + size[1]] : 0u;
}
