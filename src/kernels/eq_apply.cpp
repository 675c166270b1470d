// Wrapper of shaders/eq_apply.comp.
#include "kernels/eq_apply.h"

#include "kernels/eq_common.h"

namespace eqvk::kernels {

void eq_apply(KernelCache& cache, vk::Program& prog, const vk::Buffer& state,
              const vk::Buffer& rules, const vk::Buffer& action, const vk::Buffer& status,
              uint32_t n_games) {
    using namespace eq_layout;
    eq_check_games("eq_apply", n_games);
    size_t st = eq_bytes(n_games, ST_WORDS), rl = eq_bytes(1, R_WORDS), ac = eq_bytes(n_games, 1);
    eq_check_size("eq_apply", "state", state, st);
    eq_check_size("eq_apply", "rules", rules, rl);
    eq_check_size("eq_apply", "action", action, ac);
    eq_check_size("eq_apply", "status", status, ac);
    EqApplyPush push{n_games};
    prog.dispatch(cache.get("eq_apply", {{0, EQ_WG}}),
                  {vk::reads_writes(state, 0, st), vk::reads(rules, 0, rl),
                   vk::reads(action, 0, ac), vk::writes(status, 0, ac)},
                  push, {eq_groups(n_games), 1, 1}, "eq_apply");
}

}  // namespace eqvk::kernels
