#version 450
// attention_rows, fp32 storage: one invocation per query row (the CPU-device shape). The kernel (bindings,
// push constants, spec constants, grid) is documented in common/attention_rows_impl.glsl.
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#define STORE_T float
#include "attention_rows_impl.glsl"
