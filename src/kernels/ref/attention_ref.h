// CPU reference of attention (shaders/common/attention_impl.glsl), double accumulation.
#pragma once
#include <cstdint>

#include "kernels/attention.h"

namespace eqvk::kernels {

/// For worlds w < valid_worlds of the slice: out[w][i] = softmax(q_i·Kᵀ/√D, masked)·V per head,
/// over query tokens 0..31, or (args.last) token 0 and 1 + 7·actor + i, when also x8[w][i] =
/// x[w][token].
///   qkv: [worlds][32][3E]  mask: [world_base + worlds][32] int8  actor: [world_base + worlds]
///   out: [worlds][query_rows][E]  x: [worlds][32][E]  x8: [worlds][8][E] (last only)
void attention_ref(const AttentionArgs& args, uint32_t valid_worlds, const float* qkv,
                   const int8_t* mask, const int32_t* actor, float* out, const float* x, float* x8);

}  // namespace eqvk::kernels
