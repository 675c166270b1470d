// GEMM "rows" family body, included by gemm_rows.comp (fp32 storage) and gemm_rows_f16.comp (fp16 storage);
// accumulation is always fp32. Shaped for CPU Vulkan devices (lavapipe): see docs/kernels.md, "CPU family".
//
//   C[M][n0 + j] = act(alpha · Σ_k A[m][k] · W[n0 + j][k] + bias[n0 + j]) (+ R[m][n0 + j]),  0 ≤ j < ns
//
// one dispatch per slice [n0, n0 + ns) of W's rows (output columns): W (PyTorch Linear layout [N][K]) is read
// through a UNIFORM buffer bound to just that slice (≤ 64 KiB), because lavapipe turns a uniform-buffer load at a
// subgroup-uniform address into one scalar load and a broadcast, while a storage-buffer load is always a gather.
//
// Mapping: lanes on rows. Invocation t of workgroup (gx, gy) owns rows gx·WG·TM + t + i·WG (i < TM) and the TN
// consecutive slice columns gy·TN + j (j < TN): a TM×TN register tile of independent accumulators indexed by
// constants only (loops fully unrolled after specialisation). Per step of 4 along K each lane loads one vec4 of A
// per row (per-lane gather) and every lane loads the same vec4 of W per column (uniform address → broadcast).
// No shared memory, no barrier, no subgroup operation. Rows past M and columns past ns are clamped for loads
// and skipped at the store.
//
// Bindings (set 0), T = float (gemm_rows) or float16_t (gemm_rows_f16):
//   0 A    T    [M][K]                         storage, readonly (also read as vec4 / f16vec4 when VEC = 1, as
//                                              uvec4 of 8 packed halves when VEC = 2)
//   1 W    W_T  the slice W[n0 .. n0+ns)[K]    UNIFORM buffer, std140 array of vec4 (fp32) or uvec4 (fp16: 8
//                                              halves per element), so element e of the slice is lane e&3 of
//                                              vec4 e>>2 (fp32), or half e&7 of uvec4 e>>3 (fp16)
//   2 bias T    [N]                            storage, readonly (read only when EPI & 1)
//   3 R    T    [M][N]                         storage, readonly (read only when EPI & 4)
//   4 C    T    [M][N]                         storage, writeonly
// Push constants: M, N, K, n0 (first column of the slice), ns (columns in the slice), alpha.
// Spec constants: 0 workgroup size WG, 1 TM, 2 TN, 3 EPI (bit 0 bias, bit 1 ReLU, bit 2 residual),
//   4 VEC (1: K % 4 == 0, A and W read as 4-vectors; 0: scalar reads, any K; 2: fp16 only, K % 8 == 0, A read
//   as uvec4 = 8 halves, so one storage load per row serves 8 steps of K: lavapipe compiles each storage load
//   to a loop over the lanes, and a 16-byte load costs about what an 8-byte one does).
// Grid: (ceil(M / (WG·TM)), ceil(ns / TN), 1) per slice.

#extension GL_EXT_control_flow_attributes : require

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint TM = 8;
layout(constant_id = 2) const uint TN = 32;
layout(constant_id = 3) const uint EPI = 0;
layout(constant_id = 4) const uint VEC = 1;

layout(binding = 0) readonly buffer BufA { STORE_T a_buf[]; };
layout(binding = 0) readonly buffer BufA4 { STORE_V4 a4_buf[]; };
layout(binding = 0) readonly buffer BufA8 { uvec4 a8_buf[]; };
layout(binding = 1, std140) uniform BufW { W_T w_ubo[4096]; };  // 64 KiB: the most one slice may hold
layout(binding = 2) readonly buffer BufBias { STORE_T bias_buf[]; };
layout(binding = 3) readonly buffer BufR { STORE_T r_buf[]; };
layout(binding = 4) writeonly buffer BufC { STORE_T c_buf[]; };

layout(push_constant) uniform Push {
    uint M, N, K;
    uint n0, ns;
    float alpha;
} pc;

// W element e (scalar) and the 4 elements e .. e+3 (e % 4 == 0) of the bound slice.
#ifdef W_PACKED_HALVES
float load_w1(uint e) {
    vec2 h = unpackHalf2x16(w_ubo[e >> 3u][(e >> 1u) & 3u]);
    return (e & 1u) != 0u ? h.y : h.x;
}
vec4 load_w4(uint e) {  // two 32-bit loads: a whole uvec4 could reach past the end of the slice
    uint q = e >> 3u, c = (e >> 1u) & 3u;
    return vec4(unpackHalf2x16(w_ubo[q][c]), unpackHalf2x16(w_ubo[q][c + 1u]));
}
#else
float load_w1(uint e) { return w_ubo[e >> 2u][e & 3u]; }
vec4 load_w4(uint e) { return w_ubo[e >> 2u]; }
#endif

// c + a.x·w.x + a.y·w.y + a.z·w.z + a.w·w.w as a chain of 4 FMAs in that order (every VEC path uses it, so
// their results are bit-identical).
float fma4(vec4 a, vec4 w, float c) {
    return fma(a.w, w.w, fma(a.z, w.z, fma(a.y, w.y, fma(a.x, w.x, c))));
}

void main() {
    const uint WG = gl_WorkGroupSize.x;
    const uint t = gl_LocalInvocationID.x;
    const uint m_base = gl_WorkGroupID.x * (WG * TM) + t;
    const uint j_base = gl_WorkGroupID.y * TN;
    const uint K = pc.K;

    uint a_off[TM];  // first element of each row of A (rows past M read row M-1)
    [[unroll]] for (uint i = 0; i < TM; ++i) a_off[i] = min(m_base + i * WG, pc.M - 1u) * K;
    uint w_off[TN];  // first element of each column's W row in the slice (uniform across the subgroup)
    [[unroll]] for (uint j = 0; j < TN; ++j) w_off[j] = min(j_base + j, pc.ns - 1u) * K;

    float acc[TM * TN];
    [[unroll]] for (uint i = 0; i < TM * TN; ++i) acc[i] = 0.0;

    if (VEC == 2u) {  // K % 8 == 0, fp16: the same FMA chain as below, 8 steps of K per load of A
        for (uint k8 = 0; k8 < K / 8u; ++k8) {
            const uint k = 8u * k8;
            vec4 lo[TM], hi[TM];
            [[unroll]] for (uint i = 0; i < TM; ++i) {
                const uvec4 u = a8_buf[(a_off[i] >> 3u) + k8];
                lo[i] = vec4(unpackHalf2x16(u.x), unpackHalf2x16(u.y));
                hi[i] = vec4(unpackHalf2x16(u.z), unpackHalf2x16(u.w));
            }
            [[unroll]] for (uint j = 0; j < TN; ++j) {
                const vec4 wl = load_w4(w_off[j] + k), wh = load_w4(w_off[j] + k + 4u);
                [[unroll]] for (uint i = 0; i < TM; ++i)
                    acc[i * TN + j] = fma4(hi[i], wh, fma4(lo[i], wl, acc[i * TN + j]));
            }
        }
    }
    const uint K4 = VEC == 2u ? 0u : K / 4u;
    for (uint k4 = 0; k4 < K4; ++k4) {
        const uint k = 4u * k4;
        vec4 a[TM];
        [[unroll]] for (uint i = 0; i < TM; ++i) {
            if (VEC == 1u)
                a[i] = vec4(a4_buf[(a_off[i] >> 2u) + k4]);
            else
                a[i] = vec4(float(a_buf[a_off[i] + k]), float(a_buf[a_off[i] + k + 1u]),
                            float(a_buf[a_off[i] + k + 2u]), float(a_buf[a_off[i] + k + 3u]));
        }
        [[unroll]] for (uint j = 0; j < TN; ++j) {
            vec4 w;
            if (VEC == 1u)
                w = load_w4(w_off[j] + k);
            else
                w = vec4(load_w1(w_off[j] + k), load_w1(w_off[j] + k + 1u), load_w1(w_off[j] + k + 2u),
                         load_w1(w_off[j] + k + 3u));
            [[unroll]] for (uint i = 0; i < TM; ++i)
                acc[i * TN + j] = fma4(a[i], w, acc[i * TN + j]);
        }
    }
    for (uint k = VEC == 2u ? K : 4u * K4; k < K; ++k) {  // K % 4 tail
        float a[TM];
        [[unroll]] for (uint i = 0; i < TM; ++i) a[i] = float(a_buf[a_off[i] + k]);
        [[unroll]] for (uint j = 0; j < TN; ++j) {
            float w = load_w1(w_off[j] + k);
            [[unroll]] for (uint i = 0; i < TM; ++i) acc[i * TN + j] = fma(a[i], w, acc[i * TN + j]);
        }
    }

    [[unroll]] for (uint j = 0; j < TN; ++j) {
        if (j_base + j >= pc.ns) break;
        const uint col = pc.n0 + j_base + j;
        float b = (EPI & 1u) != 0u ? float(bias_buf[col]) : 0.0;
        [[unroll]] for (uint i = 0; i < TM; ++i) {
            const uint row = m_base + i * WG;
            if (row >= pc.M) continue;
            float v = acc[i * TN + j] * pc.alpha + b;
            if ((EPI & 2u) != 0u) v = max(v, 0.0);
            if ((EPI & 4u) != 0u) v += float(r_buf[row * pc.N + col]);
            c_buf[row * pc.N + col] = STORE_T(v);
        }
    }
}
