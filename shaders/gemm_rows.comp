#version 450
// GEMM "rows" family (CPU devices), fp32 storage: C = act(alpha · A·Wᵀ + bias) (+ R), W read through a uniform
// buffer one ≤ 64 KiB slice of rows per dispatch. Documented in common/gemm_rows_impl.glsl.
#extension GL_GOOGLE_include_directive : require
#define STORE_T float
#define STORE_V4 vec4
#define W_T vec4
#include "gemm_rows_impl.glsl"
