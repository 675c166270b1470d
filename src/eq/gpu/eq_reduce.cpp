// eq_reduce: wrapper, check and definition.
#include "eq/gpu/eq_reduce.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <tuple>

#include "eq/gpu/ref/eq_reduce_ref.h"
#include "kernels/binding.h"
#include "kernels/check_util.h"

EQVK_KERNEL_DEF(eq_reduce);

namespace eqvk::eq::gpu {

void eq_reduce(KernelCache& cache, vk::Program& prog, BufferView q, BufferView e_q, BufferView var,
               BufferView pdf, BufferView list, BufferView acc, BufferView ctrl, uint32_t games,
               uint32_t pass_worlds, bool finish, const vk::Buffer* args, BufferView weights) {
    require("eq_reduce", games > 0 && pass_worlds > 0, "0 games or 0 worlds per pass");
    const uint64_t gs = uint64_t(games) * EQ_SLOTS;
    const bool weighted = bool(weights);
    dispatch_or_indirect(cache, prog, eqvk_kernel_def_eq_reduce(), gs,
                         ReducePush{games, pass_worlds, finish ? 1u : 0u, weighted ? 1u : 0u},
                         {{q, word_bytes(gs, pass_worlds)},
                          {e_q, word_bytes(gs, 1)},
                          {var, word_bytes(gs, 1)},
                          {pdf, word_bytes(gs, EQ_BINS)},
                          {list, word_bytes(games, 1)},
                          {acc, word_bytes(games, ACC_WORDS)},
                          {ctrl, word_bytes(1, CTRL_WORDS)},
                          // unweighted: never read, q stands in (it is at least G·P words)
                          {weighted ? weights : q, word_bytes(games, pass_worlds)}},
                         /*grid_stride=*/false, args, ARGS_SLOTS * 4);
}

namespace {

/// e_q, var and pdf (concatenated) of eq_reduce over `q` ([G][M][7]) recorded in passes of `c`
/// worlds per game, rows in reversed game order (pass buffers as eq_control would write them).
std::vector<float> reduce_in_chunks(vk::Context& ctx, KernelCache& cache,
                                    const std::vector<float>& q, uint32_t games, uint32_t worlds,
                                    uint32_t c) {
    const size_t gs = size_t(games) * EQ_SLOTS;
    const std::vector<uint32_t> list = reversed_games(games);
    std::vector<vk::Buffer> parts;
    std::vector<std::unique_ptr<CheckPass>> passes;
    auto pass_at = [&](uint32_t n) {  // every game active with n worlds done
        std::vector<uint32_t> acc(size_t(games) * ACC_WORDS, 0);
        for (uint32_t g = 0; g < games; ++g) {
            acc[g * ACC_WORDS + ACC_N] = n;
            acc[g * ACC_WORDS + ACC_TARGET] = worlds;
            acc[g * ACC_WORDS + ACC_FLAGS] = ACC_ACTIVE;
        }
        passes.push_back(std::make_unique<CheckPass>(ctx, list, acc));
    };
    for (uint32_t base = 0; base < worlds; base += c) {
        pass_at(base);
        std::vector<float> part(size_t(games) * c * EQ_SLOTS, 0.0f);
        const uint32_t n = std::min(c, worlds - base);
        for (uint32_t i = 0; i < games; ++i)
            std::copy_n(&q[(size_t(list[i]) * worlds + base) * EQ_SLOTS], size_t(n) * EQ_SLOTS,
                        &part[size_t(i) * c * EQ_SLOTS]);
        parts.push_back(kernels::upload_raw(ctx, part, "check.q pass"));
    }
    pass_at(worlds);  // finishing: the moments over all the worlds
    vk::Program prog(ctx, "check eq_reduce");
    vk::Buffer e_q = poisoned_words(ctx, prog, gs, "check.e_q"),
               var = poisoned_words(ctx, prog, gs, "check.var"),
               pdf = poisoned_words(ctx, prog, gs * EQ_BINS, "check.pdf");
    for (size_t i = 0; i < passes.size(); ++i) {
        const CheckPass& p = *passes[i];
        const bool finish = i == parts.size();
        eq_reduce(cache, prog, finish ? parts[0] : parts[i], e_q, var, pdf, p.list, p.acc, p.ctrl,
                  games, c, finish);
    }
    prog.run();
    std::vector<float> out = kernels::download_vector<float>(ctx, e_q, gs),
                       v = kernels::download_vector<float>(ctx, var, gs),
                       p = kernels::download_vector<float>(ctx, pdf, gs * EQ_BINS);
    out.insert(out.end(), v.begin(), v.end());
    out.insert(out.end(), p.begin(), p.end());
    return out;
}

}  // namespace

kernels::CheckResult check_eq_reduce(vk::Context& ctx, KernelCache& cache, uint32_t games,
                                     uint32_t worlds, uint32_t chunk, uint64_t seed, float center,
                                     float spread) {
    const size_t gs = size_t(games) * EQ_SLOTS;
    std::vector<float> q = kernels::random_values(gs * worlds, seed, kernels::Dtype::F32);
    for (size_t i = 0; i < q.size(); ++i)  // half-integers, |Q| > 42 (spread 50)
        q[i] = center + (i % 5 == 0 ? std::floor(q[i] * spread) + 0.5f : q[i] * spread);
    std::vector<float> whole = reduce_in_chunks(ctx, cache, q, games, worlds, worlds),
                       chunked = reduce_in_chunks(ctx, cache, q, games, worlds, chunk);
    std::vector<float> want(gs * (2 + EQ_BINS));
    eq_reduce_ref(q.data(), games, worlds, want.data(), want.data() + gs, want.data() + 2 * gs);
    // Same operations in the same order as the reference: only the last bits may differ
    // (division). Chunked and whole must agree bit for bit.
    using kernels::compare;
    kernels::CheckResult r = compare(chunked.data(), want.data(), gs, 1e-5, 1e-6);
    r.merge(compare(chunked.data() + gs, want.data() + gs, gs, 1e-3, 1e-5));
    r.merge(compare(chunked.data() + 2 * gs, want.data() + 2 * gs, gs * EQ_BINS, 1e-7, 0.0));
    r.merge(compare(chunked.data(), whole.data(), chunked.size(), 0.0, 0.0));
    // The variance against a double-precision two-pass recomputation of the same fp32 Q: Welford's
    // error grows with the roundings of the running mean (ulp(|Q|)), not with Q² — 1.2e-3 relative
    // at Q = 1000 ± 0.5 over 2000 worlds, where E[Q²] − E[Q]² in fp32 keeps no digit at all.
    std::vector<float> two_pass(gs);
    for (size_t i = 0; i < gs; ++i) {
        const size_t g = i / EQ_SLOTS, slot = i % EQ_SLOTS;
        auto at = [&](size_t m) { return double(q[(g * worlds + m) * EQ_SLOTS + slot]); };
        double mean = 0.0, ss = 0.0;
        for (size_t m = 0; m < worlds; ++m) mean += at(m);
        mean /= worlds;
        for (size_t m = 0; m < worlds; ++m) ss += (at(m) - mean) * (at(m) - mean);
        two_pass[i] = static_cast<float>(ss / worlds);
    }
    r.merge(compare(chunked.data() + gs, two_pass.data(), gs, 1e-6 * spread * spread,
                    1e-5 + 3e-6 * std::fabs(center)));
    return r;
}

kernels::CheckResult check_eq_reduce_weighted(vk::Context& ctx, KernelCache& cache, uint32_t games,
                                              uint32_t worlds, uint64_t seed, float center,
                                              float spread) {
    const size_t gs = size_t(games) * EQ_SLOTS;
    std::vector<float> q = kernels::random_values(gs * worlds, seed, kernels::Dtype::F32);
    for (size_t i = 0; i < q.size(); ++i)
        q[i] = center + (i % 5 == 0 ? std::floor(q[i] * spread) + 0.5f : q[i] * spread);
    // Live worlds per game (every third game has fewer: an enumeration below M) and weights
    // normalised over them, spanning e^-30 .. 1 as eq_posterior's do.
    std::vector<uint32_t> live(games);
    std::vector<float> w =
        kernels::random_values(size_t(games) * worlds, seed + 1, kernels::Dtype::F32);
    std::vector<uint32_t> acc(size_t(games) * ACC_WORDS, 0);
    for (uint32_t g = 0; g < games; ++g) {
        live[g] = g % 3 == 2 ? std::max(1u, worlds / 2) : worlds;
        float z = 0.0f;
        for (uint32_t m = 0; m < live[g]; ++m)
            z += (w[g * worlds + m] = std::exp(15.0f * (w[g * worlds + m] - 1.0f)));
        for (uint32_t m = 0; m < live[g]; ++m) w[g * worlds + m] /= z;
        acc[g * ACC_WORDS + ACC_TARGET] = live[g];
        acc[g * ACC_WORDS + ACC_FLAGS] = ACC_ACTIVE;
    }
    std::vector<uint32_t> list(games);
    for (uint32_t g = 0; g < games; ++g) list[g] = g;  // one pass: rows in game order
    CheckPass pass(ctx, list, acc);
    for (uint32_t g = 0; g < games; ++g) acc[g * ACC_WORDS + ACC_N] = live[g];
    CheckPass finish(ctx, list, acc);
    vk::Buffer qb = kernels::upload_raw(ctx, q, "check.q"),
               wb = kernels::upload_raw(ctx, w, "check.w");
    vk::Program prog(ctx, "check eq_reduce weighted");
    vk::Buffer e_q = poisoned_words(ctx, prog, gs, "check.e_q"),
               var = poisoned_words(ctx, prog, gs, "check.var"),
               pdf = poisoned_words(ctx, prog, gs * EQ_BINS, "check.pdf");
    eq_reduce(cache, prog, qb, e_q, var, pdf, pass.list, pass.acc, pass.ctrl, games, worlds, false,
              nullptr, wb);
    eq_reduce(cache, prog, qb, e_q, var, pdf, finish.list, finish.acc, finish.ctrl, games, worlds,
              true, nullptr, wb);
    prog.run();
    std::vector<float> got_e = kernels::download_vector<float>(ctx, e_q, gs),
                       got_v = kernels::download_vector<float>(ctx, var, gs),
                       got_p = kernels::download_vector<float>(ctx, pdf, gs * EQ_BINS);
    std::vector<float> want_e(gs), want_v(gs), want_p(gs * EQ_BINS), dbl_e(gs), dbl_v(gs);
    for (uint32_t g = 0; g < games; ++g) {
        const size_t o = size_t(g) * EQ_SLOTS;
        const float* wg = &w[size_t(g) * worlds];
        reduce_pass_ref(&q[o * worlds], 0, live[g], &want_e[o], &want_v[o], &want_p[o * EQ_BINS],
                        wg);
        reduce_finish_ref(live[g], &want_e[o], &want_v[o], &want_p[o * EQ_BINS], wg);
        for (uint32_t s = 0; s < EQ_SLOTS; ++s) {
            auto at = [&](uint32_t m) {
                return double(q[(o * worlds) + size_t(m) * EQ_SLOTS + s]);
            };
            double sw = 0.0, e = 0.0, v = 0.0;
            for (uint32_t m = 0; m < live[g]; ++m) sw += wg[m], e += wg[m] * at(m);
            e /= sw;
            for (uint32_t m = 0; m < live[g]; ++m) v += wg[m] * (at(m) - e) * (at(m) - e);
            dbl_e[o + s] = static_cast<float>(e);
            dbl_v[o + s] = static_cast<float>(v / sw);
        }
    }
    using kernels::compare;
    kernels::CheckResult r = compare(got_e.data(), want_e.data(), gs, 1e-5, 1e-5);
    r.merge(compare(got_v.data(), want_v.data(), gs, 1e-3, 1e-5));
    r.merge(compare(got_p.data(), want_p.data(), gs * EQ_BINS, 1e-6, 1e-5));
    r.merge(compare(got_e.data(), dbl_e.data(), gs, 1e-4 + 1e-6 * std::fabs(center), 1e-5));
    r.merge(compare(got_v.data(), dbl_v.data(), gs, 1e-5 * spread * spread,
                    1e-5 + 3e-6 * std::fabs(center)));
    return r;
}

namespace {

// One world, one game, odd counts, chunks of one world, uneven chunks, many worlds; Q around
// ±1000 with a spread of 0.01 or 0.5 points (the variance's cancellation case).
std::vector<kernels::CheckCase> eq_reduce_checks(const vk::Capabilities&) {
    // games, worlds, chunk, center, spread
    using Shape = std::tuple<uint32_t, uint32_t, uint32_t, float, float>;
    std::vector<Shape> shapes = {{1, 1, 1, 0.0f, 50.0f},       {3, 7, 1, 0.0f, 50.0f},
                                 {37, 50, 16, 0.0f, 50.0f},    {5, 1024, 300, 0.0f, 50.0f},
                                 {64, 33, 32, 0.0f, 50.0f},    {4, 2000, 300, 1000.0f, 0.01f},
                                 {3, 257, 64, -1000.0f, 0.5f}, {2, 1, 1, 1000.0f, 0.5f}};
    using WShape = std::tuple<uint32_t, uint32_t, float, float>;  // games, worlds, center, spread
    std::vector<WShape> weighted = {
        {1, 1, 0.0f, 50.0f}, {7, 50, 0.0f, 50.0f}, {70, 16, 0.0f, 50.0f}, {3, 257, -1000.0f, 0.5f}};
    return {kernels::check_over(
                "eq_reduce", "weighted", "fp32", weighted,
                [](vk::Context& ctx, KernelCache& cache, const WShape& s, uint64_t seed) {
                    auto [g, m, center, spread] = s;
                    return check_eq_reduce_weighted(ctx, cache, g, m, seed * 17 + g, center,
                                                    spread);
                },
                [](const WShape& s) {
                    return fmt::format("G={} M={} Q={}±{} weighted", std::get<0>(s), std::get<1>(s),
                                       std::get<2>(s), std::get<3>(s));
                }),
            kernels::check_over(
                "eq_reduce", "-", "fp32", shapes,
                [](vk::Context& ctx, KernelCache& cache, const Shape& s, uint64_t seed) {
                    auto [g, m, c, center, spread] = s;
                    return check_eq_reduce(ctx, cache, g, m, c, seed * 31 + g, center, spread);
                },
                [](const Shape& s) {
                    return fmt::format("G={} M={} chunk={} Q={}±{}", std::get<0>(s), std::get<1>(s),
                                       std::get<2>(s), std::get<3>(s), std::get<4>(s));
                })};
}

}  // namespace
}  // namespace eqvk::eq::gpu

EQVK_KERNEL_DEF(eq_reduce) {
    using namespace eqvk::eq::gpu;
    using eqvk::vk::Access;
    static const auto def = eq_def(
        "eq_reduce", "E[Q]: E[Q], Var (Welford) and the 85-bin PDF per slot over passes of worlds",
        {{"q", Access::Read, "f32 [G·P][7]"},
         {"e_q", Access::ReadWrite, "f32 [G][7]"},
         {"var", Access::ReadWrite, "f32 [G][7]"},
         {"pdf", Access::ReadWrite, "f32 [G][7][85]"},
         {"list", Access::Read, "u32 [G] active games (eq_control)"},
         {"acc", Access::Read, "u32 [G][ACC_WORDS] (eq_control)"},
         {"ctrl", Access::Read, "u32 [CTRL_WORDS] (eq_control)"},
         {"weights", Access::Read, "f32 [G][P] posterior weights (weighted only)"}},
        sizeof(ReducePush), "ReducePush", eq_reduce_checks);
    return def;
}
