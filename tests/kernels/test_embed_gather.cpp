// embed_gather against embed_gather_ref: odd world counts, D_in of 1, 85 and 357 (the oracle's
// sizes), out-of-range token values clamped, a GPU-side count below the capacity, fp32 and fp16.
#include <doctest/doctest.h>

#include "gpu_fixture.h"
#include "kernels/check.h"
#include "kernels/registry.h"

using namespace eqvk;
using namespace eqvk::kernels;

TEST_SUITE("kernels.gpu") {
    TEST_CASE("embed_gather: shapes, clamping and the world count, fp32 and fp16") {
        GPU_TEST(ctx);
        KernelCache cache(ctx);
        struct Case {
            uint32_t worlds, d_in, count;
        };
        const Case cases[] = {{1, 1, 1}, {3, 85, 3}, {7, 357, 5}, {33, 175, 33}, {5, 13, 0}};
        uint64_t seed = 1;
        for (Dtype dt : {Dtype::F32, Dtype::F16}) {
            if (dt == Dtype::F16 && !kernel_supported("embed_gather_f16", ctx.caps())) continue;
            for (const auto& c : cases) {
                CheckResult r =
                    check_embed_gather(ctx, cache, dt, c.worlds, c.d_in, c.count, seed++);
                INFO(dtype_name(dt), " worlds=", c.worlds, " d_in=", c.d_in, " count=", c.count,
                     ": ", r.summary());
                CHECK(r.ok);
            }
        }
    }
}
