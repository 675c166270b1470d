// Runs a kernel on the GPU against its CPU reference with fixed-seed random inputs (never all zero)
// and NaN-poisoned outputs (an unwritten element fails). Shared by tests/kernels/ and `eqvk
// selftest`. Tolerance: |gpu - ref| <= atol + rtol·|ref|, atol scaled by K and the operands'
// magnitudes.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "kernels/attention.h"
#include "kernels/gemm.h"
#include "kernels/layer_norm.h"
#include "kernels/oracle_heads.h"

namespace eqvk::vk {
class Context;
}

namespace eqvk::kernels {

class KernelCache;

struct CheckResult {
    bool ok = true;
    double max_err = 0.0;         // max |gpu - ref| over all elements (inf when a NaN was found)
    size_t first_bad = SIZE_MAX;  // flat index of the first element over tolerance
    double got = 0.0, want = 0.0, tol = 0.0;  // at first_bad
    size_t elements = 0;
    std::string summary() const;  // "max err 1.2e-06" or "... first bad [i] got x want y (tol t)"
};

/// Compares `got` with `want` elementwise under atol + rtol·|want|.
CheckResult compare(const float* got, const float* want, size_t n, double atol, double rtol);

/// One GEMM as planned (every operand the epilogue needs), inputs uniform in [-1, 1) from `seed`.
CheckResult check_gemm(vk::Context& ctx, KernelCache& cache, const GemmPlan& plan, uint64_t seed);
/// One batched GEMM as planned.
CheckResult check_gemm_batched(vk::Context& ctx, KernelCache& cache, const BatchedGemmPlan& plan,
                               uint64_t seed);

/// eq_reduce on G games × M worlds of random Q in [−50, 50) (half-integers included, to exercise
/// round-half-to-even and the clamp at both ends), fed in chunks of `chunk` worlds, against
/// eq_reduce_ref — and bit for bit against the same reduction fed in one chunk.
CheckResult check_eq_reduce(vk::Context& ctx, KernelCache& cache, uint32_t games, uint32_t worlds,
                            uint32_t chunk, uint64_t seed);
/// choose_move on G games of random E[Q], Var, PDF, legal masks and thresholds against
/// choose_move_ref (actions must be equal; uncertainties within fp32 rounding). `mode` 0 = P(make),
/// 1 = E[Q].
CheckResult check_choose_move(vk::Context& ctx, KernelCache& cache, uint32_t games, uint32_t mode,
                              uint64_t seed);
/// The oracle's kernels on random inputs against their references. `count` is the GPU-side world
/// count (worlds at or past it must stay untouched: their outputs stay poisoned). Every output
/// element is compared; unwritten ones must still hold the poison.
CheckResult check_embed_gather(vk::Context& ctx, KernelCache& cache, Dtype dtype, uint32_t worlds,
                               uint32_t d_in, uint32_t count, uint64_t seed);
CheckResult check_layer_norm(vk::Context& ctx, KernelCache& cache, const LayerNormArgs& args,
                             uint32_t count, uint64_t seed);
CheckResult check_attention(vk::Context& ctx, KernelCache& cache, const AttentionArgs& args,
                            uint32_t count, uint64_t seed);
CheckResult check_oracle_heads(vk::Context& ctx, KernelCache& cache, const OracleHeadsArgs& args,
                               uint32_t count, uint64_t seed);

}  // namespace eqvk::kernels
