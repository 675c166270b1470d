#version 450
// Test kernel for record-once programs: one invocation reads the GPU-side step counter c, writes
// history[c] = c*c + 1 and increments the counter. Replaying the same command buffer N times must leave
// counter = N and history[0..N) filled, which only works if the value lives on the GPU.
// Bindings: 0 counter uint[1] (read-write), 1 history uint[capacity] (write).
// Push: capacity (history length; steps past it only count). Grid: 1 workgroup of 1.
layout(local_size_x = 1) in;
layout(std430, binding = 0) buffer Counter { uint counter[]; };
layout(std430, binding = 1) writeonly buffer History { uint history[]; };
layout(push_constant) uniform Push { uint capacity; } pc;
void main() {
    uint c = counter[0];
    if (c < pc.capacity) history[c] = c * c + 1u;
    counter[0] = c + 1u;
}
