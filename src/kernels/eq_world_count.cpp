// Wrapper of shaders/eq_world_count.comp.
#include "kernels/eq_world_count.h"

#include "kernels/eq_common.h"

namespace eqvk::kernels {

void eq_world_count(KernelCache& cache, vk::Program& prog, const vk::Buffer& state,
                    const vk::Buffer& rules, const vk::Buffer& voids, const vk::Buffer& table,
                    uint32_t n_games) {
    using namespace eq_layout;
    eq_check_games("eq_world_count", n_games);
    size_t st = eq_bytes(n_games, ST_WORDS), rl = eq_bytes(1, R_WORDS),
           vd = eq_bytes(n_games, VOID_WORDS), tb = eq_bytes(n_games, WT_WORDS);
    eq_check_size("eq_world_count", "state", state, st);
    eq_check_size("eq_world_count", "rules", rules, rl);
    eq_check_size("eq_world_count", "voids", voids, vd);
    eq_check_size("eq_world_count", "table", table, tb);
    EqWorldCountPush push{n_games};
    prog.dispatch(cache.get("eq_world_count", {{0, EQ_WG}}),
                  {vk::reads(state, 0, st), vk::reads(rules, 0, rl), vk::reads(voids, 0, vd),
                   vk::writes(table, 0, tb)},
                  push, {eq_groups(n_games), 1, 1}, "eq_world_count");
}

}  // namespace eqvk::kernels
