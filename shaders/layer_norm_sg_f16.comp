#version 450
// layer_norm_sg, fp16 storage of activations (fp32 arithmetic): one subgroup per row, subgroupAdd statistics. The kernel
// (bindings, push constants, spec constants, grid) is documented in common/layer_norm_sg_impl.glsl.
#extension GL_EXT_shader_16bit_storage : require
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#extension GL_KHR_shader_subgroup_arithmetic : require
#define STORE_V4 f16vec4
#define STORE_T float16_t
#include "layer_norm_sg_impl.glsl"
