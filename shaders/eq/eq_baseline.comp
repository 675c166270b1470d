#version 450
#extension GL_GOOGLE_include_directive : require
// Baseline players for `eqvk match` (docs/match.md): in games where the seat to move is on the baseline
// team, the chosen action is replaced by the baseline's. Reference: eq::baseline_action.
//   policy 0 (random):    a uniform legal slot (Philox stream RNG_STREAM_BASELINE, counter (game, decision)).
//   policy 1 (heuristic): leading, the legal tile with the highest trick rank as a lead; following while the
//                         partner wins the trick, the legal tile with the most count points (then the lowest
//                         rank); otherwise the cheapest legal tile that takes the trick, else the legal tile
//                         with the fewest count points (then the lowest rank). Ties: the lowest slot.
// Bindings: 0 state u32 [ST_WORDS·n] (read), 1 rules u32 [R_WORDS] (read), 2 legal u32 [n] (read),
//           3 action i32 [n] (read-write). Push: n_games, team (0/1), policy, run seed lo/hi.
// Spec: 0 workgroup size. Grid: ceil(n / workgroup size).
layout(local_size_x_id = 0) in;
layout(std430, binding = 0) readonly buffer State { uint st[]; };
layout(std430, binding = 1) readonly buffer Rules { uint rules[]; };
layout(std430, binding = 2) readonly buffer Legal { uint legal[]; };
layout(std430, binding = 3) buffer Action { int action[]; };
layout(push_constant) uniform Push { uint n_games; uint team; uint policy; uint seed_lo; uint seed_hi; } pc;

#include "eq/gpu/layout.h"
#include "eq_rules.glsl"
#include "philox.glsl"

const uint RNG_STREAM_BASELINE = 1u;

void main() {
    uint g = gl_GlobalInvocationID.x, n = pc.n_games;
    if (g >= n) return;
    uint mask = legal[g];
    uint actor = st_actor(n, g);
    if (mask == 0u || actor % 2u != pc.team) return;
    uint d = st_nplays(n, g);
    if (pc.policy == 0u) {
        uint k = uniform_below(uint(bitCount(mask)),
                               rng_counter(st_seed(n, g), d, 0u, 0u, RNG_STREAM_BASELINE),
                               uvec2(pc.seed_lo, pc.seed_hi));
        for (uint s = 0u; s < 7u; ++s)
            if ((mask & (1u << s)) != 0u && k-- == 0u) {
                action[g] = int(s);
                return;
            }
        return;
    }
    uint decl = st_decl(n, g), in_trick = d & 3u, leader = st_leader(n, g);
    uint led = in_trick == 0u ? 0u : led_suit(st_trick(n, g, 0u), decl);
    uint best = 0u, best_seat = 0u;
    for (uint i = 0u; i < in_trick; ++i) {
        uint r = trick_rank(st_trick(n, g, i), led, decl);
        if (i == 0u || r > best) {
            best = r;
            best_seat = (leader + i) & 3u;
        }
    }
    bool partner_wins = in_trick > 0u && best_seat == ((actor + 2u) & 3u);
    int pick = -1;
    int pick_key = 0;
    for (uint s = 0u; s < 7u; ++s) {
        if ((mask & (1u << s)) == 0u) continue;
        uint tile = st_hand_slot(n, g, actor, s);
        int count = int(tile_count(tile));
        int key;
        if (in_trick == 0u) {
            key = int(trick_rank(tile, led_suit(tile, decl), decl));  // higher is better
        } else {
            int rank = int(trick_rank(tile, led, decl));
            if (partner_wins) key = count * 256 - rank;
            else if (uint(rank) > best) key = 100000 - rank;         // cheapest winner first
            else key = -(count * 256 + rank);                        // else dump the least valuable
        }
        if (pick < 0 || key > pick_key) {
            pick = int(s);
            pick_key = key;
        }
    }
    action[g] = pick;
}
