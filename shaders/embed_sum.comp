#version 450
// embed_sum, fp32 storage.
// Documented in common/embed_sum_impl.glsl.
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#define STORE_T float
#define STORE_V4 vec4
#include "embed_sum_impl.glsl"
