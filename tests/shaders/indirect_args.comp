#version 450
// Test kernel for indirect dispatch: turns a GPU-side element count into dispatch arguments.
// Bindings: 0 count uint[1] (read), 1 args uint[3] (write: ceil(count / group), 1, 1).
// Push: group (elements per workgroup of the dispatch that consumes args). Grid: 1 workgroup of 1.
layout(local_size_x = 1) in;
layout(std430, binding = 0) readonly buffer Count { uint count[]; };
layout(std430, binding = 1) writeonly buffer Args { uint args[]; };
layout(push_constant) uniform Push { uint group; } pc;
void main() {
    args[0] = (count[0] + pc.group - 1u) / pc.group;
    args[1] = 1u;
    args[2] = 1u;
}
