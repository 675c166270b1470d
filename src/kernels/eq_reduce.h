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

/// Records the reduction of one chunk of worlds [world_base, world_base + chunk) of every game, out of
/// `total` worlds per game; chunks must be recorded in order, and results are bit-identical for every
/// chunking (the same float operations in the same order).
///   q: [G·chunk][7] f32 (row g·chunk + m)   e_q, var: [G][7] f32   pdf: [G][7][85] f32 (running sums
///   between chunks, moments after the last)
/// Throws std::invalid_argument when a buffer is too small, a count is 0 or the chunk passes `total`.
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

}  // namespace eqvk::kernels
