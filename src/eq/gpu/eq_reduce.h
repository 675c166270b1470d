// E[Q] reduction and move choice on the GPU (shaders/eq_reduce.comp, shaders/choose_move.comp):
// from the oracle's Q for every sampled world to E[Q], Var, the 85-bin PDF, the chosen slot and the
// uncertainty summary (spec §6.7, §6.10). Shapes are plain integers: G games, M worlds per game, 7
// slots, 85 bins.
#pragma once
#include <cstdint>

namespace eqvk::vk {
class Buffer;
class Program;
}  // namespace eqvk::vk

namespace eqvk::kernels {

class KernelCache;

constexpr uint32_t EQ_SLOTS = 7;
constexpr uint32_t EQ_BINS = 85;  // bin b ↔ Q = b − 42

/// Mirrors the push block of shaders/eq_reduce.comp.
struct EqReducePush {
    uint32_t games;
    uint32_t worlds;        // worlds in this chunk
    uint32_t first;         // 1: the first chunk
    uint32_t total_worlds;  // M on the last chunk, else 0
};
static_assert(sizeof(EqReducePush) <= 128);

/// Mirrors the push block of shaders/choose_move.comp.
struct ChooseMovePush {
    uint32_t games;
    uint32_t mode;  // 0 = p_make, 1 = e_q
};
static_assert(sizeof(ChooseMovePush) <= 128);

enum class MoveRule : uint32_t { PMake = 0, EQ = 1 };

/// Mirrors the push block of shaders/eq_min_bin.comp.
struct EqMinBinPush {
    uint32_t n_games;
    uint32_t compat;  // 0 faithful (banked points count), 1 Forge's fixed bins
};
static_assert(sizeof(EqMinBinPush) <= 128);

/// Mirrors the push block of shaders/eq_record.comp.
struct EqRecordPush {
    uint32_t n_games;
    uint32_t worlds;
};
static_assert(sizeof(EqRecordPush) <= 128);

/// One decision record: words of records[g][d] (floats as bits), written by eq_record.
namespace rec {
inline constexpr uint32_t EQ = 0, VAR = 7, PDF = 14, PLAYER = 609, ACTION = 610, LEGAL = 611,
                          SAMPLES = 612, UMEAN = 613, UMAX = 614, WORDS = 615;
}

/// Records the reduction of one chunk of worlds [world_base, world_base + chunk) of every game, out
/// of `total` worlds per game; chunks must be recorded in order, and results are bit-identical for
/// every chunking (the same float operations in the same order).
///   q: [G·chunk][7] f32 (row g·chunk + m)   e_q, var: [G][7] f32   pdf: [G][7][85] f32 (running
///   sums between chunks, moments after the last)
/// Throws std::invalid_argument when a buffer is too small, a count is 0 or the chunk passes
/// `total`.
void eq_reduce(KernelCache& cache, vk::Program& prog, const vk::Buffer& q, const vk::Buffer& e_q,
               const vk::Buffer& var, const vk::Buffer& pdf, uint32_t games, uint32_t world_base,
               uint32_t chunk, uint32_t total);

/// Records the move choice.
///   e_q, var: [G][7] f32   pdf: [G][7][85] f32   legal: [G] u32 slot mask   min_bin: [G] i32
///   (P(make) threshold bin; ignored for MoveRule::EQ)   action: [G] i32 (slot, −1 if none legal)
///   uncertainty: [G][2] f32 (u_mean, u_max)
void choose_move(KernelCache& cache, vk::Program& prog, const vk::Buffer& e_q,
                 const vk::Buffer& var, const vk::Buffer& pdf, const vk::Buffer& legal,
                 const vk::Buffer& min_bin, const vk::Buffer& action, const vk::Buffer& uncertainty,
                 uint32_t games, MoveRule rule);

/// Mirrors the push block of shaders/eq_baseline.comp.
struct EqBaselinePush {
    uint32_t n_games;
    uint32_t team;    // seats of this team (0: 0/2, 1: 1/3) play the baseline
    uint32_t policy;  // 0 random, 1 heuristic (eq/baseline.h)
    uint32_t seed_lo, seed_hi;
};
static_assert(sizeof(EqBaselinePush) <= 128);

/// Records the baseline player (`eqvk match`): where the seat to move is on `team`, action[g]
/// becomes the baseline's slot. state: [ST_WORDS·n] u32   rules: [R_WORDS] u32   legal: [n] u32
/// action: [n] i32 (rw)
void eq_baseline(KernelCache& cache, vk::Program& prog, const vk::Buffer& state,
                 const vk::Buffer& rules, const vk::Buffer& legal, const vk::Buffer& action,
                 uint32_t games, uint32_t team, uint32_t policy, uint64_t run_seed);

/// Records the P(make) threshold bin of each game's decision (see shaders/eq_min_bin.comp).
///   state: [ST_WORDS·n] u32 (kernels/eq_layout.h)   min_bin: [n] i32
void eq_min_bin(KernelCache& cache, vk::Program& prog, const vk::Buffer& state,
                const vk::Buffer& min_bin, uint32_t games, bool forge_compat);

/// Records each game's decision into records[g][plays so far] (games already over write nothing).
///   state: [ST_WORDS·n] u32   e_q, var: [n][7] f32   pdf: [n][7][85] f32   legal: [n] u32
///   action: [n] i32   uncertainty: [n][2] f32   records: [n][28][rec::WORDS] u32
void eq_record(KernelCache& cache, vk::Program& prog, const vk::Buffer& state,
               const vk::Buffer& e_q, const vk::Buffer& var, const vk::Buffer& pdf,
               const vk::Buffer& legal, const vk::Buffer& action, const vk::Buffer& uncertainty,
               const vk::Buffer& records, uint32_t games, uint32_t worlds);

}  // namespace eqvk::kernels
