// choose_move: wrapper, check and definition.
#include "eq/gpu/choose_move.h"

#include <cmath>
#include <utility>

#include "eq/gpu/ref/eq_reduce_ref.h"
#include "kernels/binding.h"
#include "kernels/check_util.h"

EQVK_KERNEL_DEF(choose_move);

namespace eqvk::eq::gpu {

void choose_move(KernelCache& cache, vk::Program& prog, BufferView e_q, BufferView var,
                 BufferView pdf, BufferView legal, BufferView min_bin, BufferView action,
                 BufferView uncertainty, uint32_t games, MoveRule rule) {
    const uint64_t gs = uint64_t(games) * EQ_SLOTS;
    dispatch(cache, prog, eqvk_kernel_def_choose_move(), games,
             ChooseMovePush{games, static_cast<uint32_t>(rule)},
             {{e_q, word_bytes(gs, 1)},
              {var, word_bytes(gs, 1)},
              {pdf, word_bytes(gs, EQ_BINS)},
              {legal, word_bytes(games, 1)},
              {min_bin, word_bytes(games, 1)},
              {action, word_bytes(games, 1)},
              {uncertainty, word_bytes(games, 2)}});
}

kernels::CheckResult check_choose_move(vk::Context& ctx, KernelCache& cache, uint32_t games,
                                       MoveRule rule, uint64_t seed) {
    using kernels::Dtype;
    const size_t gs = size_t(games) * EQ_SLOTS;
    std::vector<float> e = kernels::random_values(gs, seed, Dtype::F32),
                       v = kernels::random_values(gs, seed + 1, Dtype::F32),
                       p = kernels::random_values(gs * EQ_BINS, seed + 2, Dtype::F32);
    for (auto& x : e) x *= 40.0f;
    for (auto& x : v) x = x * x * 100.0f;
    for (auto& x : p) x = std::fabs(x) / EQ_BINS;
    std::vector<uint32_t> legal(games);
    std::vector<int32_t> min_bin(games);
    for (uint32_t g = 0; g < games; ++g) {
        legal[g] = g % 11 == 0 ? 0u : static_cast<uint32_t>((g * 2654435761u) >> 7) & 0x7Fu;
        min_bin[g] = g % 3 == 0 ? 60 : g % 3 == 1 ? 25 : static_cast<int32_t>(g % 90) - 2;
    }
    using kernels::upload_raw;
    vk::Buffer eb = upload_raw(ctx, e, "e_q"), vb = upload_raw(ctx, v, "var"),
               pb = upload_raw(ctx, p, "pdf"), lb = upload_raw(ctx, legal, "legal"),
               mb = upload_raw(ctx, min_bin, "min_bin");
    vk::Program prog(ctx, "check choose_move");
    vk::Buffer ab = poisoned_words(ctx, prog, games, "check.action"),
               ub = poisoned_words(ctx, prog, size_t(games) * 2, "check.uncertainty");
    choose_move(cache, prog, eb, vb, pb, lb, mb, ab, ub, games, rule);
    prog.run();
    std::vector<int32_t> got_a = kernels::download_vector<int32_t>(ctx, ab, games), want_a(games);
    std::vector<float> want_u(size_t(games) * 2);
    choose_move_ref(e.data(), v.data(), p.data(), legal.data(), min_bin.data(), games,
                    uint32_t(rule), want_a.data(), want_u.data());
    std::vector<float> ga(got_a.begin(), got_a.end()), wa(want_a.begin(), want_a.end());
    kernels::CheckResult r = kernels::compare(ga.data(), wa.data(), games, 0.0, 0.0);
    r.merge(kernels::compare(kernels::download_vector<float>(ctx, ub, size_t(games) * 2).data(),
                             want_u.data(), size_t(games) * 2, 1e-5, 1e-5));
    return r;
}

namespace {

// One game, a few, more than a workgroup, an odd count past several; both rules.
std::vector<kernels::CheckCase> choose_move_checks(const vk::Capabilities&) {
    using Shape = std::pair<uint32_t, MoveRule>;
    std::vector<Shape> shapes;
    for (uint32_t g : {1u, 7u, 100u, 257u})
        for (MoveRule rule : {MoveRule::PMake, MoveRule::EQ}) shapes.push_back({g, rule});
    return {kernels::check_over(
        "choose_move", "-", "fp32", shapes,
        [](vk::Context& ctx, KernelCache& cache, const Shape& s, uint64_t seed) {
            return check_choose_move(ctx, cache, s.first, s.second, seed * 5 + s.first);
        },
        [](const Shape& s) {
            return fmt::format("G={} {}", s.first, s.second == MoveRule::EQ ? "e_q" : "p_make");
        })};
}

}  // namespace
}  // namespace eqvk::eq::gpu

EQVK_KERNEL_DEF(choose_move) {
    using namespace eqvk::eq::gpu;
    using eqvk::vk::Access;
    static const auto def = eq_def(
        "choose_move", "E[Q]: each game's move (max P(make) or max E[Q]) and its uncertainty",
        {{"e_q", Access::Read, "f32 [G][7]"},
         {"var", Access::Read, "f32 [G][7]"},
         {"pdf", Access::Read, "f32 [G][7][85]"},
         {"legal", Access::Read, "u32 [G] slot mask"},
         {"min_bin", Access::Read, "i32 [G]"},
         {"action", Access::Write, "i32 [G] slot or -1"},
         {"uncertainty", Access::Write, "f32 [G][2] u_mean, u_max"}},
        sizeof(ChooseMovePush), "ChooseMovePush", choose_move_checks);
    return def;
}
