// CPU references for the E[Q] reduction, the sampling control and the move choice (see
// eq_reduce_ref.h).
#include "eq/gpu/ref/eq_reduce_ref.h"

#include <algorithm>
#include <cmath>

#include "eq/gpu/layout.h"

namespace eqvk::eq::gpu {

namespace {

/// A PDF bin of a finite Q (round half to even, clamped).
uint32_t pdf_bin(float v) {
    return static_cast<uint32_t>(std::clamp(std::nearbyint(v + 42.0f), 0.0f, 84.0f));
}

}  // namespace

void reduce_pass_ref(const float* q, uint32_t n0, uint32_t live, float* mean, float* m2, float* pdf,
                     const float* w) {
    for (uint32_t slot = 0; slot < EQ_SLOTS; ++slot) {
        float* p = pdf + size_t(slot) * EQ_BINS;
        if (n0 == 0 || w) {
            mean[slot] = m2[slot] = 0.0f;
            std::fill(p, p + EQ_BINS, 0.0f);
        }
        if (w) {  // West's weighted Welford, as the shader's weighted_pass
            float mu = 0.0f, s2 = 0.0f, w_sum = 0.0f;
            for (uint32_t m = 0; m < live; ++m) {
                const float v = q[size_t(m) * EQ_SLOTS + slot];
                w_sum += w[m];
                const float d = v - mu, r = w_sum > 0.0f ? w[m] / w_sum : 0.0f;
                mu += d * r;
                s2 += w[m] * d * (v - mu);
                if (std::isfinite(v)) p[pdf_bin(v)] += w[m];
            }
            mean[slot] = mu;
            m2[slot] = s2;
            continue;
        }
        float mu = mean[slot], s2 = m2[slot];  // Welford, as the shader
        for (uint32_t m = 0; m < live; ++m) {
            float v = q[size_t(m) * EQ_SLOTS + slot];
            float d = v - mu;
            mu += d / static_cast<float>(n0 + m + 1);
            s2 += d * (v - mu);
            if (!std::isfinite(v)) continue;  // no PDF bin, as in the shader
            p[pdf_bin(v)] += 1.0f;
        }
        mean[slot] = mu;
        m2[slot] = s2;
    }
}

void reduce_finish_ref(uint32_t n, float* mean, float* m2, float* pdf, const float* w) {
    if (w) {
        float w_sum = 0.0f;
        for (uint32_t m = 0; m < n; ++m) w_sum += w[m];
        const bool none = n == 0 || !(w_sum > 0.0f);
        const float inv = none ? 0.0f : 1.0f / w_sum;
        for (uint32_t slot = 0; slot < EQ_SLOTS; ++slot) {
            if (none) mean[slot] = 0.0f;
            m2[slot] = none ? 0.0f : std::max(m2[slot] / w_sum, 0.0f);
            float* p = pdf + size_t(slot) * EQ_BINS;
            for (uint32_t b = 0; b < EQ_BINS; ++b) p[b] = none ? 0.0f : p[b] * inv;
        }
        return;
    }
    const float inv = n ? 1.0f / static_cast<float>(n) : 0.0f;
    for (uint32_t slot = 0; slot < EQ_SLOTS; ++slot) {
        if (n == 0) mean[slot] = 0.0f;
        m2[slot] = n ? std::max(m2[slot] / static_cast<float>(n), 0.0f) : 0.0f;
        float* p = pdf + size_t(slot) * EQ_BINS;
        for (uint32_t b = 0; b < EQ_BINS; ++b) p[b] = n ? p[b] * inv : 0.0f;
    }
}

void eq_reduce_ref(const float* q, uint32_t games, uint32_t worlds, float* e_q, float* var,
                   float* pdf) {
    for (uint32_t g = 0; g < games; ++g) {
        const size_t gs = size_t(g) * EQ_SLOTS;
        reduce_pass_ref(q + gs * worlds, 0, worlds, e_q + gs, var + gs, pdf + gs * EQ_BINS);
        reduce_finish_ref(worlds, e_q + gs, var + gs, pdf + gs * EQ_BINS);
    }
}

float max_sem_ref(const float* m2, uint32_t legal, uint32_t n) {
    float worst = 0.0f;
    for (uint32_t s = 0; s < EQ_SLOTS; ++s) {
        if (!(legal >> s & 1u)) continue;
        const float var = std::max(m2[s] / static_cast<float>(n), 0.0f);
        const float sem = std::sqrt(var / static_cast<float>(n));
        if (std::isnan(sem)) return sem;
        worst = std::max(worst, sem);
    }
    return worst;
}

bool control_ref(const SamplingRule& r, uint32_t pass_worlds, bool first, bool last, bool over,
                 uint32_t count, uint32_t legal, const float* m2, uint32_t* acc) {
    uint32_t n = acc[ACC_N], target = acc[ACC_TARGET], flags = acc[ACC_FLAGS];
    if (first) {
        n = target = 0;
        flags = over ? ACC_DONE : 0u;
        if (!over && r.exact_max != 0 && count <= r.exact_max) flags |= ACC_EXACT;
        acc[ACC_COUNT] = count;
    } else if (flags & ACC_ACTIVE) {
        n += std::min(pass_worlds, target - n);
    }
    flags &= ~ACC_ACTIVE;
    if (!(flags & ACC_DONE) && n >= target) {
        if (flags & ACC_EXACT) {
            if (n == 0)
                target = acc[ACC_COUNT];
            else
                flags |= ACC_DONE | ACC_CONVERGED;
        } else if (r.mode == MODE_FIXED) {
            if (n == 0)
                target = r.fixed_worlds;
            else
                flags |= ACC_DONE;
        } else if (n >= r.min_worlds && max_sem_ref(m2, legal, n) <= r.sem_target) {
            flags |= ACC_DONE | ACC_CONVERGED;
        } else if (n >= r.max_worlds) {
            flags |= ACC_DONE | ACC_HIT_MAX;
        } else {
            target = std::min(n + r.round_worlds, r.max_worlds);
        }
        if (target == 0) flags |= ACC_DONE;
    }
    if (last) flags |= ACC_DONE;
    const bool active = !(flags & ACC_DONE) && n < target;
    if (active) flags |= ACC_ACTIVE;
    acc[ACC_N] = n;
    acc[ACC_TARGET] = target;
    acc[ACC_FLAGS] = flags;
    return active;
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
