#version 450
#extension GL_GOOGLE_include_directive : require
// Applies each game's chosen move: the seat to move plays dealt slot action[g]. Updates the
// remaining slots, hand mask, played mask, history, current trick and play count; on the 4th
// play of a trick finds the winner (trick_rank table, first play wins ties: spec §1.4), banks
// 1 + count points for the winner's team and makes the winner lead. status[g]: 0 applied,
// 1 hand already over (state unchanged), 2 illegal slot (state unchanged).
// Bindings: 0 state uint [ST_WORDS·N] read-write, 1 rules uint [R_WORDS] readonly, 2 action uint
// [N] readonly (slot 0..6), 3 status uint [N] writeonly. Push: n_games. Spec: 0 workgroup size.
// Grid: (ceil(N / wg), 1, 1), one invocation per game. Reference: game::State::do_play_slot.
layout(local_size_x_id = 0) in;
layout(binding = 0) buffer State { uint st[]; };
layout(binding = 1) readonly buffer Rules { uint rules[]; };
layout(binding = 2) readonly buffer Action { uint action[]; };
layout(binding = 3) writeonly buffer Status { uint status[]; };
layout(push_constant) uniform Push { uint n_games; } pc;

#include "eq/gpu/layout.h"
#include "eq_rules.glsl"
#include "eq_moves.glsl"

void main() {
    uint g = gl_GlobalInvocationID.x, n = pc.n_games;
    if (g >= n) return;
    uint plays = st_nplays(n, g);
    if (plays >= 28u) {
        status[g] = 1u;
        return;
    }
    uint slot = action[g];
    if (slot >= 7u || (legal_slot_mask(n, g) >> slot & 1u) == 0u) {
        status[g] = 2u;
        return;
    }
    uint actor = st_actor(n, g), decl = st_decl(n, g), tile = st_hand_slot(n, g, actor, slot);
    uint k = plays & 3u, lead = k == 0u ? tile : st_trick(n, g, 0u);
    st[st_index(ST_HISTORY, 28u, n, g, plays)] = actor | tile << 8 | lead << 16;
    st[st_index(ST_TRICK, 4u, n, g, k)] = tile;
    st[st_index(ST_SLOTS, 1u, n, g, 0u)] &= ~(1u << (7u * actor + slot));
    st[st_index(ST_HAND_MASK, 4u, n, g, actor)] &= ~(1u << tile);
    st[st_index(ST_PLAYED, 1u, n, g, 0u)] |= 1u << tile;
    st[st_index(ST_NPLAYS, 1u, n, g, 0u)] = plays + 1u;
    if (k == 3u) {
        uint leader = st_leader(n, g), suit = led_suit(lead, decl);
        uint best = 0u, best_key = trick_rank(lead, suit, decl), points = 1u + tile_count(lead);
        for (uint i = 1u; i < 4u; ++i) {
            uint t = st_trick(n, g, i), key = trick_rank(t, suit, decl);
            points += tile_count(t);
            if (key > best_key) {
                best = i;
                best_key = key;
            }
        }
        uint winner = (leader + best) & 3u;
        st[st_index(ST_POINTS, 2u, n, g, winner & 1u)] += points;
        st[st_index(ST_LEADER, 1u, n, g, 0u)] = winner;
        for (uint i = 0u; i < 4u; ++i) st[st_index(ST_TRICK, 4u, n, g, i)] = NONE;
    }
    status[g] = 0u;
}
