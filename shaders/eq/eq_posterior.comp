#version 450
#extension GL_GOOGLE_include_directive : require
#include "eq/gpu/layout.h"
// Posterior weights of sampled worlds (issue 16, spec §6.9 without Forge's defects), one invocation per game.
// Reference: eq::posterior_weights_ref (src/eq/posterior.cpp), the same float operations in the same order.
// Per world m and past step k, with the step word s (bits 0..6 legal dealt slots of the past actor, bits 8..10
// observed slot (7 = absent), bit 16 scored) and Q = q_past[g][m][k] (past actor's perspective):
//   log p = 0 (unscored or nothing legal); −1e9 (observed absent or illegal);
//   else log((1 − β)·softmax_legal((Q − mean_legal Q)/τ)[obs] + β/|legal| + 1e-30).
// logw[m] = Σ_k log p; w[m] ∝ exp(max(logw[m] − max logw, −30)), normalised; stats = {1/Σw², max w}.
// Game g's live worlds are m < min(M, acc[g].target − acc[g].n) (eq_control's, one pass: M sampled worlds, or an
// enumeration's count ≤ M); a game with none (over, or not live) gets stats {0, 0} and no weights.
// Bindings: 0 q_past f32 [rows][7] (read), 1 steps u32 [G][M][K] (read), 2 weights f32 [G][M] (write, used
// for logw first), 3 stats f32 [G][2] (write), 4 acc u32 [G][ACC_WORDS] (read), 5 row_of u32 [G][M][K] (read: the
// q_past row of each step, eq_past_states' compacted rows; only scored steps are read, NONE counts as unscored).
// Push: games, worlds, window, tau, beta. Spec: 0 workgroup size. Grid: ceil(G / workgroup size).
layout(local_size_x_id = 0) in;
layout(std430, binding = 0) readonly buffer QPast { float q_past[]; };
layout(std430, binding = 1) readonly buffer Steps { uint steps[]; };
layout(std430, binding = 2) buffer Weights { float weights[]; };
layout(std430, binding = 3) writeonly buffer Stats { float stats[]; };
layout(std430, binding = 4) readonly buffer Acc { uint acc[]; };
layout(std430, binding = 5) readonly buffer RowOf { uint row_of[]; };
layout(push_constant) uniform Push { uint games; uint worlds; uint window; float tau; float beta; } pc;

const float LOG_FLOOR = -30.0;
const float LOG_IMPOSSIBLE = -1.0e9;

float behaviour_log_prob(uint row, uint word) {
    uint legal = word & 0x7Fu, obs = (word >> 8) & 7u;
    if (((word >> 16) & 1u) == 0u || legal == 0u || row == NONE) return 0.0;
    uint base = row * 7u;
    if (obs == 7u || (legal & (1u << obs)) == 0u) return LOG_IMPOSSIBLE;
    precise float sum = 0.0;
    for (uint s = 0u; s < 7u; ++s)
        if ((legal & (1u << s)) != 0u) sum += q_past[base + s];
    precise float n = float(bitCount(legal));
    precise float mean = sum / n;
    float a_max = -3.0e38;
    for (uint s = 0u; s < 7u; ++s)
        if ((legal & (1u << s)) != 0u) a_max = max(a_max, (q_past[base + s] - mean) / pc.tau);
    precise float z = 0.0;
    for (uint s = 0u; s < 7u; ++s)
        if ((legal & (1u << s)) != 0u) z += exp((q_past[base + s] - mean) / pc.tau - a_max);
    precise float p = (1.0 - pc.beta) * (exp((q_past[base + obs] - mean) / pc.tau - a_max) / z) + pc.beta / n;
    return log(p + 1e-30);
}

void main() {
    uint g = gl_GlobalInvocationID.x;
    if (g >= pc.games) return;
    uint stride = pc.worlds, k_count = pc.window;
    uint m_count = min(stride, acc[g * ACC_WORDS + ACC_TARGET] - acc[g * ACC_WORDS + ACC_N]);
    if (m_count == 0u) {
        stats[2u * g] = 0.0;
        stats[2u * g + 1u] = 0.0;
        return;
    }
    float best = -3.0e38;
    for (uint m = 0u; m < m_count; ++m) {
        uint row = (g * stride + m) * k_count;
        precise float sum = 0.0;
        for (uint k = 0u; k < k_count; ++k) sum += behaviour_log_prob(row_of[row + k], steps[row + k]);
        weights[g * stride + m] = sum;
        best = max(best, sum);
    }
    precise float z = 0.0;
    for (uint m = 0u; m < m_count; ++m) {
        float e = exp(max(weights[g * stride + m] - best, LOG_FLOOR));
        weights[g * stride + m] = e;
        z += e;
    }
    precise float sq = 0.0;
    float w_max = 0.0;
    for (uint m = 0u; m < m_count; ++m) {
        precise float w = weights[g * stride + m] / z;
        weights[g * stride + m] = w;
        sq += w * w;
        w_max = max(w_max, w);
    }
    stats[2u * g] = 1.0 / sq;
    stats[2u * g + 1u] = w_max;
}
