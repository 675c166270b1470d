// Wrapper of shaders/eq_legal.comp.
#include "kernels/eq_legal.h"

#include "kernels/eq_common.h"

namespace eqvk::kernels {

void eq_legal(KernelCache& cache, vk::Program& prog, const vk::Buffer& state,
              const vk::Buffer& rules, const vk::Buffer& legal, uint32_t n_games) {
    using namespace eq_layout;
    eq_check_games("eq_legal", n_games);
    size_t st = eq_bytes(n_games, ST_WORDS), rl = eq_bytes(1, R_WORDS), lg = eq_bytes(n_games, 1);
    eq_check_size("eq_legal", "state", state, st);
    eq_check_size("eq_legal", "rules", rules, rl);
    eq_check_size("eq_legal", "legal", legal, lg);
    EqLegalPush push{n_games};
    prog.dispatch(cache.get("eq_legal", {{0, EQ_WG}}),
                  {vk::reads(state, 0, st), vk::reads(rules, 0, rl), vk::writes(legal, 0, lg)},
                  push, {eq_groups(n_games), 1, 1}, "eq_legal");
}

}  // namespace eqvk::kernels
