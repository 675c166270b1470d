// GEMM family body, included by gemm.comp (fp32 storage) and gemm_f16.comp (fp16 storage); accumulation is
// always fp32. One source, three modes (spec constant MODE):
//   0 direct:   C[z][M,N] = act(alpha · opA(A[z]) · opB(B[z]) + bias[N]) (+ R[z][M,N])   (z = batch)
//   1 partial:  P[z][M,N] = opA(A) · opB(B) over K range [z·k_split, (z+1)·k_split)     (z = split-K slice)
//   2 reduce:   C[M,N]    = act(alpha · Σ_z P[z][M,N] + bias[N]) (+ R[M,N])           (one thread per element)
// opA(A) is A[M][K] (TRANS_A = 0) or A stored [K][M] (TRANS_A = 1); opB(B) is Bᵀ for B stored [N][K]
// (PyTorch Linear weight layout, TRANS_B = 0) or B stored [K][N] (TRANS_B = 1).
//
// Bindings (set 0), T = float (gemm) or float16_t (gemm_f16):
//   0 A    T    [batch][M][K] (or [K][M]), row stride lda           readonly
//   1 B    T    [batch][N][K] (or [K][N]), row stride ldb           readonly
//   2 bias T    [N]                                          readonly (read only when EPI & 1)
//   3 R    T    [batch][M][N], row stride ldc                readonly (read only when EPI & 4)
//   4 C    T    [batch][M][N], row stride ldc                written in modes 0 and 2
//   5 P    f32  [splits][M][N] dense split-K partials        written in mode 1, read in mode 2
// Batch z (mode 0) starts at (z / heads)·batch_x + (z % heads)·head_x in operand x, so [B][T][H·D] activations
// are batched per (b, h) without copies. Push constants (all uint but alpha): M, N, K, lda, ldb, ldc,
//   batch_a, batch_b, batch_c, heads, head_a, head_b, head_c (elements), k_split (K per slice, a multiple
//   of BK), splits, alpha.
// Spec constants: 0 workgroup size (= (BM/TM)·(BN/TN)), 1 BM, 2 BN, 3 BK, 4 TM, 5 TN, 6 EPI (bit 0 bias,
//   bit 1 ReLU, bit 2 residual), 7 TRANS_A, 8 TRANS_B, 9 MODE.
// Grid: modes 0/1: (ceil(M/BM), ceil(N/BN), batch or splits); mode 2: (ceil(M·N/wg), 1, 1).
// Each workgroup stages a BM×BK slice of A and a BN×BK slice of B in shared memory (fp32, k-major) and each
// invocation accumulates a TM×TN register micro-tile whose rows/columns are strided by BM/TM and BN/TN so that
// neighbouring invocations read neighbouring shared-memory words. No subgroup operations are used.

#extension GL_EXT_control_flow_attributes : require

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint BM = 64;
layout(constant_id = 2) const uint BN = 64;
layout(constant_id = 3) const uint BK = 16;
layout(constant_id = 4) const uint TM = 4;
layout(constant_id = 5) const uint TN = 4;
layout(constant_id = 6) const uint EPI = 0;
layout(constant_id = 7) const uint TRANS_A = 0;
layout(constant_id = 8) const uint TRANS_B = 0;
layout(constant_id = 9) const uint MODE = 0;

layout(binding = 0) readonly buffer BufA { STORE_T a_buf[]; };
layout(binding = 1) readonly buffer BufB { STORE_T b_buf[]; };
layout(binding = 2) readonly buffer BufBias { STORE_T bias_buf[]; };
layout(binding = 3) readonly buffer BufR { STORE_T r_buf[]; };
layout(binding = 4) writeonly buffer BufC { STORE_T c_buf[]; };
layout(binding = 5) buffer BufP { float p_buf[]; };

layout(push_constant) uniform Push {
    uint M, N, K;
    uint lda, ldb, ldc;
    uint batch_a, batch_b, batch_c;
    uint heads, head_a, head_b, head_c;
    uint k_split;
    uint splits;
    float alpha;
} pc;

const uint WM = BM / TM;  // invocations along M
const uint WN = BN / TN;  // invocations along N
const uint WG = WM * WN;

shared float a_sh[BK * BM];  // [BK][BM]
shared float b_sh[BK * BN];  // [BK][BN]

float epilogue(float v, uint row, uint col, uint r_off) {
    v *= pc.alpha;
    if ((EPI & 1u) != 0u) v += float(bias_buf[col]);
    if ((EPI & 2u) != 0u) v = max(v, 0.0);
    if ((EPI & 4u) != 0u) v += float(r_buf[r_off + row * pc.ldc + col]);
    return v;
}

void reduce_main() {
    uint idx = gl_GlobalInvocationID.x;
    if (idx >= pc.M * pc.N) return;
    uint row = idx / pc.N, col = idx % pc.N;
    float s = 0.0;
    for (uint z = 0; z < pc.splits; ++z) s += p_buf[z * pc.M * pc.N + idx];
    c_buf[row * pc.ldc + col] = STORE_T(epilogue(s, row, col, 0u));
}

void gemm_main() {
    uint t = gl_LocalInvocationID.x;
    uint tx = t % WN, ty = t / WN;
    uint m0 = gl_WorkGroupID.x * BM, n0 = gl_WorkGroupID.y * BN;
    uint z = gl_WorkGroupID.z;
    uint a_off = 0u, b_off = 0u, k_begin = 0u, k_end = pc.K;
    if (MODE == 1u) {
        k_begin = z * pc.k_split;
        k_end = min(pc.K, k_begin + pc.k_split);
    } else {
        a_off = (z / pc.heads) * pc.batch_a + (z % pc.heads) * pc.head_a;
        b_off = (z / pc.heads) * pc.batch_b + (z % pc.heads) * pc.head_b;
    }

    float acc[TM * TN];
    [[unroll]] for (uint i = 0; i < TM * TN; ++i) acc[i] = 0.0;

    for (uint k0 = k_begin; k0 < k_end; k0 += BK) {
        // Stage A: element e of the BM×BK slice; the fastest index follows the contiguous direction in memory.
        for (uint e = t; e < BM * BK; e += WG) {
            uint mm, kk;
            if (TRANS_A == 0u) { mm = e / BK; kk = e % BK; } else { kk = e / BM; mm = e % BM; }
            uint m = m0 + mm, k = k0 + kk;
            float v = 0.0;
            if (m < pc.M && k < k_end)
                v = float(a_buf[a_off + (TRANS_A == 0u ? m * pc.lda + k : k * pc.lda + m)]);
            a_sh[kk * BM + mm] = v;
        }
        for (uint e = t; e < BN * BK; e += WG) {
            uint nn, kk;
            if (TRANS_B == 0u) { nn = e / BK; kk = e % BK; } else { kk = e / BN; nn = e % BN; }
            uint n = n0 + nn, k = k0 + kk;
            float v = 0.0;
            if (n < pc.N && k < k_end)
                v = float(b_buf[b_off + (TRANS_B == 0u ? n * pc.ldb + k : k * pc.ldb + n)]);
            b_sh[kk * BN + nn] = v;
        }
        barrier();
        for (uint kk = 0; kk < BK; ++kk) {
            float ar[TM], br[TN];
            [[unroll]] for (uint i = 0; i < TM; ++i) ar[i] = a_sh[kk * BM + ty + i * WM];
            [[unroll]] for (uint j = 0; j < TN; ++j) br[j] = b_sh[kk * BN + tx + j * WN];
            [[unroll]] for (uint i = 0; i < TM; ++i)
                [[unroll]] for (uint j = 0; j < TN; ++j) acc[i * TN + j] = fma(ar[i], br[j], acc[i * TN + j]);
        }
        barrier();
    }

    [[unroll]] for (uint i = 0; i < TM; ++i) {
        uint row = m0 + ty + i * WM;
        if (row >= pc.M) continue;
        [[unroll]] for (uint j = 0; j < TN; ++j) {
            uint col = n0 + tx + j * WN;
            if (col >= pc.N) continue;
            if (MODE == 1u) {
                p_buf[z * pc.M * pc.N + row * pc.N + col] = acc[i * TN + j];
            } else {
                uint c_off = (z / pc.heads) * pc.batch_c + (z % pc.heads) * pc.head_c;
                c_buf[c_off + row * pc.ldc + col] = STORE_T(epilogue(acc[i * TN + j], row, col, c_off));
            }
        }
    }
}

void main() {
    if (MODE == 2u) reduce_main(); else gemm_main();
}
