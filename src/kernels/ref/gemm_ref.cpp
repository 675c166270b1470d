// CPU references of the GEMM family: the obvious triple loop in double, then the epilogue in float
// order.
#include "kernels/ref/gemm_ref.h"

#include <algorithm>

namespace eqvk::kernels {

void gemm_ref(uint32_t M, uint32_t N, uint32_t K, const float* a, const float* w, const float* bias,
              const float* residual, float* c, Epilogue epilogue, float alpha) {
    for (uint32_t m = 0; m < M; ++m) {
        for (uint32_t n = 0; n < N; ++n) {
            double s = 0.0;
            for (uint32_t k = 0; k < K; ++k)
                s += double(a[size_t(m) * K + k]) * double(w[size_t(n) * K + k]);
            s *= alpha;
            if (epilogue.bias) s += bias[n];
            if (epilogue.relu) s = std::max(s, 0.0);
            if (epilogue.residual) s += residual[size_t(m) * N + n];
            c[size_t(m) * N + n] = static_cast<float>(s);
        }
    }
}

void gemm_batched_ref(const BatchedGemmDesc& d, const float* a, const float* b, float* c) {
    for (uint32_t z = 0; z < d.batch; ++z) {
        size_t oa = size_t(z / d.heads) * d.stride_a + size_t(z % d.heads) * d.head_stride_a;
        size_t ob = size_t(z / d.heads) * d.stride_b + size_t(z % d.heads) * d.head_stride_b;
        size_t oc = size_t(z / d.heads) * d.stride_c + size_t(z % d.heads) * d.head_stride_c;
        for (uint32_t m = 0; m < d.M; ++m) {
            for (uint32_t n = 0; n < d.N; ++n) {
                double s = 0.0;
                for (uint32_t k = 0; k < d.K; ++k) {
                    float av =
                        d.trans_a ? a[oa + size_t(k) * d.lda + m] : a[oa + size_t(m) * d.lda + k];
                    float bv =
                        d.trans_b ? b[ob + size_t(k) * d.ldb + n] : b[ob + size_t(n) * d.ldb + k];
                    s += double(av) * double(bv);
                }
                c[oc + size_t(m) * d.ldc + n] = static_cast<float>(s * d.alpha);
            }
        }
    }
}

}  // namespace eqvk::kernels
