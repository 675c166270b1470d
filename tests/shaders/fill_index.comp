#version 450
// Test kernel: out[i] = i * mul + add for i < count[0] (the count is read on the GPU, so an indirect
// dispatch sized from it covers exactly the elements that exist).
// Bindings: 0 count uint[1] (read), 1 out uint[n] (write). Push: mul, add.
// Spec constant 0: workgroup size. Grid: ceil(count / workgroup size) (direct or indirect).
layout(local_size_x_id = 0) in;
layout(std430, binding = 0) readonly buffer Count { uint count[]; };
layout(std430, binding = 1) writeonly buffer Out { uint outv[]; };
layout(push_constant) uniform Push { uint mul; uint add; } pc;
void main() {
    uint i = gl_GlobalInvocationID.x;
    if (i < count[0]) outv[i] = i * pc.mul + pc.add;
}
