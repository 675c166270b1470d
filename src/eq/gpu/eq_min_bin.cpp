// eq_min_bin: wrapper, check and definition.
#include "eq/gpu/eq_min_bin.h"

#include "eq/reference.h"
#include "kernels/binding.h"

EQVK_KERNEL_DEF(eq_min_bin);

namespace eqvk::eq::gpu {

void eq_min_bin(KernelCache& cache, vk::Program& prog, BufferView state, BufferView min_bin,
                uint32_t n_games, bool forge_compat) {
    dispatch(cache, prog, eqvk_kernel_def_eq_min_bin(), n_games,
             MinBinPush{n_games, forge_compat ? 1u : 0u},
             {{state, word_bytes(n_games, ST_WORDS)}, {min_bin, word_bytes(n_games, 1)}});
}

void check_eq_min_bin(vk::Context& ctx, KernelCache& cache, CheckBatch& b, Exact& v) {
    for (bool forge : {false, true}) {
        vk::Program prog(ctx, "check eq_min_bin");
        vk::Buffer out = poisoned_words(ctx, prog, b.n(), "check.min_bin");
        eq_min_bin(cache, prog, b.state, out, b.n(), forge);
        prog.run();
        auto got = kernels::download_vector<int32_t>(ctx, out, b.n());
        for (uint32_t g = 0; g < b.n(); ++g)
            v.check(got[g] == min_bin_of(b.states[g], b.infos[g].bidder, forge), "game {}{}: {}", g,
                    forge ? " forge" : "", got[g]);
    }
}

}  // namespace eqvk::eq::gpu

EQVK_KERNEL_DEF(eq_min_bin) {
    using namespace eqvk::eq::gpu;
    static const auto def = eq_def(
        "eq_min_bin", "E[Q]: P(make) threshold bin of each game's decision",
        {state_binding(), {"min_bin", eqvk::vk::Access::Write, "i32 [n]"}}, sizeof(MinBinPush),
        "MinBinPush",
        [](const eqvk::vk::Capabilities&) { return exact_cases("eq_min_bin", check_eq_min_bin); });
    return def;
}
