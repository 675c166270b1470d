// CPU references for the E[Q] reduction and move choice (see eq_reduce_ref.h).
#include "eq/gpu/ref/eq_reduce_ref.h"

#include <algorithm>
#include <cmath>

#include "eq/gpu/layout.h"

namespace eqvk::eq::gpu {

void eq_reduce_ref(const float* q, uint32_t games, uint32_t worlds, float* e_q, float* var,
                   float* pdf) {
    for (uint32_t gs = 0; gs < games * EQ_SLOTS; ++gs) {
        uint32_t g = gs / EQ_SLOTS, slot = gs % EQ_SLOTS;
        float* p = pdf + size_t(gs) * EQ_BINS;
        std::fill(p, p + EQ_BINS, 0.0f);
        float mean = 0.0f, m2 = 0.0f;  // Welford, as the shader
        for (uint32_t m = 0; m < worlds; ++m) {
            float v = q[(size_t(g) * worlds + m) * EQ_SLOTS + slot];
            float d = v - mean;
            mean += d / static_cast<float>(m + 1);
            m2 += d * (v - mean);
            if (!std::isfinite(v)) continue;  // no PDF bin, as in the shader
            float b = std::clamp(std::nearbyint(v + 42.0f), 0.0f, 84.0f);  // round half to even
            p[static_cast<uint32_t>(b)] += 1.0f;
        }
        float inv = 1.0f / static_cast<float>(worlds);
        e_q[gs] = mean;
        var[gs] = std::max(m2 / static_cast<float>(worlds), 0.0f);
        for (uint32_t b = 0; b < EQ_BINS; ++b) p[b] *= inv;
    }
}

void choose_move_ref(const float* e_q, const float* var, const float* pdf, const uint32_t* legal,
                     const int32_t* min_bin, uint32_t games, uint32_t mode, int32_t* action,
                     float* uncertainty) {
    for (uint32_t g = 0; g < games; ++g) {
        const float* e = e_q + size_t(g) * EQ_SLOTS;
        float lo = 3.0e38f, hi = -3.0e38f, u_sum = 0.0f, u_max = 0.0f;
        uint32_t n = 0;
        for (uint32_t s = 0; s < EQ_SLOTS; ++s) {
            if (!(legal[g] >> s & 1u)) continue;
            lo = std::min(lo, e[s]);
            hi = std::max(hi, e[s]);
            float u = std::sqrt(var[size_t(g) * EQ_SLOTS + s]);
            u_sum += u;
            u_max = std::max(u_max, u);
            ++n;
        }
        int32_t best = -1;
        float best_score = 0.0f;
        int32_t first = std::clamp(min_bin[g], 0, static_cast<int32_t>(EQ_BINS));
        for (uint32_t s = 0; s < EQ_SLOTS; ++s) {
            if (!(legal[g] >> s & 1u)) continue;
            float score;
            if (mode == 0) {
                float p = 0.0f;
                const float* row = pdf + (size_t(g) * EQ_SLOTS + s) * EQ_BINS;
                for (uint32_t b = static_cast<uint32_t>(first); b < EQ_BINS; ++b) p += row[b];
                float tie = hi > lo ? 1e-6f * (e[s] - lo) / (hi - lo) : 0.0f;
                score = p + tie;
            } else {
                score = e[s];
            }
            if (best < 0 || score > best_score) {
                best = static_cast<int32_t>(s);
                best_score = score;
            }
        }
        action[g] = best;
        uncertainty[2 * g] = n ? u_sum / static_cast<float>(n) : 0.0f;
        uncertainty[2 * g + 1] = u_max;
    }
}

}  // namespace eqvk::eq::gpu
