#version 450
#extension GL_GOOGLE_include_directive : require
// Void inference (spec §1.6) for the seat to move: for every past play (player, tile, lead tile)
// that cannot follow the led suit of its trick, the player is void in that suit. Kept for the
// actor's three opponents, opponent-relative: opp i = seat (actor+1+i)%4.
// Bindings: 0 state uint [ST_WORDS·N] readonly (eq/gpu/layout.h), 1 rules uint [R_WORDS] readonly,
// 2 voids uint [N][3] writeonly (8-bit suit masks). Push: n_games. Spec: 0 workgroup size.
// Grid: (ceil(N / wg), 1, 1), one invocation per game. Reference: eq::opponent_voids.
layout(local_size_x_id = 0) in;
layout(binding = 0) readonly buffer State { uint st[]; };
layout(binding = 1) readonly buffer Rules { uint rules[]; };
layout(binding = 2) writeonly buffer Voids { uint voids[]; };
layout(push_constant) uniform Push { uint n_games; } pc;

#include "eq/gpu/layout.h"
#include "eq_rules.glsl"

void main() {
    uint g = gl_GlobalInvocationID.x;
    if (g >= pc.n_games) return;
    uint n = pc.n_games, decl = st_decl(n, g), plays = st_nplays(n, g);
    uint v[4] = uint[4](0u, 0u, 0u, 0u);
    for (uint k = 0u; k < plays; ++k) {
        uint h = st_history(n, g, k);
        uint player = h & 0xFFu, tile = (h >> 8) & 0xFFu, lead = (h >> 16) & 0xFFu;
        uint suit = led_suit(lead, decl);
        if ((follow_mask(suit, decl) >> tile & 1u) == 0u) v[player] |= 1u << suit;
    }
    uint actor = st_actor(n, g);
    for (uint i = 0u; i < 3u; ++i) voids[g * VOID_WORDS + i] = v[(actor + 1u + i) & 3u];
}
