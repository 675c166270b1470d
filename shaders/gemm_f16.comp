#version 450
// GEMM family, fp16 storage with fp32 accumulation (needs storageBuffer16BitAccess only: fp16 values are
// converted to fp32 on load and back on store). Documented in common/gemm_impl.glsl.
#extension GL_EXT_shader_16bit_storage : require
#extension GL_GOOGLE_include_directive : require
#define STORE_T float16_t
#include "gemm_impl.glsl"
