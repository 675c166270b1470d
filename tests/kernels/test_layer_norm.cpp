// layer_norm against layer_norm_ref (double statistics): C of 1, 24, 100, 256 and 1000 (strided
// channel loops, workgroup sizes 32..256), with and without the residual, rows per world 32 and 8,
// a GPU-side world count below the capacity, fp32 and fp16.
#include <doctest/doctest.h>

#include "gpu_fixture.h"
#include "kernels/check.h"
#include "kernels/registry.h"

using namespace eqvk;
using namespace eqvk::kernels;

TEST_SUITE("kernels.gpu") {
    TEST_CASE("layer_norm: shapes, residual on/off, world count, fp32 and fp16") {
        GPU_TEST(ctx);
        KernelCache cache(ctx);
        struct Case {
            uint32_t rows, C, rows_per_world, count;
            bool residual;
        };
        const Case cases[] = {{32, 1, 32, 1, true},   {96, 24, 32, 3, true},
                              {64, 100, 8, 5, false}, {256, 256, 32, 5, true},
                              {40, 1000, 8, 5, true}, {64, 256, 32, 1, false}};
        uint64_t seed = 11;
        for (Dtype dt : {Dtype::F32, Dtype::F16}) {
            if (dt == Dtype::F16 && !kernel_supported("layer_norm_f16", ctx.caps())) continue;
            for (const auto& c : cases) {
                LayerNormArgs a{c.rows, c.C, c.rows_per_world, 0, 1e-5f, c.residual, dt};
                CheckResult r = check_layer_norm(ctx, cache, a, c.count, seed++);
                INFO(dtype_name(dt), " rows=", c.rows, " C=", c.C, " per world=", c.rows_per_world,
                     " count=", c.count, " residual=", c.residual, ": ", r.summary());
                CHECK(r.ok);
            }
        }
    }
}
