// Wrapper of shaders/eq_voids.comp.
#include "kernels/eq_voids.h"

#include "kernels/eq_common.h"

namespace eqvk::kernels {

void eq_voids(KernelCache& cache, vk::Program& prog, const vk::Buffer& state,
              const vk::Buffer& rules, const vk::Buffer& voids, uint32_t n_games) {
    using namespace eq_layout;
    eq_check_games("eq_voids", n_games);
    size_t st = eq_bytes(n_games, ST_WORDS), rl = eq_bytes(1, R_WORDS),
           vd = eq_bytes(n_games, VOID_WORDS);
    eq_check_size("eq_voids", "state", state, st);
    eq_check_size("eq_voids", "rules", rules, rl);
    eq_check_size("eq_voids", "voids", voids, vd);
    EqVoidsPush push{n_games};
    prog.dispatch(cache.get("eq_voids", {{0, EQ_WG}}),
                  {vk::reads(state, 0, st), vk::reads(rules, 0, rl), vk::writes(voids, 0, vd)},
                  push, {eq_groups(n_games), 1, 1}, "eq_voids");
}

}  // namespace eqvk::kernels
