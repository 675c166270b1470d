// eq_world_count: wrapper, check and definition.
#include "eq/gpu/eq_world_count.h"

#include "eq/worlds.h"
#include "kernels/binding.h"
#include "kernels/check_util.h"

EQVK_KERNEL_DEF(eq_world_count);

namespace eqvk::eq::gpu {

void eq_world_count(KernelCache& cache, vk::Program& prog, BufferView state, BufferView rules,
                    BufferView voids, BufferView table, uint32_t n_games) {
    // The shader zeroes the table before using it: its old contents are never read.
    dispatch(cache, prog, eqvk_kernel_def_eq_world_count(), n_games, GamesPush{n_games},
             {{state, word_bytes(n_games, ST_WORDS)},
              {rules, word_bytes(1, R_WORDS)},
              {voids, word_bytes(n_games, VOID_WORDS)},
              {table, word_bytes(n_games, WT_WORDS), vk::Access::Write}});
}

void check_eq_world_count(vk::Context& ctx, KernelCache& cache, CheckBatch& b, Exact& v) {
    std::vector<uint32_t> voids;
    for (const auto& s : b.states)
        for (uint32_t x : opponent_voids(s)) voids.push_back(x);
    vk::Buffer vd = kernels::upload_raw(ctx, voids, "check.voids");
    vk::Program prog(ctx, "check eq_world_count");
    vk::Buffer out = poisoned_words(ctx, prog, size_t(b.n()) * WT_WORDS, "check.table");
    eq_world_count(cache, prog, b.state, b.rules, vd, out, b.n());
    prog.run();
    auto got = kernels::download_vector<uint32_t>(ctx, out, size_t(b.n()) * WT_WORDS);
    for (uint32_t g = 0; g < b.n(); ++g) {
        WorldTable t = world_table(b.states[g]);
        for (uint32_t w = 0; w < WT_WORDS; ++w)
            v.check(got[g * WT_WORDS + w] == t.words[w], "game {} word {}", g, w);
    }
}

}  // namespace eqvk::eq::gpu

EQVK_KERNEL_DEF(eq_world_count) {
    using namespace eqvk::eq::gpu;
    static const auto def = eq_def(
        "eq_world_count", "E[Q]: count table of the worlds consistent with each game's decision",
        {state_binding(),
         rules_binding(),
         {"voids", eqvk::vk::Access::Read, "u32 [n][3] (eq_voids)"},
         {"table", eqvk::vk::Access::ReadWrite, "u32 [n][WT_WORDS]"}},
        sizeof(GamesPush), "GamesPush", [](const eqvk::vk::Capabilities&) {
            return exact_cases("eq_world_count", check_eq_world_count);
        });
    return def;
}
