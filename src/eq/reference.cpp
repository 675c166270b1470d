// CPU reference pipeline (see reference.h): one decision at a time, the same formulas and RNG
// counters as the GPU kernels.
#include "eq/reference.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "eq/baseline.h"
#include "eq/gpu/ref/eq_reduce_ref.h"
#include "eq/gpu_state.h"
#include "eq/worlds.h"

namespace eqvk::eq {

int32_t min_bin_of(const game::State& s, int bidder, bool forge_compat) {
    const int actor = s.current_player();
    const bool offense = actor % 2 == bidder % 2;
    if (forge_compat) return offense ? 60 : 25;
    const int mine = s.points(actor % 2), theirs = s.points(1 - actor % 2);
    const int remaining = 42 - mine - theirs;
    return offense ? 102 - 2 * mine - remaining : remaining + 2 * theirs - 17;
}

GameRecord play_reference(uint64_t seed, int decl, int bidder, const ReferenceOptions& o,
                          const CpuOracle& oracle, const GameRecord* follow,
                          std::array<int8_t, DECISIONS>* chosen) {
    GameRecord r;
    r.seed = seed;
    r.decl = decl;
    r.bidder = bidder;
    game::State s = initial_state(seed, decl);
    const PhiloxKey key = rng_key(o.run_seed);
    const Encoding enc = o.forge_compat ? Encoding::Forge : Encoding::Faithful;
    const gpu::SamplingRule rule = sampling_rule(o.sampling, o.worlds);
    const uint32_t pass = std::max(1u, sampling_pass_worlds(o.sampling, o.worlds));
    std::vector<TokenRow> rows(pass), past_rows;
    std::vector<float> q(size_t(pass) * SLOTS), q_past, weights(pass);
    std::vector<uint32_t> steps;
    std::vector<World> worlds(pass);
    const PosteriorParams& post = o.posterior;
    for (int d = 0; d < DECISIONS; ++d) {
        DecisionRecord& dr = r.decisions[d];
        const int actor = s.current_player();
        const game::TileMask legal_tiles = s.legal_tiles();
        for (int slot = 0; slot < SLOTS; ++slot)
            if ((s.remaining_slots(actor) >> slot & 1) &&
                (legal_tiles >> s.deal()[actor][slot] & 1u))
                dr.legal |= static_cast<uint8_t>(1u << slot);
        // Step 1. Passes of worlds while the sampling rule keeps the game active (exact uniform
        // ranks from the counter RNG, or every rank in turn), their tokens, the oracle and
        // Welford's running moments in world order.
        const WorldTable table = world_table(s);
        uint32_t acc[gpu::ACC_WORDS] = {};
        std::array<float, SLOTS> m2{};
        std::array<float, 2> post_stats{};
        for (bool first = true;; first = false) {
            if (!gpu::control_ref(rule, pass, first, false, false, table.count(), dr.legal,
                                  m2.data(), acc))
                break;
            const uint32_t n = acc[gpu::ACC_N], live = std::min(pass, acc[gpu::ACC_TARGET] - n);
            const bool exact = acc[gpu::ACC_FLAGS] & gpu::ACC_EXACT;
            for (uint32_t m = 0; m < live; ++m) {
                const uint32_t rank =
                    exact ? n + m : world_rank(table, key, seed, static_cast<uint32_t>(d), n + m);
                worlds[m] = unrank_world(table, rank);
                rows[m] = tokenize(s, worlds[m], enc);
            }
            oracle(std::span(rows).first(live), q.data());
            if (post.enabled) {  // Step 1b. Weights from each world's past positions (eq_posterior).
                if (n != 0)
                    throw std::logic_error(
                        "play_reference: the posterior takes one pass per decision");
                past_rows.clear();
                steps.clear();
                for (uint32_t m = 0; m < live; ++m)
                    for (uint32_t k = 0; k < post.window; ++k) {
                        const PastPosition pp =
                            past_position(s, worlds[m], post.window, k, post.score, enc);
                        past_rows.push_back(pp.tokens);
                        steps.push_back(pp.word());
                    }
                q_past.resize(past_rows.size() * SLOTS);
                oracle(past_rows, q_past.data());
                posterior_weights_ref(q_past.data(), steps.data(), 1, live, post.window, post.tau,
                                      post.beta, weights.data(), post_stats.data());
            }
            gpu::reduce_pass_ref(q.data(), n, live, dr.e_q.data(), m2.data(), dr.pdf.data(),
                                 post.enabled ? weights.data() : nullptr);
        }
        gpu::control_ref(rule, pass, false, true, false, table.count(), dr.legal, m2.data(), acc);
        dr.n_samples = acc[gpu::ACC_N];
        gpu::reduce_finish_ref(dr.n_samples, dr.e_q.data(), m2.data(), dr.pdf.data(),
                               post.enabled ? weights.data() : nullptr);
        dr.ess = post_stats[0];
        dr.max_w = post_stats[1];
        const float n_eff = dr.ess > 0.0f ? dr.ess : float(dr.n_samples);  // eq_record's rule
        dr.var = m2;
        dr.exact = acc[gpu::ACC_FLAGS] & gpu::ACC_EXACT;
        for (int slot = 0; slot < SLOTS; ++slot)  // an enumeration has no sampling error
            dr.sem[slot] = dr.n_samples && !dr.exact ? std::sqrt(dr.var[slot] / n_eff) : 0.0f;
        dr.converged = acc[gpu::ACC_FLAGS] & gpu::ACC_CONVERGED;
        dr.world_count = table.count();
        // Step 2. Move choice.
        const uint32_t legal = dr.legal;
        const int32_t min_bin = min_bin_of(s, bidder, o.forge_compat);
        int32_t action = -1;
        float unc[2];
        gpu::choose_move_ref(dr.e_q.data(), dr.var.data(), dr.pdf.data(), &legal, &min_bin, 1,
                             static_cast<uint32_t>(o.rule), &action, unc);
        if (legal != 0 && action >= 0) {  // Step 2b. Exploration (eq_explore).
            const ExploreResult x = explore_move(dr.e_q.data(), legal, action, o.explore, key, seed,
                                                 static_cast<uint32_t>(d));
            dr.greedy_action = static_cast<int8_t>(action);
            dr.exploration_mode = static_cast<uint8_t>(x.choice);
            dr.q_gap = x.q_gap;
            dr.action_entropy = x.action_entropy;
            action = x.action;
        }
        if (o.baseline_team == actor % 2)
            action = baseline_action(s, static_cast<Baseline>(o.baseline), key, seed);
        if (chosen) (*chosen)[d] = static_cast<int8_t>(action);
        dr.player = static_cast<uint8_t>(actor);
        dr.action = follow ? follow->decisions[d].action : static_cast<int8_t>(action);
        dr.u_mean = unc[0];
        dr.u_max = unc[1];
        // Step 3. Apply.
        s.do_play_slot(dr.action);
    }
    return r;
}

}  // namespace eqvk::eq
