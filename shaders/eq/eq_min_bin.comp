#version 450
// P(make) threshold bin per game for choose_move (spec §6.10). The actor's team is on offense when it is
// the bidder's team. Q is the actor team's value-to-go margin, R = 42 − points banked so far.
//   faithful (compat 0): offense makes with its banked points b: Q ≥ 60 − 2b − R  → bin 102 − 2b − R;
//                        defense holds the bidders (banked b') under 30: Q ≥ R + 2b' − 59 → bin R + 2b' − 17.
//   forge (compat 1):    Forge's fixed bins 60 (offense) and 25 (defense), exact at decision 0 only.
// At decision 0 both give 60 / 25. Bins outside 0..84 mean "already made" / "cannot make".
// Bindings: 0 state u32 [ST_WORDS·n] (read), 1 min_bin i32 [n] (write). Push: n_games, compat.
// Spec: 0 workgroup size. Grid: ceil(n / workgroup size).
#extension GL_GOOGLE_include_directive : require
#include "eq/gpu/layout.h"
layout(local_size_x_id = 0) in;
layout(std430, binding = 0) readonly buffer State { uint st[]; };
layout(std430, binding = 1) writeonly buffer MinBin { int min_bin[]; };
layout(push_constant) uniform Push { uint n_games; uint compat; } pc;

void main() {
    uint g = gl_GlobalInvocationID.x, n = pc.n_games;
    if (g >= n) return;
    uint nplays = st[st_index(ST_NPLAYS, 1u, n, g, 0u)];
    uint leader = st[st_index(ST_LEADER, 1u, n, g, 0u)];
    uint bidder = st[st_index(ST_BIDDER, 1u, n, g, 0u)];
    uint actor = (leader + nplays % 4u) % 4u;
    bool offense = (actor % 2u) == (bidder % 2u);
    if (pc.compat != 0u) {
        min_bin[g] = offense ? 60 : 25;
        return;
    }
    int mine = int(st[st_index(ST_POINTS, 2u, n, g, actor % 2u)]);
    int theirs = int(st[st_index(ST_POINTS, 2u, n, g, 1u - actor % 2u)]);
    int remaining = 42 - mine - theirs;
    min_bin[g] = offense ? 102 - 2 * mine - remaining : remaining + 2 * theirs - 17;
}
