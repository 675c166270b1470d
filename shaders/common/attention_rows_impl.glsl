// Fused multi-head self-attention for 32 tokens, one invocation per query row: included by attention_rows.comp
// (T = float) and attention_rows_f16.comp (T = float16_t). The CPU-device shape of attention_impl.glsl (same
// bindings, push block, grid and result): invocation i of the workgroup of (world, head) holds query row i and its
// D outputs in registers and walks the 32 keys with an online softmax (running max and sum, fp32), so every K
// and V element it reads is at the same address in all lanes, and there is no shared memory and no barrier —
// lavapipe's best case (PERFORMANCE.md); GPUs keep the shared-memory kernel. D ≤ 64 (a spec constant, so the
// unrolled loops index the register arrays by constants).
// Bindings (set 0), as attention_impl.glsl:
//   0 qkv T [worlds][32][3E] readonly, 1 mask uint [worlds_total][32] int8 packed readonly, 2 actor int
//   [worlds_total] readonly (QROWS = 8), 3 out T [worlds][QROWS][E] writeonly, 4 x T [worlds][32][E] readonly
//   (QROWS = 8), 5 x8 T [worlds][8][E] writeonly (QROWS = 8), 6 count uint [1] readonly.
// Push: E, world_base, scale (1/√D). Spec: 0 workgroup size (= QROWS), 1 D, 3 QROWS (32 or 8).
// Grid: (H, worlds, 1).
layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint D = 32;
layout(constant_id = 3) const uint QROWS = 32;
#include "attention_io.glsl"

void main() {
    const uint i = gl_LocalInvocationID.x, wl = gl_WorkGroupID.y, w = pc.world_base + wl;
    if (i >= QROWS || w >= count_buf[0]) return;  // the count test is uniform in the workgroup
    const uint base = wl * 32u * 3u * pc.E, head = gl_WorkGroupID.x * D, row3 = 3u * pc.E;
    const int actor = QROWS == 32u ? 0 : clamp(actor_buf[w], 0, 3);
    const uint tok = QROWS == 32u ? i : (i == 0u ? 0u : uint(1 + 7 * actor) + i - 1u);

    // Step 1. This lane's query row (scaled once) and, in the last layer, its row of x into x8.
    float q[D], o[D];
    [[unroll]] for (uint d = 0; d < D; ++d) {
        q[d] = float(qkv_buf[base + tok * row3 + head + d]) * pc.scale;
        o[d] = 0.0;
    }
    if (QROWS == 8u)
        [[unroll]] for (uint d = 0; d < D; ++d)
            x8_buf[(wl * 8u + i) * pc.E + head + d] = x_buf[(wl * 32u + tok) * pc.E + head + d];

    // Step 2. Keys in order with a running max m and sum l: o = Σ exp(s_j − m)·V_j, l = Σ exp(s_j − m).
    float m = uintBitsToFloat(0xFF800000u), l = 0.0;
    for (uint j = 0; j < 32u; ++j) {
        uint mbyte = w * 32u + j;
        if (bitfieldExtract(mask_buf[mbyte >> 2], int((mbyte & 3u) * 8u), 8) == 0u) continue;  // uniform
        const uint krow = base + j * row3 + pc.E + head;
        float s = 0.0;
        [[unroll]] for (uint d = 0; d < D; ++d) s = fma(q[d], float(qkv_buf[krow + d]), s);
        const float m_new = max(m, s);
        const float keep = exp(m - m_new), p = exp(s - m_new);  // keep = 0 on the first real key
        l = l * keep + p;
        [[unroll]] for (uint d = 0; d < D; ++d) o[d] = fma(p, float(qkv_buf[krow + pc.E + d]), o[d] * keep);
        m = m_new;
    }

    // Step 3. Normalise into this head's columns of the output row.
    const float inv = 1.0 / l;
    [[unroll]] for (uint d = 0; d < D; ++d) out_buf[(wl * QROWS + i) * pc.E + head + d] = STORE_T(o[d] * inv);
}
