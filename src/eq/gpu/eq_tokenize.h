// eq_tokenize (shaders/eq/eq_tokenize.comp): the oracle's input tokens for every world of every
// game, in the training format or Forge's production encoding. Reference: eq/tokens.h tokenize.
#pragma once
#include <cstdint>

#include "eq/gpu/common.h"

namespace eqvk::eq::gpu {

/// Mirrors the push block of shaders/eq/eq_tokenize.comp.
struct TokenizePush {
    uint32_t n_games, pass_worlds, encoding;
};

/// Records tokens for the pass's rows: row i·P + m of active game list[i] (i < ctrl[CTRL_ACTIVE]);
/// encoding 0 = training format, 1 = Forge production (ghost 6-6 tokens).
///   state: [ST_WORDS·n] u32   rules: [R_WORDS] u32   worlds: [n·P][4] u32
///   tokens: int8 [n·P][32][12] (as [n·P][96] u32), written
///   mask: int8 [n·P][32] (as [n·P][8] u32; 1 = real token), written
///   actor: int32 [n·P], written   list: u32 [n]   ctrl: u32 [CTRL_WORDS]
/// `args`: eq_control's dispatch sizes (ARGS_ROWS), else a direct dispatch over n·P rows.
/// Throws std::invalid_argument when a count is 0, encoding > 1, or a view is too small.
void eq_tokenize(KernelCache& cache, vk::Program& prog, BufferView state, BufferView rules,
                 BufferView worlds, BufferView tokens, BufferView mask, BufferView actor,
                 BufferView list, BufferView ctrl, uint32_t n_games, uint32_t pass_worlds,
                 uint32_t encoding, const vk::Buffer* args = nullptr);

/// eq_tokenize on the batch, with the CPU's sampled worlds uploaded, in both encodings, against
/// tokenize: every token byte, mask byte and actor.
void check_eq_tokenize(vk::Context& ctx, KernelCache& cache, CheckBatch& b, Exact& v);

}  // namespace eqvk::eq::gpu
