#version 450
// Move choice per game (spec §6.10), one invocation per game, over the legal slots only:
//   mode 0 (p_make): score = Σ_{bin ≥ min_bin[g]} pdf[slot][bin] + 1e-6·(e_q − min_legal)/(max_legal − min_legal)
//   mode 1 (e_q):    score = e_q
// action = the legal slot with the highest score (lowest slot on ties); −1 when no slot is legal. Also
// u_mean / u_max = mean / max of √var over the legal slots (0 when none).
// Bindings: 0 e_q f32 [G][7] (read), 1 var f32 [G][7] (read), 2 pdf f32 [G][7][85] (read),
//           3 legal u32 [G] (7-bit slot mask, read), 4 min_bin i32 [G] (read), 5 action i32 [G] (write),
//           6 uncertainty f32 [G][2] (u_mean, u_max; write).
// Push: games G, mode. Spec: 0 workgroup size. Grid: ceil(G / workgroup size).
#extension GL_GOOGLE_include_directive : require
#include "eq/gpu/layout.h"
layout(local_size_x_id = 0) in;
layout(std430, binding = 0) readonly buffer EQ { float e_q[]; };
layout(std430, binding = 1) readonly buffer Var { float var_q[]; };
layout(std430, binding = 2) readonly buffer Pdf { float pdf[]; };
layout(std430, binding = 3) readonly buffer Legal { uint legal[]; };
layout(std430, binding = 4) readonly buffer MinBin { int min_bin[]; };
layout(std430, binding = 5) writeonly buffer Action { int action[]; };
layout(std430, binding = 6) writeonly buffer Unc { float uncertainty[]; };
layout(push_constant) uniform Push { uint games; uint mode; } pc;

void main() {
    uint g = gl_GlobalInvocationID.x;
    if (g >= pc.games) return;
    uint mask = legal[g];
    float lo = 3.0e38, hi = -3.0e38;
    precise float u_sum = 0.0;
    float u_max = 0.0;
    uint n = 0u;
    for (uint s = 0u; s < EQ_SLOTS; ++s) {
        if ((mask & (1u << s)) == 0u) continue;
        float v = e_q[g * EQ_SLOTS + s];
        lo = min(lo, v);
        hi = max(hi, v);
        float u = sqrt(var_q[g * EQ_SLOTS + s]);
        u_sum += u;
        u_max = max(u_max, u);
        ++n;
    }
    int best = -1;
    float best_score = 0.0;
    int first = clamp(min_bin[g], 0, int(EQ_BINS));
    for (uint s = 0u; s < EQ_SLOTS; ++s) {
        if ((mask & (1u << s)) == 0u) continue;
        precise float score;
        if (pc.mode == 0u) {
            precise float p = 0.0;
            for (uint b = uint(first); b < EQ_BINS; ++b) p += pdf[(g * EQ_SLOTS + s) * EQ_BINS + b];
            precise float tie = hi > lo ? 1e-6 * (e_q[g * EQ_SLOTS + s] - lo) / (hi - lo) : 0.0;
            score = p + tie;
        } else {
            score = e_q[g * EQ_SLOTS + s];
        }
        if (best < 0 || score > best_score) {
            best = int(s);
            best_score = score;
        }
    }
    action[g] = best;
    uncertainty[2u * g] = n > 0u ? u_sum / float(n) : 0.0;
    uncertainty[2u * g + 1u] = u_max;
}
