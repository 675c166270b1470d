#version 450
#extension GL_GOOGLE_include_directive : require
// Legal slots of the seat to move (spec §1.3): bit i set when slot i of the actor's sorted dealt
// hand is still held and may be played (must follow the led suit when able). 0 once the hand is
// over. Bindings: 0 state uint [ST_WORDS·N] readonly, 1 rules uint [R_WORDS] readonly, 2 legal
// uint [N] writeonly (7-bit slot mask). Push: n_games. Spec: 0 workgroup size.
// Grid: (ceil(N / wg), 1, 1), one invocation per game. Reference: eq::legal_slots.
layout(local_size_x_id = 0) in;
layout(binding = 0) readonly buffer State { uint st[]; };
layout(binding = 1) readonly buffer Rules { uint rules[]; };
layout(binding = 2) writeonly buffer Legal { uint legal[]; };
layout(push_constant) uniform Push { uint n_games; } pc;

#include "eq/gpu/layout.h"
#include "eq_rules.glsl"
#include "eq_moves.glsl"

void main() {
    uint g = gl_GlobalInvocationID.x;
    if (g >= pc.n_games) return;
    legal[g] = legal_slot_mask(pc.n_games, g);
}
