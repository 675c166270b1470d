#version 450
// layer_norm_sg, fp32 storage: one subgroup per row, subgroupAdd statistics. The kernel
// (bindings, push constants, spec constants, grid) is documented in common/layer_norm_sg_impl.glsl.
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#extension GL_KHR_shader_subgroup_arithmetic : require
#define STORE_V4 vec4
#define STORE_T float
#include "layer_norm_sg_impl.glsl"
