// LayerNorm with fused residual add, one subgroup per row: included by layer_norm_sg.comp (T = float) and
// layer_norm_sg_f16.comp (T = float16_t). Same result as layer_norm_impl.glsl (PyTorch's nn.LayerNorm: two-pass
// fp32 statistics, biased variance) with the sums taken by subgroupAdd instead of a shared-memory tree: no
// barrier and no shared memory, which lavapipe rewards (a barrier turns each subgroup into a coroutine) and GPUs
// do not mind. Lane l of a subgroup of S holds channels l, l + S, ... in registers (VALS = ceil(C / S) ≤ 32, a
// spec constant so the unrolled loops index the register array by constants).
// Bindings (set 0), push block and the count rule as layer_norm_impl.glsl:
//   0 x T [rows][C] readonly, 1 res T [rows][C] readonly, 2 gamma float [C] readonly, 3 beta float [C]
//   readonly, 4 y T [rows][C] writeonly, 5 count uint [1] readonly.
// Spec: 0 workgroup size (a multiple of the subgroup size), 1 RESIDUAL, 2 VALS.
// Grid: (groups, 1, 1); subgroup s of workgroup w takes rows w·subgroups + s, grid-stride.
layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint RESIDUAL = 1;
layout(constant_id = 2) const uint VALS = 1;
#include "layer_norm_io.glsl"

void main() {
    const uint count = count_buf[0];
    const uint lane = gl_SubgroupInvocationID, S = gl_SubgroupSize;
    const uint step = gl_NumWorkGroups.x * gl_NumSubgroups;
    float v[VALS];
    for (uint row = gl_WorkGroupID.x * gl_NumSubgroups + gl_SubgroupID; row < pc.rows; row += step) {
        if (pc.world_base + row / pc.rows_per_world >= count) return;  // uniform in the subgroup
        const uint off = row * pc.C;
        float s = 0.0;
        [[unroll]] for (uint j = 0; j < VALS; ++j) {
            uint c = lane + j * S;
            v[j] = 0.0;
            if (c < pc.C) {
                v[j] = float(x_buf[off + c]);
                if (RESIDUAL != 0u) v[j] += float(res_buf[off + c]);
            }
            s += v[j];
        }
        const float mean = subgroupAdd(s) / float(pc.C);
        float q = 0.0;
        [[unroll]] for (uint j = 0; j < VALS; ++j) {
            float d = lane + j * S < pc.C ? v[j] - mean : 0.0;
            q += d * d;
        }
        const float inv = inversesqrt(subgroupAdd(q) / float(pc.C) + pc.eps);
        [[unroll]] for (uint j = 0; j < VALS; ++j) {
            uint c = lane + j * S;
            if (c < pc.C) y_buf[off + c] = STORE_T((v[j] - mean) * inv * gamma_buf[c] + beta_buf[c]);
        }
    }
}
