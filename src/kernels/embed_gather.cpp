// Embedding gather wrapper: size checks, push constants, grid-stride grid, one dispatch.
#include "kernels/embed_gather.h"

#include <fmt/format.h>

#include "kernels/binding.h"
#include "kernels/registry.h"
#include "vk/buffer.h"
#include "vk/context.h"
#include "vk/program.h"

namespace eqvk::kernels {

void embed_gather(KernelCache& cache, vk::Program& prog, const EmbedGatherArgs& args, uint32_t d_in,
                  BufferView tokens, BufferView tables, BufferView info, BufferView out,
                  BufferView count) {
    constexpr uint32_t WG = 256;
    const char* stem = args.dtype == Dtype::F16 ? "embed_gather_f16" : "embed_gather";
    uint64_t worlds_total = uint64_t(args.world_base) + args.worlds;
    uint64_t n = uint64_t(args.worlds) * 32 * d_in;
    auto bt = bind_view(stem, "tokens", tokens, worlds_total * 32 * 12, vk::Access::Read);
    auto bi = bind_view(stem, "info", info, uint64_t(d_in) * sizeof(EmbedColumn), vk::Access::Read);
    auto bo = bind_view(stem, "out", out, n * dtype_bytes(args.dtype), vk::Access::Write);
    auto bc = bind_view(stem, "count", count, 4, vk::Access::Read);
    // The tables' extent is data-dependent (info); bind the whole view.
    auto btab = bind_view(stem, "tables", tables,
                          tables ? tables.buffer->size() - tables.offset : 0, vk::Access::Read);
    EmbedGatherPush push{args.worlds, args.world_base, d_in};
    const auto& caps = cache.context().caps();
    prog.dispatch(
        cache.get(stem, {{0, WG}}), {bt, btab, bi, bo, bc}, push, {flat_groups(n, WG, caps), 1, 1},
        fmt::format("embed_gather {}x32x{} {}", args.worlds, d_in, dtype_name(args.dtype)));
}

}  // namespace eqvk::kernels
