#version 450
// layer_norm, fp16 storage of activations (needs storageBuffer16BitAccess only: values widen to fp32 on load and
// round back on store; all arithmetic is fp32). Documented in common/layer_norm_impl.glsl.
#extension GL_EXT_shader_16bit_storage : require
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#define STORE_T float16_t
#include "layer_norm_impl.glsl"
