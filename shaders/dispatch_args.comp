#version 450
// Indirect-dispatch sizes from a GPU-side count: with live = min(max(count - base, 0), capacity),
// entry i gets args[i] = (x, y[i], z[i]) with
//   x = min(max(ceil(live · items[i] / per_group[i]) - first[i], 0), max_groups[i] (0: none), max_x),
// so a recorded dispatch_indirect covers only the live items (worlds, games, rows) of a slice that
// starts at item `base`, and absent ones cost nothing; first/max_groups cut a window out of the
// grid (one dispatch per window of rows, as gemm_rows records them).
// Bindings: 0 count u32 [1] readonly, 1 args u32 [n][3] writeonly (VkDispatchIndirectCommand).
// Push: n (≤ 8), capacity, base, max_x (< 2^31), group[8] (items | per_group << 16),
// window[8] (first | max_groups << 16), yz[8] (y | z << 16).
// Spec: 0 workgroup size. Grid: (1, 1, 1); invocation i writes entry i. Every field is < 65536 (host
// check).
layout(local_size_x_id = 0) in;
layout(binding = 0) readonly buffer Count { uint count_buf[]; };
layout(binding = 1) writeonly buffer Args { uint args_buf[]; };
layout(push_constant) uniform Push {
    uint n, capacity, base, max_x;
    uint group[8], window[8], yz[8];
} pc;

void main() {
    uint i = gl_GlobalInvocationID.x;
    if (i >= pc.n) return;
    uint count = count_buf[0];
    uint c = min(count > pc.base ? count - pc.base : 0u, pc.capacity);
    uint items = pc.group[i] & 0xFFFFu, g = pc.group[i] >> 16;
    uint first = pc.window[i] & 0xFFFFu, max_groups = pc.window[i] >> 16;
    // ceil(c · items / g) clamped to lim = max_x + first without 32-bit overflow: c = q·g + r, so
    // ceil(c·items/g) = q·items + ceil(r·items/g), where r·items < 2^32 (both < 65536).
    uint lim = pc.max_x + first;
    uint q = c / g, r = c % g;
    uint add = (r * items + g - 1u) / g, x = lim;
    if (q <= lim / items) {
        uint whole = q * items;  // ≤ lim
        x = whole > lim - min(add, lim) ? lim : whole + add;
    }
    x = x > first ? x - first : 0u;  // ≤ max_x
    if (max_groups != 0u) x = min(x, max_groups);
    args_buf[3u * i + 0u] = x;
    args_buf[3u * i + 1u] = pc.yz[i] & 0xFFFFu;
    args_buf[3u * i + 2u] = pc.yz[i] >> 16;
}
