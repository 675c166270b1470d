#version 450
// Indirect-dispatch sizes from a GPU-side count: with live = min(max(count - base, 0), capacity),
// entry i gets args[i] = (x, y[i], z[i]), x = min(ceil(live · items[i] / per_group[i]), max_x),
// so a recorded dispatch_indirect covers only the live items (worlds, games, rows) of a slice that
// starts at item `base`, and absent ones cost nothing.
// Bindings: 0 count u32 [1] readonly, 1 args u32 [n][3] writeonly (VkDispatchIndirectCommand).
// Push: n (≤ 8), capacity, base, max_x, per_group[8], items[8], yz[8] (y | z << 16).
// Spec: 0 workgroup size. Grid: (1, 1, 1); invocation i writes entry i. per_group and items are
// < 65536 (host check).
layout(local_size_x_id = 0) in;
layout(binding = 0) readonly buffer Count { uint count_buf[]; };
layout(binding = 1) writeonly buffer Args { uint args_buf[]; };
layout(push_constant) uniform Push {
    uint n, capacity, base, max_x;
    uint per_group[8], items[8], yz[8];
} pc;

void main() {
    uint i = gl_GlobalInvocationID.x;
    if (i >= pc.n) return;
    uint count = count_buf[0];
    uint c = min(count > pc.base ? count - pc.base : 0u, pc.capacity);
    uint g = pc.per_group[i], items = pc.items[i];
    // ceil(c · items / g) clamped to max_x without 32-bit overflow: c = q·g + r, so
    // ceil(c·items/g) = q·items + ceil(r·items/g), where r·items < 2^32 (both < 65536).
    uint q = c / g, r = c % g;
    uint add = (r * items + g - 1u) / g, x = pc.max_x;
    if (q <= pc.max_x / items) {
        uint whole = q * items;  // ≤ max_x
        x = whole > pc.max_x - min(add, pc.max_x) ? pc.max_x : whole + add;
    }
    args_buf[3u * i + 0u] = x;
    args_buf[3u * i + 1u] = pc.yz[i] & 0xFFFFu;
    args_buf[3u * i + 2u] = pc.yz[i] >> 16;
}
