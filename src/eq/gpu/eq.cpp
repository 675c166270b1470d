// Wrappers of the E[Q] decision-step shaders (shaders/eq_*.comp): argument and size checks, push
// constants, grid, one dispatch each.
#include "kernels/eq.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>
#include <string_view>

#include "kernels/binding.h"
#include "kernels/eq_layout.h"
#include "kernels/registry.h"
#include "vk/buffer.h"
#include "vk/program.h"

namespace eqvk::kernels {
namespace {

/// Workgroup size of every eq kernel (one invocation per game or per world).
constexpr uint32_t EQ_WG = 64;

void eq_check(std::string_view kernel, bool ok, std::string_view what) {
    if (!ok) throw std::invalid_argument(fmt::format("{}: {}", kernel, what));
}
/// Per-game kernels run one invocation per game on a 1-D grid of at most 65535 groups.
void eq_check_games(std::string_view kernel, uint32_t n_games) {
    eq_check(kernel, n_games > 0, "n_games is 0");
    eq_check(kernel, n_games <= 65535u * EQ_WG, "n_games over 65535 x 64");
}
/// Bytes of `count` records of `words` uint32.
size_t eq_bytes(uint64_t count, uint32_t words) {
    return size_t(count) * words * sizeof(uint32_t);
}
/// Workgroups for `items` invocations, capped (the shaders with many items loop grid-stride).
uint32_t eq_groups(uint64_t items) {
    return uint32_t(std::min<uint64_t>((items + EQ_WG - 1) / EQ_WG, 65535));
}

// A per-game kernel reading state and rules and writing `words` uint32 per game to `out`.
void per_game_to_buffer(KernelCache& cache, vk::Program& prog, const char* stem,
                        const vk::Buffer& state, const vk::Buffer& rules, const vk::Buffer& out,
                        uint32_t words, uint32_t n_games) {
    using namespace eq_layout;
    eq_check_games(stem, n_games);
    size_t st = eq_bytes(n_games, ST_WORDS), rl = eq_bytes(1, R_WORDS),
           ob = eq_bytes(n_games, words);
    EqGamesPush push{n_games};
    prog.dispatch(cache.get(stem, {{0, EQ_WG}}),
                  {bind_view(stem, "state", state, st, vk::Access::Read),
                   bind_view(stem, "rules", rules, rl, vk::Access::Read),
                   bind_view(stem, "output", out, ob, vk::Access::Write)},
                  push, {eq_groups(n_games), 1, 1}, stem);
}

}  // namespace

void eq_voids(KernelCache& cache, vk::Program& prog, const vk::Buffer& state,
              const vk::Buffer& rules, const vk::Buffer& voids, uint32_t n_games) {
    per_game_to_buffer(cache, prog, "eq_voids", state, rules, voids, eq_layout::VOID_WORDS,
                       n_games);
}

void eq_world_count(KernelCache& cache, vk::Program& prog, const vk::Buffer& state,
                    const vk::Buffer& rules, const vk::Buffer& voids, const vk::Buffer& table,
                    uint32_t n_games) {
    using namespace eq_layout;
    constexpr const char* K = "eq_world_count";
    eq_check_games(K, n_games);
    size_t st = eq_bytes(n_games, ST_WORDS), rl = eq_bytes(1, R_WORDS),
           vd = eq_bytes(n_games, VOID_WORDS), tb = eq_bytes(n_games, WT_WORDS);
    EqGamesPush push{n_games};
    prog.dispatch(cache.get(K, {{0, EQ_WG}}),
                  {bind_view(K, "state", state, st, vk::Access::Read),
                   bind_view(K, "rules", rules, rl, vk::Access::Read),
                   bind_view(K, "voids", voids, vd, vk::Access::Read),
                   bind_view(K, "table", table, tb, vk::Access::Write)},
                  push, {eq_groups(n_games), 1, 1}, K);
}

void eq_world_sample(KernelCache& cache, vk::Program& prog, const vk::Buffer& state,
                     const vk::Buffer& table, const vk::Buffer& worlds,
                     const EqWorldSampleArgs& a) {
    using namespace eq_layout;
    constexpr const char* K = "eq_world_sample";
    eq_check(K, a.n_games > 0 && a.worlds > 0, "n_games or worlds is 0");
    uint64_t total = uint64_t(a.n_games) * a.worlds;
    eq_check(K, total < (1ull << 31), "n_games x worlds >= 2^31");
    size_t st = eq_bytes(a.n_games, ST_WORDS), tb = eq_bytes(a.n_games, WT_WORDS),
           wd = eq_bytes(total, WORLD_WORDS);
    EqWorldSamplePush push{a.n_games,
                           a.worlds,
                           a.world_base,
                           a.enumerate ? 1u : 0u,
                           uint32_t(a.run_seed),
                           uint32_t(a.run_seed >> 32)};
    prog.dispatch(cache.get(K, {{0, EQ_WG}}),
                  {bind_view(K, "state", state, st, vk::Access::Read),
                   bind_view(K, "table", table, tb, vk::Access::Read),
                   bind_view(K, "worlds", worlds, wd, vk::Access::Write)},
                  push, {eq_groups(total), 1, 1}, K);
}

void eq_tokenize(KernelCache& cache, vk::Program& prog, const vk::Buffer& state,
                 const vk::Buffer& rules, const vk::Buffer& worlds, const vk::Buffer& tokens,
                 const vk::Buffer& mask, const vk::Buffer& actor, uint32_t n_games,
                 uint32_t worlds_per_game, uint32_t encoding) {
    using namespace eq_layout;
    constexpr const char* K = "eq_tokenize";
    eq_check(K, n_games > 0 && worlds_per_game > 0, "n_games or worlds is 0");
    eq_check(K, encoding <= 1, "encoding is not 0 or 1");
    uint64_t total = uint64_t(n_games) * worlds_per_game;
    eq_check(K, total < (1ull << 31), "n_games x worlds >= 2^31");
    size_t st = eq_bytes(n_games, ST_WORDS), rl = eq_bytes(1, R_WORDS),
           wd = eq_bytes(total, WORLD_WORDS), tk = eq_bytes(total, TOKEN_WORDS),
           mk = eq_bytes(total, MASK_WORDS), ac = eq_bytes(total, 1);
    EqTokenizePush push{n_games, worlds_per_game, encoding};
    prog.dispatch(cache.get(K, {{0, EQ_WG}}),
                  {bind_view(K, "state", state, st, vk::Access::Read),
                   bind_view(K, "rules", rules, rl, vk::Access::Read),
                   bind_view(K, "worlds", worlds, wd, vk::Access::Read),
                   bind_view(K, "tokens", tokens, tk, vk::Access::Write),
                   bind_view(K, "mask", mask, mk, vk::Access::Write),
                   bind_view(K, "actor", actor, ac, vk::Access::Write)},
                  push, {eq_groups(total), 1, 1}, K);
}

void eq_legal(KernelCache& cache, vk::Program& prog, const vk::Buffer& state,
              const vk::Buffer& rules, const vk::Buffer& legal, uint32_t n_games) {
    per_game_to_buffer(cache, prog, "eq_legal", state, rules, legal, 1, n_games);
}

void eq_apply(KernelCache& cache, vk::Program& prog, const vk::Buffer& state,
              const vk::Buffer& rules, const vk::Buffer& action, const vk::Buffer& status,
              uint32_t n_games) {
    using namespace eq_layout;
    constexpr const char* K = "eq_apply";
    eq_check_games(K, n_games);
    size_t st = eq_bytes(n_games, ST_WORDS), rl = eq_bytes(1, R_WORDS), ac = eq_bytes(n_games, 1);
    EqGamesPush push{n_games};
    prog.dispatch(cache.get(K, {{0, EQ_WG}}),
                  {bind_view(K, "state", state, st, vk::Access::ReadWrite),
                   bind_view(K, "rules", rules, rl, vk::Access::Read),
                   bind_view(K, "action", action, ac, vk::Access::Read),
                   bind_view(K, "status", status, ac, vk::Access::Write)},
                  push, {eq_groups(n_games), 1, 1}, K);
}

}  // namespace eqvk::kernels
