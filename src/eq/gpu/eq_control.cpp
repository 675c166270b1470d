// eq_control: wrapper, check and definition.
#include "eq/gpu/eq_control.h"

#include <random>

#include "eq/worlds.h"
#include "kernels/binding.h"
#include "kernels/check_util.h"

EQVK_KERNEL_DEF(eq_control);

namespace eqvk::eq::gpu {

void eq_control(KernelCache& cache, vk::Program& prog, BufferView state, BufferView table,
                BufferView legal, BufferView m2, BufferView acc, BufferView list, BufferView ctrl,
                BufferView rows, BufferView args, uint32_t n_games, uint32_t pass_worlds,
                bool first, bool last, const SamplingRule& r) {
    require("eq_control", n_games > 0 && pass_worlds > 0, "0 games or 0 worlds per pass");
    const ControlPush push{n_games,      pass_worlds,    first ? 1u : 0u, last ? 1u : 0u,
                           r.mode,       r.exact_max,    r.fixed_worlds,  r.min_worlds,
                           r.max_worlds, r.round_worlds, r.sem_target};
    dispatch(cache, prog, eqvk_kernel_def_eq_control(), 1, push,
             {{state, word_bytes(n_games, ST_WORDS)},
              {table, word_bytes(n_games, WT_WORDS)},
              {legal, word_bytes(n_games, 1)},
              {m2, word_bytes(n_games, EQ_SLOTS)},
              {acc, word_bytes(n_games, ACC_WORDS)},
              {list, word_bytes(n_games, 1)},
              {ctrl, word_bytes(1, CTRL_WORDS)},
              {rows, word_bytes(1, 1)},
              {args, word_bytes(1, ARGS_WORDS)}});
}

void check_eq_control(vk::Context& ctx, KernelCache& cache, CheckBatch& b, Exact& v) {
    const uint32_t n = b.n(), live = n - 3, P = 4;  // the last 3 games are padding
    std::vector<uint32_t> tables, counts, legal(n);
    for (uint32_t g = 0; g < n; ++g) {
        const WorldTable t = world_table(b.states[g]);
        tables.insert(tables.end(), t.words.begin(), t.words.end());
        counts.push_back(t.count());
        legal[g] = (g * 37u + 5u) & 0x7Fu;
    }
    SamplingRule rule;
    rule.mode = MODE_ADAPTIVE;
    rule.exact_max = 9;  // late-hand games are enumerated
    rule.min_worlds = 5;
    rule.max_worlds = 21;
    rule.round_worlds = 6;
    rule.sem_target = 1.0f;
    vk::Buffer tb = kernels::upload_raw(ctx, tables, "check.table"),
               lg = kernels::upload_raw(ctx, legal, "check.legal");
    vk::Buffer acc(ctx, size_t(n) * ACC_WORDS * 4, vk::MemoryKind::DeviceLocal, "check.acc"),
        list(ctx, size_t(n) * 4, vk::MemoryKind::DeviceLocal, "check.list"),
        rows(ctx, 4, vk::MemoryKind::DeviceLocal, "check.rows"),
        args(ctx, ARGS_WORDS * 4, vk::MemoryKind::DeviceLocal, "check.args");
    vk::Buffer ctrl = kernels::upload_raw(ctx, std::vector<uint32_t>{live, NONE}, "check.ctrl");
    std::vector<uint32_t> want_acc(size_t(n) * ACC_WORDS, 0);
    std::mt19937 rng(b.infos[0].seed & 0xFFFF);
    std::uniform_real_distribution<float> var_of(0.0f, 30.0f);
    for (uint32_t pass = 0; pass < 12; ++pass) {
        // Running M2 = n · var with var in [0, 30): SEM = sqrt(var / n) <= 1 needs n >= var.
        std::vector<float> m2(size_t(n) * EQ_SLOTS);
        for (uint32_t g = 0; g < n; ++g)
            for (uint32_t s = 0; s < EQ_SLOTS; ++s)
                m2[g * EQ_SLOTS + s] = float(want_acc[g * ACC_WORDS + ACC_N]) * var_of(rng);
        vk::Buffer m2b = kernels::upload_raw(ctx, m2, "check.m2");
        const bool first = pass == 0, last = pass == 11;
        vk::Program prog(ctx, "check eq_control");
        eq_control(cache, prog, b.state, tb, lg, m2b, acc, list, ctrl, rows, args, n, P, first,
                   last, rule);
        prog.run();
        std::vector<uint32_t> want_list;
        for (uint32_t g = 0; g < n; ++g) {
            const bool over = g >= live || b.states[g].num_plays() >= 28;
            if (control_ref(rule, P, first, last, over, counts[g], legal[g], &m2[g * EQ_SLOTS],
                            &want_acc[g * ACC_WORDS]))
                want_list.push_back(g);
        }
        auto got_acc = kernels::download_vector<uint32_t>(ctx, acc, size_t(n) * ACC_WORDS);
        auto got_list = kernels::download_vector<uint32_t>(ctx, list, n);
        auto got_ctrl = kernels::download_vector<uint32_t>(ctx, ctrl, CTRL_WORDS);
        auto got_rows = kernels::download_vector<uint32_t>(ctx, rows, 1);
        auto got_args = kernels::download_vector<uint32_t>(ctx, args, ARGS_WORDS);
        const uint32_t a = uint32_t(want_list.size());
        const uint32_t want_args[ARGS_WORDS] = {(a * P + WORKGROUP - 1) / WORKGROUP,        1, 1,
                                                (a * EQ_SLOTS + WORKGROUP - 1) / WORKGROUP, 1, 1};
        for (uint32_t i = 0; i < ARGS_WORDS; ++i)
            v.check(got_args[i] == want_args[i], "pass {} dispatch args word {}", pass, i);
        for (size_t i = 0; i < want_acc.size(); ++i)
            v.check(got_acc[i] == want_acc[i], "pass {} game {} acc word {}", pass, i / ACC_WORDS,
                    i % ACC_WORDS);
        v.check(got_ctrl[CTRL_ACTIVE] == want_list.size(), "pass {} active count", pass);
        v.check(got_rows[0] == want_list.size() * P, "pass {} rows", pass);
        for (size_t i = 0; i < want_list.size(); ++i)
            v.check(got_list[i] == want_list[i], "pass {} list entry {}", pass, i);
    }
    // The rule must have exercised every outcome: exact, converged and hit-max games.
    uint32_t seen = 0;
    for (uint32_t g = 0; g < live; ++g) seen |= want_acc[g * ACC_WORDS + ACC_FLAGS];
    v.check((seen & (ACC_EXACT | ACC_CONVERGED | ACC_HIT_MAX)) ==
                (ACC_EXACT | ACC_CONVERGED | ACC_HIT_MAX),
            "flags seen {:#x}: not every outcome", seen);
}

}  // namespace eqvk::eq::gpu

EQVK_KERNEL_DEF(eq_control) {
    using namespace eqvk::eq::gpu;
    using eqvk::vk::Access;
    static const auto def = eq_def(
        "eq_control",
        "E[Q]: per-game world control of a pass (fixed, exact, adaptive) and the active list",
        {state_binding(),
         {"table", Access::Read, "u32 [n][WT_WORDS] (eq_world_count)"},
         {"legal", Access::Read, "u32 [n] slot mask"},
         {"m2", Access::Read, "f32 [n][7] running M2 (eq_reduce)"},
         {"acc", Access::ReadWrite, "u32 [n][ACC_WORDS]"},
         {"list", Access::Write, "u32 [n] active games"},
         {"ctrl", Access::ReadWrite, "u32 [CTRL_WORDS]"},
         {"rows", Access::Write, "u32 [1] oracle rows"},
         {"args", Access::Write, "u32 [ARGS_WORDS] indirect dispatch sizes"}},
        sizeof(ControlPush), "ControlPush",
        [](const eqvk::vk::Capabilities&) { return exact_cases("eq_control", check_eq_control); });
    return def;
}
