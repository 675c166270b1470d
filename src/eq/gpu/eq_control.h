// eq_control (shaders/eq/eq_control.comp): before each pass of the decision step, which games
// still take worlds (fixed M, exact enumeration of every consistent world, or adaptive rounds until
// the standard error meets sem_target), compacted into the active list with the oracle's row count
// (issue 15). Reference: ref/eq_reduce_ref.h control_ref.
#pragma once
#include <cstdint>

#include "eq/gpu/common.h"
#include "eq/gpu/ref/eq_reduce_ref.h"

namespace eqvk::eq::gpu {

/// Mirrors the push block of shaders/eq/eq_control.comp.
struct ControlPush {
    uint32_t n_games, pass_worlds, first, last, mode, exact_max, fixed_worlds, min_worlds,
        max_worlds, round_worlds;
    float sem_target;
};

/// Records the control step before a pass of `pass_worlds` worlds per active game (`first`: the
/// decision's first pass; `last`: after its last pass, which only finishes the counts).
///   state: [ST_WORDS·n] u32   table: [n][WT_WORDS] u32   legal: [n] u32   m2: [n][7] f32 (running)
///   acc: [n][ACC_WORDS] u32 (read-write)   list: [n] u32 (written)   ctrl: [CTRL_WORDS] u32
///   (CTRL_LIVE read, CTRL_ACTIVE written)   rows: [1] u32 (written: active × pass_worlds)
///   args: [ARGS_WORDS] u32 (written: the pass's indirect dispatch sizes, layout.h ARGS_*)
/// Throws std::invalid_argument for 0 games or worlds per pass.
void eq_control(KernelCache& cache, vk::Program& prog, BufferView state, BufferView table,
                BufferView legal, BufferView m2, BufferView acc, BufferView list, BufferView ctrl,
                BufferView rows, BufferView args, uint32_t n_games, uint32_t pass_worlds,
                bool first, bool last, const SamplingRule& rule);

/// eq_control over several passes of an adaptive rule (some games exact, random M2 per pass so
/// games stop at different passes) against control_ref: acc, list, ctrl and rows word for word.
void check_eq_control(vk::Context& ctx, KernelCache& cache, CheckBatch& b, Exact& v);

}  // namespace eqvk::eq::gpu
