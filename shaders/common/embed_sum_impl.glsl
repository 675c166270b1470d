// Token embedding with input_proj folded in, included by embed_sum.comp (T = float) and embed_sum_f16.comp
// (T = float16_t). The oracle's first layer is linear: x0 = input_proj(concat_c table_c[tok_c]) = bias +
// Σ_c W[:, slice_c] · table_c[tok_c], so the host folds input_proj into 12 projected tables P_c = table_c · W_cᵀ
// (rows_c × E each, the bias added to P_0's rows; eqvk::model::GpuWeights) and this kernel sums one row of
// each: x0[w][t][e] = Σ_{c<12} P[base_c + min(tok_c, rows_c − 1)][e], in order c = 0..11, fp32.
// The projected table is a UNIFORM buffer: lavapipe compiles a uniform load at a varying address to a
// branch-free gather, but every storage load to a loop over the lanes with a bounds check per element. One
// dispatch per block of columns [e0, e0 + width) whose rows fit one uniform binding (the host lays the table
// out block by block, kernels::embed_table_layout): for the oracle's 59 table rows, E ≤ 256 is one block.
// One invocation per token row (world, token): its 12 feature bytes are read once, then width/VEC chunks of
// VEC columns, each 12 loads and one store (VEC = 4 when width, e0 and E are multiples of 4).
// Bindings (set 0):
//   0 tokens uint  [world_base + worlds][32][12] int8, 4 per word   readonly
//   1 table  uniform, this block: float [Σ rows_c][width] (std140 vec4 array; element i = lane i&3 of vec4 i>>2)
//   2 out    T     [worlds][32][E] (also written as 4-vectors)      writeonly
//   3 count  uint  [1]: worlds world_base + w ≥ count are skipped    readonly
// Push: worlds, world_base, E (row length of out), e0, width (this block's columns), then cols[12] = (first
// row of P_c in the table, rows_c ≥ 1).
// Spec: 0 workgroup size, 1 VEC (1 or 4). Grid: (groups, 1, 1), grid-stride over worlds·32 rows.
layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint VEC = 1;
layout(binding = 0) readonly buffer Tokens { uint tokens_buf[]; };
layout(std140, binding = 1) uniform Table { vec4 table4[4096]; };  // 64 KiB: the most one block may hold
layout(binding = 2) writeonly buffer Out { STORE_T out_buf[]; };
layout(binding = 2) writeonly buffer Out4 { STORE_V4 out4_buf[]; };
layout(binding = 3) readonly buffer Count { uint count_buf[]; };
layout(push_constant) uniform Push { uint worlds; uint world_base; uint E; uint e0; uint width; uvec2 cols[12]; } pc;

void main() {
    const uint count = count_buf[0];
    const uint stride = gl_NumWorkGroups.x * gl_WorkGroupSize.x;
    for (uint row = gl_GlobalInvocationID.x; row < pc.worlds * 32u; row += stride) {
        const uint w = pc.world_base + row / 32u;
        if (w >= count) break;  // row only grows, so every later row is past the count too
        const uint tw = (w * 32u + row % 32u) * 3u;  // 12 bytes = 3 words per token
        const uint words[3] = uint[3](tokens_buf[tw], tokens_buf[tw + 1u], tokens_buf[tw + 2u]);
        uint r[12];  // element offset of this token's row of each projected table
        [[unroll]] for (uint c = 0; c < 12u; ++c) {
            const uint v = bitfieldExtract(words[c / 4u], int((c % 4u) * 8u), 8);
            r[c] = (pc.cols[c].x + min(v, pc.cols[c].y - 1u)) * pc.width;
        }
        const uint out_row = row * pc.E + pc.e0;
        for (uint e = 0; e < pc.width; e += VEC) {
            if (VEC == 4u) {
                vec4 s = vec4(0.0);
                [[unroll]] for (uint c = 0; c < 12u; ++c) s += table4[(r[c] + e) >> 2u];
                out4_buf[(out_row + e) >> 2u] = STORE_V4(s);
            } else {
                float s = 0.0;
                [[unroll]] for (uint c = 0; c < 12u; ++c) {
                    const uint i = r[c] + e;
                    s += table4[i >> 2u][i & 3u];
                }
                out_buf[out_row + e] = STORE_T(s);
            }
        }
    }
}
