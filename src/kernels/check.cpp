// GPU-vs-reference checks for the GEMM family: random inputs rounded to the storage type, poisoned
// outputs, one Program per check, and an elementwise comparison that reports the first bad index.
#include "kernels/check.h"

#include <fmt/format.h>

#include <cmath>
#include <vector>

#include "kernels/check_util.h"
#include "kernels/ref/gemm_ref.h"
#include "kernels/registry.h"
#include "util/half.h"
#include "vk/buffer.h"
#include "vk/context.h"
#include "vk/program.h"

namespace eqvk::kernels {

std::string CheckResult::summary() const {
    if (ok) return fmt::format("max err {:.3g}", max_err);
    return fmt::format("max err {:.3g}; first bad [{}] of {}: got {} want {} (tol {:.3g})", max_err,
                       first_bad, elements, got, want, tol);
}

CheckResult compare(const float* got, const float* want, size_t n, double atol, double rtol) {
    CheckResult r;
    r.elements = n;
    for (size_t i = 0; i < n; ++i) {
        double err = std::fabs(double(got[i]) - double(want[i]));
        if (std::isnan(err)) err = INFINITY;
        r.max_err = std::max(r.max_err, err);
        double tol = atol + rtol * std::fabs(double(want[i]));
        if (!(err <= tol) && r.ok) {
            r.ok = false;
            r.first_bad = i;
            r.got = got[i];
            r.want = want[i];
            r.tol = tol;
        }
    }
    return r;
}

CheckResult check_gemm(vk::Context& ctx, KernelCache& cache, const GemmPlan& plan, uint64_t seed) {
    const uint32_t M = plan.M, N = plan.N, K = plan.K;
    const Dtype dt = plan.dtype;
    auto a = random_values(size_t(M) * K, seed, dt);
    auto w = random_values(size_t(N) * K, seed + 1, dt);
    auto bias = random_values(N, seed + 2, dt);
    auto res = random_values(size_t(M) * N, seed + 3, dt);
    std::vector<float> want(size_t(M) * N);
    gemm_ref(M, N, K, a.data(), w.data(), bias.data(), res.data(), want.data(), plan.epilogue,
             plan.alpha);

    vk::Buffer ba = upload_as(ctx, a, dt, "check.a"), bw = upload_as(ctx, w, dt, "check.w");
    vk::Buffer bb = upload_as(ctx, bias, dt, "check.bias"),
               br = upload_as(ctx, res, dt, "check.residual");
    vk::Buffer bc(ctx, (want.size() * dtype_bytes(dt) + 3) & ~size_t(3),
                  vk::MemoryKind::DeviceLocal, "check.c");
    vk::Buffer bws(ctx, std::max<size_t>(plan.workspace_bytes(), 4), vk::MemoryKind::DeviceLocal,
                   "check.workspace");
    vk::Program prog(ctx, "check_gemm");
    prog.fill(bc, NAN_POISON);
    prog.fill(bws, NAN_POISON);
    gemm(cache, prog, plan, ba, bw, bb, br, bc, bws);
    prog.run();
    auto got = download_as(ctx, bc, want.size(), dt);
    auto [atol, rtol] =
        tolerance(dt, K, double(plan.epilogue.bias) + double(plan.epilogue.residual));
    return compare(got.data(), want.data(), want.size(),
                   atol * std::max(1.0f, std::fabs(plan.alpha)), rtol);
}

CheckResult check_gemm_batched(vk::Context& ctx, KernelCache& cache, const BatchedGemmPlan& plan,
                               uint64_t seed) {
    const BatchedGemmDesc& d = plan.desc;
    auto span = [&](uint32_t stride, uint32_t head_stride, uint32_t rows, uint32_t cols,
                    uint32_t ld) {
        uint32_t z = d.batch - 1;
        return size_t(z / d.heads) * stride + size_t(z % d.heads) * head_stride +
               size_t(rows - 1) * ld + cols;
    };
    size_t na =
        span(d.stride_a, d.head_stride_a, d.trans_a ? d.K : d.M, d.trans_a ? d.M : d.K, d.lda);
    size_t nb =
        span(d.stride_b, d.head_stride_b, d.trans_b ? d.K : d.N, d.trans_b ? d.N : d.K, d.ldb);
    size_t nc = span(d.stride_c, d.head_stride_c, d.M, d.N, d.ldc);
    auto a = random_values(na, seed, d.dtype);
    auto b = random_values(nb, seed + 1, d.dtype);
    // Elements of C outside every batch's matrix keep the poison on both sides: compare only
    // written ones.
    std::vector<float> want(nc, NAN);
    gemm_batched_ref(d, a.data(), b.data(), want.data());

    vk::Buffer ba = upload_as(ctx, a, d.dtype, "check.a"),
               bb = upload_as(ctx, b, d.dtype, "check.b");
    vk::Buffer bc(ctx, (nc * dtype_bytes(d.dtype) + 3) & ~size_t(3), vk::MemoryKind::DeviceLocal,
                  "check.c");
    vk::Program prog(ctx, "check_gemm_batched");
    prog.fill(bc, NAN_POISON);
    gemm_batched(cache, prog, plan, ba, bb, bc);
    prog.run();
    auto got = download_as(ctx, bc, nc, d.dtype);
    std::vector<float> g, w;
    for (size_t i = 0; i < nc; ++i)
        if (!std::isnan(want[i])) {
            g.push_back(got[i]);
            w.push_back(want[i]);
        }
    auto [atol, rtol] = tolerance(d.dtype, d.K, 0.0);
    return compare(g.data(), w.data(), g.size(), atol * std::max(1.0f, std::fabs(d.alpha)), rtol);
}

}  // namespace eqvk::kernels
