// The eq kernels against their CPU references on one random batch (N = 45 games × M = 7 worlds).
#include "eq/selftest.h"

#include <fmt/format.h>

#include <bit>
#include <random>
#include <string>

#include "eq/baseline.h"
#include "eq/gpu_state.h"
#include "eq/moves.h"
#include "eq/reference.h"
#include "eq/tokens.h"
#include "eq/worlds.h"
#include "kernels/eq.h"
#include "kernels/eq_layout.h"
#include "kernels/eq_reduce.h"
#include "kernels/registry.h"
#include "vk/buffer.h"
#include "vk/context.h"
#include "vk/program.h"

namespace eqvk::eq {

using namespace kernels::eq_layout;

namespace {

constexpr uint32_t N = 45, M = 7;
constexpr uint64_t RUN_SEED = 0x5eed;

vk::Buffer make(vk::Context& ctx, size_t words, const char* name) {
    return vk::Buffer(ctx, words * 4, vk::MemoryKind::DeviceLocal, name);
}

template <class T>
std::vector<T> get(vk::Context& ctx, const vk::Buffer& b, size_t count) {
    std::vector<T> v(count);
    ctx.download(b, v.data(), count * sizeof(T));
    return v;
}

// First mismatch of a kernel, or "" when every compared value agreed.
struct Verdict {
    std::string first_bad;
    size_t compared = 0;
    void check(bool ok, const std::string& what) {
        ++compared;
        if (!ok && first_bad.empty()) first_bad = what;
    }
};

}  // namespace

std::vector<kernels::SelftestLine> run_selftest(
    vk::Context& ctx, const std::function<void(const kernels::SelftestLine&)>& on_line) {
    std::mt19937_64 rng(2024);
    std::vector<game::State> states;
    std::vector<GameInfo> infos;
    for (uint32_t g = 0; g < N; ++g) {
        uint64_t seed = rng() >> 24;
        states.push_back(initial_state(seed, int(g % 10)));
        random_playout(states.back(), int(g % 28), rng);
        infos.push_back({seed, 0});
    }
    auto st_words = pack_states(states, infos);
    auto rl_words = rule_table_words();
    vk::Buffer st = make(ctx, st_words.size(), "state"), rl = make(ctx, R_WORDS, "rules"),
               vd = make(ctx, N * VOID_WORDS, "voids"), tb = make(ctx, N * WT_WORDS, "table"),
               wd = make(ctx, N * M * WORLD_WORDS, "worlds"),
               tk = make(ctx, N * M * TOKEN_WORDS, "tokens"),
               mk = make(ctx, N * M * MASK_WORDS, "mask"), ac = make(ctx, N * M, "actor"),
               tk2 = make(ctx, N * M * TOKEN_WORDS, "tokens_forge"), lg = make(ctx, N, "legal"),
               act = make(ctx, N, "action"), status = make(ctx, N, "status");
    ctx.upload(st, st_words.data(), st_words.size() * 4);
    ctx.upload(rl, rl_words.data(), rl_words.size() * 4);
    std::vector<uint32_t> action(N);
    for (uint32_t g = 0; g < N; ++g) {
        uint32_t legal = legal_slots(states[g]);
        action[g] = legal ? uint32_t(std::countr_zero(legal)) : 0;
    }
    ctx.upload(act, action.data(), N * 4);
    // Inputs of eq_record: distinct values per game so a misplaced word shows.
    std::vector<float> e_q(N * 7), var(N * 7), pdf(N * 7 * 85), unc(N * 2);
    for (size_t i = 0; i < e_q.size(); ++i)
        e_q[i] = float(i) * 0.5f - 40.0f, var[i] = float(i) * 0.25f;
    for (size_t i = 0; i < pdf.size(); ++i) pdf[i] = float(i % 85) / 85.0f;
    for (size_t i = 0; i < unc.size(); ++i) unc[i] = float(i) + 0.125f;
    vk::Buffer eqb = make(ctx, N * 7, "e_q"), varb = make(ctx, N * 7, "var"),
               pdfb = make(ctx, N * 7 * 85, "pdf"), uncb = make(ctx, N * 2, "uncertainty"),
               mb = make(ctx, N, "min_bin"), mbf = make(ctx, N, "min_bin forge"),
               recb = make(ctx, size_t(N) * 28 * kernels::rec::WORDS, "records");
    ctx.upload(eqb, e_q.data(), e_q.size() * 4);
    ctx.upload(varb, var.data(), var.size() * 4);
    ctx.upload(pdfb, pdf.data(), pdf.size() * 4);
    ctx.upload(uncb, unc.data(), unc.size() * 4);

    kernels::KernelCache cache(ctx);
    vk::Program prog(ctx, "eq_selftest");
    kernels::eq_voids(cache, prog, st, rl, vd, N);
    kernels::eq_world_count(cache, prog, st, rl, vd, tb, N);
    kernels::eq_world_sample(cache, prog, st, tb, wd, {N, M, 0, false, RUN_SEED});
    kernels::eq_tokenize(cache, prog, st, rl, wd, tk, mk, ac, N, M, 0);
    kernels::eq_tokenize(cache, prog, st, rl, wd, tk2, mk, ac, N, M, 1);
    kernels::eq_legal(cache, prog, st, rl, lg, N);
    // Baselines: both teams in turn, so every game's mover is overridden (once per policy).
    vk::Buffer base_r = make(ctx, N, "baseline random"),
               base_h = make(ctx, N, "baseline heuristic");
    for (uint32_t policy : {0u, 1u})
        for (uint32_t team : {0u, 1u})
            kernels::eq_baseline(cache, prog, st, rl, lg, policy ? base_h : base_r, N, team, policy,
                                 RUN_SEED);
    kernels::eq_min_bin(cache, prog, st, mb, N, false);
    kernels::eq_min_bin(cache, prog, st, mbf, N, true);
    prog.fill(recb, 0u);
    kernels::eq_record(cache, prog, st, eqb, varb, pdfb, lg, act, uncb, recb, N, M);
    kernels::eq_apply(cache, prog, st, rl, act, status, N);
    prog.run();
    auto min_bin = get<int32_t>(ctx, mb, N), min_bin_forge = get<int32_t>(ctx, mbf, N);
    auto got_random = get<int32_t>(ctx, base_r, N), got_heuristic = get<int32_t>(ctx, base_h, N);
    auto records = get<uint32_t>(ctx, recb, size_t(N) * 28 * kernels::rec::WORDS);

    auto voids = get<uint32_t>(ctx, vd, N * VOID_WORDS);
    auto table = get<uint32_t>(ctx, tb, N * WT_WORDS);
    auto worlds = get<uint32_t>(ctx, wd, N * M * WORLD_WORDS);
    auto tokens = get<int8_t>(ctx, tk, N * M * 384);
    auto forge = get<int8_t>(ctx, tk2, N * M * 384);
    auto mask = get<int8_t>(ctx, mk, N * M * 32);
    auto legal = get<uint32_t>(ctx, lg, N);
    auto after = get<uint32_t>(ctx, st, st_words.size());
    Verdict v_voids, v_count, v_sample, v_tok, v_legal, v_apply, v_min_bin, v_record, v_baseline;
    std::vector<game::State> next = states;
    for (uint32_t g = 0; g < N; ++g) {
        const game::State& s = states[g];
        auto ov = opponent_voids(s);
        for (int i = 0; i < 3; ++i)
            v_voids.check(voids[g * VOID_WORDS + i] == ov[i], fmt::format("game {}", g));
        WorldTable t = world_table(s);
        for (uint32_t w = 0; w < WT_WORDS; ++w)
            v_count.check(table[g * WT_WORDS + w] == t.words[w],
                          fmt::format("game {} word {}", g, w));
        for (uint32_t m = 0; m < M; ++m) {
            size_t b = size_t(g) * M + m;
            World want = t.count() ? unrank_world(t, world_rank(t, rng_key(RUN_SEED), infos[g].seed,
                                                                uint32_t(s.num_plays()), m))
                                   : World{};
            for (int i = 0; i < 3; ++i)
                v_sample.check(worlds[b * 4 + i] == want[i], fmt::format("game {} world {}", g, m));
            for (Encoding enc : {Encoding::Faithful, Encoding::Forge}) {
                TokenRow r = tokenize(s, want, enc);
                const auto& got = enc == Encoding::Faithful ? tokens : forge;
                for (int k = 0; k < 384; ++k)
                    v_tok.check(got[b * 384 + k] == r.tokens[k],
                                fmt::format("game {} world {} byte {}", g, m, k));
                for (int k = 0; k < 32; ++k) v_tok.check(mask[b * 32 + k] == r.mask[k], "mask");
            }
        }
        v_legal.check(legal[g] == legal_slots(s), fmt::format("game {}", g));
        v_min_bin.check(min_bin[g] == min_bin_of(s, infos[g].bidder, false),
                        fmt::format("game {}", g));
        v_min_bin.check(min_bin_forge[g] == min_bin_of(s, infos[g].bidder, true),
                        fmt::format("game {} forge", g));
        if (legal_slots(s)) {
            const auto key = rng_key(RUN_SEED);
            v_baseline.check(
                got_random[g] == baseline_action(s, Baseline::Random, key, infos[g].seed),
                fmt::format("game {} random", g));
            v_baseline.check(
                got_heuristic[g] == baseline_action(s, Baseline::Heuristic, key, infos[g].seed),
                fmt::format("game {} heuristic", g));
        }
        for (int d = 0; d < 28; ++d) {  // only decision num_plays() is written
            const uint32_t* w = &records[(size_t(g) * 28 + d) * kernels::rec::WORDS];
            bool here = d == s.num_plays();
            for (uint32_t k = 0; k < kernels::rec::WORDS; ++k) {
                uint32_t want = 0;
                if (here) {
                    if (k < kernels::rec::VAR)
                        want = std::bit_cast<uint32_t>(e_q[g * 7 + k]);
                    else if (k < kernels::rec::PDF)
                        want = std::bit_cast<uint32_t>(var[g * 7 + k - kernels::rec::VAR]);
                    else if (k < kernels::rec::PLAYER)
                        want = std::bit_cast<uint32_t>(pdf[g * 595 + k - kernels::rec::PDF]);
                    else if (k == kernels::rec::PLAYER)
                        want = uint32_t(s.current_player());
                    else if (k == kernels::rec::ACTION)
                        want = action[g];
                    else if (k == kernels::rec::LEGAL)
                        want = legal[g];
                    else if (k == kernels::rec::SAMPLES)
                        want = M;
                    else if (k == kernels::rec::UMEAN)
                        want = std::bit_cast<uint32_t>(unc[2 * g]);
                    else
                        want = std::bit_cast<uint32_t>(unc[2 * g + 1]);
                }
                v_record.check(w[k] == want, fmt::format("game {} decision {} word {}", g, d, k));
            }
        }
        if (!next[g].is_terminal()) next[g].do_play_slot(int(action[g]));
    }
    auto want_after = pack_states(next, infos);
    for (size_t i = 0; i < want_after.size(); ++i)
        v_apply.check(after[i] == want_after[i], fmt::format("state word {}", i));

    std::vector<kernels::SelftestLine> lines;
    auto emit = [&](const char* stem, const Verdict& v) {
        kernels::SelftestLine l{
            stem,
            "-",
            "-",
            v.first_bad.empty(),
            0.0,
            v.first_bad.empty()
                ? fmt::format("exact, {} values, {} games x {} worlds", v.compared, N, M)
                : "first mismatch: " + v.first_bad};
        if (on_line) on_line(l);
        lines.push_back(l);
    };
    emit("eq_min_bin", v_min_bin);
    emit("eq_baseline", v_baseline);
    emit("eq_record", v_record);
    emit("eq_voids", v_voids);
    emit("eq_world_count", v_count);
    emit("eq_world_sample", v_sample);
    emit("eq_tokenize", v_tok);
    emit("eq_legal", v_legal);
    emit("eq_apply", v_apply);
    return lines;
}

}  // namespace eqvk::eq
