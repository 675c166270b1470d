// Tokeniser of the E[Q] decision step (spec §5) on the GPU: shaders/eq_tokenize.comp writes the
// oracle's int8 inputs for every (game, world), in the training format or Forge's production
// encoding. CPU reference eq::tokenize (src/eq/tokens.h).
#pragma once
#include <cstdint>

namespace eqvk::vk {
class Buffer;
class Program;
}  // namespace eqvk::vk

namespace eqvk::kernels {

class KernelCache;

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

}  // namespace eqvk::kernels
