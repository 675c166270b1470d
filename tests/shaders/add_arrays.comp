#version 450
// Test kernel for barriers: c[i] = a[i] + b[i] for i < n.
// Bindings: 0 a uint[n] (read), 1 b uint[n] (read), 2 c uint[n] (write). Push: n.
// Spec constant 0: workgroup size. Grid: ceil(n / workgroup size).
layout(local_size_x_id = 0) in;
layout(std430, binding = 0) readonly buffer A { uint a[]; };
layout(std430, binding = 1) readonly buffer B { uint b[]; };
layout(std430, binding = 2) writeonly buffer C { uint c[]; };
layout(push_constant) uniform Push { uint n; } pc;
void main() {
    uint i = gl_GlobalInvocationID.x;
    if (i < pc.n) c[i] = a[i] + b[i];
}
