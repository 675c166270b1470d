// eq_past_states: wrapper, check and definition.
#include "eq/gpu/eq_past_states.h"

#include <numeric>

#include "eq/gpu/eq_posterior.h"
#include "eq/gpu/eq_tokenize.h"
#include "eq/gpu/eq_world_sample.h"
#include "eq/posterior.h"
#include "kernels/binding.h"
#include "kernels/check_util.h"

EQVK_KERNEL_DEF(eq_past_states);

namespace eqvk::eq::gpu {

void eq_past_states(KernelCache& cache, vk::Program& prog, BufferView state, BufferView rules,
                    BufferView worlds, BufferView acc, BufferView past, BufferView past_worlds,
                    BufferView steps, const PastRows& rows, uint32_t n_games,
                    uint32_t worlds_per_game, uint32_t window, uint32_t score) {
    require("eq_past_states", window >= 1 && window <= 28 && score <= 2,
            fmt::format("window {}, score {}", window, score));
    const uint64_t total = uint64_t(n_games) * worlds_per_game * window;
    for (uint32_t phase : {0u, 1u})
        dispatch(cache, prog, eqvk_kernel_def_eq_past_states(), phase == 0 ? 1 : total,
                 PastStatesPush{n_games, worlds_per_game, window, score, phase},
                 {{state, word_bytes(n_games, ST_WORDS)},
                  {rules, word_bytes(1, R_WORDS)},
                  {worlds, word_bytes(uint64_t(n_games) * worlds_per_game, WORLD_WORDS)},
                  {past, word_bytes(total, ST_WORDS)},
                  {past_worlds, word_bytes(total, WORLD_WORDS)},
                  {steps, word_bytes(total, 1)},
                  {rows.row_of, word_bytes(total, 1)},
                  {rows.plan, word_bytes(n_games, 1)},
                  {rows.ctrl, word_bytes(1, CTRL_WORDS)},
                  {rows.rows, word_bytes(1, 1)},
                  {acc, word_bytes(n_games, ACC_WORDS)}},
                 /*grid_stride=*/true);
}

PastRowBuffers::PastRowBuffers(vk::Context& ctx, uint32_t n_games, uint64_t total)
    : row_of(ctx, total * 4, vk::MemoryKind::DeviceLocal, "past row_of"),
      plan(ctx, uint64_t(n_games) * 4, vk::MemoryKind::DeviceLocal, "past plan"),
      ctrl(kernels::upload_raw(ctx, std::vector<uint32_t>(CTRL_WORDS, 0), "past ctrl")),
      rows(ctx, 4, vk::MemoryKind::DeviceLocal, "past rows") {}

void check_eq_past_states(vk::Context& ctx, KernelCache& cache, CheckBatch& b, Exact& v) {
    const uint32_t n = b.n(), M = CHECK_WORLDS;
    const std::vector<uint32_t> worlds = reference_worlds(b, false, 0);
    vk::Buffer wd = kernels::upload_raw(ctx, worlds, "check.worlds");
    for (uint32_t window : {4u, 9u})
        for (uint32_t score = 0; score <= 2; ++score) {
            const uint32_t B = n * M * window;
            // Live worlds: all M, but with score "others" the last two games take none (padding
            // a short batch) and with window 9 every third game enumerates fewer worlds.
            std::vector<uint32_t> live(n, M);
            for (uint32_t g = 0; g < n; ++g)
                if ((score == 1 && g + 2 >= n) || (window == 9 && g % 3 == 1))
                    live[g] = score == 1 && g + 2 >= n ? 0 : 1 + g % (M - 1);
            vk::Buffer acc = kernels::upload_raw(ctx, posterior_acc(n, M, live), "check.acc");
            PastRowBuffers pr(ctx, n, B);
            vk::Program prog(ctx, "check eq_past_states");
            vk::Buffer ps = poisoned_words(ctx, prog, size_t(B) * ST_WORDS, "check.past"),
                       pw = poisoned_words(ctx, prog, size_t(B) * WORLD_WORDS, "check.past_worlds"),
                       st = poisoned_words(ctx, prog, B, "check.steps"),
                       tk = poisoned_words(ctx, prog, size_t(B) * TOKEN_WORDS, "check.tokens"),
                       mk = poisoned_words(ctx, prog, size_t(B) * MASK_WORDS, "check.mask"),
                       ac = poisoned_words(ctx, prog, B, "check.actor");
            eq_past_states(cache, prog, b.state, b.rules, wd, acc, ps, pw, st, pr.views(), n, M,
                           window, score);
            // Each evaluated row is a "game" of one world, active up to the row count, in order.
            std::vector<uint32_t> all(B);
            std::iota(all.begin(), all.end(), 0u);
            vk::Buffer list = kernels::upload_raw(ctx, all, "check.list");
            eq_tokenize(cache, prog, ps, b.rules, pw, tk, mk, ac, list, pr.ctrl, B, 1, 0);
            prog.run();
            const auto row_of = kernels::download_vector<uint32_t>(ctx, pr.row_of, B);
            const uint32_t rows = kernels::download_vector<uint32_t>(ctx, pr.rows, 1)[0];
            const auto words = kernels::download_vector<uint32_t>(ctx, ps, size_t(B) * ST_WORDS);
            const auto pws = kernels::download_vector<uint32_t>(ctx, pw, size_t(B) * WORLD_WORDS);
            const auto sts = kernels::download_vector<uint32_t>(ctx, st, B);
            const auto tokens =
                kernels::download_vector<int8_t>(ctx, tk, size_t(B) * TOKEN_WORDS * 4);
            std::vector<game::State> want_states;
            std::vector<GameInfo> want_infos;
            std::vector<PastPosition> want;
            for (uint32_t i = 0; i < B; ++i) {
                const uint32_t g = i / (M * window), m = (i / window) % M, k = i % window;
                const uint32_t* x = &worlds[(size_t(g) * M + m) * WORLD_WORDS];
                want.push_back(past_position(b.states[g], World{x[0], x[1], x[2]}, window, k,
                                             PosteriorScore(score), Encoding::Faithful));
                want_states.push_back(want.back().state);
                want_infos.push_back(b.infos[g]);
            }
            const std::vector<uint32_t> want_words = pack_states(want_states, want_infos);
            // The rows: scored steps of live worlds, in (game, world, scored step) order.
            std::vector<uint32_t> want_row(B, NONE);
            uint32_t next = 0;
            for (uint32_t i = 0; i < B; ++i)
                if (want[i].scored && (i / window) % M < live[i / (M * window)])
                    want_row[i] = next++;
            v.check(rows == next, "window {} score {}: {} rows, want {}", window, score, rows,
                    next);
            for (uint32_t i = 0; i < B; ++i) {
                v.check(sts[i] == want[i].word(), "window {} score {} step {}: {:#x}, want {:#x}",
                        window, score, i, sts[i], want[i].word());
                v.check(row_of[i] == want_row[i], "window {} score {} step {}: row {}, want {}",
                        window, score, i, row_of[i], want_row[i]);
                const uint32_t r = want_row[i];
                if (r == NONE) continue;
                for (size_t f = 0; f + 1 < std::size(ST_FIELDS); ++f)
                    for (uint32_t j = 0; j < st_width(ST_FIELDS[f]); ++j) {
                        const uint32_t got = words[st_index(ST_FIELDS[f], B, r, j)],
                                       want_w = want_words[st_index(ST_FIELDS[f], B, i, j)];
                        v.check(got == want_w, "window {} score {} step {} field {} word {}",
                                window, score, i, ST_FIELDS[f], j);
                    }
                const World tw = true_world(want[i].state);
                v.check(pws[r * 4] == tw[0] && pws[r * 4 + 1] == tw[1] && pws[r * 4 + 2] == tw[2] &&
                            pws[r * 4 + 3] == NONE,
                        "window {} score {} past world {}", window, score, i);
                for (size_t t = 0; t < want[i].tokens.tokens.size(); ++t)
                    v.check(
                        tokens[r * want[i].tokens.tokens.size() + t] == want[i].tokens.tokens[t],
                        "window {} score {} step {} token byte {}", window, score, i, t);
            }
        }
}

}  // namespace eqvk::eq::gpu

EQVK_KERNEL_DEF(eq_past_states) {
    using namespace eqvk::eq::gpu;
    using eqvk::vk::Access;
    static const auto def =
        eq_def("eq_past_states", "E[Q]: each world's past positions for posterior weighting",
               {state_binding(),
                rules_binding(),
                {"worlds", Access::Read, "u32 [n][M][4]"},
                {"past", Access::Write, "u32 [ST_WORDS·n·M·K]"},
                {"past_worlds", Access::Write, "u32 [n·M·K][4]"},
                {"steps", Access::Write, "u32 [n·M·K] legal | observed<<8 | scored<<16"},
                {"row_of", Access::Write, "u32 [n·M·K] evaluated row or NONE"},
                {"plan", Access::ReadWrite, "u32 [n] scored steps of the games before"},
                {"past_ctrl", Access::Write, "u32 [CTRL_WORDS] rows at CTRL_ACTIVE"},
                {"past_rows", Access::Write, "u32 [1] the oracle's count"},
                {"acc", Access::Read, "u32 [n][ACC_WORDS] live worlds (eq_control)"}},
               sizeof(PastStatesPush), "PastStatesPush", [](const eqvk::vk::Capabilities&) {
                   return exact_cases("eq_past_states", check_eq_past_states);
               });
    return def;
}
