#version 450
// E[Q] reduction over the sampled worlds of each game (spec §6.7, uniform weights), one invocation per
// (game, slot): e_q = mean_m Q, var = mean_m Q² − e_q² (population, clamped at 0), pdf[bin] = share of worlds
// with clamp(roundEven(Q + 42), 0, 84) = bin. The worlds may arrive in chunks (the oracle's batch is
// smaller than G·M): between chunks e_q, var and pdf hold the running sum, sum of squares and counts, and the
// last chunk turns them into moments. Worlds are summed in index order with the same float operations
// however they are chunked, so results are bit-identical for every chunking; `precise` forbids FMA fusion.
// A non-finite Q (NaN, ±Inf: an overflowing model) makes the slot's sums non-finite, which eq_record counts;
// it adds to no PDF bin (converting NaN to a bin index is undefined and could write outside the slot).
// Bindings: 0 q f32 [G·Mc][7] (this chunk, read), 1 e_q f32 [G][7], 2 var f32 [G][7],
//           3 pdf f32 [G][7][85] (all three read-write).
// Push: games G, worlds Mc in this chunk, first (1 = start from zero), total_worlds M (> 0 = last chunk:
// finish the moments over M worlds). Spec: 0 workgroup size. Grid: ceil(G·7 / workgroup size).
#extension GL_GOOGLE_include_directive : require
#include "eq/gpu/layout.h"
layout(local_size_x_id = 0) in;
layout(std430, binding = 0) readonly buffer Q { float q[]; };
layout(std430, binding = 1) buffer EQ { float e_q[]; };
layout(std430, binding = 2) buffer Var { float var_q[]; };
layout(std430, binding = 3) buffer Pdf { float pdf[]; };
layout(push_constant) uniform Push { uint games; uint worlds; uint first; uint total_worlds; } pc;

void main() {
    uint gs = gl_GlobalInvocationID.x;
    if (gs >= pc.games * EQ_SLOTS) return;
    uint g = gs / EQ_SLOTS, slot = gs % EQ_SLOTS;
    uint pdf_base = gs * EQ_BINS;
    precise float sum = 0.0, sum_sq = 0.0;
    if (pc.first != 0u) {
        for (uint b = 0u; b < EQ_BINS; ++b) pdf[pdf_base + b] = 0.0;
    } else {
        sum = e_q[gs];
        sum_sq = var_q[gs];
    }
    for (uint m = 0u; m < pc.worlds; ++m) {
        float v = q[(g * pc.worlds + m) * EQ_SLOTS + slot];
        sum += v;
        precise float sq = v * v;
        sum_sq += sq;
        if ((floatBitsToUint(v) & 0x7f800000u) == 0x7f800000u) continue;  // NaN or ±Inf
        uint bin = uint(clamp(roundEven(v + 42.0), 0.0, 84.0));
        pdf[pdf_base + bin] += 1.0;  // counts are exact in fp32 up to 2^24 worlds
    }
    if (pc.total_worlds == 0u) {  // more chunks follow: keep the running sums
        e_q[gs] = sum;
        var_q[gs] = sum_sq;
        return;
    }
    precise float inv = 1.0 / float(pc.total_worlds);
    precise float mean = sum * inv;
    precise float mean_sq = sum_sq * inv;
    precise float m2 = mean * mean;
    e_q[gs] = mean;
    var_q[gs] = max(mean_sq - m2, 0.0);
    for (uint b = 0u; b < EQ_BINS; ++b) pdf[pdf_base + b] *= inv;
}
