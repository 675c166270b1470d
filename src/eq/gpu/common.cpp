// Shared parts of the eq kernels: argument checks, binding by definition, the grid, the common
// binding rows and definition shape, and the check fixture.
#include "eq/gpu/common.h"

#include <random>
#include <stdexcept>

#include "eq/moves.h"
#include "eqvk_eq_shaders_spirv.h"
#include "kernels/binding.h"
#include "kernels/check_util.h"
#include "kernels/registry.h"
#include "vk/capabilities.h"
#include "vk/context.h"

namespace eqvk::eq::gpu {

void require(std::string_view kernel, bool ok, std::string_view what) {
    if (!ok) throw std::invalid_argument(fmt::format("{}: {}", kernel, what));
}

std::vector<vk::Binding> bind_operands(const kernels::KernelDef& def,
                                       std::initializer_list<Operand> ops) {
    require(def.name, ops.size() == def.bindings.size(), "operand count differs from definition");
    std::vector<vk::Binding> out;
    out.reserve(ops.size());
    const kernels::BindingDef* row = def.bindings.data();
    for (const Operand& op : ops) {
        vk::Access access = op.access == vk::Access{} ? row->access : op.access;
        out.push_back(kernels::bind_view(def.name, row->name, op.view, op.bytes, access));
        ++row;
    }
    return out;
}

const vk::Pipeline& pipeline_of(KernelCache& cache, const kernels::KernelDef& def) {
    return cache.get(def, def.name, {{0, WORKGROUP}});
}

uint32_t groups_for(KernelCache& cache, const kernels::KernelDef& def, uint64_t items,
                    bool grid_stride) {
    const vk::Capabilities& caps = cache.context().caps();
    require(def.name, items > 0, "nothing to do (a count is 0)");
    require(def.name, grid_stride || items <= uint64_t(caps.max_workgroup_count[0]) * WORKGROUP,
            fmt::format("{} invocations exceed the device's grid", items));
    return kernels::grid_groups(items, WORKGROUP, caps);
}

kernels::BindingDef state_binding(vk::Access access) {
    return {"state", access, "u32 [ST_WORDS·n] (eq/gpu/layout.h)"};
}

kernels::BindingDef rules_binding() {
    return {"rules", vk::Access::Read, "u32 [R_WORDS]"};
}

kernels::KernelDef eq_def(std::string_view name, std::string_view what,
                          std::vector<kernels::BindingDef> bindings, uint32_t push_bytes,
                          std::string_view push_type,
                          std::vector<kernels::CheckCase> (*checks)(const vk::Capabilities&)) {
    return {name,       what,      {{name, nullptr}}, std::move(bindings),
            push_bytes, push_type, shaders::spirv,    checks};
}

CheckBatch::CheckBatch(vk::Context& ctx, uint32_t games, uint64_t seed)
    : state(ctx, word_bytes(games, ST_WORDS), vk::MemoryKind::DeviceLocal, "check.state"),
      rules(ctx, word_bytes(1, R_WORDS), vk::MemoryKind::DeviceLocal, "check.rules") {
    std::mt19937_64 rng(seed);
    for (uint32_t g = 0; g < games; ++g) {
        uint64_t game_seed = rng() >> 24;
        states.push_back(initial_state(game_seed, int(g % 10)));
        random_playout(states.back(), int(g % 28), rng);
        infos.push_back({game_seed, int(g % 4)});
    }
    words = pack_states(states, infos);
    ctx.upload(state, words.data(), words.size() * 4);
    auto r = rule_table_words();
    ctx.upload(rules, r.data(), r.size() * 4);
}

kernels::CheckResult Exact::result(const CheckBatch& b, std::string& detail) const {
    detail = failed_ ? "first mismatch: " + first_bad_
                     : fmt::format("exact, {} values, {} games x {} worlds", compared_, b.n(),
                                   CHECK_WORLDS);
    return kernels::exact(!failed_, compared_);
}

std::vector<kernels::CheckCase> exact_cases(std::string stem, BatchCheck check) {
    return {{std::move(stem), "-", "-",
             [check](vk::Context& ctx, KernelCache& cache, std::string& detail) {
                 CheckBatch batch(ctx, CHECK_GAMES, 2024);
                 Exact v;
                 check(ctx, cache, batch, v);
                 return v.result(batch, detail);
             }}};
}

CheckPass::CheckPass(vk::Context& ctx, const std::vector<uint32_t>& l,
                     const std::vector<uint32_t>& a)
    : list(kernels::upload_raw(ctx, l, "check.list")),
      acc(kernels::upload_raw(ctx, a, "check.acc")),
      ctrl(kernels::upload_raw(ctx, std::vector<uint32_t>{uint32_t(l.size()), uint32_t(l.size())},
                               "check.ctrl")) {}

std::vector<uint32_t> reversed_games(uint32_t n) {
    std::vector<uint32_t> out(n);
    for (uint32_t i = 0; i < n; ++i) out[i] = n - 1 - i;
    return out;
}

vk::Buffer poisoned_words(vk::Context& ctx, vk::Program& prog, size_t words, const char* name) {
    return kernels::poisoned_buffer(ctx, prog, words, kernels::Dtype::F32, name);
}

}  // namespace eqvk::eq::gpu
