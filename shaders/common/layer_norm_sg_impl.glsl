// LayerNorm with fused residual add, one subgroup per row: included by layer_norm_sg.comp (T = float) and
// layer_norm_sg_f16.comp (T = float16_t). Same result as layer_norm_impl.glsl (PyTorch's nn.LayerNorm: two-pass
// fp32 statistics, biased variance) with the sums taken by subgroupAdd instead of a shared-memory tree: no
// barrier and no shared memory, which lavapipe rewards (a barrier turns each subgroup into a coroutine) and GPUs
// do not mind. Lane l of a subgroup of S holds channels VEC·(l + j·S) + t (t < VEC, j < VALS) in registers, with
// VEC = 4 when C % 4 = 0 (x, res and y then move as 4-vectors: on lavapipe every storage access is a loop over
// the lanes, so one vec4 access costs about what one scalar does) and 1 otherwise; VALS = ceil(C / (S·VEC)), a
// spec constant so the unrolled loops index the register arrays by constants. gamma and beta are read once per
// lane, before the row loop, so a subgroup that takes many rows (the grid on CPU devices) reads them once.
// Bindings (set 0), push block and the count rule as layer_norm_impl.glsl:
//   0 x T [rows][C] readonly, 1 res T [rows][C] readonly, 2 gamma float [C] readonly, 3 beta float [C]
//   readonly, 4 y T [rows][C] writeonly, 5 count uint [1] readonly.
// Spec: 0 workgroup size (a multiple of the subgroup size), 1 RESIDUAL, 2 VALS, 3 VEC (1 or 4).
// Grid: (groups, 1, 1); subgroup s of workgroup w takes rows w·subgroups + s, grid-stride.
layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint RESIDUAL = 1;
layout(constant_id = 2) const uint VALS = 1;
layout(constant_id = 3) const uint VEC = 1;
#include "layer_norm_io.glsl"
layout(binding = 0) readonly buffer X4 { STORE_V4 x4_buf[]; };
layout(binding = 1) readonly buffer Res4 { STORE_V4 res4_buf[]; };
layout(binding = 4) writeonly buffer Y4 { STORE_V4 y4_buf[]; };

void main() {
    const uint count = count_buf[0];
    const uint lane = gl_SubgroupInvocationID, S = gl_SubgroupSize;
    const uint step = gl_NumWorkGroups.x * gl_NumSubgroups;
    // Channel of element (j, t) of this lane; `live` = inside the row.
    float g[VALS * VEC], b[VALS * VEC], v[VALS * VEC];
    [[unroll]] for (uint j = 0; j < VALS; ++j)
        [[unroll]] for (uint t = 0; t < VEC; ++t) {
            const uint c = VEC * (lane + j * S) + t;
            g[j * VEC + t] = c < pc.C ? gamma_buf[c] : 0.0;
            b[j * VEC + t] = c < pc.C ? beta_buf[c] : 0.0;
        }
    for (uint row = gl_WorkGroupID.x * gl_NumSubgroups + gl_SubgroupID; row < pc.rows; row += step) {
        if (pc.world_base + row / pc.rows_per_world >= count) return;  // uniform in the subgroup
        const uint off = row * pc.C;
        float s = 0.0;
        [[unroll]] for (uint j = 0; j < VALS; ++j) {
            const uint c0 = VEC * (lane + j * S);
            [[unroll]] for (uint t = 0; t < VEC; ++t) v[j * VEC + t] = 0.0;
            if (c0 < pc.C) {  // VEC = 4: C % 4 = 0, so the whole vector is inside the row
                if (VEC == 4u) {
                    vec4 x = vec4(x4_buf[(off + c0) / 4u]);
                    if (RESIDUAL != 0u) x += vec4(res4_buf[(off + c0) / 4u]);
                    [[unroll]] for (uint t = 0; t < VEC; ++t) v[j * VEC + t] = x[t];
                } else {
                    v[j] = float(x_buf[off + c0]);
                    if (RESIDUAL != 0u) v[j] += float(res_buf[off + c0]);
                }
            }
            [[unroll]] for (uint t = 0; t < VEC; ++t) s += v[j * VEC + t];
        }
        const float mean = subgroupAdd(s) / float(pc.C);
        float q = 0.0;
        [[unroll]] for (uint j = 0; j < VALS; ++j)
            [[unroll]] for (uint t = 0; t < VEC; ++t) {
                float d = VEC * (lane + j * S) + t < pc.C ? v[j * VEC + t] - mean : 0.0;
                q += d * d;
            }
        const float inv = inversesqrt(subgroupAdd(q) / float(pc.C) + pc.eps);
        [[unroll]] for (uint j = 0; j < VALS; ++j) {
            const uint c0 = VEC * (lane + j * S);
            if (c0 >= pc.C) continue;
            if (VEC == 4u) {
                vec4 y;
                [[unroll]] for (uint t = 0; t < VEC; ++t)
                    y[t] = (v[j * VEC + t] - mean) * inv * g[j * VEC + t] + b[j * VEC + t];
                y4_buf[(off + c0) / 4u] = STORE_V4(y);
            } else {
                y_buf[off + c0] = STORE_T((v[j] - mean) * inv * g[j] + b[j]);
            }
        }
    }
}
