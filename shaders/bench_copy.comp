#version 450
// Copy-bandwidth ceiling for `eqvk bench`: dst[i] = src[i] over `count` vec4 elements, grid-stride loop.
// Bindings: 0 src vec4 [count] readonly, 1 dst vec4 [count] writeonly. Push: count (vec4 elements).
// Spec: 0 workgroup size. Grid: (groups, 1, 1); bytes moved = 32 · count (16 read + 16 written).
layout(local_size_x_id = 0) in;
layout(binding = 0) readonly buffer Src { vec4 src_buf[]; };
layout(binding = 1) writeonly buffer Dst { vec4 dst_buf[]; };
layout(push_constant) uniform Push { uint count; } pc;

void main() {
    uint stride = gl_NumWorkGroups.x * gl_WorkGroupSize.x;
    for (uint i = gl_GlobalInvocationID.x; i < pc.count; i += stride) dst_buf[i] = src_buf[i];
}
