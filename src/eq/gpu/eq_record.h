// eq_record (shaders/eq/eq_record.comp): stores each game's decision — E[Q], Var, PDF, player,
// action, legal mask, worlds, uncertainty, standard errors, sampling flags, world count,
// exploration, ESS and max weight — at its
// decision index (layout.h REC_*).
#pragma once
#include <cstdint>

#include "eq/gpu/common.h"

namespace eqvk::eq::gpu {

/// Mirrors the push block of shaders/eq/eq_record.comp.
struct RecordPush {
    uint32_t n_games;
};

/// Records each game's decision into records[g][plays so far] (games already over write nothing).
///   state: [ST_WORDS·n] u32   e_q, var: [n][7] f32   pdf: [n][7][85] f32   legal: [n] u32
///   action: [n] i32   uncertainty: [n][2] f32   records: [n][28][REC_WORDS] u32
///   acc: [n][ACC_WORDS] u32 (eq_control: worlds evaluated, flags, world count)
///   explore: [n][4] u32 (eq_explore's output)
///   post: [n][2] f32 (eq_posterior's ESS and max w; zeros without the posterior: the standard
///   errors then use the world count, else the ESS)
void eq_record(KernelCache& cache, vk::Program& prog, BufferView state, BufferView e_q,
               BufferView var, BufferView pdf, BufferView legal, BufferView action,
               BufferView uncertainty, BufferView records, BufferView acc, BufferView explore,
               BufferView post, uint32_t n_games);

/// eq_record on the batch with distinct inputs per game: decision num_plays() of each game holds
/// them word for word, every other record stays untouched.
void check_eq_record(vk::Context& ctx, KernelCache& cache, CheckBatch& b, Exact& v);

}  // namespace eqvk::eq::gpu
