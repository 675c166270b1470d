#version 450
// Indirect-dispatch sizes from a GPU-side count: for entry i, args[i] = (x, y[i], z[i]) with
// x = min(ceil(min(count, capacity) · items_per_count / per_group[i]), max_x), so a recorded
// dispatch_indirect covers only the live items (worlds, games) and absent ones cost nothing.
// Bindings: 0 count u32 [1] readonly, 1 args u32 [n][3] writeonly (VkDispatchIndirectCommand).
// Push: n (≤ 8), items_per_count, capacity, max_x, per_group[8], y[8], z[8]. Spec: 0 workgroup size.
// Grid: (1, 1, 1); invocation i writes entry i. per_group and items_per_count are < 65536 (host check).
layout(local_size_x_id = 0) in;
layout(binding = 0) readonly buffer Count { uint count_buf[]; };
layout(binding = 1) writeonly buffer Args { uint args_buf[]; };
layout(push_constant) uniform Push {
    uint n, items_per_count, capacity, max_x;
    uint per_group[8], y[8], z[8];
} pc;

void main() {
    uint i = gl_GlobalInvocationID.x;
    if (i >= pc.n) return;
    uint c = min(count_buf[0], pc.capacity), g = pc.per_group[i];
    // ceil(c · items / g) clamped to max_x without 32-bit overflow: c = q·g + r, so
    // ceil(c·items/g) = q·items + ceil(r·items/g), where r·items < 2^32 (both < 65536).
    uint q = c / g, r = c % g, items = pc.items_per_count;
    uint add = (r * items + g - 1u) / g, x = pc.max_x;
    if (q <= pc.max_x / items) {
        uint base = q * items;  // ≤ max_x
        x = base > pc.max_x - min(add, pc.max_x) ? pc.max_x : base + add;
    }
    args_buf[3u * i + 0u] = x;
    args_buf[3u * i + 1u] = pc.y[i];
    args_buf[3u * i + 2u] = pc.z[i];
}
