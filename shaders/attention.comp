#version 450
// attention, fp32 storage. The kernel (bindings, push constants, spec constants, grid) is documented in
// common/attention_impl.glsl.
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#define STORE_T float
#include "attention_impl.glsl"
