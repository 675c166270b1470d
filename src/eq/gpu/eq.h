// Host wrappers of the E[Q] decision-step kernels (ARCHITECTURE "one decision step"): void
// inference, the world-count table, exactly uniform world sampling / enumeration, tokenisation,
// legal slots and applying the chosen moves — one shader each (shaders/eq_*.comp), recorded into
// a caller's Program. Buffer layouts in kernels/eq_layout.h; CPU references in src/eq.
#pragma once
#include <cstdint>

namespace eqvk::vk {
class Buffer;
class Program;
}  // namespace eqvk::vk

namespace eqvk::kernels {

class KernelCache;

/// Push block of the per-game kernels eq_voids, eq_world_count, eq_legal and eq_apply.
struct EqGamesPush {
    uint32_t n_games;
};
static_assert(sizeof(EqGamesPush) <= 128);

/// Records voids of the seat to move's three opponents for n_games games.
///   state: [ST_WORDS·n] uint32 (eq_layout.h)   rules: [R_WORDS] uint32
///   voids: [n][3] uint32, written (8-bit suit masks, opp i = seat (actor+1+i)%4)
/// Throws std::invalid_argument when n_games is 0 or a buffer is too small.
void eq_voids(KernelCache& cache, vk::Program& prog, const vk::Buffer& state,
              const vk::Buffer& rules, const vk::Buffer& voids, uint32_t n_games);

/// Records the count table of each game's current decision.
///   state: [ST_WORDS·n] uint32   rules: [R_WORDS] uint32   voids: [n][3] uint32 (eq_voids)
///   table: [n][WT_WORDS] uint32, written (every word)
/// Throws std::invalid_argument when n_games is 0 or a buffer is too small.
void eq_world_count(KernelCache& cache, vk::Program& prog, const vk::Buffer& state,
                    const vk::Buffer& rules, const vk::Buffer& voids, const vk::Buffer& table,
                    uint32_t n_games);

/// Mirrors the push block of shaders/eq_world_sample.comp.
struct EqWorldSamplePush {
    uint32_t n_games, worlds, world_base, enumerate, run_seed_lo, run_seed_hi;
};
static_assert(sizeof(EqWorldSamplePush) <= 128);

struct EqWorldSampleArgs {
    uint32_t n_games = 0;
    uint32_t worlds = 0;  ///< M worlds per game in this dispatch
    uint32_t world_base =
        0;  ///< index of the first world (chunking: same worlds whatever the chunk)
    bool enumerate = false;  ///< world m = rank world_base + m instead of a random rank
    uint64_t run_seed = 0;   ///< RNG key (config sampling.seed)
};

/// Records M worlds per game.
///   state: [ST_WORDS·n] uint32   table: [n][WT_WORDS] uint32 (eq_world_count)
///   worlds: [n][M][4] uint32, written (opponent masks 0..2, rank; rank NONE = no world)
/// Throws std::invalid_argument when a count is 0, n·M overflows, or a buffer is too small.
void eq_world_sample(KernelCache& cache, vk::Program& prog, const vk::Buffer& state,
                     const vk::Buffer& table, const vk::Buffer& worlds,
                     const EqWorldSampleArgs& args);

/// Mirrors the push block of shaders/eq_tokenize.comp.
struct EqTokenizePush {
    uint32_t n_games, worlds, encoding;
};
static_assert(sizeof(EqTokenizePush) <= 128);

/// Records tokens for n_games × worlds worlds; encoding 0 = training format, 1 = Forge production
/// (ghost 6-6 tokens).
///   state: [ST_WORDS·n] uint32   rules: [R_WORDS] uint32   worlds: [n][M][4] uint32
///   tokens: int8 [n·M][32][12] (as [n·M][96] uint32), written
///   mask: int8 [n·M][32] (as [n·M][8] uint32; 1 = real token), written
///   actor: int32 [n·M], written
/// Throws std::invalid_argument when a count is 0, encoding > 1, or a buffer is too small.
void eq_tokenize(KernelCache& cache, vk::Program& prog, const vk::Buffer& state,
                 const vk::Buffer& rules, const vk::Buffer& worlds, const vk::Buffer& tokens,
                 const vk::Buffer& mask, const vk::Buffer& actor, uint32_t n_games,
                 uint32_t worlds_per_game, uint32_t encoding);

/// Records the seat to move's legal slots for n_games games.
///   state: [ST_WORDS·n] uint32   rules: [R_WORDS] uint32
///   legal: [n] uint32, written (bit i = dealt slot i is held and legal; 0 when the hand is over)
/// Throws std::invalid_argument when n_games is 0 or a buffer is too small.
void eq_legal(KernelCache& cache, vk::Program& prog, const vk::Buffer& state,
              const vk::Buffer& rules, const vk::Buffer& legal, uint32_t n_games);

/// Status codes eq_apply writes per game.
enum class EqApplyStatus : uint32_t { Applied = 0, HandOver = 1, Illegal = 2 };

/// Records: each game's seat to move plays its dealt slot action[g].
///   state: [ST_WORDS·n] uint32, read and written   rules: [R_WORDS] uint32
///   action: [n] uint32 slot 0..6                   status: [n] uint32 EqApplyStatus, written
/// Throws std::invalid_argument when n_games is 0 or a buffer is too small.
void eq_apply(KernelCache& cache, vk::Program& prog, const vk::Buffer& state,
              const vk::Buffer& rules, const vk::Buffer& action, const vk::Buffer& status,
              uint32_t n_games);

}  // namespace eqvk::kernels
