// GPU-vs-reference checks for the GEMM family: random inputs rounded to the storage type, poisoned
// outputs, one Program per check, and an elementwise comparison that reports the first bad index.
#include "kernels/check.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/check_util.h"
#include "kernels/eq_reduce.h"
#include "kernels/ref/eq_reduce_ref.h"
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

CheckResult check_eq_reduce(vk::Context& ctx, KernelCache& cache, uint32_t games, uint32_t worlds,
                            uint32_t chunk, uint64_t seed) {
    const size_t gs = size_t(games) * EQ_SLOTS;
    std::vector<float> q = random_values(gs * worlds, seed, Dtype::F32);
    for (size_t i = 0; i < q.size(); ++i)
        q[i] =
            i % 5 == 0 ? std::floor(q[i] * 50.0f) + 0.5f : q[i] * 50.0f;  // half-integers, |Q| > 42
    // Run once with all worlds in one chunk and once in chunks of `chunk` worlds ([G][chunk][7]
    // each).
    auto run = [&](uint32_t c) {
        std::vector<vk::Buffer> parts;
        for (uint32_t base = 0; base < worlds; base += c) {
            uint32_t n = std::min(c, worlds - base);
            std::vector<float> part(gs * n);
            for (uint32_t g = 0; g < games; ++g)
                std::copy_n(&q[(size_t(g) * worlds + base) * EQ_SLOTS], size_t(n) * EQ_SLOTS,
                            &part[size_t(g) * n * EQ_SLOTS]);
            parts.push_back(upload_as(ctx, part, Dtype::F32, "q chunk"));
        }
        vk::Buffer e_q(ctx, gs * 4, vk::MemoryKind::DeviceLocal, "e_q");
        vk::Buffer var(ctx, gs * 4, vk::MemoryKind::DeviceLocal, "var");
        vk::Buffer pdf(ctx, gs * EQ_BINS * 4, vk::MemoryKind::DeviceLocal, "pdf");
        vk::Program prog(ctx, "check eq_reduce");
        for (const vk::Buffer* b : {&e_q, &var, &pdf}) prog.fill(*b, NAN_POISON);
        for (uint32_t base = 0, i = 0; base < worlds; base += c, ++i)
            eq_reduce(cache, prog, parts[i], e_q, var, pdf, games, base, std::min(c, worlds - base),
                      worlds);
        prog.run();
        std::vector<float> out = download_as(ctx, e_q, gs, Dtype::F32),
                           v = download_as(ctx, var, gs, Dtype::F32),
                           p = download_as(ctx, pdf, gs * EQ_BINS, Dtype::F32);
        out.insert(out.end(), v.begin(), v.end());
        out.insert(out.end(), p.begin(), p.end());
        return out;  // e_q, var, pdf concatenated
    };
    std::vector<float> whole = run(worlds), chunked = run(chunk);
    std::vector<float> want(gs * (2 + EQ_BINS));
    eq_reduce_ref(q.data(), games, worlds, want.data(), want.data() + gs, want.data() + 2 * gs);
    // Same operations in the same order as the reference: only the last bits may differ
    // (reciprocal).
    CheckResult r = compare(chunked.data(), want.data(), gs, 1e-5, 1e-6);
    CheckResult rv = compare(chunked.data() + gs, want.data() + gs, gs, 1e-3, 1e-5);
    CheckResult rp =
        compare(chunked.data() + 2 * gs, want.data() + 2 * gs, gs * EQ_BINS, 1e-7, 0.0);
    CheckResult rc =
        compare(chunked.data(), whole.data(), chunked.size(), 0.0, 0.0);  // bit-identical
    for (const CheckResult* x : {&rv, &rp, &rc})
        if (!x->ok && r.ok) r = *x;
    r.max_err = std::max({r.max_err, rv.max_err, rp.max_err, rc.max_err});
    return r;
}

CheckResult check_choose_move(vk::Context& ctx, KernelCache& cache, uint32_t games, uint32_t mode,
                              uint64_t seed) {
    const size_t gs = size_t(games) * EQ_SLOTS;
    std::vector<float> e = random_values(gs, seed, Dtype::F32),
                       v = random_values(gs, seed + 1, Dtype::F32);
    std::vector<float> p = random_values(gs * EQ_BINS, seed + 2, Dtype::F32);
    for (auto& x : e) x *= 40.0f;
    for (auto& x : v) x = x * x * 100.0f;
    for (auto& x : p) x = std::fabs(x) / EQ_BINS;
    std::vector<uint32_t> legal(games);
    std::vector<int32_t> min_bin(games);
    for (uint32_t g = 0; g < games; ++g) {
        legal[g] = g % 11 == 0 ? 0u : static_cast<uint32_t>((g * 2654435761u) >> 7) & 0x7Fu;
        min_bin[g] = g % 3 == 0 ? 60 : g % 3 == 1 ? 25 : static_cast<int32_t>(g % 90) - 2;
    }
    vk::Buffer eb = upload_as(ctx, e, Dtype::F32, "e_q"), vb = upload_as(ctx, v, Dtype::F32, "var");
    vk::Buffer pb = upload_as(ctx, p, Dtype::F32, "pdf");
    vk::Buffer lb(ctx, games * 4, vk::MemoryKind::DeviceLocal, "legal");
    vk::Buffer mb(ctx, games * 4, vk::MemoryKind::DeviceLocal, "min_bin");
    vk::Buffer ab(ctx, games * 4, vk::MemoryKind::DeviceLocal, "action");
    vk::Buffer ub(ctx, games * 8, vk::MemoryKind::DeviceLocal, "uncertainty");
    ctx.upload(lb, legal.data(), games * 4);
    ctx.upload(mb, min_bin.data(), games * 4);
    vk::Program prog(ctx, "check choose_move");
    prog.fill(ab, 0x7FFFFFFFu);
    prog.fill(ub, NAN_POISON);
    choose_move(cache, prog, eb, vb, pb, lb, mb, ab, ub, games,
                mode == 0 ? MoveRule::PMake : MoveRule::EQ);
    prog.run();
    std::vector<int32_t> got_a(games), want_a(games);
    std::vector<float> want_u(size_t(games) * 2);
    ctx.download(ab, got_a.data(), games * 4);
    choose_move_ref(e.data(), v.data(), p.data(), legal.data(), min_bin.data(), games, mode,
                    want_a.data(), want_u.data());
    std::vector<float> ga(got_a.begin(), got_a.end()), wa(want_a.begin(), want_a.end());
    CheckResult r = compare(ga.data(), wa.data(), games, 0.0, 0.0);
    CheckResult ru = compare(download_as(ctx, ub, size_t(games) * 2, Dtype::F32).data(),
                             want_u.data(), size_t(games) * 2, 1e-5, 1e-5);
    if (!ru.ok && r.ok) r = ru;
    r.max_err = std::max(r.max_err, ru.max_err);
    return r;
}

}  // namespace eqvk::kernels
