// eq_apply: wrapper, check and definition.
#include "eq/gpu/eq_apply.h"

#include <bit>

#include "eq/moves.h"
#include "kernels/binding.h"
#include "kernels/check_util.h"

EQVK_KERNEL_DEF(eq_apply);

namespace eqvk::eq::gpu {

void eq_apply(KernelCache& cache, vk::Program& prog, BufferView state, BufferView rules,
              BufferView action, BufferView status, uint32_t n_games) {
    dispatch(cache, prog, eqvk_kernel_def_eq_apply(), n_games, GamesPush{n_games},
             {{state, word_bytes(n_games, ST_WORDS)},
              {rules, word_bytes(1, R_WORDS)},
              {action, word_bytes(n_games, 1)},
              {status, word_bytes(n_games, 1)}});
}

void check_eq_apply(vk::Context& ctx, KernelCache& cache, CheckBatch& b, Exact& v) {
    std::vector<uint32_t> action(b.n()), want_status(b.n());
    std::vector<game::State> next = b.states;
    for (uint32_t g = 0; g < b.n(); ++g) {
        const uint32_t legal = legal_slots(next[g]);
        const bool illegal = g % 7 == 3;
        action[g] = uint32_t(std::countr_zero(illegal ? ~legal & 0xFFu : legal | 0x100u)) & 7u;
        if (next[g].is_terminal()) {
            want_status[g] = uint32_t(ApplyStatus::HandOver);
        } else if (legal >> action[g] & 1u) {
            want_status[g] = uint32_t(ApplyStatus::Applied);
            next[g].do_play_slot(int(action[g]));
        } else {
            want_status[g] = uint32_t(ApplyStatus::Illegal);
        }
    }
    vk::Buffer ab = kernels::upload_raw(ctx, action, "check.action");
    vk::Program prog(ctx, "check eq_apply");
    vk::Buffer out = poisoned_words(ctx, prog, b.n(), "check.status");
    eq_apply(cache, prog, b.state, b.rules, ab, out, b.n());
    prog.run();
    auto status = kernels::download_vector<uint32_t>(ctx, out, b.n());
    for (uint32_t g = 0; g < b.n(); ++g)
        v.check(status[g] == want_status[g], "game {} status {}", g, status[g]);
    auto got = kernels::download_vector<uint32_t>(ctx, b.state, b.words.size());
    auto want = pack_states(next, b.infos);
    for (size_t i = 0; i < want.size(); ++i) v.check(got[i] == want[i], "state word {}", i);
}

}  // namespace eqvk::eq::gpu

EQVK_KERNEL_DEF(eq_apply) {
    using namespace eqvk::eq::gpu;
    static const auto def = eq_def(
        "eq_apply", "E[Q]: each game's seat to move plays the chosen slot",
        {state_binding(eqvk::vk::Access::ReadWrite),
         rules_binding(),
         {"action", eqvk::vk::Access::Read, "u32 [n] slot"},
         {"status", eqvk::vk::Access::Write, "u32 [n] ApplyStatus"}},
        sizeof(GamesPush), "GamesPush",
        [](const eqvk::vk::Capabilities&) { return exact_cases("eq_apply", check_eq_apply); });
    return def;
}
