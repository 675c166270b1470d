#version 450
// E[Q] reduction over the evaluated worlds of each game (spec §6.7, uniform weights), one invocation per
// (game, slot): e_q = mean Q, var = population variance of Q, pdf[bin] = share of worlds with
// clamp(roundEven(Q + 42), 0, 84) = bin. The moments are Welford's running mean and M2 (world k:
// d = Q − mean, mean += d / k, M2 += d · (Q − mean); var = M2 / n), which stay accurate for large |Q|
// and tiny spread, unlike E[Q²] − E[Q]² (issue 15: a one-world decision stored Var 3.1e-3 that way; here it
// is exactly 0). The worlds arrive in passes of up to P per game (eq_control): pass row i·P + m holds world
// n + m of game g = list[i] (i < ctrl[CTRL_ACTIVE], n = acc[g].n worlds before this pass, m < min(P,
// target − n)). Between passes e_q, var and pdf hold the running mean, M2 and bin counts (a game's first
// world starts them from zero); the finishing dispatch (finish = 1, over every game) turns them into
// moments over the game's acc[g].n worlds (zeros for a game with none). The world count k comes from the
// world's index, so a game's per-world update sequence is the same whatever the pass size and the other
// games, and results are bit-identical for every chunking; `precise` forbids FMA fusion.
// A non-finite Q (NaN, ±Inf: an overflowing model) makes the slot's moments non-finite, which eq_record
// counts; it adds to no PDF bin (converting NaN to a bin index is undefined and could write outside the
// slot).
// Weighted (posterior, weighted = 1; one pass per decision, the host refuses more): world m of game g has weight
// w = weights[g·P + m] (eq_posterior, Σw = 1) and the moments are West's weighted Welford (W += w; d = Q − mean;
// mean += d · (w / W); M2 += w · d · (Q − mean)), the PDF bin gains w; finishing divides M2 and the PDF by
// W = Σ_{m<n} w (summed in the same order), so E[Q] = Σ w Q, Var = Σ w (Q − E[Q])², Σ pdf = 1. Unweighted
// passes never read the weights and stay bit for bit what they were.
// Bindings: 0 q f32 [G·P][7] (this pass, read), 1 e_q f32 [G][7], 2 var f32 [G][7],
//           3 pdf f32 [G][7][85] (all three read-write), 4 list u32 [G], 5 acc u32 [G][ACC_WORDS],
//           6 ctrl u32 [CTRL_WORDS] (eq_control's, read), 7 weights f32 [G][P] (read when weighted).
// Push: games G, pass_worlds P, finish (0 = add a pass, 1 = finish the moments), weighted (0, 1).
// Spec: 0 workgroup size. Grid: ceil(G·7 / workgroup size).
#extension GL_GOOGLE_include_directive : require
#include "eq/gpu/layout.h"
layout(local_size_x_id = 0) in;
layout(std430, binding = 0) readonly buffer Q { float q[]; };
layout(std430, binding = 1) buffer EQ { float e_q[]; };
layout(std430, binding = 2) buffer Var { float var_q[]; };
layout(std430, binding = 3) buffer Pdf { float pdf[]; };
layout(std430, binding = 4) readonly buffer List { uint list[]; };
layout(std430, binding = 5) readonly buffer Acc { uint acc[]; };
layout(std430, binding = 6) readonly buffer Ctrl { uint ctrl[]; };
layout(std430, binding = 7) readonly buffer Weights { float weights[]; };
layout(push_constant) uniform Push { uint games; uint pass_worlds; uint finish; uint weighted; } pc;

// One pass of game g (row block i), weighted: West's running W, mean and M2 from zero (n0 = 0).
void weighted_pass(uint i, uint g, uint slot, uint live) {
    uint gs = g * EQ_SLOTS + slot, pdf_base = gs * EQ_BINS;
    for (uint b = 0u; b < EQ_BINS; ++b) pdf[pdf_base + b] = 0.0;
    precise float mean = 0.0, m2 = 0.0, w_sum = 0.0;
    for (uint m = 0u; m < live; ++m) {
        float v = q[(i * pc.pass_worlds + m) * EQ_SLOTS + slot];
        float w = weights[g * pc.pass_worlds + m];
        w_sum = w_sum + w;
        precise float d = v - mean;
        precise float r = w_sum > 0.0 ? w / w_sum : 0.0;
        mean = mean + d * r;
        precise float d2 = v - mean;
        m2 = m2 + w * d * d2;
        if ((floatBitsToUint(v) & 0x7f800000u) == 0x7f800000u) continue;  // NaN or ±Inf
        uint bin = uint(clamp(roundEven(v + 42.0), 0.0, 84.0));
        pdf[pdf_base + bin] += w;
    }
    e_q[gs] = mean;
    var_q[gs] = m2;
}

void main() {
    uint is = gl_GlobalInvocationID.x;
    if (is >= pc.games * EQ_SLOTS) return;
    uint i = is / EQ_SLOTS, slot = is % EQ_SLOTS;
    if (pc.finish != 0u && pc.weighted != 0u) {  // i is the game: divide by W = Σ w
        uint n = acc[i * ACC_WORDS + ACC_N];
        precise float w_sum = 0.0;
        for (uint m = 0u; m < n; ++m) w_sum = w_sum + weights[i * pc.pass_worlds + m];
        bool none = n == 0u || !(w_sum > 0.0);
        precise float inv = none ? 0.0 : 1.0 / w_sum;
        if (none) e_q[is] = 0.0;
        var_q[is] = none ? 0.0 : max(var_q[is] / w_sum, 0.0);
        for (uint b = 0u; b < EQ_BINS; ++b)
            pdf[is * EQ_BINS + b] = none ? 0.0 : pdf[is * EQ_BINS + b] * inv;
        return;
    }
    if (pc.finish != 0u) {  // i is the game
        uint n = acc[i * ACC_WORDS + ACC_N];
        precise float inv = n == 0u ? 0.0 : 1.0 / float(n);
        if (n == 0u) e_q[is] = 0.0;
        var_q[is] = n == 0u ? 0.0 : max(var_q[is] / float(n), 0.0);
        for (uint b = 0u; b < EQ_BINS; ++b)
            pdf[is * EQ_BINS + b] = n == 0u ? 0.0 : pdf[is * EQ_BINS + b] * inv;
        return;
    }
    if (i >= min(ctrl[CTRL_ACTIVE], pc.games)) return;
    uint g = list[i], gs = g * EQ_SLOTS + slot;
    uint n0 = acc[g * ACC_WORDS + ACC_N];
    uint live = min(pc.pass_worlds, acc[g * ACC_WORDS + ACC_TARGET] - n0);
    if (pc.weighted != 0u) {
        weighted_pass(i, g, slot, live);
        return;
    }
    uint pdf_base = gs * EQ_BINS;
    precise float mean = 0.0, m2 = 0.0;
    if (n0 == 0u) {
        for (uint b = 0u; b < EQ_BINS; ++b) pdf[pdf_base + b] = 0.0;
    } else {
        mean = e_q[gs];
        m2 = var_q[gs];
    }
    for (uint m = 0u; m < live; ++m) {
        float v = q[(i * pc.pass_worlds + m) * EQ_SLOTS + slot];
        precise float k = float(n0 + m + 1u);  // worlds seen, this one included
        precise float d = v - mean;
        mean = mean + d / k;
        precise float d2 = v - mean;
        m2 = m2 + d * d2;
        if ((floatBitsToUint(v) & 0x7f800000u) == 0x7f800000u) continue;  // NaN or ±Inf
        uint bin = uint(clamp(roundEven(v + 42.0), 0.0, 84.0));
        pdf[pdf_base + bin] += 1.0;  // counts are exact in fp32 up to 2^24 worlds
    }
    e_q[gs] = mean;
    var_q[gs] = m2;
}
