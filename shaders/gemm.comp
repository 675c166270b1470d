#version 450
// GEMM family, fp32 storage: C = act(alpha · A·Bᵀ + bias) (+ R), batched, split-K partial and reduce modes.
// The whole kernel (bindings, push constants, spec constants, grid) is documented in common/gemm_impl.glsl.
#extension GL_GOOGLE_include_directive : require
#define STORE_T float
#include "gemm_impl.glsl"
