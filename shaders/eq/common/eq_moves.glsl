// Legal slots of the seat to move (spec §1.3), shared by eq_legal.comp and eq_apply.comp.
// Include-only, after eq_rules.glsl.
#ifndef EQVK_EQ_MOVES_GLSL
#define EQVK_EQ_MOVES_GLSL

// Bit i: slot i of the actor's dealt hand is held and legal; 0 when the hand is over.
uint legal_slot_mask(uint n, uint g) {
    uint plays = st_nplays(n, g);
    if (plays >= 28u) return 0u;
    uint actor = st_actor(n, g), decl = st_decl(n, g), hand = st_hand_mask(n, g, actor);
    uint tiles = hand;
    if ((plays & 3u) != 0u) {
        uint f = hand & follow_mask(led_suit(st_trick(n, g, 0u), decl), decl);
        if (f != 0u) tiles = f;
    }
    uint out_mask = 0u;
    for (uint i = 0u; i < 7u; ++i)
        if ((tiles >> st_hand_slot(n, g, actor, i) & 1u) != 0u) out_mask |= 1u << i;
    return out_mask;
}

#endif
