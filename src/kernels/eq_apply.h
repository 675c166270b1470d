// Applying the chosen moves of the E[Q] decision step on the GPU: shaders/eq_apply.comp (play,
// trick resolution, points, next leader). CPU reference game::State::do_play_slot.
#pragma once
#include <cstdint>

namespace eqvk::vk {
class Buffer;
class Program;
}  // namespace eqvk::vk

namespace eqvk::kernels {

class KernelCache;

/// Mirrors the push block of shaders/eq_apply.comp.
struct EqApplyPush {
    uint32_t n_games;
};
static_assert(sizeof(EqApplyPush) <= 128);

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
