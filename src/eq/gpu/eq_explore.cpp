// eq_explore: wrapper, check and definition.
#include "eq/gpu/eq_explore.h"

#include <bit>
#include <cmath>
#include <random>

#include "eq/moves.h"
#include "eq/rng.h"
#include "kernels/binding.h"
#include "kernels/check_util.h"

EQVK_KERNEL_DEF(eq_explore);

namespace eqvk::eq::gpu {

void eq_explore(KernelCache& cache, vk::Program& prog, BufferView state, BufferView e_q,
                BufferView legal, BufferView action, BufferView explore, uint32_t n_games,
                const ExploreParams& p, uint64_t run_seed) {
    require("eq_explore", uint32_t(p.mode) <= uint32_t(ExploreMode::Mixed),
            fmt::format("mode {}", uint32_t(p.mode)));
    require("eq_explore", p.temperature > 0.0f && std::isfinite(p.temperature),
            fmt::format("temperature {}", p.temperature));
    dispatch(cache, prog, eqvk_kernel_def_eq_explore(), n_games,
             ExplorePush{n_games, uint32_t(p.mode), p.epsilon_threshold, p.blunder_threshold,
                         p.temperature, p.blunder_max_regret, uint32_t(run_seed),
                         uint32_t(run_seed >> 32)},
             {{state, word_bytes(n_games, ST_WORDS)},
              {e_q, word_bytes(n_games, EQ_SLOTS)},
              {legal, word_bytes(n_games, 1)},
              {action, word_bytes(n_games, 1)},
              {explore, word_bytes(n_games, 4)}});
}

ExploreRun run_eq_explore(vk::Context& ctx, KernelCache& cache,
                          const std::vector<game::State>& states,
                          const std::vector<GameInfo>& infos, const std::vector<float>& e_q,
                          const std::vector<uint32_t>& legal, const std::vector<int32_t>& greedy,
                          const ExploreParams& params, uint64_t run_seed) {
    const auto n = static_cast<uint32_t>(states.size());
    using kernels::upload_raw;
    vk::Buffer st = upload_raw(ctx, pack_states(states, infos), "check.state"),
               eq = upload_raw(ctx, e_q, "check.e_q"), lg = upload_raw(ctx, legal, "check.legal"),
               act = upload_raw(ctx, greedy, "check.action");
    vk::Program prog(ctx, "check eq_explore");
    vk::Buffer ex = poisoned_words(ctx, prog, size_t(n) * 4, "check.explore");
    eq_explore(cache, prog, st, eq, lg, act, ex, n, params, run_seed);
    prog.run();
    return {kernels::download_vector<int32_t>(ctx, act, n),
            kernels::download_vector<uint32_t>(ctx, ex, size_t(n) * 4)};
}

void compare_explore(const ExploreRun& run, const std::vector<GameInfo>& infos,
                     const std::vector<game::State>& states, const std::vector<float>& e_q,
                     const std::vector<uint32_t>& legal, const std::vector<int32_t>& greedy,
                     const ExploreParams& params, uint64_t run_seed, Exact& v) {
    const PhiloxKey key = rng_key(run_seed);
    for (size_t g = 0; g < states.size(); ++g) {
        const uint32_t d = static_cast<uint32_t>(states[g].num_plays());
        const bool over = d >= 28 || legal[g] == 0 || greedy[g] < 0;
        const ExploreResult want = over ? ExploreResult{greedy[g]}
                                        : explore_move(&e_q[g * EQ_SLOTS], legal[g], greedy[g],
                                                       params, key, infos[g].seed, d);
        const uint32_t* w = &run.explore[g * 4];
        const float gap = std::bit_cast<float>(w[2]), ent = std::bit_cast<float>(w[3]);
        v.check(run.action[g] == want.action && w[0] == uint32_t(want.choice) &&
                    int32_t(w[1]) == (over ? -1 : greedy[g]) && gap == want.q_gap &&
                    std::fabs(ent - want.action_entropy) <=
                        1e-5f + 1e-5f * std::fabs(want.action_entropy),
                "mode {} game {}: action {} choice {} greedy {} gap {} entropy {}, want {} {} {} "
                "{} {}",
                uint32_t(params.mode), g, run.action[g], w[0], int32_t(w[1]), gap, ent, want.action,
                uint32_t(want.choice), greedy[g], want.q_gap, want.action_entropy);
    }
}

void check_eq_explore(vk::Context& ctx, KernelCache& cache, CheckBatch& b, Exact& v) {
    std::mt19937_64 rng(77);
    std::uniform_real_distribution<float> u(-20.0f, 20.0f);
    std::vector<float> e_q(size_t(b.n()) * EQ_SLOTS);
    std::vector<uint32_t> legal;
    std::vector<int32_t> greedy;
    for (uint32_t g = 0; g < b.n(); ++g) {
        legal.push_back(legal_slots(b.states[g]));
        for (uint32_t s = 0; s < EQ_SLOTS; ++s)  // ties, ±1000 and spreads around the regret
            e_q[g * EQ_SLOTS + s] = g % 9 == 0   ? 1.0f
                                    : g % 9 == 1 ? (s % 2 ? 1000.0f : -1000.0f)
                                                 : u(rng);
        // The greedy slot: the highest E[Q] (e_q rule), or another legal slot (p_make may pick
        // any); −1 with no legal slot.
        int32_t pick = -1;
        for (uint32_t s = 0; s < EQ_SLOTS; ++s)
            if ((legal.back() >> s & 1u) &&
                (pick < 0 || (g % 2 ? e_q[g * EQ_SLOTS + s] > e_q[g * EQ_SLOTS + pick] : true)))
                pick = int32_t(s);
        greedy.push_back(pick);
    }
    for (uint32_t mode = 0; mode <= uint32_t(ExploreMode::Mixed); ++mode) {
        const ExploreParams p = explore_params(ExploreMode(mode), 0.4, 1.5, 0.4, 6.0);
        ExploreRun run =
            run_eq_explore(ctx, cache, b.states, b.infos, e_q, legal, greedy, p, CHECK_RUN_SEED);
        compare_explore(run, b.infos, b.states, e_q, legal, greedy, p, CHECK_RUN_SEED, v);
    }
}

}  // namespace eqvk::eq::gpu

EQVK_KERNEL_DEF(eq_explore) {
    using namespace eqvk::eq::gpu;
    using eqvk::vk::Access;
    static const auto def = eq_def(
        "eq_explore", "E[Q]: exploration (blunder, epsilon, Boltzmann) after the greedy move",
        {state_binding(),
         {"e_q", Access::Read, "f32 [n][7]"},
         {"legal", Access::Read, "u32 [n] slot mask"},
         {"action", Access::ReadWrite, "i32 [n] slot"},
         {"explore", Access::Write, "u32 [n][4] mode, greedy, q_gap, entropy"}},
        sizeof(ExplorePush), "ExplorePush",
        [](const eqvk::vk::Capabilities&) { return exact_cases("eq_explore", check_eq_explore); });
    return def;
}
