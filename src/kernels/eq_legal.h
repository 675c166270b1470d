// Legal-slot mask of the E[Q] decision step on the GPU: shaders/eq_legal.comp. CPU reference
// eq::legal_slots (src/eq/moves.h).
#pragma once
#include <cstdint>

namespace eqvk::vk {
class Buffer;
class Program;
}  // namespace eqvk::vk

namespace eqvk::kernels {

class KernelCache;

/// Mirrors the push block of shaders/eq_legal.comp.
struct EqLegalPush {
    uint32_t n_games;
};
static_assert(sizeof(EqLegalPush) <= 128);

/// Records the seat to move's legal slots for n_games games.
///   state: [ST_WORDS·n] uint32   rules: [R_WORDS] uint32
///   legal: [n] uint32, written (bit i = dealt slot i is held and legal; 0 when the hand is over)
/// Throws std::invalid_argument when n_games is 0 or a buffer is too small.
void eq_legal(KernelCache& cache, vk::Program& prog, const vk::Buffer& state,
              const vk::Buffer& rules, const vk::Buffer& legal, uint32_t n_games);

}  // namespace eqvk::kernels
