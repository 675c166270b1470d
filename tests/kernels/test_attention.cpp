// attention against attention_ref (double): head dims 1, 3, 12, 32 and 64 (staged in shared
// memory), 160 (too big to stage: read from the buffer), all queries and the last-layer 8-row mode
// with its x → x8 gather for every seat, random key-padding masks, a GPU-side world count below the
// capacity and a world_base offset, fp32 and fp16.
#include <doctest/doctest.h>

#include "gpu_fixture.h"
#include "kernels/check.h"
#include "kernels/registry.h"

using namespace eqvk;
using namespace eqvk::kernels;

TEST_SUITE("kernels.gpu") {
    TEST_CASE("attention: head dims, staged and unstaged, last-layer rows, masks and counts") {
        GPU_TEST(ctx);
        KernelCache cache(ctx);
        struct Case {
            uint32_t worlds, E, H, base, count;
        };
        const Case cases[] = {{3, 2, 2, 0, 3},   {5, 9, 3, 0, 4},   {4, 24, 2, 2, 5},
                              {9, 256, 8, 0, 9}, {2, 128, 2, 0, 2}, {3, 160, 1, 1, 3}};
        uint64_t seed = 21;
        for (Dtype dt : {Dtype::F32, Dtype::F16}) {
            if (dt == Dtype::F16 && !kernel_supported("attention_f16", ctx.caps())) continue;
            for (bool last : {false, true})
                for (const auto& c : cases) {
                    AttentionArgs a{c.worlds, c.E, c.H, c.base, last, dt};
                    CheckResult r = check_attention(ctx, cache, a, c.count, seed++);
                    INFO(dtype_name(dt), " worlds=", c.worlds, " E=", c.E, " H=", c.H,
                         " base=", c.base, " count=", c.count, " last=", last, ": ", r.summary());
                    CHECK(r.ok);
                }
        }
    }
}
