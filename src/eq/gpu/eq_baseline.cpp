// eq_baseline: wrapper, check and definition.
#include "eq/gpu/eq_baseline.h"

#include "eq/baseline.h"
#include "eq/moves.h"
#include "eq/rng.h"
#include "kernels/binding.h"
#include "kernels/check_util.h"

EQVK_KERNEL_DEF(eq_baseline);

namespace eqvk::eq::gpu {

void eq_baseline(KernelCache& cache, vk::Program& prog, BufferView state, BufferView rules,
                 BufferView legal, BufferView action, uint32_t n_games, uint32_t team,
                 uint32_t policy, uint64_t run_seed) {
    require("eq_baseline", team <= 1 && policy <= 1,
            fmt::format("team {}, policy {}", team, policy));
    dispatch(cache, prog, eqvk_kernel_def_eq_baseline(), n_games,
             BaselinePush{n_games, team, policy, uint32_t(run_seed), uint32_t(run_seed >> 32)},
             {{state, word_bytes(n_games, ST_WORDS)},
              {rules, word_bytes(1, R_WORDS)},
              {legal, word_bytes(n_games, 1)},
              {action, word_bytes(n_games, 1)}});
}

void check_eq_baseline(vk::Context& ctx, KernelCache& cache, CheckBatch& b, Exact& v) {
    constexpr int32_t KEPT = -7;  // the chosen action, kept where the baseline does not play
    std::vector<uint32_t> legal;
    for (const auto& s : b.states) legal.push_back(legal_slots(s));
    vk::Buffer lg = kernels::upload_raw(ctx, legal, "check.legal");
    const auto key = rng_key(CHECK_RUN_SEED);
    for (uint32_t policy : {0u, 1u})
        for (uint32_t team : {0u, 1u}) {
            vk::Buffer act = kernels::upload_raw(ctx, std::vector<int32_t>(b.n(), KEPT), "action");
            vk::Program prog(ctx, "check eq_baseline");
            eq_baseline(cache, prog, b.state, b.rules, lg, act, b.n(), team, policy,
                        CHECK_RUN_SEED);
            prog.run();
            auto got = kernels::download_vector<int32_t>(ctx, act, b.n());
            for (uint32_t g = 0; g < b.n(); ++g) {
                const game::State& s = b.states[g];
                if (!legal[g]) continue;  // nothing to play: the baseline's choice is unspecified
                int32_t want = uint32_t(s.current_player() % 2) == team
                                   ? baseline_action(s, Baseline(policy), key, b.infos[g].seed)
                                   : KEPT;
                v.check(got[g] == want, "game {} policy {} team {}: {}", g, policy, team, got[g]);
            }
        }
}

}  // namespace eqvk::eq::gpu

EQVK_KERNEL_DEF(eq_baseline) {
    using namespace eqvk::eq::gpu;
    static const auto def =
        eq_def("eq_baseline", "match: the random or heuristic baseline player's slot",
               {state_binding(),
                rules_binding(),
                {"legal", eqvk::vk::Access::Read, "u32 [n] slot mask"},
                {"action", eqvk::vk::Access::ReadWrite, "i32 [n] slot"}},
               sizeof(BaselinePush), "BaselinePush", [](const eqvk::vk::Capabilities&) {
                   return exact_cases("eq_baseline", check_eq_baseline);
               });
    return def;
}
