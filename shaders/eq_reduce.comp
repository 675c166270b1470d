#version 450
// E[Q] reduction over the sampled worlds of each game (spec §6.7, uniform weights), one invocation per
// (game, slot): e_q = mean_m Q, var = mean_m Q² − e_q² (population, clamped at 0), pdf[bin] = share of worlds
// with clamp(roundEven(Q + 42), 0, 84) = bin. Worlds are summed in index order, so the result is the same
// however the worlds were chunked through the oracle. `precise` keeps the compiler from fusing into FMAs.
// Bindings: 0 q f32 [G·M][7] (read), 1 e_q f32 [G][7] (write), 2 var f32 [G][7] (write),
//           3 pdf f32 [G][7][85] (write).
// Push: games G, worlds M. Spec: 0 workgroup size. Grid: ceil(G·7 / workgroup size).
layout(local_size_x_id = 0) in;
layout(std430, binding = 0) readonly buffer Q { float q[]; };
layout(std430, binding = 1) writeonly buffer EQ { float e_q[]; };
layout(std430, binding = 2) writeonly buffer Var { float var_q[]; };
layout(std430, binding = 3) buffer Pdf { float pdf[]; };
layout(push_constant) uniform Push { uint games; uint worlds; } pc;

const uint SLOTS = 7u;
const uint BINS = 85u;

void main() {
    uint gs = gl_GlobalInvocationID.x;
    if (gs >= pc.games * SLOTS) return;
    uint g = gs / SLOTS, slot = gs % SLOTS;
    uint pdf_base = gs * BINS;
    for (uint b = 0u; b < BINS; ++b) pdf[pdf_base + b] = 0.0;
    precise float sum = 0.0, sum_sq = 0.0;
    for (uint m = 0u; m < pc.worlds; ++m) {
        float v = q[(g * pc.worlds + m) * SLOTS + slot];
        sum += v;
        precise float sq = v * v;
        sum_sq += sq;
        uint bin = uint(clamp(roundEven(v + 42.0), 0.0, 84.0));
        pdf[pdf_base + bin] += 1.0;  // counts are exact in fp32 up to 2^24 worlds
    }
    precise float inv = 1.0 / float(pc.worlds);
    precise float mean = sum * inv;
    precise float mean_sq = sum_sq * inv;
    precise float m2 = mean * mean;
    e_q[gs] = mean;
    var_q[gs] = max(mean_sq - m2, 0.0);
    for (uint b = 0u; b < BINS; ++b) pdf[pdf_base + b] *= inv;
}
