// The oracle's two output heads, included by oracle_heads.comp (T = float) and oracle_heads_f16.comp
// (T = float16_t): on the last layer's 8 gathered rows per world (row 0 = token 0, rows 1..7 = the actor's hand
// tokens 1 + 7·actor + i), value[w] = x8[w][0]·w_value + b_value and q[w][i] = x8[w][1+i]·w_q + b_q, in fp32.
// Bindings (set 0):
//   0 x8     T     [worlds][8][E] (this slice)                                       readonly
//   1 head_w float [2][E + 1]: row 0 output_proj (weight, bias), row 1 value_head   readonly
//   2 q      float [worlds_total][7]                                                writeonly
//   3 value  float [worlds_total]                                                   writeonly
//   4 count  uint  [1] worlds world_base + w ≥ count are skipped (outputs left as they were)
// Push: worlds (slice capacity), world_base, E.
// Spec: 0 workgroup size. Grid: (min(ceil(worlds·8 / wg), 65535), 1, 1), grid-stride over (world, row).
layout(local_size_x_id = 0) in;
layout(binding = 0) readonly buffer X8 { STORE_T x8_buf[]; };
layout(binding = 1) readonly buffer HeadW { float head_w[]; };
layout(binding = 2) writeonly buffer Q { float q_buf[]; };
layout(binding = 3) writeonly buffer Value { float value_buf[]; };
layout(binding = 4) readonly buffer Count { uint count_buf[]; };
layout(push_constant) uniform Push { uint worlds; uint world_base; uint E; } pc;

void main() {
    uint count = count_buf[0];
    uint stride = gl_NumWorkGroups.x * gl_WorkGroupSize.x;
    for (uint idx = gl_GlobalInvocationID.x; idx < pc.worlds * 8u; idx += stride) {
        uint wl = idx / 8u, r = idx % 8u, w = pc.world_base + wl;
        if (w >= count) break;
        uint wrow = r == 0u ? pc.E + 1u : 0u;  // value head reads token 0, the Q head the rest
        float acc = 0.0;
        for (uint c = 0; c < pc.E; ++c) acc = fma(float(x8_buf[idx * pc.E + c]), head_w[wrow + c], acc);
        acc += head_w[wrow + pc.E];
        if (r == 0u)
            value_buf[w] = acc;
        else
            q_buf[w * 7u + r - 1u] = acc;
    }
}
