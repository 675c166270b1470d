// Wrapper of shaders/eq_tokenize.comp.
#include "kernels/eq_tokenize.h"

#include "kernels/eq_common.h"

namespace eqvk::kernels {

void eq_tokenize(KernelCache& cache, vk::Program& prog, const vk::Buffer& state,
                 const vk::Buffer& rules, const vk::Buffer& worlds, const vk::Buffer& tokens,
                 const vk::Buffer& mask, const vk::Buffer& actor, uint32_t n_games,
                 uint32_t worlds_per_game, uint32_t encoding) {
    using namespace eq_layout;
    eq_check("eq_tokenize", n_games > 0 && worlds_per_game > 0, "n_games or worlds is 0");
    eq_check("eq_tokenize", encoding <= 1, "encoding is not 0 or 1");
    uint64_t total = uint64_t(n_games) * worlds_per_game;
    eq_check("eq_tokenize", total < (1ull << 31), "n_games x worlds >= 2^31");
    size_t st = eq_bytes(n_games, ST_WORDS), rl = eq_bytes(1, R_WORDS),
           wd = eq_bytes(total, WORLD_WORDS), tk = eq_bytes(total, TOKEN_WORDS),
           mk = eq_bytes(total, MASK_WORDS), ac = eq_bytes(total, 1);
    eq_check_size("eq_tokenize", "state", state, st);
    eq_check_size("eq_tokenize", "rules", rules, rl);
    eq_check_size("eq_tokenize", "worlds", worlds, wd);
    eq_check_size("eq_tokenize", "tokens", tokens, tk);
    eq_check_size("eq_tokenize", "mask", mask, mk);
    eq_check_size("eq_tokenize", "actor", actor, ac);
    EqTokenizePush push{n_games, worlds_per_game, encoding};
    prog.dispatch(cache.get("eq_tokenize", {{0, EQ_WG}}),
                  {vk::reads(state, 0, st), vk::reads(rules, 0, rl), vk::reads(worlds, 0, wd),
                   vk::writes(tokens, 0, tk), vk::writes(mask, 0, mk), vk::writes(actor, 0, ac)},
                  push, {eq_groups(total), 1, 1}, "eq_tokenize");
}

}  // namespace eqvk::kernels
