// The bindings and push block shared by both LayerNorm shapes (layer_norm_impl.glsl, layer_norm_sg_impl.glsl);
// documented there. Include-only; T = STORE_T.
layout(binding = 0) readonly buffer X { STORE_T x_buf[]; };
layout(binding = 1) readonly buffer Res { STORE_T res_buf[]; };
layout(binding = 2) readonly buffer Gamma { float gamma_buf[]; };
layout(binding = 3) readonly buffer Beta { float beta_buf[]; };
layout(binding = 4) writeonly buffer Y { STORE_T y_buf[]; };
layout(binding = 5) readonly buffer Count { uint count_buf[]; };
layout(push_constant) uniform Push { uint rows; uint C; uint rows_per_world; uint world_base; float eps; } pc;
