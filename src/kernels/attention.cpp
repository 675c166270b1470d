// Attention wrapper: stages Q/K/V in shared memory when they fit the device's limit (else the
// shader reads them from the buffer), one workgroup per (head, world).
#include "kernels/attention.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "eqvk_kernel_shaders_spirv.h"
#include "kernels/binding.h"
#include "kernels/check_util.h"
#include "kernels/definition.h"
#include "kernels/ref/attention_ref.h"
#include "kernels/registry.h"
#include "vk/capabilities.h"
#include "vk/context.h"
#include "vk/program.h"

EQVK_KERNEL_DEF(attention);

namespace eqvk::kernels {
namespace {

/// Random key-padding mask [worlds][32] int8 with at least one real key per world.
std::vector<int8_t> random_mask(size_t worlds, uint64_t seed) {
    auto r = random_values(worlds * 32, seed, Dtype::F32);
    std::vector<int8_t> m(worlds * 32);
    for (size_t i = 0; i < m.size(); ++i) m[i] = r[i] > -0.5f ? 1 : 0;
    for (size_t w = 0; w < worlds; ++w) m[w * 32 + (w * 7) % 32] = 1;
    return m;
}

}  // namespace

uint32_t attention_shared_bytes(uint32_t D, uint32_t query_rows, bool staged) {
    uint32_t sh_d = staged ? D : 1;
    return 4 * ((query_rows + 64) * sh_d + query_rows * 33);
}

bool attention_subgroup_fits(const vk::Capabilities& caps) {
    return has_subgroup_ballot(caps) && caps.subgroup_size <= 8 && 8 % caps.subgroup_size == 0;
}

AttentionShape attention_shape(const vk::Capabilities& caps, uint32_t D) {
    const std::string forced = forced_shape("EQVK_ATTENTION", {"shared", "rows", "subgroup"});
    if ((forced == "rows" || forced == "subgroup") && D > ATTENTION_ROWS_MAX_D)
        throw std::invalid_argument(fmt::format("EQVK_ATTENTION={}: head dim {} is over {}", forced,
                                                D, ATTENTION_ROWS_MAX_D));
    if (forced == "subgroup" && !attention_subgroup_fits(caps))
        throw std::invalid_argument(fmt::format(
            "EQVK_ATTENTION=subgroup: the device has subgroup size {} and {} ballot; the shape "
            "needs ballot and a size dividing 8",
            caps.subgroup_size, caps.subgroup_ballot ? "has" : "no"));
    if (forced == "rows") return AttentionShape::Rows;
    if (forced == "subgroup") return AttentionShape::Subgroup;
    if (forced == "shared") return AttentionShape::Shared;
    if (caps.type != VK_PHYSICAL_DEVICE_TYPE_CPU || D > ATTENTION_ROWS_MAX_D)
        return AttentionShape::Shared;
    return attention_subgroup_fits(caps) ? AttentionShape::Subgroup : AttentionShape::Rows;
}

namespace {

/// Whether attention_sg moves whole vectors (spec VEC): 4 elements (fp32) or 8 halves (fp16) per load,
/// which needs D and E to be multiples of that width (every head row then starts on a vector) and
/// every view it reads or writes as vectors to start on 16 bytes.
bool attention_sg_vector(uint32_t D, uint32_t E, Dtype dtype,
                         std::initializer_list<BufferView> views) {
    const uint32_t width = dtype == Dtype::F16 ? 8 : 4;
    return D % width == 0 && E % width == 0 &&
           std::ranges::all_of(views, [](BufferView v) { return !v || v.offset % 16 == 0; });
}

/// The shader stem of a shape and storage type.
std::string attention_stem(AttentionShape shape, Dtype dtype) {
    const char* base = shape == AttentionShape::Rows       ? "attention_rows"
                       : shape == AttentionShape::Subgroup ? "attention_sg"
                                                           : "attention";
    return std::string(base) + (dtype == Dtype::F16 ? "_f16" : "");
}

}  // namespace

void attention(KernelCache& cache, vk::Program& prog, const AttentionArgs& a, BufferView qkv,
               BufferView mask, BufferView actor, BufferView out, BufferView x, BufferView x8,
               BufferView count) {
    if (a.worlds == 0 || a.H == 0 || a.E % a.H != 0)
        throw std::invalid_argument(
            fmt::format("attention: bad shape worlds={} E={} H={}", a.worlds, a.E, a.H));
    const auto& caps = cache.context().caps();
    const uint32_t D = a.E / a.H, qr = a.query_rows();
    const AttentionShape shape =
        a.shape == AttentionShape::Auto ? attention_shape(caps, D) : a.shape;
    const bool shared_shape = shape == AttentionShape::Shared;
    const std::string stem = attention_stem(shape, a.dtype);
    if (!shared_shape && D > ATTENTION_ROWS_MAX_D)
        throw std::invalid_argument(
            fmt::format("{}: head dim {} is over {}", stem, D, ATTENTION_ROWS_MAX_D));
    if (shape == AttentionShape::Subgroup && !attention_subgroup_fits(caps))
        throw std::invalid_argument(
            fmt::format("{}: subgroup size {} does not divide 8", stem, caps.subgroup_size));
    const bool staged = attention_shared_bytes(D, qr, true) <= caps.max_shared_memory;
    if (shared_shape && attention_shared_bytes(D, qr, false) > caps.max_shared_memory)
        throw std::invalid_argument(fmt::format("{}: scores do not fit in shared memory", stem));
    const size_t eb = dtype_bytes(a.dtype);
    const uint64_t total = uint64_t(a.world_base) + a.worlds, rows = uint64_t(a.worlds) * 32;
    auto bq = bind_view(stem, "qkv", qkv, rows * 3 * a.E * eb, vk::Access::Read);
    auto bm = bind_view(stem, "mask", mask, total * 32, vk::Access::Read);
    auto bo = bind_view(stem, "out", out, uint64_t(a.worlds) * qr * a.E * eb, vk::Access::Write);
    auto bc = bind_view(stem, "count", count, 4, vk::Access::Read);
    vk::Binding ba = bq, bx = bq, bx8 = bo;
    if (a.last) {
        ba = bind_view(stem, "actor", actor, total * 4, vk::Access::Read);
        bx = bind_view(stem, "x", x, rows * a.E * eb, vk::Access::Read);
        bx8 = bind_view(stem, "x8", x8, uint64_t(a.worlds) * 8 * a.E * eb, vk::Access::Write);
    }
    if (a.worlds > caps.max_workgroup_count[1])
        throw std::invalid_argument(fmt::format("{}: {} worlds exceed the grid's y limit {}", stem,
                                                a.worlds, caps.max_workgroup_count[1]));
    AttentionPush push{a.E, a.world_base, 1.0f / std::sqrt(float(D))};
    const auto spec =
        shape == AttentionShape::Rows ? std::vector<vk::SpecConstant>{{0, qr}, {1, D}, {3, qr}}
        : shape == AttentionShape::Subgroup
            ? std::vector<vk::SpecConstant>{{0, caps.subgroup_size},
                                            {1, D},
                                            {3, qr},
                                            {4, attention_sg_vector(
                                                    D, a.E, a.dtype,
                                                    {qkv, out, a.last ? x : BufferView{},
                                                     a.last ? x8 : BufferView{}})
                                                    ? 1u
                                                    : 0u}}
            : std::vector<vk::SpecConstant>{{0, 64}, {1, D}, {2, staged ? D : 1u}, {3, qr}};
    prog.dispatch(cache.get(eqvk_kernel_def_attention(), stem, spec), {bq, bm, ba, bo, bx, bx8, bc},
                  push, {a.H, a.worlds, 1},
                  fmt::format("attention {}x{}x{}{} {}{}", a.worlds, a.H, D, a.last ? " last" : "",
                              dtype_name(a.dtype),
                              shape == AttentionShape::Rows       ? " rows"
                              : shape == AttentionShape::Subgroup ? " subgroup"
                                                                  : ""));
}

CheckResult check_attention(vk::Context& ctx, KernelCache& cache, const AttentionArgs& a,
                            uint32_t count, uint64_t seed) {
    const size_t total = size_t(a.world_base) + a.worlds, rows = size_t(a.worlds) * 32;
    auto qkv = random_values(rows * 3 * a.E, seed, a.dtype);
    auto x = random_values(rows * a.E, seed + 1, a.dtype);
    auto mask = random_mask(total, seed + 2);
    auto ra = random_values(total, seed + 3, Dtype::F32);
    std::vector<int32_t> actor(total);
    for (size_t i = 0; i < total; ++i) actor[i] = int32_t((ra[i] + 1.0f) * 2.0f) % 4;
    const size_t n_out = size_t(a.worlds) * a.query_rows() * a.E, n_x8 = size_t(a.worlds) * 8 * a.E;
    std::vector<float> want(n_out, NAN), want_x8(n_x8, NAN);
    attention_ref(a, count > a.world_base ? count - a.world_base : 0, qkv.data(), mask.data(),
                  actor.data(), want.data(), x.data(), want_x8.data());
    vk::Buffer bq = upload_as(ctx, qkv, a.dtype, "check.qkv"),
               bx = upload_as(ctx, x, a.dtype, "check.x");
    vk::Buffer bm = upload_raw(ctx, mask, "check.mask"), ba = upload_raw(ctx, actor, "check.actor");
    vk::Buffer bc = count_buffer(ctx, count);
    vk::Program prog(ctx, "check_attention");
    vk::Buffer bo = poisoned_buffer(ctx, prog, n_out, a.dtype, "check.out");
    vk::Buffer bx8 = poisoned_buffer(ctx, prog, n_x8, a.dtype, "check.x8");
    attention(cache, prog, a, bq, bm, ba, bo, bx, bx8, bc);
    prog.run();
    // Outputs are convex combinations of V in [-1, 1]: absolute tolerance.
    CheckResult r = compare_written(download_as(ctx, bo, n_out, a.dtype), want,
                                    a.dtype == Dtype::F16 ? 1e-3 : 2e-6, storage_rtol(a.dtype));
    if (!r.ok || !a.last) return r;
    return compare_written(download_as(ctx, bx8, n_x8, a.dtype), want_x8, 0.0, 0.0);
}

namespace {

std::vector<CheckCase> attention_checks(const vk::Capabilities& caps) {
    struct Shape {
        AttentionArgs args;
        uint32_t count;
    };
    const auto& def = eqvk_kernel_def_attention();
    std::vector<CheckCase> cases;
    for (auto [shape, name] :
         {std::pair{AttentionShape::Shared, "shared"}, std::pair{AttentionShape::Rows, "rows"},
          std::pair{AttentionShape::Subgroup, "subgroup"}})
        for (Dtype dt : {Dtype::F32, Dtype::F16}) {
            const std::string stem = attention_stem(shape, dt);
            if (!def.supported(stem, caps)) continue;
            // Head dims 1, 3, 12, 32, 16, 4 and 64 (staged in shared memory) and 160 (read from the
            // buffer; shared shape only), all queries and the last-layer 8-row mode, world_base
            // offsets, counts below capacity; attention_sg's vector path where D and E are multiples
            // of 4 (fp32) or 8 (fp16): D 12, 32, 16, 4 and 64 in fp32, 32, 16 and 64 in fp16.
            std::vector<Shape> shapes;
            for (bool last : {false, true})
                for (auto [worlds, E, H, base, count] : {std::array{3u, 2u, 2u, 0u, 3u},
                                                         {5u, 9u, 3u, 0u, 4u},
                                                         {4u, 24u, 2u, 2u, 5u},
                                                         {9u, 256u, 8u, 0u, 9u},
                                                         {2u, 128u, 2u, 0u, 2u},
                                                         {4u, 64u, 4u, 1u, 3u},
                                                         {3u, 20u, 5u, 0u, 3u},
                                                         {3u, 160u, 1u, 1u, 3u}})
                    if (shape == AttentionShape::Shared || E / H <= ATTENTION_ROWS_MAX_D)
                        shapes.push_back({{worlds, E, H, base, last, dt, shape}, count});
            cases.push_back(check_over(
                stem, name, dtype_name(dt), shapes,
                [](vk::Context& ctx, KernelCache& cache, const Shape& s, uint64_t seed) {
                    return check_attention(ctx, cache, s.args, s.count, seed);
                },
                [](const Shape& s) {
                    return fmt::format("{} worlds from {} E {} H {}{} count {}", s.args.worlds,
                                       s.args.world_base, s.args.E, s.args.H,
                                       s.args.last ? " last" : "", s.count);
                }));
        }
    return cases;
}

}  // namespace
}  // namespace eqvk::kernels

EQVK_KERNEL_DEF(attention) {
    using namespace eqvk::kernels;
    using eqvk::vk::Access;
    static const KernelDef def{
        "attention",
        "fused 32-token attention per (world, head): QK^T/sqrt(D), key mask, fp32 softmax, ·V; "
        "shared-memory shape (GPUs), an invocation per query row, or a subgroup per (world, head) "
        "(CPU devices)",
        {{"attention", nullptr},
         {"attention_f16", has_16bit_storage},
         {"attention_rows", nullptr},
         {"attention_rows_f16", has_16bit_storage},
         {"attention_sg", attention_subgroup_fits},
         {"attention_sg_f16",
          [](const eqvk::vk::Capabilities& c) {
              return has_16bit_storage(c) && attention_subgroup_fits(c);
          }}},
        {{"qkv", Access::Read, "dtype [worlds][32][3E]"},
         {"mask", Access::Read, "i8 [world_base+worlds][32] (as u32)"},
         {"actor", Access::Read, "i32 [world_base+worlds]"},
         {"out", Access::Write, "dtype [worlds][query_rows][E]"},
         {"x", Access::Read, "dtype [worlds][32][E] (last mode)"},
         {"x8", Access::Write, "dtype [worlds][8][E] (last mode)"},
         {"count", Access::Read, "u32 [1] worlds"}},
        sizeof(AttentionPush),
        "AttentionPush",
        shaders::spirv,
        attention_checks};
    return def;
}
