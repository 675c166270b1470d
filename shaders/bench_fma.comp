#version 450
// FMA-throughput ceiling for `eqvk bench`: each invocation runs 8 independent vec4 FMA chains for `iters`
// iterations (64 FLOP per iteration) and stores one value so the compiler cannot drop the work.
// Bindings: 0 out f32 [invocations] writeonly. Push: iters, seed (f32).
// Spec: 0 workgroup size. Grid: (groups, 1, 1); FLOP = groups · wg · iters · 64.
layout(local_size_x_id = 0) in;
layout(binding = 0) writeonly buffer Out { float out_buf[]; };
layout(push_constant) uniform Push { uint iters; float seed; } pc;

void main() {
    float s = pc.seed + float(gl_GlobalInvocationID.x) * 1e-7;
    vec4 x0 = vec4(s), x1 = vec4(s + 1.0), x2 = vec4(s + 2.0), x3 = vec4(s + 3.0);
    vec4 x4 = vec4(s + 4.0), x5 = vec4(s + 5.0), x6 = vec4(s + 6.0), x7 = vec4(s + 7.0);
    const vec4 m = vec4(0.9999), c = vec4(1e-4);
    for (uint i = 0; i < pc.iters; ++i) {
        x0 = fma(x0, m, c); x1 = fma(x1, m, c); x2 = fma(x2, m, c); x3 = fma(x3, m, c);
        x4 = fma(x4, m, c); x5 = fma(x5, m, c); x6 = fma(x6, m, c); x7 = fma(x7, m, c);
    }
    vec4 r = (x0 + x1) + (x2 + x3) + (x4 + x5) + (x6 + x7);
    out_buf[gl_GlobalInvocationID.x] = r.x + r.y + r.z + r.w;
}
