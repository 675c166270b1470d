// Posterior weighting (see posterior.h): the behaviour model, the per-game weights and the past
// positions. The float operations and their order are those of shaders/eq/eq_posterior.comp.
#include "eq/posterior.h"

#include <algorithm>
#include <bit>
#include <cmath>

#include "eq/moves.h"

namespace eqvk::eq {

float behaviour_log_prob(const float* q, uint32_t word, float tau, float beta) {
    const uint32_t legal = word & 0x7Fu, obs = word >> 8 & 7u;
    if (!(word >> 16 & 1u) || legal == 0) return 0.0f;
    if (obs == PAST_ABSENT || !(legal >> obs & 1u)) return POSTERIOR_LOG_IMPOSSIBLE;
    // Step 1. A = (Q − mean_legal Q)/τ; the softmax from differences to max A (finite at any Q).
    float sum = 0.0f;
    for (uint32_t s = 0; s < 7; ++s)
        if (legal >> s & 1u) sum += q[s];
    const float n = static_cast<float>(std::popcount(legal)), mean = sum / n;
    float a_max = -3.0e38f;
    for (uint32_t s = 0; s < 7; ++s)
        if (legal >> s & 1u) a_max = std::max(a_max, (q[s] - mean) / tau);
    float z = 0.0f;
    for (uint32_t s = 0; s < 7; ++s)
        if (legal >> s & 1u) z += std::exp((q[s] - mean) / tau - a_max);
    // Step 2. Mixed with the uniform legal move.
    const float p = (1.0f - beta) * (std::exp((q[obs] - mean) / tau - a_max) / z) + beta / n;
    return std::log(p + 1e-30f);
}

void posterior_weights_ref(const float* q_past, const uint32_t* steps, uint32_t games,
                           uint32_t worlds, uint32_t window, float tau, float beta, float* weights,
                           float* stats) {
    std::vector<float> logw(worlds);
    for (uint32_t g = 0; g < games; ++g) {
        if (worlds == 0) {  // nothing to weight (the shader: a game without live worlds)
            stats[2 * g] = stats[2 * g + 1] = 0.0f;
            continue;
        }
        float best = -3.0e38f;
        for (uint32_t m = 0; m < worlds; ++m) {
            const size_t row = (size_t(g) * worlds + m) * window;
            float sum = 0.0f;
            for (uint32_t k = 0; k < window; ++k)
                sum += behaviour_log_prob(&q_past[(row + k) * 7], steps[row + k], tau, beta);
            logw[m] = sum;
            best = std::max(best, sum);
        }
        float z = 0.0f;
        for (uint32_t m = 0; m < worlds; ++m) {
            logw[m] = std::exp(std::max(logw[m] - best, POSTERIOR_LOG_FLOOR));
            z += logw[m];
        }
        float sq = 0.0f, w_max = 0.0f;
        for (uint32_t m = 0; m < worlds; ++m) {
            const float w = logw[m] / z;
            weights[size_t(g) * worlds + m] = w;
            sq += w * w;
            w_max = std::max(w_max, w);
        }
        stats[2 * g] = 1.0f / sq;
        stats[2 * g + 1] = w_max;
    }
}

game::Deal world_deal(const game::State& s, const World& world) {
    const int actor = s.current_player();
    std::array<game::TileMask, 4> held{};
    held[actor] = s.hand(actor);
    for (int i = 0; i < 3; ++i) held[(actor + 1 + i) % 4] = world[i];
    for (const game::Play& p : s.history()) held[p.player] |= game::TileMask{1} << p.tile;
    game::Deal deal{};
    for (int p = 0; p < 4; ++p) {
        int slot = 0;
        for (game::TileMask m = held[p]; m && slot < 7; m &= m - 1)
            deal[p][slot++] = static_cast<uint8_t>(std::countr_zero(m));
    }
    return deal;
}

PastPosition past_position(const game::State& s, const World& world, uint32_t window, uint32_t k,
                           PosteriorScore score, Encoding enc) {
    const int j = s.num_plays() - int(window) + int(k), jj = std::max(j, 0);
    const int actor = s.current_player();
    // Step 1. The world's deal replayed to step max(j, 0) (first leader: the first play's seat,
    // or the current leader before any play).
    const game::Deal deal = world_deal(s, world);
    game::State past(deal, s.decl(), s.num_plays() ? s.history()[0].player : s.leader());
    for (int i = 0; i < jj; ++i) past.do_play(s.history()[i].tile);
    // Step 2. What the past actor could play then, what it played, and the oracle's input.
    PastPosition out{false, past};
    out.legal = legal_slots(past);
    out.tokens = tokenize(past, true_world(past), enc);
    if (j < 0) return out;
    const game::Play played = s.history()[j];
    const int p = played.player;
    for (int slot = 0; slot < 7; ++slot)
        if (deal[p][slot] == played.tile) out.observed_slot = slot;
    out.scored = score == PosteriorScore::All || (score == PosteriorScore::Others && p != actor) ||
                 (score == PosteriorScore::Opponents && p % 2 != actor % 2);
    return out;
}

}  // namespace eqvk::eq
