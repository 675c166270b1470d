// The bindings and push block shared by both attention shapes (attention_impl.glsl, attention_rows_impl.glsl);
// documented there. Include-only; T = STORE_T.
layout(binding = 0) readonly buffer Qkv { STORE_T qkv_buf[]; };
layout(binding = 1) readonly buffer Mask { uint mask_buf[]; };
layout(binding = 2) readonly buffer Actor { int actor_buf[]; };
layout(binding = 3) writeonly buffer Out { STORE_T out_buf[]; };
layout(binding = 4) readonly buffer X { STORE_T x_buf[]; };
layout(binding = 5) writeonly buffer X8 { STORE_T x8_buf[]; };
layout(binding = 6) readonly buffer Count { uint count_buf[]; };
layout(push_constant) uniform Push { uint E; uint world_base; float scale; } pc;
