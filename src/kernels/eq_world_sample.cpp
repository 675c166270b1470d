// Wrapper of shaders/eq_world_sample.comp.
#include "kernels/eq_world_sample.h"

#include "kernels/eq_common.h"

namespace eqvk::kernels {

void eq_world_sample(KernelCache& cache, vk::Program& prog, const vk::Buffer& state,
                     const vk::Buffer& table, const vk::Buffer& worlds,
                     const EqWorldSampleArgs& a) {
    using namespace eq_layout;
    eq_check("eq_world_sample", a.n_games > 0 && a.worlds > 0, "n_games or worlds is 0");
    uint64_t total = uint64_t(a.n_games) * a.worlds;
    eq_check("eq_world_sample", total < (1ull << 31), "n_games x worlds >= 2^31");
    size_t st = eq_bytes(a.n_games, ST_WORDS), tb = eq_bytes(a.n_games, WT_WORDS),
           wd = eq_bytes(total, WORLD_WORDS);
    eq_check_size("eq_world_sample", "state", state, st);
    eq_check_size("eq_world_sample", "table", table, tb);
    eq_check_size("eq_world_sample", "worlds", worlds, wd);
    EqWorldSamplePush push{a.n_games,
                           a.worlds,
                           a.world_base,
                           a.enumerate ? 1u : 0u,
                           uint32_t(a.run_seed),
                           uint32_t(a.run_seed >> 32)};
    prog.dispatch(cache.get("eq_world_sample", {{0, EQ_WG}}),
                  {vk::reads(state, 0, st), vk::reads(table, 0, tb), vk::writes(worlds, 0, wd)},
                  push, {eq_groups(total), 1, 1}, "eq_world_sample");
}

}  // namespace eqvk::kernels
