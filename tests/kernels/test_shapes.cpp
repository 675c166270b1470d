// The per-device choice of kernel shapes (ARCHITECTURE decision 11), from capability structs of a
// lavapipe-, an NVIDIA-, an AMD- and an Intel-like device: attention takes the subgroup shape on CPU
// devices with ballot and a subgroup size dividing 8, the query-row shape on other CPU devices, the
// shared-memory shape on GPUs; LayerNorm takes the subgroup shape wherever subgroup arithmetic exists and C fits,
// the workgroup tree elsewhere; the environment switches force either. (GEMM's choice: test_gemm.cpp.)
#include <doctest/doctest.h>

#include <cstdlib>
#include <stdexcept>

#include "kernels/attention.h"
#include "kernels/layer_norm.h"
#include "vk/capabilities.h"

using namespace eqvk;
using namespace eqvk::kernels;

namespace {

vk::Capabilities device(VkPhysicalDeviceType type, uint32_t subgroup, bool arithmetic) {
    vk::Capabilities c;
    c.type = type;
    c.subgroup_size = subgroup;
    c.subgroup_arithmetic = arithmetic;
    c.subgroup_ballot = arithmetic;
    return c;
}

}  // namespace

TEST_SUITE("kernels") {
    TEST_CASE("kernel shapes: CPU shapes on lavapipe, GPU shapes elsewhere; switches force them") {
        unsetenv("EQVK_ATTENTION");
        unsetenv("EQVK_LAYER_NORM");
        const auto lavapipe = device(VK_PHYSICAL_DEVICE_TYPE_CPU, 8, true);
        const auto nvidia = device(VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU, 32, true);
        const auto amd = device(VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU, 64, true);
        const auto intel = device(VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU, 16, true);
        const auto old_gpu = device(VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU, 32, false);
        auto lavapipe_sse = lavapipe;  // 128-bit SIMD: 4 lanes
        lavapipe_sse.subgroup_size = 4;
        auto cpu_no_ballot = lavapipe;
        cpu_no_ballot.subgroup_ballot = false;
        auto cpu_wide = lavapipe;  // a CPU driver with 16 lanes: 8 query rows do not split
        cpu_wide.subgroup_size = 16;
        for (uint32_t D : {16u, 32u, 64u}) {
            CHECK(attention_shape(lavapipe, D) == AttentionShape::Subgroup);
            CHECK(attention_shape(lavapipe_sse, D) == AttentionShape::Subgroup);
            CHECK(attention_shape(cpu_no_ballot, D) == AttentionShape::Rows);
            CHECK(attention_shape(cpu_wide, D) == AttentionShape::Rows);
            for (const auto& gpu : {nvidia, amd, intel})
                CHECK(attention_shape(gpu, D) == AttentionShape::Shared);
        }
        CHECK(attention_shape(lavapipe, 160) == AttentionShape::Shared);  // too wide for registers
        for (uint32_t C : {64u, 256u}) {
            for (const auto& d : {lavapipe, nvidia, amd, intel})
                CHECK(layer_norm_shape(d, C) == LayerNormShape::Subgroup);
            CHECK(layer_norm_shape(old_gpu, C) == LayerNormShape::Tree);
        }
        CHECK(layer_norm_shape(lavapipe, 8 * 32 + 1) ==
              LayerNormShape::Tree);  // C > 32 lanes' worth

        setenv("EQVK_ATTENTION", "shared", 1);
        setenv("EQVK_LAYER_NORM", "tree", 1);
        CHECK(attention_shape(lavapipe, 32) == AttentionShape::Shared);
        CHECK(layer_norm_shape(lavapipe, 64) == LayerNormShape::Tree);
        setenv("EQVK_ATTENTION", "subgroup", 1);
        CHECK(attention_shape(lavapipe, 32) == AttentionShape::Subgroup);
        CHECK_THROWS_AS(attention_shape(nvidia, 32), std::invalid_argument);  // 32 lanes
        CHECK_THROWS_AS(attention_shape(cpu_no_ballot, 32), std::invalid_argument);
        CHECK_THROWS_AS(attention_shape(lavapipe, 128), std::invalid_argument);
        setenv("EQVK_ATTENTION", "rows", 1);
        setenv("EQVK_LAYER_NORM", "subgroup", 1);
        CHECK(attention_shape(nvidia, 32) == AttentionShape::Rows);
        CHECK(layer_norm_shape(nvidia, 256) == LayerNormShape::Subgroup);
        CHECK_THROWS_AS(attention_shape(nvidia, 160), std::invalid_argument);
        CHECK_THROWS_AS(layer_norm_shape(old_gpu, 64), std::invalid_argument);
        setenv("EQVK_ATTENTION", "fast", 1);
        CHECK_THROWS_AS(attention_shape(nvidia, 32), std::invalid_argument);
        unsetenv("EQVK_ATTENTION");
        unsetenv("EQVK_LAYER_NORM");
    }
}
