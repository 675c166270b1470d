#version 450
// attention_rows, fp16 storage of activations (fp32 arithmetic): one invocation per query row. The kernel (bindings,
// push constants, spec constants, grid) is documented in common/attention_rows_impl.glsl.
#extension GL_EXT_shader_16bit_storage : require
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#define STORE_T float16_t
#include "attention_rows_impl.glsl"
