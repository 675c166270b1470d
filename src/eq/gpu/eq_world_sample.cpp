// eq_world_sample: wrapper, check and definition.
#include "eq/gpu/eq_world_sample.h"

#include "eq/rng.h"
#include "eq/worlds.h"
#include "kernels/binding.h"
#include "kernels/check_util.h"

EQVK_KERNEL_DEF(eq_world_sample);

namespace eqvk::eq::gpu {

void eq_world_sample(KernelCache& cache, vk::Program& prog, BufferView state, BufferView table,
                     BufferView worlds, const PassViews& pass, const WorldSampleArgs& a) {
    const uint64_t total = uint64_t(a.n_games) * a.pass_worlds;
    require("eq_world_sample", total > 0 && total < (1ull << 31),
            "n_games x pass_worlds is 0 or >= 2^31");
    WorldSamplePush push{a.n_games, a.pass_worlds, uint32_t(a.run_seed),
                         uint32_t(a.run_seed >> 32)};
    dispatch_or_indirect(cache, prog, eqvk_kernel_def_eq_world_sample(), total, push,
                         {{state, word_bytes(a.n_games, ST_WORDS)},
                          {table, word_bytes(a.n_games, WT_WORDS)},
                          {worlds, word_bytes(total, WORLD_WORDS)},
                          {pass.list, word_bytes(a.n_games, 1)},
                          {pass.acc, word_bytes(a.n_games, ACC_WORDS)},
                          {pass.ctrl, word_bytes(1, CTRL_WORDS)}},
                         /*grid_stride=*/true, pass.args, ARGS_ROWS * 4);
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
    const std::vector<uint32_t> list = reversed_games(n);
    // Sampling worlds base .. base+M-1; enumerating 0 .. M-1 (ranks past the count: no world).
    std::vector<uint32_t> acc_sampled, acc_listed;
    for (uint32_t g = 0; g < n; ++g) {
        acc_sampled.insert(acc_sampled.end(), {base, base + M, ACC_ACTIVE, 0});
        acc_listed.insert(acc_listed.end(), {0, M, ACC_ACTIVE | ACC_EXACT, 0});
    }
    CheckPass ps(ctx, list, acc_sampled), pl(ctx, list, acc_listed);
    vk::Program prog(ctx, "check eq_world_sample");
    vk::Buffer sampled = poisoned_words(ctx, prog, size_t(n) * M * WORLD_WORDS, "check.worlds"),
               listed = poisoned_words(ctx, prog, size_t(n) * M * WORLD_WORDS, "check.listed");
    eq_world_sample(cache, prog, b.state, tb, sampled, {ps.list, ps.acc, ps.ctrl},
                    {n, M, CHECK_RUN_SEED});
    eq_world_sample(cache, prog, b.state, tb, listed, {pl.list, pl.acc, pl.ctrl},
                    {n, M, CHECK_RUN_SEED});
    prog.run();
    for (bool enumerate : {false, true}) {
        auto got = kernels::download_vector<uint32_t>(ctx, enumerate ? listed : sampled,
                                                      size_t(n) * M * WORLD_WORDS);
        auto want = reference_worlds(b, enumerate, enumerate ? 0 : base);
        for (uint32_t i = 0; i < n; ++i)
            for (uint32_t k = 0; k < M * WORLD_WORDS; ++k)
                v.check(got[size_t(i) * M * WORLD_WORDS + k] ==
                            want[size_t(list[i]) * M * WORLD_WORDS + k],
                        "{} game {} world {} word {}", enumerate ? "enumerated" : "sampled",
                        list[i], k / 4, k % 4);
    }
}

}  // namespace eqvk::eq::gpu

EQVK_KERNEL_DEF(eq_world_sample) {
    using namespace eqvk::eq::gpu;
    static const auto def = eq_def(
        "eq_world_sample", "E[Q]: exactly uniform (or enumerated) worlds from the count table",
        {state_binding(),
         {"table", eqvk::vk::Access::Read, "u32 [n][WT_WORDS] (eq_world_count)"},
         {"worlds", eqvk::vk::Access::Write, "u32 [n·P][4] masks, rank"},
         {"list", eqvk::vk::Access::Read, "u32 [n] active games (eq_control)"},
         {"acc", eqvk::vk::Access::Read, "u32 [n][ACC_WORDS] (eq_control)"},
         {"ctrl", eqvk::vk::Access::Read, "u32 [CTRL_WORDS] (eq_control)"}},
        sizeof(WorldSamplePush), "WorldSamplePush", [](const eqvk::vk::Capabilities&) {
            return exact_cases("eq_world_sample", check_eq_world_sample);
        });
    return def;
}
