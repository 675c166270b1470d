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
//   5 A    W_T  the window A[m0 .. m0+mw)[K]   UNIFORM buffer like W, read instead of binding 0 when A_UBO
//                                              (lavapipe: a branch-free gather instead of a loop over
//                                              the lanes; the host binds W's slice here otherwise)
//   6 gamma, 7 beta  f32 [N] (either storage)  UNIFORM buffers, read when EPI & 8 (else W's slice again)
// Push constants: M, N, K, n0 (first column of the slice), ns (columns in the slice), alpha, m0 (first row
//   of the window), mw (rows in the window; all M with one window), eps (LayerNorm).
// Spec constants: 0 workgroup size WG, 1 TM, 2 TN, 3 EPI (bit 0 bias, bit 1 ReLU, bit 2 residual, bit 3
//   LayerNorm of each whole row after the residual: y = (v − mean)·rsqrt(var + eps)·gamma + beta with fp32
//   two-pass statistics and the biased variance, as layer_norm; the GEMM's value is rounded to STORE_T before
//   the residual is added, as the unfused GEMM stores it and layer_norm adds R, so an fp16 row that overflows
//   normalises to NaN exactly as gemm + layer_norm would; needs one slice and one column tile, N ≤ TN),
//   4 VEC (1: K % 4 == 0, A and W read as 4-vectors; 0: scalar reads, any K; 2: fp16 only, K % 8 == 0, A read
//   as uvec4 = 8 halves, so one storage load per row serves 8 steps of K: lavapipe compiles each storage load
//   to a loop over the lanes, and a 16-byte load costs about what an 8-byte one does), 5 A_UBO (A from
//   binding 5, rows relative to m0), 6 OUT_VEC (1: N, every slice's n0 and TN are multiples of 4, so the
//   epilogue reads bias and R and writes C 4 columns per access, through STORE_V4 views of bindings 2-4).
// Grid: (ceil(mw / (WG·TM)), ceil(ns / TN), 1) per window and slice.

#extension GL_EXT_control_flow_attributes : require

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint TM = 8;
layout(constant_id = 2) const uint TN = 32;
layout(constant_id = 3) const uint EPI = 0;
layout(constant_id = 4) const uint VEC = 1;
layout(constant_id = 5) const uint A_UBO = 0;
layout(constant_id = 6) const uint OUT_VEC = 0;

layout(binding = 0) readonly buffer BufA { STORE_T a_buf[]; };
layout(binding = 0) readonly buffer BufA4 { STORE_V4 a4_buf[]; };
layout(binding = 0) readonly buffer BufA8 { uvec4 a8_buf[]; };
layout(binding = 1, std140) uniform BufW { W_T w_ubo[4096]; };  // 64 KiB: the most one slice may hold
layout(binding = 5, std140) uniform BufAW { W_T a_ubo[4096]; };  // A's rows [m0, m0 + mw) when A_UBO
layout(binding = 6, std140) uniform BufGamma { vec4 gamma_ubo[4096]; };  // LayerNorm gamma f32 [N] (EPI & 8)
layout(binding = 7, std140) uniform BufBeta { vec4 beta_ubo[4096]; };    // LayerNorm beta f32 [N] (EPI & 8)
layout(binding = 2) readonly buffer BufBias { STORE_T bias_buf[]; };
layout(binding = 3) readonly buffer BufR { STORE_T r_buf[]; };
layout(binding = 4) writeonly buffer BufC { STORE_T c_buf[]; };
layout(binding = 2) readonly buffer BufBias4 { STORE_V4 bias4_buf[]; };  // OUT_VEC views
layout(binding = 3) readonly buffer BufR4 { STORE_V4 r4_buf[]; };
layout(binding = 4) writeonly buffer BufC4 { STORE_V4 c4_buf[]; };

layout(push_constant) uniform Push {
    uint M, N, K;
    uint n0, ns;
    float alpha;
    uint m0, mw;
    float eps;  // LayerNorm epsilon (EPI & 8)
} pc;

// Element e (scalar) and the 4 elements e .. e+3 (e % 4 == 0) of a uniform array of W_T.
#ifdef W_PACKED_HALVES
#define UBO_LOAD1(arr, e) \
    ((((e) & 1u) != 0u) ? unpackHalf2x16(arr[(e) >> 3u][((e) >> 1u) & 3u]).y \
                        : unpackHalf2x16(arr[(e) >> 3u][((e) >> 1u) & 3u]).x)
// two 32-bit loads: a whole uvec4 could reach past the end of the binding
#define UBO_LOAD4(arr, e) \
    vec4(unpackHalf2x16(arr[(e) >> 3u][((e) >> 1u) & 3u]), unpackHalf2x16(arr[(e) >> 3u][(((e) >> 1u) & 3u) + 1u]))
#else
#define UBO_LOAD1(arr, e) (arr[(e) >> 2u][(e) & 3u])
#define UBO_LOAD4(arr, e) (arr[(e) >> 2u])
#endif
float load_w1(uint e) { return UBO_LOAD1(w_ubo, e); }
vec4 load_w4(uint e) { return UBO_LOAD4(w_ubo, e); }
float load_a1(uint e) { return A_UBO != 0u ? UBO_LOAD1(a_ubo, e) : float(a_buf[e]); }

// c + a.x·w.x + a.y·w.y + a.z·w.z + a.w·w.w as a chain of 4 FMAs in that order (every VEC path uses it, so
// their results are bit-identical).
float fma4(vec4 a, vec4 w, float c) {
    return fma(a.w, w.w, fma(a.z, w.z, fma(a.y, w.y, fma(a.x, w.x, c))));
}

void main() {
    const uint WG = gl_WorkGroupSize.x;
    const uint t = gl_LocalInvocationID.x;
    const uint m_base = pc.m0 + gl_WorkGroupID.x * (WG * TM) + t;  // global rows
    const uint m_end = min(pc.m0 + pc.mw, pc.M);                      // past this window's rows
    const uint a_row0 = A_UBO != 0u ? pc.m0 : 0u;                     // A's first row in binding
    const uint j_base = gl_WorkGroupID.y * TN;
    const uint K = pc.K;

    uint a_off[TM];  // first element of each row of A (rows past M read row M-1)
    [[unroll]] for (uint i = 0; i < TM; ++i) a_off[i] = (min(m_base + i * WG, m_end - 1u) - a_row0) * K;
    uint w_off[TN];  // first element of each column's W row in the slice (uniform across the subgroup)
    [[unroll]] for (uint j = 0; j < TN; ++j) w_off[j] = min(j_base + j, pc.ns - 1u) * K;

    float acc[TM * TN];
    [[unroll]] for (uint i = 0; i < TM * TN; ++i) acc[i] = 0.0;

    if (VEC == 2u) {  // K % 8 == 0, fp16: the same FMA chain as below, 8 steps of K per load of A
        for (uint k8 = 0; k8 < K / 8u; ++k8) {
            const uint k = 8u * k8;
            vec4 lo[TM], hi[TM];
            [[unroll]] for (uint i = 0; i < TM; ++i) {
                const uvec4 u = A_UBO != 0u ? uvec4(a_ubo[(a_off[i] >> 3u) + k8]) : a8_buf[(a_off[i] >> 3u) + k8];
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
            if (VEC == 1u && A_UBO != 0u)
                a[i] = UBO_LOAD4(a_ubo, a_off[i] + k);
            else if (VEC == 1u)
                a[i] = vec4(a4_buf[(a_off[i] >> 2u) + k4]);
            else
                a[i] = vec4(load_a1(a_off[i] + k), load_a1(a_off[i] + k + 1u), load_a1(a_off[i] + k + 2u),
                            load_a1(a_off[i] + k + 3u));
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
        [[unroll]] for (uint i = 0; i < TM; ++i) a[i] = load_a1(a_off[i] + k);
        [[unroll]] for (uint j = 0; j < TN; ++j) {
            float w = load_w1(w_off[j] + k);
            [[unroll]] for (uint i = 0; i < TM; ++i) acc[i * TN + j] = fma(a[i], w, acc[i * TN + j]);
        }
    }

    if ((EPI & 8u) != 0u) {  // LayerNorm over each row (host: one slice, one column tile, N ≤ TN)
        float bj[TN], gj[TN], betaj[TN];
        [[unroll]] for (uint j = 0; j < TN; ++j) {
            const uint col = min(j, pc.N - 1u);  // constants and push constants: a broadcast load
            gj[j] = gamma_ubo[col >> 2u][col & 3u];
            betaj[j] = beta_ubo[col >> 2u][col & 3u];
            bj[j] = (EPI & 1u) != 0u && OUT_VEC == 0u ? float(bias_buf[col]) : 0.0;
        }
        if ((EPI & 1u) != 0u && OUT_VEC != 0u)
            [[unroll]] for (uint j = 0; j < TN; j += 4u) {
                const vec4 b4 = vec4(bias4_buf[min(j, pc.N - 4u) >> 2u]);
                bj[j] = b4.x, bj[j + 1u] = b4.y, bj[j + 2u] = b4.z, bj[j + 3u] = b4.w;
            }
        [[unroll]] for (uint i = 0; i < TM; ++i) {
            const uint row = m_base + i * WG, r_row = min(row, m_end - 1u);
            float rj[TN];  // the residual row (columns past N read in-range values that are never used)
            [[unroll]] for (uint j = 0; j < TN; ++j) rj[j] = 0.0;
            if ((EPI & 4u) != 0u && OUT_VEC != 0u)
                [[unroll]] for (uint j = 0; j < TN; j += 4u) {
                    const vec4 r4 = vec4(r4_buf[(r_row * pc.N + min(j, pc.N - 4u)) >> 2u]);
                    rj[j] = r4.x, rj[j + 1u] = r4.y, rj[j + 2u] = r4.z, rj[j + 3u] = r4.w;
                }
            else if ((EPI & 4u) != 0u)
                [[unroll]] for (uint j = 0; j < TN; ++j) rj[j] = float(r_buf[r_row * pc.N + min(j, pc.N - 1u)]);
            float s = 0.0;
            [[unroll]] for (uint j = 0; j < TN; ++j) {
                float v = acc[i * TN + j] * pc.alpha + bj[j];
                if ((EPI & 2u) != 0u) v = max(v, 0.0);
                v = float(STORE_T(v));  // as the unfused GEMM stores it: fp16 rounds, and overflows to inf
                v += rj[j];
                acc[i * TN + j] = v;
                s += j < pc.N ? v : 0.0;
            }
            const float mean = s / float(pc.N);
            float q = 0.0;
            [[unroll]] for (uint j = 0; j < TN; ++j) {
                const float d = j < pc.N ? acc[i * TN + j] - mean : 0.0;
                q += d * d;
            }
            const float inv = inversesqrt(q / float(pc.N) + pc.eps);
            if (row >= m_end) continue;
            [[unroll]] for (uint j = 0; j < TN; ++j) acc[i * TN + j] = (acc[i * TN + j] - mean) * inv * gj[j] + betaj[j];
            if (OUT_VEC != 0u)
                [[unroll]] for (uint j = 0; j < TN; j += 4u) {
                    if (j >= pc.N) break;
                    const uint c = i * TN + j;
                    c4_buf[(row * pc.N + j) >> 2u] = STORE_V4(vec4(acc[c], acc[c + 1u], acc[c + 2u], acc[c + 3u]));
                }
            else
                [[unroll]] for (uint j = 0; j < TN; ++j) {
                    if (j >= pc.N) break;
                    c_buf[row * pc.N + j] = STORE_T(acc[i * TN + j]);
                }
        }
        return;
    }
    if (OUT_VEC != 0u) {  // 4 columns per access: N, n0 and ns are multiples of 4 (host)
        [[unroll]] for (uint j = 0; j < TN; j += 4u) {
            if (j_base + j >= pc.ns) break;
            const uint col = pc.n0 + j_base + j;
            const vec4 b = (EPI & 1u) != 0u ? vec4(bias4_buf[col >> 2u]) : vec4(0.0);
            [[unroll]] for (uint i = 0; i < TM; ++i) {
                const uint row = m_base + i * WG, c = i * TN + j;
                if (row >= m_end) continue;
                vec4 v = vec4(acc[c], acc[c + 1u], acc[c + 2u], acc[c + 3u]) * pc.alpha + b;
                if ((EPI & 2u) != 0u) v = max(v, vec4(0.0));
                if ((EPI & 4u) != 0u) v += vec4(r4_buf[(row * pc.N + col) >> 2u]);
                c4_buf[(row * pc.N + col) >> 2u] = STORE_V4(v);
            }
        }
        return;
    }
    [[unroll]] for (uint j = 0; j < TN; ++j) {
        if (j_base + j >= pc.ns) break;
        const uint col = pc.n0 + j_base + j;
        float b = (EPI & 1u) != 0u ? float(bias_buf[col]) : 0.0;
        [[unroll]] for (uint i = 0; i < TM; ++i) {
            const uint row = m_base + i * WG;
            if (row >= m_end) continue;
            float v = acc[i * TN + j] * pc.alpha + b;
            if ((EPI & 2u) != 0u) v = max(v, 0.0);
            if ((EPI & 4u) != 0u) v += float(r_buf[row * pc.N + col]);
            c_buf[row * pc.N + col] = STORE_T(v);
        }
    }
}
