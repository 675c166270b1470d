// oracle_heads against oracle_heads_ref: E of 1, 24, 256 and 1000, a world_base offset, a GPU-side
// world count below the capacity (outputs of the other worlds untouched), fp32 and fp16 inputs.
#include <doctest/doctest.h>

#include "gpu_fixture.h"
#include "kernels/check.h"
#include "kernels/registry.h"

using namespace eqvk;
using namespace eqvk::kernels;

TEST_SUITE("kernels.gpu") {
    TEST_CASE("oracle_heads: widths, offsets and counts, fp32 and fp16") {
        GPU_TEST(ctx);
        KernelCache cache(ctx);
        struct Case {
            uint32_t worlds, base, E, count;
        };
        const Case cases[] = {{1, 0, 1, 1}, {7, 3, 24, 8}, {33, 0, 256, 33}, {5, 0, 1000, 2}};
        uint64_t seed = 31;
        for (Dtype dt : {Dtype::F32, Dtype::F16}) {
            if (dt == Dtype::F16 && !kernel_supported("oracle_heads_f16", ctx.caps())) continue;
            for (const auto& c : cases) {
                CheckResult r =
                    check_oracle_heads(ctx, cache, {c.worlds, c.base, c.E, dt}, c.count, seed++);
                INFO(dtype_name(dt), " worlds=", c.worlds, " base=", c.base, " E=", c.E,
                     " count=", c.count, ": ", r.summary());
                CHECK(r.ok);
            }
        }
    }
}
