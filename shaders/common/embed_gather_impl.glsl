// Embedding gather, included by embed_gather.comp (T = float) and embed_gather_f16.comp (T = float16_t):
// out[w][t][j] = tables[info[j].base + min(tokens[w][t][info[j].col], info[j].rows − 1) · info[j].width], i.e. the
// 12 embedding lookups of one token concatenated in feature-column order ([B·32, D_in], the A of input_proj).
// Bindings (set 0):
//   0 tokens uint  [worlds_total][32][12] int8 values packed 4 per word (the caller's token buffer)  readonly
//   1 tables float [Σ rows·width] the 12 tables concatenated, fp32                                   readonly
//   2 info   uint  [D_in][4] per output column: feature column, table base, row width, table rows    readonly
//   3 out    T     [worlds][32][D_in] (this slice)                                                    writeonly
//   4 count  uint  [1] worlds to compute; worlds world_base + w ≥ count are skipped (left as they were)  readonly
// Push: worlds (slice capacity), world_base (first world of the slice in tokens/count), d_in.
// Spec: 0 workgroup size. Grid: (min(ceil(worlds·32·D_in / wg), 65535), 1, 1), grid-stride loop.
layout(local_size_x_id = 0) in;
layout(binding = 0) readonly buffer Tokens { uint tokens_buf[]; };
layout(binding = 1) readonly buffer Tables { float tables_buf[]; };
layout(binding = 2) readonly buffer Info { uint info_buf[]; };
layout(binding = 3) writeonly buffer Out { STORE_T out_buf[]; };
layout(binding = 4) readonly buffer Count { uint count_buf[]; };
layout(push_constant) uniform Push { uint worlds; uint world_base; uint d_in; } pc;

void main() {
    uint count = count_buf[0];
    uint total = pc.worlds * 32u * pc.d_in;
    uint stride = gl_NumWorkGroups.x * gl_WorkGroupSize.x;
    for (uint idx = gl_GlobalInvocationID.x; idx < total; idx += stride) {
        uint j = idx % pc.d_in, row = idx / pc.d_in;  // row = local world · 32 + token
        uint w = pc.world_base + row / 32u;
        if (w >= count) break;  // idx only grows, so every later element is past the count too
        uint col = info_buf[4u * j], base = info_buf[4u * j + 1u];
        uint width = info_buf[4u * j + 2u], rows = info_buf[4u * j + 3u];
        uint byte_index = (w * 32u + row % 32u) * 12u + col;
        uint v = bitfieldExtract(tokens_buf[byte_index >> 2], int((byte_index & 3u) * 8u), 8);
        out_buf[idx] = STORE_T(tables_buf[base + min(v, rows - 1u) * width]);
    }
}
