// eq_world_sample: wrapper, check and definition.
#include "eq/gpu/eq_world_sample.h"

#include "eq/rng.h"
#include "eq/worlds.h"
#include "kernels/binding.h"
#include "kernels/check_util.h"

EQVK_KERNEL_DEF(eq_world_sample);

namespace eqvk::eq::gpu {

void eq_world_sample(KernelCache& cache, vk::Program& prog, BufferView state, BufferView table,
                     BufferView worlds, const WorldSampleArgs& a) {
    const uint64_t total = uint64_t(a.n_games) * a.worlds;
    require("eq_world_sample", total < (1ull << 31), "n_games x worlds >= 2^31");
    WorldSamplePush push{a.n_games,
                         a.worlds,
                         a.world_base,
                         a.enumerate ? 1u : 0u,
                         uint32_t(a.run_seed),
                         uint32_t(a.run_seed >> 32)};
    dispatch(cache, prog, eqvk_kernel_def_eq_world_sample(), total, push,
             {{state, word_bytes(a.n_games, ST_WORDS)},
              {table, word_bytes(a.n_games, WT_WORDS)},
              {worlds, word_bytes(total, WORLD_WORDS)}},
             /*grid_stride=*/true);
}

std::vector<uint32_t> reference_worlds(const CheckBatch& b, bool enumerate, uint32_t base) {
    std::vector<uint32_t> out;
    for (uint32_t g = 0; g < b.n(); ++g) {
        const WorldTable t = world_table(b.states[g]);
        for (uint32_t m = 0; m < CHECK_WORLDS; ++m) {
            uint32_t rank = enumerate ? base + m : NONE;
            if (!enumerate && t.count())
                rank = world_rank(t, rng_key(CHECK_RUN_SEED), b.infos[g].seed,
                                  uint32_t(b.states[g].num_plays()), base + m);
            const bool any = rank < t.count();
            const World w = any ? unrank_world(t, rank) : World{};
            out.insert(out.end(),
                       {uint32_t(w[0]), uint32_t(w[1]), uint32_t(w[2]), any ? rank : NONE});
        }
    }
    return out;
}

void check_eq_world_sample(vk::Context& ctx, KernelCache& cache, CheckBatch& b, Exact& v) {
    const uint32_t n = b.n(), M = CHECK_WORLDS, base = 3;
    std::vector<uint32_t> tables;
    for (const auto& s : b.states) {
        const WorldTable t = world_table(s);
        tables.insert(tables.end(), t.words.begin(), t.words.end());
    }
    vk::Buffer tb = kernels::upload_raw(ctx, tables, "check.table");
    vk::Program prog(ctx, "check eq_world_sample");
    vk::Buffer sampled = poisoned_words(ctx, prog, size_t(n) * M * WORLD_WORDS, "check.worlds"),
               listed = poisoned_words(ctx, prog, size_t(n) * M * WORLD_WORDS, "check.listed");
    eq_world_sample(cache, prog, b.state, tb, sampled, {n, M, base, false, CHECK_RUN_SEED});
    eq_world_sample(cache, prog, b.state, tb, listed, {n, M, 0, true, CHECK_RUN_SEED});
    prog.run();
    for (bool enumerate : {false, true}) {
        auto got = kernels::download_vector<uint32_t>(ctx, enumerate ? listed : sampled,
                                                      size_t(n) * M * WORLD_WORDS);
        auto want = reference_worlds(b, enumerate, enumerate ? 0 : base);
        for (size_t i = 0; i < want.size(); ++i)
            v.check(got[i] == want[i], "{} game {} world {} word {}",
                    enumerate ? "enumerated" : "sampled", i / (M * 4), i / 4 % M, i % 4);
    }
}

}  // namespace eqvk::eq::gpu

EQVK_KERNEL_DEF(eq_world_sample) {
    using namespace eqvk::eq::gpu;
    static const auto def = eq_def(
        "eq_world_sample", "E[Q]: exactly uniform (or enumerated) worlds from the count table",
        {state_binding(),
         {"table", eqvk::vk::Access::Read, "u32 [n][WT_WORDS] (eq_world_count)"},
         {"worlds", eqvk::vk::Access::Write, "u32 [n][M][4] masks, rank"}},
        sizeof(WorldSamplePush), "WorldSamplePush", [](const eqvk::vk::Capabilities&) {
            return exact_cases("eq_world_sample", check_eq_world_sample);
        });
    return def;
}
