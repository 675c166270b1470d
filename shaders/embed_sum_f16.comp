#version 450
// embed_sum, fp16 storage of the output (the projected tables stay fp32; the sum is fp32).
// Documented in common/embed_sum_impl.glsl.
#extension GL_EXT_shader_16bit_storage : require
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#define STORE_T float16_t
#define STORE_V4 f16vec4
#include "embed_sum_impl.glsl"
