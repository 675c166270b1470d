#version 450
#extension GL_GOOGLE_include_directive : require
// Oracle tokens (spec §5) of each (game, world): 32 tokens × 12 int8 features, the int8 mask and
// the actor. encoding 0 = the oracle's training format (§5.1–5.4: every seat's dealt hand as
// sorted(remaining ∪ played by that seat), ascending); 1 = Forge's production encoding (§5.5:
// actor's dealt slots with played slots as ghost 6-6, opponents' remaining tiles descending then
// ghosts). Int8 data is packed 4 per uint32, little-endian, so the buffers are the oracle's int8
// arrays byte for byte.
// Row b = i·P + m belongs to game list[i] (eq_control's active games, i < ctrl[CTRL_ACTIVE]).
// Bindings: 0 state uint [ST_WORDS·N] readonly, 1 rules uint [R_WORDS] readonly, 2 worlds uint
// [N·P][4] readonly (eq_world_sample), 3 tokens uint [N·P][96] (= int8 [N·P][32][12]) writeonly,
// 4 mask uint [N·P][8] (= int8 [N·P][32], 1 = real token) writeonly, 5 actor int [N·P] writeonly,
// 6 list uint [N] readonly, 7 ctrl uint [CTRL_WORDS] readonly.
// Push: n_games, pass_worlds (P), encoding. Spec: 0 workgroup size.
// Grid: (groups, 1, 1) with a grid-stride loop over the active games' rows. Reference: eq::tokenize.
layout(local_size_x_id = 0) in;
layout(binding = 0) readonly buffer State { uint st[]; };
layout(binding = 1) readonly buffer Rules { uint rules[]; };
layout(binding = 2) readonly buffer Worlds { uvec4 worlds[]; };
layout(binding = 3) writeonly buffer Tokens { uint tokens[]; };
layout(binding = 4) writeonly buffer Mask { uint mask_out[]; };
layout(binding = 5) writeonly buffer Actor { int actor_out[]; };
layout(binding = 6) readonly buffer List { uint list[]; };
layout(binding = 7) readonly buffer Ctrl { uint ctrl[]; };
layout(push_constant) uniform Push { uint n_games, pass_worlds, encoding; } pc;

#include "eq/gpu/layout.h"
#include "eq_rules.glsl"

const uint GHOST_TILE = 27u;  // Forge maps a played slot (-1) to 6-6 (spec §5.5)

uint words[TOKEN_WORDS];
uint decl_, actor_, rel_leader_;

void put(uint tok, uint f, uint v) {
    uint byte_index = tok * 12u + f;
    words[byte_index >> 2] |= (v & 0xFFu) << (8u * (byte_index & 3u));
}

void tile_row(uint tok, uint tile, uint seat, uint remaining, uint type) {
    uint rel = (seat - actor_ + 4u) & 3u;
    put(tok, 0u, tile_high(tile));
    put(tok, 1u, tile_low(tile));
    put(tok, 2u, tile_double(tile));
    put(tok, 3u, tile_count(tile) / 5u);
    put(tok, 4u, trump_rank(tile, decl_));
    put(tok, 5u, rel);
    put(tok, 6u, rel == 0u ? 1u : 0u);
    put(tok, 7u, rel == 2u ? 1u : 0u);
    put(tok, 8u, remaining);
    put(tok, 9u, type);
    put(tok, 10u, decl_);
    put(tok, 11u, rel_leader_);
}

void main() {
    uint n = pc.n_games, total = min(ctrl[CTRL_ACTIVE], n) * pc.pass_worlds;
    for (uint b = gl_GlobalInvocationID.x; b < total; b += gl_NumWorkGroups.x * gl_WorkGroupSize.x) {
        uint g = list[b / pc.pass_worlds];
        uvec4 world = worlds[b];
        uint leader = st_leader(n, g), plays = st_nplays(n, g), trick_len = plays & 3u;
        decl_ = st_decl(n, g);
        actor_ = (leader + trick_len) & 3u;
        rel_leader_ = (leader - actor_ + 4u) & 3u;
        for (uint i = 0u; i < TOKEN_WORDS; ++i) words[i] = 0u;
        put(0u, 10u, decl_);
        put(0u, 11u, rel_leader_);
        uint remaining[4], played_by[4] = uint[4](0u, 0u, 0u, 0u);
        remaining[actor_] = st_hand_mask(n, g, actor_);
        for (uint i = 0u; i < 3u; ++i) remaining[(actor_ + 1u + i) & 3u] = world[i];
        for (uint k = 0u; k < plays; ++k) {
            uint h = st_history(n, g, k);
            played_by[h & 0xFFu] |= 1u << ((h >> 8) & 0xFFu);
        }
        for (uint p = 0u; p < 4u; ++p) {
            uint tok = 1u + 7u * p;
            if (pc.encoding == 0u) {
                for (uint m = remaining[p] | played_by[p]; m != 0u; m &= m - 1u, ++tok) {
                    uint t = uint(findLSB(m));
                    tile_row(tok, t, p, remaining[p] >> t & 1u, 1u + p);
                }
            } else if (p == actor_) {
                for (uint i = 0u; i < 7u; ++i, ++tok) {
                    uint t = st_hand_slot(n, g, p, i);
                    uint held = remaining[p] >> t & 1u;
                    tile_row(tok, held != 0u ? t : GHOST_TILE, p, held, 1u + p);
                }
            } else {
                for (uint m = remaining[p]; m != 0u; ++tok) {
                    uint t = uint(findMSB(m));
                    m &= ~(1u << t);
                    tile_row(tok, t, p, 1u, 1u + p);
                }
                for (; tok < 8u + 7u * p; ++tok) tile_row(tok, GHOST_TILE, p, 0u, 1u + p);
            }
        }
        for (uint j = 0u; j < trick_len; ++j)
            tile_row(29u + j, st_trick(n, g, j), (leader + j) & 3u, 0u, 5u + j);
        for (uint i = 0u; i < TOKEN_WORDS; ++i) tokens[b * TOKEN_WORDS + i] = words[i];
        // Mask: tokens 0..28 always, 29+j for the j-th play of the current trick.
        for (uint i = 0u; i < MASK_WORDS; ++i) {
            uint v = 0u;
            for (uint k = 0u; k < 4u; ++k) {
                uint tok = 4u * i + k;
                if (tok < 29u || tok < 29u + trick_len) v |= 1u << (8u * k);
            }
            mask_out[b * MASK_WORDS + i] = v;
        }
        actor_out[b] = int(actor_);
    }
}
