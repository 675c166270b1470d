// Fused multi-head self-attention for 32 tokens, included by attention.comp (T = float) and attention_f16.comp
// (T = float16_t). One workgroup per (world, head) keeps the head's Q/K/V (when they fit) and the QROWS×32 scores
// in shared memory: S = Q·Kᵀ·scale with masked keys at −∞, softmax per row in fp32, O = P·V. Q/K/V are read in
// place from the fused QKV projection [worlds][32][3E] (head h: columns h·D.., E + h·D.., 2E + h·D..).
// QROWS = 32 computes every query; QROWS = 8 (the last layer) only the 8 the heads read — token 0 and the actor's
// hand tokens 1 + 7·actor + i — and also gathers those 8 rows of the layer input x (the residual) into x8.
// Bindings (set 0):
//   0 qkv   T    [worlds][32][3E]        readonly (this slice)
//   1 mask  uint [worlds_total][32] int8 packed 4 per word, 1 = real key, 0 = padding   readonly
//   2 actor int  [worlds_total]          readonly (read only when QROWS = 8)
//   3 out   T    [worlds][QROWS][E]      writeonly (this slice)
//   4 x     T    [worlds][32][E]         readonly (read only when QROWS = 8)
//   5 x8    T    [worlds][8][E]          writeonly (written only when QROWS = 8)
//   6 count uint [1]                     worlds world_base + w ≥ count are skipped
// Push: E, world_base, scale (1/√D).
// Spec: 0 workgroup size, 1 D (head dim), 2 SH_D (= D: Q/K/V staged in shared memory; 1: read from the buffer
// when (QROWS + 64)·D floats do not fit), 3 QROWS (32 or 8). Grid: (H, worlds, 1).
layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint D = 32;
layout(constant_id = 2) const uint SH_D = 32;
layout(constant_id = 3) const uint QROWS = 32;
#include "attention_io.glsl"

const uint STAGED = SH_D == D ? 1u : 0u;
shared float q_sh[QROWS * SH_D];
shared float k_sh[32 * SH_D];
shared float v_sh[32 * SH_D];
shared float p_sh[QROWS * 33];  // scores, then probabilities; row stride 33

uint g_base;   // element offset of this world's [32][3E] block
uint g_head;   // h·D
int g_actor;

uint query_token(uint i) {
    if (QROWS == 32u) return i;
    return i == 0u ? 0u : uint(1 + 7 * g_actor) + i - 1u;
}
float q_at(uint i, uint d) {
    if (STAGED != 0u) return q_sh[i * SH_D + d];
    return float(qkv_buf[g_base + query_token(i) * 3u * pc.E + g_head + d]);
}
float k_at(uint j, uint d) {
    if (STAGED != 0u) return k_sh[j * SH_D + d];
    return float(qkv_buf[g_base + j * 3u * pc.E + pc.E + g_head + d]);
}
float v_at(uint j, uint d) {
    if (STAGED != 0u) return v_sh[j * SH_D + d];
    return float(qkv_buf[g_base + j * 3u * pc.E + 2u * pc.E + g_head + d]);
}

void main() {
    uint t = gl_LocalInvocationID.x, wg = gl_WorkGroupSize.x;
    uint wl = gl_WorkGroupID.y, w = pc.world_base + wl;
    if (w >= count_buf[0]) return;  // uniform in the workgroup
    g_base = wl * 32u * 3u * pc.E;
    g_head = gl_WorkGroupID.x * D;
    g_actor = QROWS == 32u ? 0 : clamp(actor_buf[w], 0, 3);

    // Step 1. Stage this head's Q (query rows only), K and V; in the last layer gather x's 8 rows too.
    if (STAGED != 0u) {
        for (uint e = t; e < 32u * D; e += wg) {
            uint j = e / D, d = e % D, src = g_base + j * 3u * pc.E + g_head + d;
            k_sh[e] = float(qkv_buf[src + pc.E]);
            v_sh[e] = float(qkv_buf[src + 2u * pc.E]);
        }
        for (uint e = t; e < QROWS * D; e += wg) {
            uint i = e / D, d = e % D;
            q_sh[e] = float(qkv_buf[g_base + query_token(i) * 3u * pc.E + g_head + d]);
        }
    }
    if (QROWS == 8u)
        for (uint e = t; e < 8u * D; e += wg) {
            uint i = e / D, d = e % D;
            x8_buf[(wl * 8u + i) * pc.E + g_head + d] = x_buf[(wl * 32u + query_token(i)) * pc.E + g_head + d];
        }
    barrier();

    // Step 2. Scores; padding keys get −∞ (weight exactly 0 after the softmax).
    for (uint e = t; e < QROWS * 32u; e += wg) {
        uint i = e / 32u, j = e % 32u;
        uint mbyte = w * 32u + j;
        bool real = bitfieldExtract(mask_buf[mbyte >> 2], int((mbyte & 3u) * 8u), 8) != 0u;
        float s = 0.0;
        for (uint d = 0; d < D; ++d) s = fma(q_at(i, d), k_at(j, d), s);
        p_sh[i * 33u + j] = real ? s * pc.scale : uintBitsToFloat(0xFF800000u);
    }
    barrier();

    // Step 3. Softmax per query row in fp32 (one invocation per row).
    for (uint i = t; i < QROWS; i += wg) {
        float mx = uintBitsToFloat(0xFF800000u);
        for (uint j = 0; j < 32u; ++j) mx = max(mx, p_sh[i * 33u + j]);
        float sum = 0.0;
        for (uint j = 0; j < 32u; ++j) {
            float s = p_sh[i * 33u + j];
            float p = isinf(s) ? 0.0 : exp(s - mx);
            p_sh[i * 33u + j] = p;
            sum += p;
        }
        float inv = 1.0 / sum;
        for (uint j = 0; j < 32u; ++j) p_sh[i * 33u + j] *= inv;
    }
    barrier();

    // Step 4. O = P·V into this head's columns of the output rows.
    for (uint e = t; e < QROWS * D; e += wg) {
        uint i = e / D, d = e % D;
        float o = 0.0;
        for (uint j = 0; j < 32u; ++j) o = fma(p_sh[i * 33u + j], v_at(j, d), o);
        out_buf[(wl * QROWS + i) * pc.E + g_head + d] = STORE_T(o);
    }
}
