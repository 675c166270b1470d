// What the E[Q] kernels' wrappers, checks and definitions share (src/eq/gpu/<stem>.{h,cpp}): the
// workgroup size, the per-game push block, argument checks, one dispatch helper that binds operands
// by the definition's binding table, the binding rows every per-game kernel has, and the check
// fixture — a random batch of game states at every stage of the hand, compared bit for bit.
#pragma once
#include <fmt/format.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "eq/gpu/layout.h"
#include "eq/gpu_state.h"
#include "game/state.h"
#include "kernels/check.h"
#include "kernels/definition.h"
#include "kernels/types.h"
#include "vk/buffer.h"
#include "vk/program.h"

namespace eqvk::vk {
class Context;
class Pipeline;
}  // namespace eqvk::vk

namespace eqvk::eq::gpu {

using kernels::BufferView;
using kernels::KernelCache;

/// Workgroup size of every eq kernel (specialization constant 0).
inline constexpr uint32_t WORKGROUP = 64;

/// Push block of the per-game kernels eq_voids, eq_world_count, eq_legal and eq_apply.
struct GamesPush {
    uint32_t n_games;
};

/// Throws std::invalid_argument "<kernel>: <what>" unless `ok`.
void require(std::string_view kernel, bool ok, std::string_view what);

/// Bytes of `count` records of `words` uint32 each.
constexpr uint64_t word_bytes(uint64_t count, uint32_t words) {
    return count * words * 4;
}

/// One operand of a dispatch, in binding order: the view and the bytes the dispatch touches. Its
/// name and access come from the definition's binding table; `access` overrides the latter where
/// the wrapper knows better (a read-write binding whose old contents are never read).
struct Operand {
    BufferView view;
    uint64_t bytes = 0;
    vk::Access access = vk::Access{};
};

/// The bindings of `ops` checked against def's binding table (count) and each operand's bytes.
std::vector<vk::Binding> bind_operands(const kernels::KernelDef& def,
                                       std::initializer_list<Operand> ops);
/// The pipeline of def's one stem at WORKGROUP.
const vk::Pipeline& pipeline_of(KernelCache& cache, const kernels::KernelDef& def);
/// Workgroups for `items` invocations (kernels/binding.h grid_groups). Unless the shader loops
/// grid-stride, `items` must fit in the device's grid (one invocation per item).
uint32_t groups_for(KernelCache& cache, const kernels::KernelDef& def, uint64_t items,
                    bool grid_stride);

/// Records one dispatch of def's stem over `items` invocations.
template <class Push>
void dispatch(KernelCache& cache, vk::Program& prog, const kernels::KernelDef& def, uint64_t items,
              const Push& push, std::initializer_list<Operand> ops, bool grid_stride = false) {
    prog.dispatch(pipeline_of(cache, def), bind_operands(def, ops), push,
                  {groups_for(cache, def, items, grid_stride), 1, 1}, std::string(def.name));
}

/// dispatch(), or with `args` an indirect dispatch of the group counts at byte `args_offset` of
/// `args` (written on the GPU, e.g. by eq_control; zero groups dispatch nothing).
template <class Push>
void dispatch_or_indirect(KernelCache& cache, vk::Program& prog, const kernels::KernelDef& def,
                          uint64_t items, const Push& push, std::initializer_list<Operand> ops,
                          bool grid_stride, const vk::Buffer* args, size_t args_offset) {
    if (!args) return dispatch(cache, prog, def, items, push, ops, grid_stride);
    prog.dispatch_indirect(pipeline_of(cache, def), bind_operands(def, ops), push, *args,
                           args_offset, std::string(def.name));
}

/// Binding rows shared by the definitions: the state and rule-table buffers (read).
kernels::BindingDef state_binding(vk::Access access = vk::Access::Read);
kernels::BindingDef rules_binding();

/// The definition of eq kernel `name`: one stem of that name on every device, SPIR-V from
/// shaders/eq.
kernels::KernelDef eq_def(std::string_view name, std::string_view what,
                          std::vector<kernels::BindingDef> bindings, uint32_t push_bytes,
                          std::string_view push_type,
                          std::vector<kernels::CheckCase> (*checks)(const vk::Capabilities&));

// ---- checks ---------------------------------------------------------------------------------

/// Games and worlds per game of every check batch.
inline constexpr uint32_t CHECK_GAMES = 45, CHECK_WORLDS = 7;
/// Run seed of the kernels' counter RNG in the checks.
inline constexpr uint64_t CHECK_RUN_SEED = 0x5eed;

/// A random batch on the GPU: game g is deal seed s_g, declaration g % 10, bidder g % 4, after
/// g % 28 random legal plays (every stage of the hand); state and rule-table buffers uploaded.
struct CheckBatch {
    std::vector<game::State> states;
    std::vector<GameInfo> infos;
    std::vector<uint32_t> words;  // pack_states(states, infos)
    vk::Buffer state, rules;
    CheckBatch(vk::Context& ctx, uint32_t games, uint64_t seed);
    uint32_t n() const { return uint32_t(states.size()); }
};

/// An exact comparison: counts compared values and keeps the first mismatch.
class Exact {
public:
    template <class... A>
    void check(bool ok, fmt::format_string<A...> where, A&&... args) {
        ++compared_;
        if (!ok && !failed_) {
            failed_ = true;
            first_bad_ = fmt::format(where, std::forward<A>(args)...);
        }
    }
    bool failed() const { return failed_; }
    /// "<count> values" or the first mismatch.
    std::string summary() const {
        return failed_ ? first_bad_ : fmt::format("{} values", compared_);
    }
    /// exact(...) and the detail "exact, N values, G games x M worlds" or "first mismatch: ...".
    kernels::CheckResult result(const CheckBatch& b, std::string& detail) const;

private:
    size_t compared_ = 0;
    bool failed_ = false;
    std::string first_bad_;
};

/// A check of one kernel on one random batch (CHECK_GAMES games, seeded).
using BatchCheck = void (*)(vk::Context& ctx, KernelCache& cache, CheckBatch& batch, Exact& v);

/// The selftest case of `stem`: `check` on a fresh random batch.
std::vector<kernels::CheckCase> exact_cases(std::string stem, BatchCheck check);

/// The pass buffers eq_control writes, set by hand for a check: the active games `list` (row block
/// i of P rows belongs to game list[i]), per-game acc [n][ACC_WORDS] and ctrl (CTRL_ACTIVE =
/// list.size()).
struct CheckPass {
    vk::Buffer list, acc, ctrl;
    CheckPass(vk::Context& ctx, const std::vector<uint32_t>& list,
              const std::vector<uint32_t>& acc);
};

/// Games n−1, …, 0 (a compacted list in an order other than the games': rows map back by it).
std::vector<uint32_t> reversed_games(uint32_t n);

/// A device-local buffer of `words` uint32, NaN-poisoned by `prog` before what it records next.
vk::Buffer poisoned_words(vk::Context& ctx, vk::Program& prog, size_t words, const char* name);

}  // namespace eqvk::eq::gpu
