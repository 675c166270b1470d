// GPU-vs-reference checks for the oracle's kernels (embed_gather, layer_norm, attention,
// oracle_heads): random inputs rounded to the storage type, NaN-poisoned outputs, a GPU-side world
// count below the capacity, and an elementwise comparison in which unwritten elements must keep the
// poison. Shares check.cpp's helpers (check_util.h).
#include <fmt/format.h>

#include <cmath>
#include <vector>

#include "kernels/check.h"
#include "kernels/check_util.h"
#include "kernels/embed_gather.h"
#include "kernels/ref/attention_ref.h"
#include "kernels/ref/embed_gather_ref.h"
#include "kernels/ref/layer_norm_ref.h"
#include "kernels/ref/oracle_heads_ref.h"
#include "vk/buffer.h"
#include "vk/context.h"
#include "vk/program.h"

namespace eqvk::kernels {
namespace {

/// Compares where `want` was written (not NaN); elsewhere `got` must still be NaN (the poison).
CheckResult compare_written(const std::vector<float>& got, const std::vector<float>& want,
                            double atol, double rtol) {
    std::vector<float> g, w;
    for (size_t i = 0; i < want.size(); ++i) {
        if (std::isnan(want[i])) {
            if (!std::isnan(got[i])) {
                CheckResult r;
                r.ok = false;
                r.max_err = INFINITY;
                r.first_bad = i;
                r.got = got[i];
                r.want = want[i];
                r.elements = want.size();
                return r;  // a skipped world was written
            }
            continue;
        }
        g.push_back(got[i]);
        w.push_back(want[i]);
    }
    return compare(g.data(), w.data(), g.size(), atol, rtol);
}

vk::Buffer count_buffer(vk::Context& ctx, uint32_t count) {
    vk::Buffer b(ctx, 4, vk::MemoryKind::DeviceLocal, "check.count");
    ctx.upload(b, &count, 4);
    return b;
}

/// A poisoned output buffer of n elements of dtype, filled by the Program before the kernel.
vk::Buffer output_buffer(vk::Context& ctx, vk::Program& prog, size_t n, Dtype dtype,
                         const char* name) {
    vk::Buffer b(ctx, (n * dtype_bytes(dtype) + 3) & ~size_t(3), vk::MemoryKind::DeviceLocal, name);
    prog.fill(b, NAN_POISON);
    return b;
}

/// Random key-padding mask [worlds][32] int8 with at least one real key per world.
std::vector<int8_t> random_mask(size_t worlds, uint64_t seed) {
    auto r = random_values(worlds * 32, seed, Dtype::F32);
    std::vector<int8_t> m(worlds * 32);
    for (size_t i = 0; i < m.size(); ++i) m[i] = r[i] > -0.5f ? 1 : 0;
    for (size_t w = 0; w < worlds; ++w) m[w * 32 + (w * 7) % 32] = 1;
    return m;
}

template <typename T>
vk::Buffer upload_raw(vk::Context& ctx, const std::vector<T>& v, const char* name) {
    size_t bytes = (v.size() * sizeof(T) + 3) & ~size_t(3);
    vk::Buffer b(ctx, std::max<size_t>(bytes, 4), vk::MemoryKind::DeviceLocal, name);
    ctx.upload(b, v.data(), v.size() * sizeof(T));
    return b;
}

double fp16_rtol(Dtype dt) {
    return dt == Dtype::F16 ? 0x1.0p-10 : 4.0 * 0x1.0p-23;
}

}  // namespace

CheckResult check_embed_gather(vk::Context& ctx, KernelCache& cache, Dtype dt, uint32_t worlds,
                               uint32_t d_in, uint32_t count, uint64_t seed) {
    auto tables = random_values(1000, seed, Dtype::F32);
    auto r = random_values(size_t(worlds) * 32 * 12 + 4 * d_in, seed + 1, Dtype::F32);
    std::vector<int8_t> tokens(size_t(worlds) * 32 * 12);
    for (size_t i = 0; i < tokens.size(); ++i) tokens[i] = int8_t((r[i] + 1.0f) * 8.0f);  // 0..15
    std::vector<EmbedColumn> info(d_in);
    for (uint32_t j = 0; j < d_in; ++j) {
        auto u = [&](int k, uint32_t n) {
            return uint32_t((r[tokens.size() + 4 * j + k] + 1) * 0.5f * n);
        };
        info[j] = {j % 12, u(0, 100), 1 + u(1, 5), 1 + u(2, 10)};
    }
    std::vector<float> want(size_t(worlds) * 32 * d_in, NAN);
    embed_gather_ref(worlds, 0, count, d_in, tokens.data(), tables.data(), info.data(),
                     want.data());
    if (dt == Dtype::F16)
        for (float& v : want) v = std::isnan(v) ? v : f16_round(v);
    vk::Buffer bt = upload_raw(ctx, tokens, "check.tokens"),
               bi = upload_raw(ctx, info, "check.info");
    vk::Buffer btab = upload_as(ctx, tables, Dtype::F32, "check.tables"),
               bc = count_buffer(ctx, count);
    vk::Program prog(ctx, "check_embed_gather");
    vk::Buffer bo = output_buffer(ctx, prog, want.size(), dt, "check.out");
    embed_gather(cache, prog, {worlds, 0, dt}, d_in, bt, btab, bi, bo, bc);
    prog.run();
    return compare_written(download_as(ctx, bo, want.size(), dt), want, 0.0, fp16_rtol(dt));
}

CheckResult check_layer_norm(vk::Context& ctx, KernelCache& cache, const LayerNormArgs& a,
                             uint32_t count, uint64_t seed) {
    size_t n = size_t(a.rows) * a.C;
    auto x = random_values(n, seed, a.dtype), res = random_values(n, seed + 1, a.dtype);
    auto gamma = random_values(a.C, seed + 2, Dtype::F32),
         beta = random_values(a.C, seed + 3, Dtype::F32);
    for (float& g : gamma) g = 1.0f + 0.5f * g;
    std::vector<float> want(n, NAN);
    layer_norm_ref(a.rows, a.C, a.rows_per_world, count - a.world_base, x.data(),
                   a.residual ? res.data() : nullptr, gamma.data(), beta.data(), a.eps,
                   want.data());
    vk::Buffer bx = upload_as(ctx, x, a.dtype, "check.x"),
               br = upload_as(ctx, res, a.dtype, "check.res");
    vk::Buffer bg = upload_as(ctx, gamma, Dtype::F32, "check.gamma"),
               bb = upload_as(ctx, beta, Dtype::F32, "check.beta");
    vk::Buffer bc = count_buffer(ctx, count);
    vk::Program prog(ctx, "check_layer_norm");
    vk::Buffer by = output_buffer(ctx, prog, n, a.dtype, "check.y");
    layer_norm(cache, prog, a, bx, br, bg, bb, by, bc);
    prog.run();
    return compare_written(download_as(ctx, by, n, a.dtype), want,
                           a.dtype == Dtype::F16 ? 2e-3 : 2e-5, fp16_rtol(a.dtype));
}

CheckResult check_attention(vk::Context& ctx, KernelCache& cache, const AttentionArgs& a,
                            uint32_t count, uint64_t seed) {
    const size_t total = size_t(a.world_base) + a.worlds, rows = size_t(a.worlds) * 32;
    auto qkv = random_values(rows * 3 * a.E, seed, a.dtype);
    auto x = random_values(rows * a.E, seed + 1, a.dtype);
    auto mask = random_mask(total, seed + 2);
    auto ra = random_values(total, seed + 3, Dtype::F32);
    std::vector<int32_t> actor(total);
    for (size_t i = 0; i < total; ++i) actor[i] = int32_t((ra[i] + 1.0f) * 2.0f) % 4;
    const size_t n_out = size_t(a.worlds) * a.query_rows() * a.E, n_x8 = size_t(a.worlds) * 8 * a.E;
    std::vector<float> want(n_out, NAN), want_x8(n_x8, NAN);
    attention_ref(a, count > a.world_base ? count - a.world_base : 0, qkv.data(), mask.data(),
                  actor.data(), want.data(), x.data(), want_x8.data());
    vk::Buffer bq = upload_as(ctx, qkv, a.dtype, "check.qkv"),
               bx = upload_as(ctx, x, a.dtype, "check.x");
    vk::Buffer bm = upload_raw(ctx, mask, "check.mask"), ba = upload_raw(ctx, actor, "check.actor");
    vk::Buffer bc = count_buffer(ctx, count);
    vk::Program prog(ctx, "check_attention");
    vk::Buffer bo = output_buffer(ctx, prog, n_out, a.dtype, "check.out");
    vk::Buffer bx8 = output_buffer(ctx, prog, n_x8, a.dtype, "check.x8");
    attention(cache, prog, a, bq, bm, ba, bo, bx, bx8, bc);
    prog.run();
    // Outputs are convex combinations of V in [-1, 1]: absolute tolerance.
    CheckResult r = compare_written(download_as(ctx, bo, n_out, a.dtype), want,
                                    a.dtype == Dtype::F16 ? 1e-3 : 2e-6, fp16_rtol(a.dtype));
    if (!r.ok || !a.last) return r;
    return compare_written(download_as(ctx, bx8, n_x8, a.dtype), want_x8, 0.0, 0.0);
}

CheckResult check_oracle_heads(vk::Context& ctx, KernelCache& cache, const OracleHeadsArgs& a,
                               uint32_t count, uint64_t seed) {
    const size_t total = size_t(a.world_base) + a.worlds;
    auto x8 = random_values(size_t(a.worlds) * 8 * a.E, seed, a.dtype);
    auto hw = random_values(2 * (size_t(a.E) + 1), seed + 1, Dtype::F32);
    std::vector<float> want_q(total * 7, NAN), want_v(total, NAN);
    oracle_heads_ref(a.worlds, a.world_base, count > a.world_base ? count - a.world_base : 0, a.E,
                     x8.data(), hw.data(), want_q.data(), want_v.data());
    vk::Buffer bx = upload_as(ctx, x8, a.dtype, "check.x8"),
               bw = upload_as(ctx, hw, Dtype::F32, "check.head_w");
    vk::Buffer bc = count_buffer(ctx, count);
    vk::Program prog(ctx, "check_oracle_heads");
    vk::Buffer bq = output_buffer(ctx, prog, want_q.size(), Dtype::F32, "check.q");
    vk::Buffer bv = output_buffer(ctx, prog, want_v.size(), Dtype::F32, "check.value");
    oracle_heads(cache, prog, a, bx, bw, bq, bv, bc);
    prog.run();
    auto [atol, rtol] = tolerance(Dtype::F32, a.E, 1.0);
    CheckResult r =
        compare_written(download_as(ctx, bq, want_q.size(), Dtype::F32), want_q, atol, rtol);
    if (!r.ok) return r;
    return compare_written(download_as(ctx, bv, want_v.size(), Dtype::F32), want_v, atol, rtol);
}

}  // namespace eqvk::kernels
