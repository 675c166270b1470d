// eq_record: wrapper, check and definition.
#include "eq/gpu/eq_record.h"

#include <bit>
#include <cmath>

#include "kernels/binding.h"
#include "kernels/check_util.h"

EQVK_KERNEL_DEF(eq_record);

namespace eqvk::eq::gpu {

void eq_record(KernelCache& cache, vk::Program& prog, BufferView state, BufferView e_q,
               BufferView var, BufferView pdf, BufferView legal, BufferView action,
               BufferView uncertainty, BufferView records, BufferView acc, BufferView explore,
               BufferView post, uint32_t n_games) {
    dispatch(cache, prog, eqvk_kernel_def_eq_record(), n_games, RecordPush{n_games},
             {{state, word_bytes(n_games, ST_WORDS)},
              {e_q, word_bytes(n_games, EQ_SLOTS)},
              {var, word_bytes(n_games, EQ_SLOTS)},
              {pdf, word_bytes(n_games, EQ_SLOTS * EQ_BINS)},
              {legal, word_bytes(n_games, 1)},
              {action, word_bytes(n_games, 1)},
              {uncertainty, word_bytes(n_games, 2)},
              {records, word_bytes(uint64_t(n_games) * 28, REC_WORDS)},
              {acc, word_bytes(n_games, ACC_WORDS)},
              {explore, word_bytes(n_games, 4)},
              {post, word_bytes(n_games, 2)}});
}

namespace {

/// eq_record's inputs, distinct per game so that a misplaced word shows, and word k of the record
/// they make for game g. Some games carry NaN and ±Inf in E[Q] or Var for the non-finite count.
struct RecordInputs {
    std::vector<float> e_q, var, pdf, unc;
    std::vector<uint32_t> legal, action, acc, explore;
    std::vector<float> post;
    explicit RecordInputs(uint32_t n)
        : e_q(n * EQ_SLOTS),
          var(n * EQ_SLOTS),
          pdf(n * EQ_SLOTS * EQ_BINS),
          unc(n * 2),
          legal(n),
          action(n),
          acc(n * ACC_WORDS),
          explore(n * 4),
          post(n * 2) {
        for (size_t i = 0; i < e_q.size(); ++i)
            e_q[i] = float(i) * 0.5f - 40.0f, var[i] = float(i) * 0.25f;
        const float nan = std::bit_cast<float>(0x7fc00000u), inf = INFINITY;
        for (uint32_t g = 1; g < n; g += 4)
            e_q[g * EQ_SLOTS + 2] = nan, var[g * EQ_SLOTS + 5] = inf;
        for (uint32_t g = 3; g < n; g += 4) e_q[g * EQ_SLOTS] = -inf;
        for (size_t i = 0; i < pdf.size(); ++i) pdf[i] = float(i % EQ_BINS) / 85.0f;
        for (size_t i = 0; i < unc.size(); ++i) unc[i] = float(i) + 0.125f;
        for (uint32_t g = 0; g < n; ++g) legal[g] = (g * 37u) & 0x7Fu, action[g] = g % 7;
        for (uint32_t g = 0; g < n; ++g) {  // worlds (0 for some), every flag, a count
            acc[g * ACC_WORDS + ACC_N] = g % 5 == 0 ? 0 : 3 * g + 1;
            acc[g * ACC_WORDS + ACC_FLAGS] = g & 31u;
            acc[g * ACC_WORDS + ACC_COUNT] = 1000 * g + 7;
        }
        for (size_t i = 0; i < explore.size(); ++i) explore[i] = uint32_t(i) * 2654435761u;
        for (uint32_t g = 0; g < n; ++g)  // no posterior (zeros) for every third game
            post[2 * g] = g % 3 == 0 ? 0.0f : 1.5f + float(g),
                     post[2 * g + 1] = g % 3 == 0 ? 0.0f : 0.75f;
    }
    uint32_t worlds(uint32_t g) const { return acc[g * ACC_WORDS + ACC_N]; }
    uint32_t word(uint32_t g, uint32_t k, uint32_t player) const {
        auto bits = [](float f) { return std::bit_cast<uint32_t>(f); };
        if (k < REC_VAR) return bits(e_q[g * EQ_SLOTS + k - REC_EQ]);
        if (k < REC_PDF) return bits(var[g * EQ_SLOTS + k - REC_VAR]);
        if (k < REC_PLAYER) return bits(pdf[g * EQ_SLOTS * EQ_BINS + k - REC_PDF]);
        if (k >= REC_EXPLORE_MODE && k <= REC_ENTROPY) return explore[4 * g + k - REC_EXPLORE_MODE];
        if (k >= REC_SEM && k < REC_SEM + EQ_SLOTS) {
            const uint32_t n = worlds(g);
            const bool exact = acc[g * ACC_WORDS + ACC_FLAGS] & ACC_EXACT;
            const float n_eff = post[2 * g] > 0.0f ? post[2 * g] : float(n);
            return bits(n && !exact ? std::sqrt(var[g * EQ_SLOTS + k - REC_SEM] / n_eff) : 0.0f);
        }
        if (k == REC_ESS || k == REC_MAXW) return bits(post[2 * g + k - REC_ESS]);
        switch (k) {
            case REC_PLAYER:
                return player;
            case REC_ACTION:
                return action[g];
            case REC_LEGAL:
                return legal[g];
            case REC_SAMPLES:
                return worlds(g);
            case REC_UMEAN:
                return bits(unc[2 * g]);
            case REC_UMAX:
                return bits(unc[2 * g + 1]);
            case REC_FLAGS:
                return acc[g * ACC_WORDS + ACC_FLAGS] & (ACC_EXACT | ACC_CONVERGED | ACC_HIT_MAX);
            case REC_WORLD_COUNT:
                return acc[g * ACC_WORDS + ACC_COUNT];
            default: {  // REC_NONFINITE
                uint32_t bad = 0;
                for (uint32_t s = 0; s < EQ_SLOTS; ++s)
                    bad += !std::isfinite(e_q[g * EQ_SLOTS + s]) +
                           !std::isfinite(var[g * EQ_SLOTS + s]);
                return bad;
            }
        }
    }
};

}  // namespace

void check_eq_record(vk::Context& ctx, KernelCache& cache, CheckBatch& b, Exact& v) {
    const uint32_t n = b.n();
    const RecordInputs in(n);
    using kernels::upload_raw;
    vk::Buffer eq = upload_raw(ctx, in.e_q, "e_q"), var = upload_raw(ctx, in.var, "var"),
               pdf = upload_raw(ctx, in.pdf, "pdf"), unc = upload_raw(ctx, in.unc, "unc"),
               legal = upload_raw(ctx, in.legal, "legal"),
               action = upload_raw(ctx, in.action, "action"), acc = upload_raw(ctx, in.acc, "acc"),
               explore = upload_raw(ctx, in.explore, "explore"),
               post = upload_raw(ctx, in.post, "post");
    vk::Program prog(ctx, "check eq_record");
    const size_t words = size_t(n) * 28 * REC_WORDS;
    vk::Buffer out = poisoned_words(ctx, prog, words, "check.records");
    eq_record(cache, prog, b.state, eq, var, pdf, legal, action, unc, out, acc, explore, post, n);
    prog.run();
    auto got = kernels::download_vector<uint32_t>(ctx, out, words);
    for (uint32_t g = 0; g < n; ++g) {
        const game::State& s = b.states[g];
        for (uint32_t d = 0; d < 28; ++d)  // only decision num_plays() is written
            for (uint32_t k = 0; k < REC_WORDS; ++k) {
                const uint32_t want =
                    int(d) == s.num_plays() ? in.word(g, k, uint32_t(s.current_player())) : NONE;
                const uint32_t x = got[(size_t(g) * 28 + d) * REC_WORDS + k];
                // sqrt may differ from the CPU's in the last bit (Vulkan's precision rules).
                const bool sem = k >= REC_SEM && k < REC_SEM + EQ_SLOTS && want != NONE;
                const float fx = std::bit_cast<float>(x), fw = std::bit_cast<float>(want);
                v.check(sem ? x == want || std::fabs(fx - fw) <= 1e-6f * std::fabs(fw) : x == want,
                        "game {} decision {} word {}", g, d, k);
            }
    }
}

}  // namespace eqvk::eq::gpu

EQVK_KERNEL_DEF(eq_record) {
    using namespace eqvk::eq::gpu;
    using eqvk::vk::Access;
    static const auto def = eq_def(
        "eq_record", "E[Q]: stores each game's decision record at its decision index",
        {state_binding(),
         {"e_q", Access::Read, "f32 [n][7]"},
         {"var", Access::Read, "f32 [n][7]"},
         {"pdf", Access::Read, "f32 [n][7][85]"},
         {"legal", Access::Read, "u32 [n]"},
         {"action", Access::Read, "i32 [n]"},
         {"uncertainty", Access::Read, "f32 [n][2]"},
         {"records", Access::Write, "u32 [n][28][REC_WORDS]"},
         {"acc", Access::Read, "u32 [n][ACC_WORDS] (eq_control)"},
         {"explore", Access::Read, "u32 [n][4] mode, greedy, q_gap, entropy"},
         {"post", Access::Read, "f32 [n][2] ESS, max w (eq_posterior)"}},
        sizeof(RecordPush), "RecordPush",
        [](const eqvk::vk::Capabilities&) { return exact_cases("eq_record", check_eq_record); });
    return def;
}
