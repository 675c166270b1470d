// Plain-loop CPU references for the GEMM family (double accumulation): the test oracles of gemm()
// and gemm_batched(). fp16 operands are passed already widened to float (so the reference sees what
// the GPU sees).
#pragma once
#include <cstdint>

#include "kernels/gemm.h"

namespace eqvk::kernels {

/// c[M][N] = act(alpha·a[M][K]·w[N][K]ᵀ + bias[N]) (+ residual[M][N]); bias/residual may be null
/// when unused.
void gemm_ref(uint32_t M, uint32_t N, uint32_t K, const float* a, const float* w, const float* bias,
              const float* residual, float* c, Epilogue epilogue, float alpha = 1.0f);

/// The batched GEMM of `d` (strides as in a planned desc: none 0) over flat arrays indexed like the
/// GPU buffers.
void gemm_batched_ref(const BatchedGemmDesc& d, const float* a, const float* b, float* c);

}  // namespace eqvk::kernels
