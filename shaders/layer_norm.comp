#version 450
// layer_norm, fp32 storage. The kernel (bindings, push constants, spec constants, grid) is documented in
// common/layer_norm_impl.glsl.
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#define STORE_T float
#include "layer_norm_impl.glsl"
