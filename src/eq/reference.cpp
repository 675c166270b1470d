// CPU reference pipeline (see reference.h): one decision at a time, the same formulas and RNG
// counters as the GPU kernels.
#include "eq/reference.h"

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
    std::vector<TokenRow> rows(o.worlds);
    std::vector<float> q(size_t(o.worlds) * SLOTS);
    for (int d = 0; d < DECISIONS; ++d) {
        DecisionRecord& dr = r.decisions[d];
        const int actor = s.current_player();
        // Step 1. Worlds (exact uniform ranks from the counter RNG) and their tokens.
        WorldTable table = world_table(s);
        for (uint32_t m = 0; m < o.worlds; ++m)
            rows[m] = tokenize(
                s, unrank_world(table, world_rank(table, key, seed, static_cast<uint32_t>(d), m)),
                enc);
        // Step 2. Oracle, reduction, legal slots, move choice.
        oracle(rows, q.data());
        gpu::eq_reduce_ref(q.data(), 1, o.worlds, dr.e_q.data(), dr.var.data(), dr.pdf.data());
        const game::TileMask legal_tiles = s.legal_tiles();
        for (int slot = 0; slot < SLOTS; ++slot)
            if ((s.remaining_slots(actor) >> slot & 1) &&
                (legal_tiles >> s.deal()[actor][slot] & 1u))
                dr.legal |= static_cast<uint8_t>(1u << slot);
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
        dr.n_samples = o.worlds;
        // Step 3. Apply.
        s.do_play_slot(dr.action);
    }
    return r;
}

}  // namespace eqvk::eq
