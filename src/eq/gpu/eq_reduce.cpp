// Host wrappers of shaders/eq_reduce.comp, choose_move.comp, eq_baseline.comp, eq_min_bin.comp and
// eq_record.comp: size checks (kernels/binding.h bind_view), grid, dispatch.
#include "kernels/eq_reduce.h"

#include <fmt/format.h>

#include <stdexcept>

#include "kernels/binding.h"
#include "kernels/eq_layout.h"
#include "kernels/registry.h"
#include "vk/buffer.h"
#include "vk/program.h"

namespace eqvk::kernels {
namespace {

constexpr uint32_t WORKGROUP = 64;

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
    const uint64_t gs = uint64_t(games) * EQ_SLOTS;
    const char* k = "eq_reduce";
    const bool last = world_base + chunk == total;
    prog.dispatch(cache.get(k, {{0, WORKGROUP}}),
                  {bind_view(k, "q", q, gs * chunk * 4, vk::Access::Read),
                   bind_view(k, "e_q", e_q, gs * 4, vk::Access::ReadWrite),
                   bind_view(k, "var", var, gs * 4, vk::Access::ReadWrite),
                   bind_view(k, "pdf", pdf, gs * EQ_BINS * 4, vk::Access::ReadWrite)},
                  EqReducePush{games, chunk, world_base == 0 ? 1u : 0u, last ? total : 0u},
                  {groups_for(gs), 1, 1}, k);
}

void choose_move(KernelCache& cache, vk::Program& prog, const vk::Buffer& e_q,
                 const vk::Buffer& var, const vk::Buffer& pdf, const vk::Buffer& legal,
                 const vk::Buffer& min_bin, const vk::Buffer& action, const vk::Buffer& uncertainty,
                 uint32_t games, MoveRule rule) {
    if (games == 0) throw std::invalid_argument("choose_move: games must be > 0");
    const uint64_t gs = uint64_t(games) * EQ_SLOTS, n4 = uint64_t(games) * 4;
    const char* k = "choose_move";
    prog.dispatch(cache.get(k, {{0, WORKGROUP}}),
                  {bind_view(k, "e_q", e_q, gs * 4, vk::Access::Read),
                   bind_view(k, "var", var, gs * 4, vk::Access::Read),
                   bind_view(k, "pdf", pdf, gs * EQ_BINS * 4, vk::Access::Read),
                   bind_view(k, "legal", legal, n4, vk::Access::Read),
                   bind_view(k, "min_bin", min_bin, n4, vk::Access::Read),
                   bind_view(k, "action", action, n4, vk::Access::Write),
                   bind_view(k, "uncertainty", uncertainty, 2 * n4, vk::Access::Write)},
                  ChooseMovePush{games, static_cast<uint32_t>(rule)}, {groups_for(games), 1, 1}, k);
}

void eq_baseline(KernelCache& cache, vk::Program& prog, const vk::Buffer& state,
                 const vk::Buffer& rules, const vk::Buffer& legal, const vk::Buffer& action,
                 uint32_t games, uint32_t team, uint32_t policy, uint64_t run_seed) {
    if (games == 0 || team > 1 || policy > 1)
        throw std::invalid_argument(
            fmt::format("eq_baseline: games {}, team {}, policy {}", games, team, policy));
    const uint64_t n4 = uint64_t(games) * 4;
    const char* k = "eq_baseline";
    prog.dispatch(cache.get(k, {{0, WORKGROUP}}),
                  {bind_view(k, "state", state, n4 * eq_layout::ST_WORDS, vk::Access::Read),
                   bind_view(k, "rules", rules, uint64_t(eq_layout::R_WORDS) * 4, vk::Access::Read),
                   bind_view(k, "legal", legal, n4, vk::Access::Read),
                   bind_view(k, "action", action, n4, vk::Access::ReadWrite)},
                  EqBaselinePush{games, team, policy, uint32_t(run_seed), uint32_t(run_seed >> 32)},
                  {groups_for(games), 1, 1}, k);
}

void eq_min_bin(KernelCache& cache, vk::Program& prog, const vk::Buffer& state,
                const vk::Buffer& min_bin, uint32_t games, bool forge_compat) {
    if (games == 0) throw std::invalid_argument("eq_min_bin: games must be > 0");
    const uint64_t n4 = uint64_t(games) * 4;
    const char* k = "eq_min_bin";
    prog.dispatch(cache.get(k, {{0, WORKGROUP}}),
                  {bind_view(k, "state", state, n4 * eq_layout::ST_WORDS, vk::Access::Read),
                   bind_view(k, "min_bin", min_bin, n4, vk::Access::Write)},
                  EqMinBinPush{games, forge_compat ? 1u : 0u}, {groups_for(games), 1, 1}, k);
}

void eq_record(KernelCache& cache, vk::Program& prog, const vk::Buffer& state,
               const vk::Buffer& e_q, const vk::Buffer& var, const vk::Buffer& pdf,
               const vk::Buffer& legal, const vk::Buffer& action, const vk::Buffer& uncertainty,
               const vk::Buffer& records, uint32_t games, uint32_t worlds) {
    if (games == 0) throw std::invalid_argument("eq_record: games must be > 0");
    const uint64_t gs = uint64_t(games) * EQ_SLOTS, n4 = uint64_t(games) * 4;
    const char* k = "eq_record";
    prog.dispatch(cache.get(k, {{0, WORKGROUP}}),
                  {bind_view(k, "state", state, n4 * eq_layout::ST_WORDS, vk::Access::Read),
                   bind_view(k, "e_q", e_q, gs * 4, vk::Access::Read),
                   bind_view(k, "var", var, gs * 4, vk::Access::Read),
                   bind_view(k, "pdf", pdf, gs * EQ_BINS * 4, vk::Access::Read),
                   bind_view(k, "legal", legal, n4, vk::Access::Read),
                   bind_view(k, "action", action, n4, vk::Access::Read),
                   bind_view(k, "uncertainty", uncertainty, 2 * n4, vk::Access::Read),
                   bind_view(k, "records", records, n4 * 28 * rec::WORDS, vk::Access::Write)},
                  EqRecordPush{games, worlds}, {groups_for(games), 1, 1}, k);
}

}  // namespace eqvk::kernels
