// LayerNorm with fused residual add, included by layer_norm.comp (T = float) and layer_norm_f16.comp
// (T = float16_t): y[r] = (v − mean(v)) / sqrt(var(v) + eps) · gamma + beta with v = x[r] + res[r] (RESIDUAL = 1)
// or v = x[r]; statistics in fp32 (two passes: mean, then biased variance), PyTorch's nn.LayerNorm.
// Bindings (set 0):
//   0 x     T     [rows][C]  readonly
//   1 res   T     [rows][C]  readonly (read only when RESIDUAL = 1)
//   2 gamma float [C]        readonly
//   3 beta  float [C]        readonly
//   4 y     T     [rows][C]  writeonly (must not alias x or res)
//   5 count uint  [1]        worlds to compute: row r is skipped when world_base + r / rows_per_world ≥ count
// Push: rows, C, rows_per_world (32, or 8 in the last layer), world_base, eps.
// Spec: 0 workgroup size (a power of two), 1 RESIDUAL. Grid: (min(rows, 65535), 1, 1): one workgroup per row,
// grid-stride over rows; each invocation strides over the channels, and a shared-memory tree reduces.
layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint RESIDUAL = 1;
#include "layer_norm_io.glsl"

shared float red_sh[gl_WorkGroupSize.x];

float value_at(uint i) {
    float v = float(x_buf[i]);
    if (RESIDUAL != 0u) v += float(res_buf[i]);
    return v;
}

// Sum of `v` over the workgroup (every invocation gets it).
float workgroup_sum(float v) {
    uint t = gl_LocalInvocationID.x;
    red_sh[t] = v;
    barrier();
    for (uint s = gl_WorkGroupSize.x / 2u; s > 0u; s >>= 1) {
        if (t < s) red_sh[t] += red_sh[t + s];
        barrier();
    }
    float total = red_sh[0];
    barrier();  // red_sh is reused by the next call
    return total;
}

void main() {
    uint count = count_buf[0];
    uint t = gl_LocalInvocationID.x;
    for (uint row = gl_WorkGroupID.x; row < pc.rows; row += gl_NumWorkGroups.x) {
        if (pc.world_base + row / pc.rows_per_world >= count) return;  // uniform in the workgroup
        uint off = row * pc.C;
        float s = 0.0;
        for (uint c = t; c < pc.C; c += gl_WorkGroupSize.x) s += value_at(off + c);
        float mean = workgroup_sum(s) / float(pc.C);
        float q = 0.0;
        for (uint c = t; c < pc.C; c += gl_WorkGroupSize.x) {
            float d = value_at(off + c) - mean;
            q += d * d;
        }
        float inv = inversesqrt(workgroup_sum(q) / float(pc.C) + pc.eps);
        for (uint c = t; c < pc.C; c += gl_WorkGroupSize.x)
            y_buf[off + c] = STORE_T((value_at(off + c) - mean) * inv * gamma_buf[c] + beta_buf[c]);
    }
}
