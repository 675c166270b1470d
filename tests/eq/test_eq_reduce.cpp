// The CPU references of the E[Q] reduction and move choice (the GPU kernels are checked against
// them by their definitions' checks, tests/kernel_defs.cpp): Forge's test_select_actions cases
// (spec §7) — offense threshold bin 60, defense bin 25, P(make) beats E[Q], equal P(make) → higher
// E[Q], illegal never chosen — and the reduction's moments and bins.
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <vector>

#include "eq/gpu/ref/eq_reduce_ref.h"

using namespace eqvk::eq::gpu;

namespace {

// One game whose slot s has all of its worlds at Q = qs[s] (or a 35/65 mix when mix[s] is set).
struct Case {
    std::array<float, 7> e_q{};
    std::array<float, 7 * 85> pdf{};
    uint32_t legal = 0;
};

Case make_case(std::initializer_list<std::pair<int, std::vector<std::pair<float, float>>>> slots) {
    Case c;
    for (auto& [s, dist] : slots) {
        c.legal |= 1u << s;
        float mean = 0.0f;
        for (auto [q, w] : dist) {
            c.pdf[s * 85 + static_cast<int>(q + 42.0f)] += w;
            mean += q * w;
        }
        c.e_q[s] = mean;
    }
    return c;
}

int choose_ref(const Case& c, int32_t min_bin, uint32_t mode) {
    std::array<float, 7> var{};
    int32_t action = -2;
    float unc[2];
    choose_move_ref(c.e_q.data(), var.data(), c.pdf.data(), &c.legal, &min_bin, 1, mode, &action,
                    unc);
    return action;
}

}  // namespace

TEST_SUITE("eq") {
    TEST_CASE("choose_move_ref: Forge's select_actions cases") {
        // Offense (bin 60 ⇔ Q ≥ 18): Q = 18 is chosen over Q = 17 even though only slightly higher.
        CHECK(choose_ref(make_case({{0, {{17, 1}}}, {3, {{18, 1}}}}), 60, 0) == 3);
        // Defense (bin 25 ⇔ Q ≥ −17): −17 over −18.
        CHECK(choose_ref(make_case({{1, {{-18, 1}}}, {2, {{-17, 1}}}}), 25, 0) == 2);
        // Higher P(make) beats higher E[Q]: 35% make (else −30) beats a certain Q = 10 (< 18).
        CHECK(choose_ref(make_case({{0, {{10, 1}}}, {1, {{20, 0.35f}, {-30, 0.65f}}}}), 60, 0) ==
              1);
        // ... and E[Q] mode takes the certain 10.
        CHECK(choose_ref(make_case({{0, {{10, 1}}}, {1, {{20, 0.35f}, {-30, 0.65f}}}}), 60, 1) ==
              0);
        // Equal P(make) (both 0) → the higher E[Q] wins through the tie-break.
        CHECK(choose_ref(make_case({{4, {{-5, 1}}}, {5, {{2, 1}}}, {6, {{-1, 1}}}}), 60, 0) == 5);
        // Illegal slots are never chosen, whatever their numbers; no legal slot → −1.
        Case c = make_case({{2, {{-40, 1}}}});
        c.pdf[0 * 85 + 84] = 1.0f;
        c.e_q[0] = 42.0f;
        CHECK(choose_ref(c, 60, 0) == 2);
        CHECK(choose_ref(c, 60, 1) == 2);
        CHECK(choose_ref(Case{}, 60, 0) == -1);
    }

    TEST_CASE("eq_reduce_ref: mean, population variance, half-to-even bins, clamped ends") {
        std::vector<float> q = {0.5f, 1.5f, -2.5f, 100.0f,
                                -100.0f};  // one game, 5 worlds, slot 0 only matters
        std::vector<float> rows(5 * 7, 0.0f);
        for (int m = 0; m < 5; ++m) rows[m * 7] = q[m];
        std::vector<float> e(7), v(7), pdf(7 * 85);
        eq_reduce_ref(rows.data(), 1, 5, e.data(), v.data(), pdf.data());
        CHECK(e[0] == doctest::Approx(-0.1));
        CHECK(v[0] == doctest::Approx((0.25 + 2.25 + 6.25 + 1e4 + 1e4) / 5 - 0.01).epsilon(1e-6));
        CHECK(pdf[42] == doctest::Approx(0.2));       // 0.5 → 0 (even)
        CHECK(pdf[44] == doctest::Approx(0.2));       // 1.5 → 2
        CHECK(pdf[40] == doctest::Approx(0.2));       // −2.5 → −2
        CHECK(pdf[84] == doctest::Approx(0.2));       // clamped high
        CHECK(pdf[0] == doctest::Approx(0.2));        // clamped low
        CHECK(pdf[85 + 42] == doctest::Approx(1.0));  // slot 1: all zeros
    }

    TEST_CASE(
        "eq_reduce_ref: Welford's variance — one world is exactly 0, large |Q| stays accurate") {
        // One world: Var exactly 0 whatever Q (E[Q²] − E[Q]² in fp32 gave 3.1e-3, issue 15).
        for (float v : {1000.37f, -41.3f, 0.1f, 12345.678f}) {
            std::vector<float> rows(7, v), e(7), var(7, -1.0f), pdf(7 * 85);
            eq_reduce_ref(rows.data(), 1, 1, e.data(), var.data(), pdf.data());
            CHECK(e[0] == v);
            CHECK(var[0] == 0.0f);
        }
        // Two worlds 1e-3 apart near 30 (issue 15's −16% case had Var ≈ 1e-6): within fp32
        // rounding of the exact value.
        {
            std::vector<float> rows(14, 30.0f), e(7), var(7), pdf(7 * 85);
            for (int s = 0; s < 7; ++s) rows[7 + s] = 30.001f;
            eq_reduce_ref(rows.data(), 1, 2, e.data(), var.data(), pdf.data());
            const double d = double(30.001f) - double(30.0f);
            CHECK(var[0] == doctest::Approx(d * d / 4).epsilon(1e-3));
        }
        // 1000 worlds at Q = 1000 + spread: the double-precision two-pass variance.
        for (double spread : {0.01, 0.5, 5.0}) {
            CAPTURE(spread);
            const int M = 1000;
            std::vector<float> rows(size_t(M) * 7);
            double mean = 0.0, ss = 0.0;
            for (int m = 0; m < M; ++m) {
                float v = static_cast<float>(1000.0 + spread * std::sin(m * 0.7));
                for (int s = 0; s < 7; ++s) rows[size_t(m) * 7 + s] = v;
                mean += v;
            }
            mean /= M;
            for (int m = 0; m < M; ++m)
                ss += (rows[size_t(m) * 7] - mean) * (rows[size_t(m) * 7] - mean);
            std::vector<float> e(7), var(7), pdf(7 * 85);
            eq_reduce_ref(rows.data(), 1, M, e.data(), var.data(), pdf.data());
            CHECK(e[0] == doctest::Approx(mean).epsilon(1e-6));
            CHECK(var[0] == doctest::Approx(ss / M).epsilon(3e-3));
        }
    }
}
