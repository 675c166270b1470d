// eq_legal: wrapper, check and definition.
#include "eq/gpu/eq_legal.h"

#include "eq/moves.h"
#include "kernels/binding.h"

EQVK_KERNEL_DEF(eq_legal);

namespace eqvk::eq::gpu {

void eq_legal(KernelCache& cache, vk::Program& prog, BufferView state, BufferView rules,
              BufferView legal, uint32_t n_games) {
    dispatch(cache, prog, eqvk_kernel_def_eq_legal(), n_games, GamesPush{n_games},
             {{state, word_bytes(n_games, ST_WORDS)},
              {rules, word_bytes(1, R_WORDS)},
              {legal, word_bytes(n_games, 1)}});
}

void check_eq_legal(vk::Context& ctx, KernelCache& cache, CheckBatch& b, Exact& v) {
    vk::Program prog(ctx, "check eq_legal");
    vk::Buffer out = poisoned_words(ctx, prog, b.n(), "check.legal");
    eq_legal(cache, prog, b.state, b.rules, out, b.n());
    prog.run();
    auto got = kernels::download_vector<uint32_t>(ctx, out, b.n());
    for (uint32_t g = 0; g < b.n(); ++g)
        v.check(got[g] == legal_slots(b.states[g]), "game {}: {:#x}", g, got[g]);
}

}  // namespace eqvk::eq::gpu

EQVK_KERNEL_DEF(eq_legal) {
    using namespace eqvk::eq::gpu;
    static const auto def = eq_def(
        "eq_legal", "E[Q]: the seat to move's legal slots",
        {state_binding(), rules_binding(), {"legal", eqvk::vk::Access::Write, "u32 [n] slot mask"}},
        sizeof(GamesPush), "GamesPush",
        [](const eqvk::vk::Capabilities&) { return exact_cases("eq_legal", check_eq_legal); });
    return def;
}
