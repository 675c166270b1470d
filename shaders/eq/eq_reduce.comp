#version 450
// E[Q] reduction over the sampled worlds of each game (spec §6.7, uniform weights), one invocation per
// (game, slot): e_q = mean_m Q, var = population variance of Q, pdf[bin] = share of worlds with
// clamp(roundEven(Q + 42), 0, 84) = bin. The moments are Welford's running mean and M2 (world k:
// d = Q − mean, mean += d / k, M2 += d · (Q − mean); var = M2 / M), which stay accurate for large |Q|
// and tiny spread, unlike E[Q²] − E[Q]² (issue 15: a one-world decision stored Var 3.1e-3 that way; here it
// is exactly 0). The worlds may arrive in chunks (the oracle's batch is smaller than G·M): between chunks
// e_q, var and pdf hold the running mean, M2 and counts, and the last chunk turns them into moments. The
// world count k comes from the world's index, so the per-world update sequence is the same however the
// worlds are chunked and results are bit-identical for every chunking; `precise` forbids FMA fusion.
// A non-finite Q (NaN, ±Inf: an overflowing model) makes the slot's sums non-finite, which eq_record counts;
// it adds to no PDF bin (converting NaN to a bin index is undefined and could write outside the slot).
// Bindings: 0 q f32 [G·Mc][7] (this chunk, read), 1 e_q f32 [G][7], 2 var f32 [G][7],
//           3 pdf f32 [G][7][85] (all three read-write).
// Push: games G, worlds Mc in this chunk, first (1 = start from zero), total_worlds M (> 0 = last chunk:
// finish the moments over M worlds), world_base (index of the chunk's first world). Spec: 0 workgroup size. Grid: ceil(G·7 / workgroup size).
#extension GL_GOOGLE_include_directive : require
#include "eq/gpu/layout.h"
layout(local_size_x_id = 0) in;
layout(std430, binding = 0) readonly buffer Q { float q[]; };
layout(std430, binding = 1) buffer EQ { float e_q[]; };
layout(std430, binding = 2) buffer Var { float var_q[]; };
layout(std430, binding = 3) buffer Pdf { float pdf[]; };
layout(push_constant) uniform Push { uint games; uint worlds; uint first; uint total_worlds; uint world_base; } pc;

void main() {
    uint gs = gl_GlobalInvocationID.x;
    if (gs >= pc.games * EQ_SLOTS) return;
    uint g = gs / EQ_SLOTS, slot = gs % EQ_SLOTS;
    uint pdf_base = gs * EQ_BINS;
    precise float mean = 0.0, m2 = 0.0;
    if (pc.first != 0u) {
        for (uint b = 0u; b < EQ_BINS; ++b) pdf[pdf_base + b] = 0.0;
    } else {
        mean = e_q[gs];
        m2 = var_q[gs];
    }
    for (uint m = 0u; m < pc.worlds; ++m) {
        float v = q[(g * pc.worlds + m) * EQ_SLOTS + slot];
        precise float k = float(pc.world_base + m + 1u);  // worlds seen, this one included
        precise float d = v - mean;
        mean = mean + d / k;
        precise float d2 = v - mean;
        m2 = m2 + d * d2;
        if ((floatBitsToUint(v) & 0x7f800000u) == 0x7f800000u) continue;  // NaN or ±Inf
        uint bin = uint(clamp(roundEven(v + 42.0), 0.0, 84.0));
        pdf[pdf_base + bin] += 1.0;  // counts are exact in fp32 up to 2^24 worlds
    }
    if (pc.total_worlds == 0u) {  // more chunks follow: carry the running mean and M2
        e_q[gs] = mean;
        var_q[gs] = m2;
        return;
    }
    precise float inv = 1.0 / float(pc.total_worlds);
    e_q[gs] = mean;
    var_q[gs] = max(m2 / float(pc.total_worlds), 0.0);
    for (uint b = 0u; b < EQ_BINS; ++b) pdf[pdf_base + b] *= inv;
}
