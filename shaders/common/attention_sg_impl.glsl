// Fused multi-head self-attention for 32 tokens, one subgroup per (world, head): included by attention_sg.comp
// (T = float) and attention_sg_f16.comp (T = float16_t). The CPU-device shape (same bindings, push block, grid and
// result as attention_impl.glsl). On lavapipe every storage-buffer load is a loop over the SIMD lanes with a
// bounds check per element, whatever the address; a subgroup broadcast is one register extract. So each lane
// loads only its share of the head — query rows and key/value rows r·S + lane — once, and the keys reach the
// other lanes by subgroupBroadcast: S·32 fewer loads than one invocation per query row reading every key.
// Each lane keeps RQ = QROWS/S query rows and their outputs in registers and walks the 32 keys in order with an
// online softmax (running max and sum, fp32). No shared memory, no barrier.
// Bindings (set 0), as attention_impl.glsl:
//   0 qkv T [worlds][32][3E] readonly, 1 mask uint [worlds_total][32] int8 packed readonly, 2 actor int
//   [worlds_total] readonly (QROWS = 8), 3 out T [worlds][QROWS][E] writeonly, 4 x T [worlds][32][E] readonly
//   (QROWS = 8), 5 x8 T [worlds][8][E] writeonly (QROWS = 8), 6 count uint [1] readonly.
// Push: E, world_base, scale (1/√D). Spec: 0 workgroup size S = the subgroup size (a divisor of 8: the workgroup
// is one subgroup), 1 D (≤ 64), 3 QROWS (32 or 8), 4 VEC (1: D and E are multiples of VN, the including shader's
// vector width, so every row of a head starts on a VN-element boundary: qkv and x are read VN elements per load
// and out/x8 written 4 per store; lavapipe pays a loop over the lanes per storage access, whatever its width).
// Grid: (H, worlds, 1).
// The including shader defines VN and LOAD_VN(arr, e, dst, o) (dst[o .. o+VN) = elements e .. e+VN of arr, e a
// multiple of VN), STORE_4(e, a, b, c, d) (out elements e .. e+3) and the vector views qkv_v, x_v, x8_v.
layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint D = 32;
layout(constant_id = 3) const uint QROWS = 32;
layout(constant_id = 4) const uint VEC = 0;
const uint S = gl_WorkGroupSize.x;
const uint RQ = QROWS / S;  // query rows per lane
const uint RK = 32u / S;    // key (and value) rows per lane
#include "attention_io.glsl"

// dst[o + d] = qkv element e + d for d < D (a head's row), VN per load when VEC.
#define LOAD_HEAD_ROW(dst, o, e) \
    if (VEC != 0u) {                                                        \
        [[unroll]] for (uint d = 0; d < D; d += VN) LOAD_VN(qkv_v, (e) + d, dst, (o) + d); \
    } else {                                                                \
        [[unroll]] for (uint d = 0; d < D; ++d) dst[(o) + d] = float(qkv_buf[(e) + d]); \
    }

void main() {
    const uint lane = gl_SubgroupInvocationID, wl = gl_WorkGroupID.y, w = pc.world_base + wl;
    if (w >= count_buf[0]) return;  // uniform in the workgroup
    const uint base = wl * 32u * 3u * pc.E, head = gl_WorkGroupID.x * D, row3 = 3u * pc.E;
    const int actor = QROWS == 32u ? 0 : clamp(actor_buf[w], 0, 3);

    // Step 1. This lane's rows: queries i = r·S + lane (scaled once; in the last layer the 8 the heads read, and
    // the same rows of x into x8), keys and values j = r·S + lane.
    float q[RQ * D], o[RQ * D], k[RK * D], v[RK * D];
    [[unroll]] for (uint r = 0; r < RQ; ++r) {
        const uint i = r * S + lane;
        const uint tok = QROWS == 32u ? i : (i == 0u ? 0u : uint(1 + 7 * actor) + i - 1u);
        LOAD_HEAD_ROW(q, r * D, base + tok * row3 + head)
        [[unroll]] for (uint d = 0; d < D; ++d) {
            q[r * D + d] *= pc.scale;
            o[r * D + d] = 0.0;
        }
        if (QROWS == 8u) {
            const uint dst = (wl * 8u + i) * pc.E + head, src = (wl * 32u + tok) * pc.E + head;
            if (VEC != 0u)
                [[unroll]] for (uint d = 0; d < D; d += VN) x8_v[(dst + d) / VN] = x_v[(src + d) / VN];
            else
                [[unroll]] for (uint d = 0; d < D; ++d) x8_buf[dst + d] = x_buf[src + d];
        }
    }
    [[unroll]] for (uint r = 0; r < RK; ++r) {
        const uint krow = base + (r * S + lane) * row3 + pc.E + head;
        LOAD_HEAD_ROW(k, r * D, krow)
        LOAD_HEAD_ROW(v, r * D, krow + pc.E)
    }
    uint mask_words[8];
    [[unroll]] for (uint b = 0; b < 8u; ++b) mask_words[b] = mask_buf[w * 8u + b];

    // Step 2. Keys in order j = r·S + src with a running max m and sum l per query row:
    // o = Σ exp(s_j − m)·V_j, l = Σ exp(s_j − m).
    float m[RQ], l[RQ];
    [[unroll]] for (uint r = 0; r < RQ; ++r) {
        m[r] = uintBitsToFloat(0xFF800000u);
        l[r] = 0.0;
    }
    [[unroll]] for (uint r = 0; r < RK; ++r) {
        for (uint src = 0; src < S; ++src) {
            const uint j = r * S + src;
            if (bitfieldExtract(mask_words[j >> 2], int((j & 3u) * 8u), 8) == 0u) continue;  // uniform
            float s[RQ];
            [[unroll]] for (uint a = 0; a < RQ; ++a) s[a] = 0.0;
            [[unroll]] for (uint d = 0; d < D; ++d) {
                const float kd = subgroupBroadcast(k[r * D + d], src);
                [[unroll]] for (uint a = 0; a < RQ; ++a) s[a] = fma(q[a * D + d], kd, s[a]);
            }
            float keep[RQ], p[RQ];
            [[unroll]] for (uint a = 0; a < RQ; ++a) {
                const float m_new = max(m[a], s[a]);
                keep[a] = exp(m[a] - m_new);  // 0 on the first real key
                p[a] = exp(s[a] - m_new);
                l[a] = l[a] * keep[a] + p[a];
                m[a] = m_new;
            }
            [[unroll]] for (uint d = 0; d < D; ++d) {
                const float vd = subgroupBroadcast(v[r * D + d], src);
                [[unroll]] for (uint a = 0; a < RQ; ++a) o[a * D + d] = fma(p[a], vd, o[a * D + d] * keep[a]);
            }
        }
    }

    // Step 3. Normalise into this head's columns of the output rows.
    [[unroll]] for (uint r = 0; r < RQ; ++r) {
        const float inv = 1.0 / l[r];
        const uint i = r * S + lane, e = (wl * QROWS + i) * pc.E + head;
        if (VEC != 0u)
            [[unroll]] for (uint d = 0; d < D; d += 4u) {
                const uint c = r * D + d;
                STORE_4(e + d, o[c] * inv, o[c + 1u] * inv, o[c + 2u] * inv, o[c + 3u] * inv);
            }
        else
            [[unroll]] for (uint d = 0; d < D; ++d) out_buf[e + d] = STORE_T(o[r * D + d] * inv);
    }
}
