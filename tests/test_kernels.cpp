// kernels: the registry (every row has embedded SPIR-V and a pipeline builds on this device), the
// host fp16 conversion, and the ceiling shaders. Per-kernel tests live in
// tests/kernels/test_<kernel>.cpp.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "eqvk_kernel_shaders_spirv.h"
#include "gpu_fixture.h"
#include "kernels/ceilings.h"
#include "kernels/registry.h"
#include "vk/buffer.h"
#include "vk/program.h"

using namespace eqvk;
using namespace eqvk::kernels;

TEST_SUITE("kernels") {
    TEST_CASE("registry: every row has SPIR-V and a push block within 128 bytes") {
        CHECK(kernel_registry().size() >= 4);
        for (const auto& k : kernel_registry()) {
            CAPTURE(k.stem);
            CHECK_FALSE(shaders::spirv(k.stem).empty());
            CHECK(k.push_bytes <= 128);
            CHECK(k.bindings >= 1);
        }
        CHECK_THROWS_AS(kernel_info("no_such_kernel"), std::out_of_range);
    }
}

TEST_SUITE("kernels.gpu") {
    TEST_CASE("registry: every supported kernel builds a pipeline") {
        GPU_TEST(ctx);
        KernelCache cache(ctx);
        for (const auto& k : kernel_registry()) {
            if (!kernel_supported(k.stem, ctx.caps())) continue;
            CAPTURE(k.stem);
            CHECK_NOTHROW(cache.get(k.stem, {{0, 64}}));
        }
    }

    TEST_CASE("ceilings: bench_copy copies, bench_fma writes every invocation") {
        GPU_TEST(ctx);
        KernelCache cache(ctx);
        const size_t bytes = 1 << 16;
        std::vector<float> src(bytes / 4);
        for (size_t i = 0; i < src.size(); ++i) src[i] = float(i) * 0.5f;
        vk::Buffer s(ctx, bytes, vk::MemoryKind::DeviceLocal, "src"),
            d(ctx, bytes, vk::MemoryKind::DeviceLocal, "dst");
        vk::Buffer out(ctx, 4 * 256 * 4, vk::MemoryKind::DeviceLocal, "fma_out");
        ctx.upload(s, src.data(), bytes);
        vk::Program prog(ctx, "ceilings");
        prog.fill(out, 0x7FC00000u);
        CHECK(bench_copy(cache, prog, s, d, bytes) == doctest::Approx(2.0 * bytes));
        CHECK(bench_fma(cache, prog, out, 4, 10) == doctest::Approx(4.0 * 256 * 10 * 64));
        prog.run();
        std::vector<float> got(src.size()), fma(4 * 256);
        ctx.download(d, got.data(), bytes);
        ctx.download(out, fma.data(), fma.size() * 4);
        CHECK(std::memcmp(got.data(), src.data(), bytes) == 0);
        for (float f : fma) REQUIRE(std::isfinite(f));
    }
}
