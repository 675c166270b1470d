// eq_voids: wrapper, check and definition.
#include "eq/gpu/eq_voids.h"

#include "eq/worlds.h"
#include "kernels/binding.h"

EQVK_KERNEL_DEF(eq_voids);

namespace eqvk::eq::gpu {

void eq_voids(KernelCache& cache, vk::Program& prog, BufferView state, BufferView rules,
              BufferView voids, uint32_t n_games) {
    dispatch(cache, prog, eqvk_kernel_def_eq_voids(), n_games, GamesPush{n_games},
             {{state, word_bytes(n_games, ST_WORDS)},
              {rules, word_bytes(1, R_WORDS)},
              {voids, word_bytes(n_games, VOID_WORDS)}});
}

void check_eq_voids(vk::Context& ctx, KernelCache& cache, CheckBatch& b, Exact& v) {
    vk::Program prog(ctx, "check eq_voids");
    vk::Buffer out = poisoned_words(ctx, prog, size_t(b.n()) * VOID_WORDS, "check.voids");
    eq_voids(cache, prog, b.state, b.rules, out, b.n());
    prog.run();
    auto got = kernels::download_vector<uint32_t>(ctx, out, size_t(b.n()) * VOID_WORDS);
    for (uint32_t g = 0; g < b.n(); ++g) {
        auto want = opponent_voids(b.states[g]);
        for (uint32_t i = 0; i < 3; ++i)
            v.check(got[g * VOID_WORDS + i] == want[i], "game {} opponent {}", g, i);
    }
}

}  // namespace eqvk::eq::gpu

EQVK_KERNEL_DEF(eq_voids) {
    using namespace eqvk::eq::gpu;
    static const auto def = eq_def(
        "eq_voids", "E[Q]: suits each opponent of the seat to move has shown void in",
        {state_binding(),
         rules_binding(),
         {"voids", eqvk::vk::Access::Write, "u32 [n][3] suit masks"}},
        sizeof(GamesPush), "GamesPush",
        [](const eqvk::vk::Capabilities&) { return exact_cases("eq_voids", check_eq_voids); });
    return def;
}
