#version 450
// embed_gather, fp32 storage. The kernel (bindings, push constants, spec constants, grid) is documented in
// common/embed_gather_impl.glsl.
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#define STORE_T float
#include "embed_gather_impl.glsl"
