// Exploration after the greedy choice (see explore.h); the same float operations, in the same
// order, as shaders/eq/eq_explore.comp.
#include "eq/explore.h"

#include <algorithm>
#include <bit>
#include <cmath>

#include "io/config.h"

namespace eqvk::eq {

// The config's modes map one to one (run_setup casts io::Exploration to ExploreMode).
static_assert(uint32_t(io::Exploration::None) == uint32_t(ExploreMode::None) &&
              uint32_t(io::Exploration::Epsilon) == uint32_t(ExploreMode::Epsilon) &&
              uint32_t(io::Exploration::Boltzmann) == uint32_t(ExploreMode::Boltzmann) &&
              uint32_t(io::Exploration::Blunder) == uint32_t(ExploreMode::Blunder) &&
              uint32_t(io::Exploration::Mixed) == uint32_t(ExploreMode::Mixed));

uint32_t probability_threshold(double p) {
    if (!(p > 0.0)) return 0;
    if (p >= 1.0) return 0xFFFFFFFFu;
    return static_cast<uint32_t>(std::min(std::floor(p * 4294967296.0), 4294967295.0));
}

ExploreParams explore_params(ExploreMode mode, double epsilon, double temperature,
                             double blunder_rate, double blunder_max_regret) {
    ExploreParams p;
    p.mode = mode;
    p.epsilon_threshold = probability_threshold(epsilon);
    p.blunder_threshold = probability_threshold(blunder_rate);
    p.temperature = static_cast<float>(temperature);
    p.blunder_max_regret = static_cast<float>(blunder_max_regret);
    return p;
}

namespace {

bool event(uint32_t word, uint32_t threshold) {
    return threshold == 0xFFFFFFFFu || word < threshold;
}

// The k-th (0-based) set bit of `mask`, as a slot.
int32_t kth_slot(uint32_t mask, uint32_t k) {
    for (int32_t s = 0; s < 7; ++s)
        if ((mask >> s & 1u) && k-- == 0) return s;
    return -1;
}

}  // namespace

ExploreResult explore_move(const float* e_q, uint32_t legal, int32_t greedy, const ExploreParams& p,
                           PhiloxKey key, uint64_t game_seed, uint32_t decision) {
    ExploreResult r;
    r.action = greedy;
    if (legal == 0 || greedy < 0) return r;
    // Step 1. Entropy of softmax(E[Q]) over the legal slots (Forge's action_entropy, T = 1),
    // from differences to the maximum so that ±1000 points stay finite.
    float hi = -3.0e38f;
    for (int s = 0; s < 7; ++s)
        if (legal >> s & 1u) hi = std::max(hi, e_q[s]);
    float z = 0.0f, za = 0.0f;
    for (int s = 0; s < 7; ++s)
        if (legal >> s & 1u) {
            const float a = e_q[s] - hi, e = std::exp(a);
            z += e;
            za += e * a;
        }
    r.action_entropy = std::log(z) - za / z;
    // Step 2. The coins (one Philox block) and the choice.
    const auto coins =
        philox4x32_10(rng_counter(game_seed, decision, 0, 0, RNG_STREAM_EXPLORE), key);
    const bool blunders = p.mode == ExploreMode::Blunder || p.mode == ExploreMode::Mixed;
    const bool epsilons = p.mode == ExploreMode::Epsilon || p.mode == ExploreMode::Mixed;
    const bool boltzmann = p.mode == ExploreMode::Boltzmann || p.mode == ExploreMode::Mixed;
    if (blunders && event(coins[0], p.blunder_threshold)) {
        const float floor_q = e_q[greedy] - p.blunder_max_regret;
        uint32_t candidates = 0;
        for (int s = 0; s < 7; ++s)
            if ((legal >> s & 1u) && s != greedy && e_q[s] >= floor_q) candidates |= 1u << s;
        if (candidates) {
            const uint32_t k =
                uniform_below(static_cast<uint32_t>(std::popcount(candidates)),
                              rng_counter(game_seed, decision, 1, 0, RNG_STREAM_EXPLORE), key);
            r.action = kth_slot(candidates, k);
            r.choice = ExploreChoice::Blunder;
        }
    }
    if (r.choice == ExploreChoice::Greedy && epsilons && event(coins[1], p.epsilon_threshold)) {
        const uint32_t k =
            uniform_below(static_cast<uint32_t>(std::popcount(legal)),
                          rng_counter(game_seed, decision, 2, 0, RNG_STREAM_EXPLORE), key);
        r.action = kth_slot(legal, k);
        r.choice = ExploreChoice::Epsilon;
    }
    if (r.choice == ExploreChoice::Greedy && boltzmann) {
        // u in [0, 1) with 24 bits (exact in float); the first slot whose running sum of
        // exp((e_q − max) / T) passes u·Σ, the last legal slot on rounding.
        float w[7], total = 0.0f;
        for (int s = 0; s < 7; ++s) {
            w[s] = (legal >> s & 1u) ? std::exp((e_q[s] - hi) / p.temperature) : 0.0f;
            total += w[s];
        }
        const float target = static_cast<float>(coins[2] >> 8) * 0x1p-24f * total;
        float run = 0.0f;
        for (int s = 0; s < 7; ++s)
            if (legal >> s & 1u) {
                r.action = s;
                run += w[s];
                if (target < run) break;
            }
        r.choice = ExploreChoice::Boltzmann;
    }
    r.q_gap = e_q[greedy] - e_q[r.action];
    return r;
}

}  // namespace eqvk::eq
