// eq_posterior: wrapper, check and definition.
#include "eq/gpu/eq_posterior.h"

#include <algorithm>
#include <random>
#include <tuple>

#include "eq/posterior.h"
#include "kernels/binding.h"
#include "kernels/check_util.h"

EQVK_KERNEL_DEF(eq_posterior);

namespace eqvk::eq::gpu {

void eq_posterior(KernelCache& cache, vk::Program& prog, BufferView q_past, BufferView steps,
                  BufferView weights, BufferView stats, BufferView acc, BufferView row_of,
                  uint32_t games, uint32_t worlds, uint32_t window, float tau, float beta) {
    require("eq_posterior", tau > 0.0f && beta >= 0.0f && beta <= 1.0f && worlds > 0 && window > 0,
            fmt::format("tau {}, beta {}, worlds {}, window {}", tau, beta, worlds, window));
    const uint64_t rows = uint64_t(games) * worlds * window;
    dispatch(cache, prog, eqvk_kernel_def_eq_posterior(), games,
             PosteriorPush{games, worlds, window, tau, beta},
             {{q_past, word_bytes(rows, 7)},
              {steps, word_bytes(rows, 1)},
              {weights, word_bytes(uint64_t(games) * worlds, 1)},
              {stats, word_bytes(games, 2)},
              {acc, word_bytes(games, ACC_WORDS)},
              {row_of, word_bytes(rows, 1)}});
}

std::vector<uint32_t> posterior_acc(uint32_t games, uint32_t worlds,
                                    const std::vector<uint32_t>& live) {
    std::vector<uint32_t> acc(size_t(games) * ACC_WORDS, 0);
    for (uint32_t g = 0; g < games; ++g) {
        acc[g * ACC_WORDS + ACC_TARGET] = live.empty() ? worlds : live[g];
        acc[g * ACC_WORDS + ACC_FLAGS] = ACC_ACTIVE;
    }
    return acc;
}

kernels::CheckResult check_eq_posterior(vk::Context& ctx, KernelCache& cache,
                                        const std::vector<float>& q_past,
                                        const std::vector<uint32_t>& steps, uint32_t games,
                                        uint32_t worlds, uint32_t window, float tau, float beta,
                                        const std::vector<uint32_t>& live) {
    using kernels::upload_raw;
    vk::Buffer sb = upload_raw(ctx, steps, "steps"),
               ab = upload_raw(ctx, posterior_acc(games, worlds, live), "acc");
    // Rows in reverse order: the kernel must follow row_of, not the step index.
    const uint32_t n_rows = games * worlds * window;
    std::vector<uint32_t> rows(n_rows);
    std::vector<float> q_rows(q_past.size());
    for (uint32_t b = 0; b < n_rows; ++b) {
        rows[b] = n_rows - 1 - b;
        std::copy_n(&q_past[size_t(b) * 7], 7, &q_rows[size_t(rows[b]) * 7]);
    }
    vk::Buffer qr = upload_raw(ctx, q_rows, "q_past rows"), rb = upload_raw(ctx, rows, "row_of");
    vk::Program prog(ctx, "check eq_posterior");
    vk::Buffer wb = poisoned_words(ctx, prog, size_t(games) * worlds, "check.weights"),
               tb = poisoned_words(ctx, prog, size_t(games) * 2, "check.stats");
    eq_posterior(cache, prog, qr, sb, wb, tb, ab, rb, games, worlds, window, tau, beta);
    prog.run();
    // Per game over its live worlds; the rows past them are not written (compared as 0).
    std::vector<float> want_w(size_t(games) * worlds, 0.0f), want_s(size_t(games) * 2);
    std::vector<float> got_w = kernels::download_vector<float>(ctx, wb, want_w.size());
    for (uint32_t g = 0; g < games; ++g) {
        const uint32_t n = live.empty() ? worlds : live[g];
        const size_t row = size_t(g) * worlds * window;
        posterior_weights_ref(&q_past[row * 7], &steps[row], 1, n, window, tau, beta,
                              &want_w[size_t(g) * worlds], &want_s[2 * g]);
        for (uint32_t m = n; m < worlds; ++m) got_w[size_t(g) * worlds + m] = 0.0f;
    }
    kernels::CheckResult r =
        kernels::compare(got_w.data(), want_w.data(), want_w.size(), 1e-7, 1e-5);
    r.merge(kernels::compare(kernels::download_vector<float>(ctx, tb, want_s.size()).data(),
                             want_s.data(), want_s.size(), 1e-6, 1e-5));
    return r;
}

namespace {

// Random Q (some ±1000), legal masks, observed slots (some absent or illegal) and scored flags:
// one game, a few, more than a workgroup; windows 1 and 4; Forge's τ and a soft one.
std::vector<kernels::CheckCase> eq_posterior_checks(const vk::Capabilities&) {
    using Shape = std::tuple<uint32_t, uint32_t, uint32_t, float>;  // G, M, K, tau
    std::vector<Shape> shapes = {
        {1, 5, 1, 0.1f}, {7, 16, 4, 0.1f}, {70, 9, 4, 10.0f}, {9, 12, 4, 0.1f}};
    return {kernels::check_over(
        "eq_posterior", "-", "fp32", shapes,
        [](vk::Context& ctx, KernelCache& cache, const Shape& s, uint64_t seed) {
            auto [g, m, k, tau] = s;
            const size_t rows = size_t(g) * m * k;
            std::mt19937_64 rng(seed);
            std::uniform_real_distribution<float> u(-42.0f, 42.0f);
            std::vector<float> q(rows * 7);
            for (size_t i = 0; i < q.size(); ++i)
                q[i] = i % 97 == 0 ? (i % 2 ? 1000.0f : -1000.0f) : u(rng);
            std::vector<uint32_t> steps(rows);
            for (auto& w : steps) {
                const uint32_t legal = uint32_t(rng() & 0x7F), obs = uint32_t(rng() % 8);
                w = past_step_word(legal, obs, rng() % 5 != 0);
            }
            std::vector<uint32_t> live;  // the last shape: enumerations below M, a game over
            if (g == 9)
                for (uint32_t i = 0; i < g; ++i) live.push_back(i == 4 ? 0 : 1 + (i * 5) % m);
            return check_eq_posterior(ctx, cache, q, steps, g, m, k, tau, 0.1f, live);
        },
        [](const Shape& s) {
            return fmt::format("G={} M={} K={} tau={}", std::get<0>(s), std::get<1>(s),
                               std::get<2>(s), std::get<3>(s));
        })};
}

}  // namespace
}  // namespace eqvk::eq::gpu

EQVK_KERNEL_DEF(eq_posterior) {
    using namespace eqvk::eq::gpu;
    using eqvk::vk::Access;
    static const auto def =
        eq_def("eq_posterior", "E[Q]: posterior weights of the worlds from their past positions' Q",
               {{"q_past", Access::Read, "f32 [rows][7]"},
                {"steps", Access::Read, "u32 [G][M][K] legal | observed<<8 | scored<<16"},
                {"weights", Access::ReadWrite, "f32 [G][M]"},
                {"stats", Access::Write, "f32 [G][2] ESS, max w"},
                {"acc", Access::Read, "u32 [G][ACC_WORDS] live worlds (eq_control)"},
                {"row_of", Access::Read, "u32 [G][M][K] q_past row of each step"}},
               sizeof(PosteriorPush), "PosteriorPush", eq_posterior_checks);
    return def;
}
