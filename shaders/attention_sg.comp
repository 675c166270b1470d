#version 450
// attention_sg, fp32 storage: one subgroup per (world, head). The kernel (bindings, push constants, spec constants,
// grid) is documented in common/attention_sg_impl.glsl.
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#extension GL_KHR_shader_subgroup_ballot : require
#define STORE_T float
#include "attention_sg_impl.glsl"
