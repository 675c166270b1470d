#version 450
// Stores each game's decision (before the move is applied) at its decision index d = plays so far:
// records[g][d] = E[Q] [7], Var [7], PDF [7][85], player, action, legal mask, worlds n, u_mean, u_max, the
// non-finite guard: how many of the 14 E[Q] and Var values are NaN or ±Inf (a model that overflows, e.g. fp16
// activations; the host refuses the label), then the standard error sqrt(Var / n) per slot (n = ESS under the
// posterior; 0 when n = 0 or when every world was enumerated: no sampling error),
// the sampling flags (ACC_EXACT, ACC_CONVERGED, ACC_HIT_MAX) and the exact world count (eq_control's acc), then
// eq_explore's exploration mode, greedy slot, q_gap and entropy, then eq_posterior's ESS and max weight (0, 0 with
// the posterior off).
// A non-finite Q in any world makes its slot's E[Q] non-finite.
// Games whose hand is over (d = 28) write nothing.
// Bindings: 0 state u32 [ST_WORDS·n], 1 e_q f32 [n][7], 2 var f32 [n][7], 3 pdf f32 [n][7][85],
//           4 legal u32 [n], 5 action i32 [n], 6 uncertainty f32 [n][2] (all read),
//           7 records u32 [n][28][REC_WORDS] (write; floats stored as their bits),
//           8 acc u32 [n][ACC_WORDS] (read; eq_control),
//           9 explore u32 [n][4] (read; eq_explore's mode, greedy slot, q_gap, entropy → REC_EXPLORE_MODE..),
//           10 post f32 [n][2] (read; eq_posterior's ESS, max w → REC_ESS, REC_MAXW).
// Push: n_games. Spec: 0 workgroup size. Grid: ceil(n / workgroup size).
#extension GL_GOOGLE_include_directive : require
#include "eq/gpu/layout.h"
layout(local_size_x_id = 0) in;
layout(std430, binding = 0) readonly buffer State { uint st[]; };
layout(std430, binding = 1) readonly buffer EQ { float e_q[]; };
layout(std430, binding = 2) readonly buffer Var { float var_q[]; };
layout(std430, binding = 3) readonly buffer Pdf { float pdf[]; };
layout(std430, binding = 4) readonly buffer Legal { uint legal[]; };
layout(std430, binding = 5) readonly buffer Action { int action[]; };
layout(std430, binding = 6) readonly buffer Unc { float uncertainty[]; };
layout(std430, binding = 7) writeonly buffer Records { uint rec[]; };
layout(std430, binding = 8) readonly buffer Acc { uint acc[]; };
layout(std430, binding = 9) readonly buffer Explore { uint explore[]; };
layout(std430, binding = 10) readonly buffer Post { float post[]; };
layout(push_constant) uniform Push { uint n_games; } pc;

void main() {
    uint g = gl_GlobalInvocationID.x, n = pc.n_games;
    if (g >= n) return;
    uint d = st[st_index(ST_NPLAYS, 1u, n, g, 0u)];
    if (d >= 28u) return;
    uint leader = st[st_index(ST_LEADER, 1u, n, g, 0u)];
    uint base = (g * 28u + d) * REC_WORDS;
    uint nonfinite = 0u;
    for (uint s = 0u; s < 7u; ++s) {
        uint e = floatBitsToUint(e_q[g * 7u + s]), v = floatBitsToUint(var_q[g * 7u + s]);
        rec[base + REC_EQ + s] = e;
        rec[base + REC_VAR + s] = v;
        // Exponent all ones = NaN or ±Inf; tested on the bits so no float mode can fold it away.
        nonfinite += uint((e & 0x7f800000u) == 0x7f800000u) + uint((v & 0x7f800000u) == 0x7f800000u);
    }
    for (uint i = 0u; i < 7u * 85u; ++i) rec[base + REC_PDF + i] = floatBitsToUint(pdf[g * 595u + i]);
    rec[base + REC_PLAYER] = (leader + d % 4u) % 4u;
    rec[base + REC_ACTION] = uint(action[g]);
    rec[base + REC_LEGAL] = legal[g];
    uint worlds = acc[g * ACC_WORDS + ACC_N];
    rec[base + REC_SAMPLES] = worlds;
    rec[base + REC_UMEAN] = floatBitsToUint(uncertainty[2u * g]);
    rec[base + REC_UMAX] = floatBitsToUint(uncertainty[2u * g + 1u]);
    rec[base + REC_NONFINITE] = nonfinite;
    bool exact = (acc[g * ACC_WORDS + ACC_FLAGS] & ACC_EXACT) != 0u;
    float ess = post[2u * g];
    precise float n_eff = ess > 0.0 ? ess : float(worlds);  // Kish's effective worlds under weights
    for (uint s = 0u; s < 7u; ++s) {
        precise float sem = worlds == 0u || exact ? 0.0 : sqrt(var_q[g * 7u + s] / n_eff);
        rec[base + REC_SEM + s] = floatBitsToUint(sem);
    }
    rec[base + REC_FLAGS] = acc[g * ACC_WORDS + ACC_FLAGS] & (ACC_EXACT | ACC_CONVERGED | ACC_HIT_MAX);
    rec[base + REC_WORLD_COUNT] = acc[g * ACC_WORDS + ACC_COUNT];
    for (uint i = 0u; i < 4u; ++i) rec[base + REC_EXPLORE_MODE + i] = explore[4u * g + i];
    rec[base + REC_ESS] = floatBitsToUint(ess);
    rec[base + REC_MAXW] = floatBitsToUint(post[2u * g + 1u]);
}
