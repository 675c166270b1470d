// eq_tokenize: wrapper, check and definition.
#include "eq/gpu/eq_tokenize.h"

#include "eq/gpu/eq_world_sample.h"
#include "eq/tokens.h"
#include "kernels/binding.h"
#include "kernels/check_util.h"

EQVK_KERNEL_DEF(eq_tokenize);

namespace eqvk::eq::gpu {

void eq_tokenize(KernelCache& cache, vk::Program& prog, BufferView state, BufferView rules,
                 BufferView worlds, BufferView tokens, BufferView mask, BufferView actor,
                 BufferView list, BufferView ctrl, uint32_t n_games, uint32_t pass_worlds,
                 uint32_t encoding, const vk::Buffer* args) {
    require("eq_tokenize", encoding <= 1, "encoding is not 0 or 1");
    const uint64_t total = uint64_t(n_games) * pass_worlds;
    require("eq_tokenize", total > 0 && total < (1ull << 31),
            "n_games x pass_worlds is 0 or >= 2^31");
    dispatch_or_indirect(cache, prog, eqvk_kernel_def_eq_tokenize(), total,
                         TokenizePush{n_games, pass_worlds, encoding},
                         {{state, word_bytes(n_games, ST_WORDS)},
                          {rules, word_bytes(1, R_WORDS)},
                          {worlds, word_bytes(total, WORLD_WORDS)},
                          {tokens, word_bytes(total, TOKEN_WORDS)},
                          {mask, word_bytes(total, MASK_WORDS)},
                          {actor, word_bytes(total, 1)},
                          {list, word_bytes(n_games, 1)},
                          {ctrl, word_bytes(1, CTRL_WORDS)}},
                         /*grid_stride=*/true, args, ARGS_ROWS * 4);
}

void check_eq_tokenize(vk::Context& ctx, KernelCache& cache, CheckBatch& b, Exact& v) {
    const uint32_t n = b.n(), M = CHECK_WORLDS, B = n * M;
    // Rows in reversed game order: row block i is game list[i].
    const std::vector<uint32_t> list = reversed_games(n), by_game = reference_worlds(b, false, 0);
    std::vector<uint32_t> worlds;
    for (uint32_t g : list)
        worlds.insert(worlds.end(), by_game.begin() + size_t(g) * M * WORLD_WORDS,
                      by_game.begin() + size_t(g + 1) * M * WORLD_WORDS);
    vk::Buffer wd = kernels::upload_raw(ctx, worlds, "check.worlds");
    CheckPass pass(ctx, list, std::vector<uint32_t>(size_t(n) * ACC_WORDS, 0));
    for (Encoding enc : {Encoding::Faithful, Encoding::Forge}) {
        vk::Program prog(ctx, "check eq_tokenize");
        vk::Buffer tk = poisoned_words(ctx, prog, size_t(B) * TOKEN_WORDS, "check.tokens"),
                   mk = poisoned_words(ctx, prog, size_t(B) * MASK_WORDS, "check.mask"),
                   ac = poisoned_words(ctx, prog, B, "check.actor");
        eq_tokenize(cache, prog, b.state, b.rules, wd, tk, mk, ac, pass.list, pass.ctrl, n, M,
                    uint32_t(enc));
        prog.run();
        auto tokens = kernels::download_vector<int8_t>(ctx, tk, size_t(B) * TOKEN_WORDS * 4);
        auto mask = kernels::download_vector<int8_t>(ctx, mk, size_t(B) * MASK_WORDS * 4);
        auto actor = kernels::download_vector<int32_t>(ctx, ac, B);
        for (uint32_t w = 0; w < B; ++w) {
            const uint32_t* x = &worlds[size_t(w) * WORLD_WORDS];
            TokenRow r = tokenize(b.states[list[w / M]], World{x[0], x[1], x[2]}, enc);
            const char* e = enc == Encoding::Forge ? "forge" : "faithful";
            v.check(actor[w] == r.actor, "{} world {} actor", e, w);
            for (size_t k = 0; k < r.tokens.size(); ++k)
                v.check(tokens[w * r.tokens.size() + k] == r.tokens[k], "{} world {} byte {}", e, w,
                        k);
            for (size_t k = 0; k < r.mask.size(); ++k)
                v.check(mask[w * r.mask.size() + k] == r.mask[k], "{} world {} mask {}", e, w, k);
        }
    }
}

}  // namespace eqvk::eq::gpu

EQVK_KERNEL_DEF(eq_tokenize) {
    using namespace eqvk::eq::gpu;
    static const auto def = eq_def(
        "eq_tokenize", "E[Q]: oracle input tokens of every world (training or Forge encoding)",
        {state_binding(),
         rules_binding(),
         {"worlds", eqvk::vk::Access::Read, "u32 [n·P][4]"},
         {"tokens", eqvk::vk::Access::Write, "i8 [n·P][32][12]"},
         {"mask", eqvk::vk::Access::Write, "i8 [n·P][32]"},
         {"actor", eqvk::vk::Access::Write, "i32 [n·P]"},
         {"list", eqvk::vk::Access::Read, "u32 [n] active games (eq_control)"},
         {"ctrl", eqvk::vk::Access::Read, "u32 [CTRL_WORDS] (eq_control)"}},
        sizeof(TokenizePush), "TokenizePush", [](const eqvk::vk::Capabilities&) {
            return exact_cases("eq_tokenize", check_eq_tokenize);
        });
    return def;
}
