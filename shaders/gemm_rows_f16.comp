#version 450
// GEMM "rows" family (CPU devices), fp16 storage with fp32 accumulation (needs storageBuffer16BitAccess only: W
// reaches the shader as packed halves in a uniform buffer of uvec4). Documented in common/gemm_rows_impl.glsl.
#extension GL_EXT_shader_16bit_storage : require
#extension GL_GOOGLE_include_directive : require
#define STORE_T float16_t
#define STORE_V4 f16vec4
#define W_T uvec4
#define W_PACKED_HALVES 1
#include "gemm_rows_impl.glsl"
