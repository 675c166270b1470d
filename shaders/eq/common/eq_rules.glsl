// Rule-table and game-state accessors of the eq shaders. Include-only, after eq/gpu/layout.h and
// after the including shader declared `uint rules[]` (R_* words from game::RULES, uploaded once)
// and `uint st[]` (the state words of pc.n_games games, src/eq/gpu/layout.h).
#ifndef EQVK_EQ_RULES_GLSL
#define EQVK_EQ_RULES_GLSL

uint follow_mask(uint suit, uint decl) { return rules[R_FOLLOW + suit * 10u + decl]; }
uint led_suit(uint lead, uint decl) { return rules[R_LED + lead * 10u + decl]; }
uint trick_rank(uint tile, uint suit, uint decl) { return rules[R_RANK + (tile * 8u + suit) * 10u + decl]; }
uint trump_rank(uint tile, uint decl) { return rules[R_TRUMP + tile * 10u + decl]; }
uint tile_high(uint tile) { return rules[R_HIGH + tile]; }
uint tile_low(uint tile) { return rules[R_LOW + tile]; }
uint tile_double(uint tile) { return rules[R_DOUBLE + tile]; }
uint tile_count(uint tile) { return rules[R_COUNT + tile]; }

// State field element j of game g (n games); widths as in eq/gpu/layout.h.
uint st_hand_slot(uint n, uint g, uint seat, uint slot) { return st[st_index(ST_HANDS, 28u, n, g, 7u * seat + slot)]; }
uint st_slots(uint n, uint g) { return st[st_index(ST_SLOTS, 1u, n, g, 0u)]; }
uint st_hand_mask(uint n, uint g, uint seat) { return st[st_index(ST_HAND_MASK, 4u, n, g, seat)]; }
uint st_played(uint n, uint g) { return st[st_index(ST_PLAYED, 1u, n, g, 0u)]; }
uint st_history(uint n, uint g, uint k) { return st[st_index(ST_HISTORY, 28u, n, g, k)]; }
uint st_trick(uint n, uint g, uint i) { return st[st_index(ST_TRICK, 4u, n, g, i)]; }
uint st_nplays(uint n, uint g) { return st[st_index(ST_NPLAYS, 1u, n, g, 0u)]; }
uint st_leader(uint n, uint g) { return st[st_index(ST_LEADER, 1u, n, g, 0u)]; }
uint st_decl(uint n, uint g) { return st[st_index(ST_DECL, 1u, n, g, 0u)]; }
uvec2 st_seed(uint n, uint g) { return uvec2(st[st_index(ST_SEED, 2u, n, g, 0u)], st[st_index(ST_SEED, 2u, n, g, 1u)]); }
// Seat to move: (leader + plays in the current trick) % 4 (spec §1.5).
uint st_actor(uint n, uint g) { return (st_leader(n, g) + (st_nplays(n, g) & 3u)) & 3u; }

#endif
