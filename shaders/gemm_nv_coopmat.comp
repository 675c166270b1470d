#version 450
// GEMM with VK_NV_cooperative_matrix (fp16 storage, fp32 accumulation): C[M,N] = act(alpha·A·Wᵀ + bias) (+ R),
// W in PyTorch Linear layout [N][K]. Built only when the build's glslang accepts GL_NV_cooperative_matrix;
// used only where the device offers a 16x16x16 f16·f16+f32 subgroup shape, subgroups of 32 and
// EQVK_NO_NV_COOPMAT is unset. NEVER RUN in development (no NVIDIA device was available): see docs/kernels.md.
// Bindings (set 0): 0 A f16 [M][K] row stride lda; 1 W f16 [N][K] row stride ldb; 2 bias f16 [N] (EPI & 1);
//   3 R f16 [M][N] row stride ldc (EPI & 4); 4 C f16 [M][N] row stride ldc, written.
// Push constants: the GemmPush block of gemm_impl.glsl (uses M, N, K, lda, ldb, ldc, alpha).
// Spec constants: 0 workgroup size (128 = 4 subgroups of 32), 1 EPI (bit 0 bias, 1 ReLU, 2 residual).
// Grid: (ceil(M/64), ceil(N/64), 1). Each subgroup owns a 32x32 quarter of the 64x64 tile (2x2 fragments);
// operands are staged through shared memory with zero padding, so M, N, K need not be multiples of 16.
#extension GL_NV_cooperative_matrix : require
#extension GL_KHR_memory_scope_semantics : require
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#extension GL_EXT_shader_16bit_storage : require

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint EPI = 0;

const uint BM = 64, BN = 64, BK = 32, WG = 128;

layout(binding = 0) readonly buffer BufA { float16_t a_buf[]; };
layout(binding = 1) readonly buffer BufB { float16_t b_buf[]; };
layout(binding = 2) readonly buffer BufBias { float16_t bias_buf[]; };
layout(binding = 3) readonly buffer BufR { float16_t r_buf[]; };
layout(binding = 4) writeonly buffer BufC { float16_t c_buf[]; };

layout(push_constant) uniform Push {
    uint M, N, K;
    uint lda, ldb, ldc;
    uint batch_a, batch_b, batch_c;
    uint heads, head_a, head_b, head_c;
    uint k_split;
    uint splits;
    float alpha;
} pc;

shared float16_t a_sh[BM * BK];  // [BM][BK]
shared float16_t b_sh[BN * BK];  // [BN][BK]
shared float c_sh[BM * BN];      // [BM][BN]

void main() {
    uint t = gl_LocalInvocationID.x;
    uint sm = gl_SubgroupID / 2u, sn = gl_SubgroupID % 2u;
    uint m0 = gl_WorkGroupID.x * BM, n0 = gl_WorkGroupID.y * BN;

    fcoopmatNV<32, gl_ScopeSubgroup, 16, 16> c00 = fcoopmatNV<32, gl_ScopeSubgroup, 16, 16>(0.0);
    fcoopmatNV<32, gl_ScopeSubgroup, 16, 16> c01 = c00, c10 = c00, c11 = c00;

    for (uint k0 = 0; k0 < pc.K; k0 += BK) {
        for (uint e = t; e < BM * BK; e += WG) {
            uint mm = e / BK, kk = e % BK, m = m0 + mm, k = k0 + kk;
            a_sh[e] = (m < pc.M && k < pc.K) ? a_buf[m * pc.lda + k] : float16_t(0.0);
        }
        for (uint e = t; e < BN * BK; e += WG) {
            uint nn = e / BK, kk = e % BK, n = n0 + nn, k = k0 + kk;
            b_sh[e] = (n < pc.N && k < pc.K) ? b_buf[n * pc.ldb + k] : float16_t(0.0);
        }
        barrier();
        for (uint kk = 0; kk < BK; kk += 16) {
            fcoopmatNV<16, gl_ScopeSubgroup, 16, 16> a0, a1, b0, b1;
            coopMatLoadNV(a0, a_sh, (sm * 32u) * BK + kk, BK, false);
            coopMatLoadNV(a1, a_sh, (sm * 32u + 16u) * BK + kk, BK, false);
            // B = Wᵀ: element (k, n) sits at b_sh[n·BK + k], i.e. column-major with stride BK.
            coopMatLoadNV(b0, b_sh, (sn * 32u) * BK + kk, BK, true);
            coopMatLoadNV(b1, b_sh, (sn * 32u + 16u) * BK + kk, BK, true);
            c00 = coopMatMulAddNV(a0, b0, c00);
            c01 = coopMatMulAddNV(a0, b1, c01);
            c10 = coopMatMulAddNV(a1, b0, c10);
            c11 = coopMatMulAddNV(a1, b1, c11);
        }
        barrier();
    }
    coopMatStoreNV(c00, c_sh, (sm * 32u) * BN + sn * 32u, BN, false);
    coopMatStoreNV(c01, c_sh, (sm * 32u) * BN + sn * 32u + 16u, BN, false);
    coopMatStoreNV(c10, c_sh, (sm * 32u + 16u) * BN + sn * 32u, BN, false);
    coopMatStoreNV(c11, c_sh, (sm * 32u + 16u) * BN + sn * 32u + 16u, BN, false);
    barrier();
    for (uint e = t; e < BM * BN; e += WG) {
        uint row = m0 + e / BN, col = n0 + e % BN;
        if (row >= pc.M || col >= pc.N) continue;
        float v = c_sh[e] * pc.alpha;
        if ((EPI & 1u) != 0u) v += float(bias_buf[col]);
        if ((EPI & 2u) != 0u) v = max(v, 0.0);
        if ((EPI & 4u) != 0u) v += float(r_buf[row * pc.ldc + col]);
        c_buf[row * pc.ldc + col] = float16_t(v);
    }
}
