// Host wrappers of shaders/eq_reduce.comp and shaders/choose_move.comp: size checks, grid,
// dispatch.
#include "kernels/eq_reduce.h"

#include <fmt/format.h>

#include <stdexcept>

#include "kernels/eq_layout.h"
#include "kernels/registry.h"
#include "vk/buffer.h"
#include "vk/program.h"

namespace eqvk::kernels {
namespace {

constexpr uint32_t WORKGROUP = 64;

void need(const vk::Buffer& b, size_t bytes, const char* what) {
    if (b.size() < bytes)
        throw std::invalid_argument(
            fmt::format("{}: buffer '{}' has {} bytes, needs {}", what, b.name(), b.size(), bytes));
}

uint32_t groups_for(size_t n) {
    return static_cast<uint32_t>((n + WORKGROUP - 1) / WORKGROUP);
}

}  // namespace

void eq_reduce(KernelCache& cache, vk::Program& prog, const vk::Buffer& q, const vk::Buffer& e_q,
               const vk::Buffer& var, const vk::Buffer& pdf, uint32_t games, uint32_t world_base,
               uint32_t chunk, uint32_t total) {
    if (games == 0 || chunk == 0 || world_base + chunk > total)
        throw std::invalid_argument(fmt::format("eq_reduce: {} games, chunk [{}, {}) of {} worlds",
                                                games, world_base, world_base + chunk, total));
    const size_t gs = size_t(games) * EQ_SLOTS;
    need(q, gs * chunk * 4, "eq_reduce q");
    need(e_q, gs * 4, "eq_reduce e_q");
    need(var, gs * 4, "eq_reduce var");
    need(pdf, gs * EQ_BINS * 4, "eq_reduce pdf");
    const auto& pipe = cache.get("eq_reduce", {{0, WORKGROUP}});
    const bool last = world_base + chunk == total;
    prog.dispatch(
        pipe, {vk::reads(q), vk::reads_writes(e_q), vk::reads_writes(var), vk::reads_writes(pdf)},
        EqReducePush{games, chunk, world_base == 0 ? 1u : 0u, last ? total : 0u},
        {groups_for(gs), 1, 1}, "eq_reduce");
}

void choose_move(KernelCache& cache, vk::Program& prog, const vk::Buffer& e_q,
                 const vk::Buffer& var, const vk::Buffer& pdf, const vk::Buffer& legal,
                 const vk::Buffer& min_bin, const vk::Buffer& action, const vk::Buffer& uncertainty,
                 uint32_t games, MoveRule rule) {
    if (games == 0) throw std::invalid_argument("choose_move: games must be > 0");
    const size_t gs = size_t(games) * EQ_SLOTS;
    need(e_q, gs * 4, "choose_move e_q");
    need(var, gs * 4, "choose_move var");
    need(pdf, gs * EQ_BINS * 4, "choose_move pdf");
    need(legal, size_t(games) * 4, "choose_move legal");
    need(min_bin, size_t(games) * 4, "choose_move min_bin");
    need(action, size_t(games) * 4, "choose_move action");
    need(uncertainty, size_t(games) * 8, "choose_move uncertainty");
    const auto& pipe = cache.get("choose_move", {{0, WORKGROUP}});
    prog.dispatch(pipe,
                  {vk::reads(e_q), vk::reads(var), vk::reads(pdf), vk::reads(legal),
                   vk::reads(min_bin), vk::writes(action), vk::writes(uncertainty)},
                  ChooseMovePush{games, static_cast<uint32_t>(rule)}, {groups_for(games), 1, 1},
                  "choose_move");
}

void eq_baseline(KernelCache& cache, vk::Program& prog, const vk::Buffer& state,
                 const vk::Buffer& rules, const vk::Buffer& legal, const vk::Buffer& action,
                 uint32_t games, uint32_t team, uint32_t policy, uint64_t run_seed) {
    if (games == 0 || team > 1 || policy > 1)
        throw std::invalid_argument(
            fmt::format("eq_baseline: games {}, team {}, policy {}", games, team, policy));
    need(state, size_t(games) * eq_layout::ST_WORDS * 4, "eq_baseline state");
    need(rules, size_t(eq_layout::R_WORDS) * 4, "eq_baseline rules");
    need(legal, size_t(games) * 4, "eq_baseline legal");
    need(action, size_t(games) * 4, "eq_baseline action");
    const auto& pipe = cache.get("eq_baseline", {{0, WORKGROUP}});
    prog.dispatch(pipe,
                  {vk::reads(state), vk::reads(rules), vk::reads(legal), vk::reads_writes(action)},
                  EqBaselinePush{games, team, policy, uint32_t(run_seed), uint32_t(run_seed >> 32)},
                  {groups_for(games), 1, 1}, "eq_baseline");
}

void eq_min_bin(KernelCache& cache, vk::Program& prog, const vk::Buffer& state,
                const vk::Buffer& min_bin, uint32_t games, bool forge_compat) {
    if (games == 0) throw std::invalid_argument("eq_min_bin: games must be > 0");
    need(state, size_t(games) * eq_layout::ST_WORDS * 4, "eq_min_bin state");
    need(min_bin, size_t(games) * 4, "eq_min_bin min_bin");
    const auto& pipe = cache.get("eq_min_bin", {{0, WORKGROUP}});
    prog.dispatch(pipe, {vk::reads(state), vk::writes(min_bin)},
                  EqMinBinPush{games, forge_compat ? 1u : 0u}, {groups_for(games), 1, 1},
                  "eq_min_bin");
}

void eq_record(KernelCache& cache, vk::Program& prog, const vk::Buffer& state,
               const vk::Buffer& e_q, const vk::Buffer& var, const vk::Buffer& pdf,
               const vk::Buffer& legal, const vk::Buffer& action, const vk::Buffer& uncertainty,
               const vk::Buffer& records, uint32_t games, uint32_t worlds) {
    if (games == 0) throw std::invalid_argument("eq_record: games must be > 0");
    const size_t gs = size_t(games) * EQ_SLOTS;
    need(state, size_t(games) * eq_layout::ST_WORDS * 4, "eq_record state");
    need(e_q, gs * 4, "eq_record e_q");
    need(var, gs * 4, "eq_record var");
    need(pdf, gs * EQ_BINS * 4, "eq_record pdf");
    need(legal, size_t(games) * 4, "eq_record legal");
    need(action, size_t(games) * 4, "eq_record action");
    need(uncertainty, size_t(games) * 8, "eq_record uncertainty");
    need(records, size_t(games) * 28 * rec::WORDS * 4, "eq_record records");
    const auto& pipe = cache.get("eq_record", {{0, WORKGROUP}});
    prog.dispatch(
        pipe,
        {vk::reads(state), vk::reads(e_q), vk::reads(var), vk::reads(pdf), vk::reads(legal),
         vk::reads(action), vk::reads(uncertainty), vk::writes(records)},
        EqRecordPush{games, worlds}, {groups_for(games), 1, 1}, "eq_record");
}

}  // namespace eqvk::kernels
