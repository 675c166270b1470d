// GEMM family: the tile table and selection rule (CPU), and on the GPU against gemm_ref /
// gemm_batched_ref (double accumulation) with NaN-poisoned outputs: the full M×N×K grid
// with the automatic choice, every configuration forced in turn on a representative subset of that
// grid (the full grid per forced configuration would take minutes on lavapipe), every epilogue on
// both paths (direct and split-K reduce), fp32 and fp16, and batched attention shapes with each
// operand layout.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "gpu_fixture.h"
#include "kernels/gemm.h"
#include "kernels/gemm_tiles.h"
#include "kernels/registry.h"
#include "util/error.h"
#include "vk/buffer.h"
#include "vk/capabilities.h"
#include "vk/program.h"

using namespace eqvk;
using namespace eqvk::kernels;

namespace {

const uint32_t GRID_M[] = {1, 2, 7, 16, 33, 128, 1000};
const uint32_t GRID_NK[] = {1, 3, 64, 100, 256, 357, 512};
// The subset each forced configuration runs: 1, odd, tile-sized and a non-multiple of every tile.
const uint32_t SUB_M[] = {1, 7, 33, 128};
const uint32_t SUB_N[] = {3, 64, 357};
const uint32_t SUB_K[] = {1, 100, 512};

void check(vk::Context& ctx, KernelCache& cache, const GemmPlan& plan, uint64_t seed) {
    CheckResult r = check_gemm(ctx, cache, plan, seed);
    INFO("gemm ", plan.choice.name(), " ", std::string(dtype_name(plan.dtype)), " ", plan.epilogue.name(),
         " M=", plan.M, " N=", plan.N, " K=", plan.K, ": ", r.summary());
    REQUIRE(r.ok);
}

std::vector<Dtype> dtypes(const vk::Context& ctx) {
    std::vector<Dtype> d = {Dtype::F32};
    if (ctx.caps().storage_buffer_16bit) d.push_back(Dtype::F16);
    return d;
}

}  // namespace

TEST_SUITE("kernels") {
    TEST_CASE("gemm tiles: configurations over the device's limits are dropped") {
        auto all = GemmDevice::make(8, 48 * 1024, 1024, 1024);
        CHECK(all.tiles.size() == gemm_tile_table().size());
        CHECK(gemm_tile_table().size() >= 4);
        auto small_smem = GemmDevice::make(8, 8 * 1024, 1024, 1024);
        for (const auto& t : small_smem.tiles) CHECK(t.shared_bytes() <= 8 * 1024);
        CHECK(small_smem.tiles.size() < all.tiles.size());
        auto few_inv = GemmDevice::make(8, 48 * 1024, 128, 128);
        for (const auto& t : few_inv.tiles) CHECK(t.workgroup_size() <= 128);
        CHECK_FALSE(few_inv.tiles.empty());
        auto none = GemmDevice::make(8, 1024, 64, 64);
        CHECK(none.tiles.empty());
        CHECK_THROWS_AS(choose_gemm(none, 4, 4, 4), Error);
        for (const auto& t : gemm_tile_table()) {  // the shader's invariants
            CHECK(t.bm % t.tm == 0);
            CHECK(t.bn % t.tn == 0);
        }
    }

    TEST_CASE("gemm tiles: forced names, split-K slices cover K exactly once") {
        auto dev = GemmDevice::make(16, 32768, 1024, 1024);
        CHECK(choose_gemm(dev, 1000, 1000, 1000, 1, "small").name() == "small");
        auto c = parse_gemm_choice(dev, "medium/sk4", 357);
        CHECK(c.splits == 4);
        CHECK(c.k_split % c.tile.bk == 0);
        CHECK(c.k_split * c.splits >= 357);
        CHECK(c.k_split * (c.splits - 1) < 357);
        auto short_k = parse_gemm_choice(dev, "medium/sk8", 20);  // 2 K-steps: at most 2 slices
        CHECK(short_k.splits == 2);
        CHECK(parse_gemm_choice(dev, "skinny/sk4", 1).splits == 1);
        CHECK_THROWS_AS(parse_gemm_choice(dev, "huge", 64), InputError);
        CHECK_THROWS_AS(parse_gemm_choice(dev, "medium/x4", 64), InputError);
        CHECK_THROWS_AS(parse_gemm_choice(dev, "medium/sk0", 64), InputError);
        dev.forced = "small/sk2";
        CHECK(choose_gemm(dev, 4096, 768, 256).name() == "small/sk2");
        CHECK(choose_gemm(dev, 4096, 768, 256, 1, "large").name() ==
              "large");  // explicit beats environment
    }

    TEST_CASE("gemm tiles: EQVK_GEMM_TILE and EQVK_GEMM_CUS are read at start-up") {
        vk::Capabilities caps;
        caps.type = VK_PHYSICAL_DEVICE_TYPE_CPU;
        caps.max_shared_memory = 32768;
        caps.max_workgroup_invocations = 1024;
        caps.max_workgroup_size = {1024, 1024, 64};
        setenv("EQVK_GEMM_TILE", "wide/sk2", 1);
        setenv("EQVK_GEMM_CUS", "7", 1);
        auto dev = GemmDevice::from_caps(caps);
        CHECK(dev.forced == "wide/sk2");
        CHECK(dev.compute_units == 7);
        CHECK(dev.cpu);
        CHECK_FALSE(dev.nv_coopmat);
        CHECK(plan_gemm(dev, 64, 64, 512, Dtype::F32).choice.name() == "wide/sk2");
        setenv("EQVK_GEMM_CUS", "many", 1);
        CHECK_THROWS_AS(GemmDevice::from_caps(caps), InputError);
        unsetenv("EQVK_GEMM_TILE");
        unsetenv("EQVK_GEMM_CUS");
        CHECK(GemmDevice::from_caps(caps).forced.empty());
    }

    TEST_CASE("gemm tiles: the rule fills the machine and prefers big tiles for big grids") {
        auto gpu = GemmDevice::make(160, 49152, 1024, 1024);
        // M = 1: the skinny tile; small M·N with long K: split-K to reach a full wave.
        CHECK(choose_gemm(gpu, 1, 256, 64).tile.name == "skinny");
        CHECK(choose_gemm(gpu, 1, 256, 357).tile.bm <= 32);
        auto sk = choose_gemm(gpu, 32, 256, 4096);
        CHECK(sk.splits > 1);
        // A big grid: a 128-row tile (large or wide), no split.
        auto big = choose_gemm(gpu, 65536, 768, 256);
        CHECK(big.tile.bm == 128);
        CHECK(big.splits == 1);
        // Batched GEMMs never split K.
        CHECK(choose_gemm(gpu, 32, 32, 4096, 16).splits == 1);
        // Every oracle shape gets a configuration on a CPU device with 2 threads.
        auto cpu = GemmDevice::make(2, 32768, 1024, 1024, true);
        for (uint32_t worlds : {1u, 64u, 4096u, 65536u})
            for (auto [n, k] :
                 {std::pair{256u, 357u}, {768u, 256u}, {256u, 256u}, {512u, 256u}, {256u, 512u}})
                CHECK_FALSE(choose_gemm(cpu, 32 * worlds, n, k).tile.name.empty());
    }
}

TEST_SUITE("kernels.gpu") {
    TEST_CASE("gemm: full M×N×K grid, automatic configuration, fp32 and fp16, bias + residual") {
        GPU_TEST(ctx);
        KernelCache cache(ctx);
        auto dev = GemmDevice::from_caps(ctx.caps());
        dev.forced.clear();  // this case tests the automatic rule even under EQVK_GEMM_TILE
        uint64_t seed = 1;
        for (Dtype dt : dtypes(ctx))
            for (uint32_t M : GRID_M)
                for (uint32_t N : GRID_NK)
                    for (uint32_t K : GRID_NK)
                        check(ctx, cache, plan_gemm(dev, M, N, K, dt, {true, false, true}), seed++);
    }

    TEST_CASE("gemm: every configuration forced in turn (grid subset), with and without split-K") {
        GPU_TEST(ctx);
        KernelCache cache(ctx);
        auto dev = GemmDevice::from_caps(ctx.caps());
        std::vector<std::string> configs;
        for (const auto& t : dev.tiles) configs.emplace_back(t.name);
        configs.push_back("medium/sk4");
        configs.push_back("skinny/sk3");
        uint64_t seed = 1000;
        for (const auto& cfg : configs)
            for (Dtype dt : dtypes(ctx))
                for (uint32_t M : SUB_M)
                    for (uint32_t N : SUB_N)
                        for (uint32_t K : SUB_K)
                            check(ctx, cache, plan_gemm(dev, M, N, K, dt, {true, true, false}, cfg),
                                  seed++);
        // One large shape per dtype for the big tiles (many workgroups, many K-steps).
        for (Dtype dt : dtypes(ctx)) {
            check(ctx, cache, plan_gemm(dev, 1000, 512, 357, dt, {true, false, true}, "large"),
                  seed++);
            check(ctx, cache, plan_gemm(dev, 1000, 512, 357, dt, {true, false, true}, "wide"),
                  seed++);
        }
    }

    TEST_CASE("gemm: every epilogue, direct and split-K, fp32 and fp16, alpha") {
        GPU_TEST(ctx);
        KernelCache cache(ctx);
        auto dev = GemmDevice::from_caps(ctx.caps());
        uint64_t seed = 5000;
        for (Dtype dt : dtypes(ctx))
            for (uint32_t bits = 0; bits < 8; ++bits)
                for (const char* cfg : {"medium", "small/sk4"}) {
                    Epilogue e{(bits & 1) != 0, (bits & 2) != 0, (bits & 4) != 0};
                    check(ctx, cache, plan_gemm(dev, 33, 100, 357, dt, e, cfg), seed++);
                    auto p = plan_gemm(dev, 7, 64, 256, dt, e, cfg);
                    p.alpha = -0.375f;
                    check(ctx, cache, p, seed++);
                }
    }

    TEST_CASE("gemm: size checks throw std::invalid_argument") {
        GPU_TEST(ctx);
        KernelCache cache(ctx);
        auto dev = GemmDevice::from_caps(ctx.caps());
        CHECK_THROWS_AS(plan_gemm(dev, 0, 4, 4, Dtype::F32), std::invalid_argument);
        vk::Buffer small(ctx, 64, vk::MemoryKind::DeviceLocal, "small");
        vk::Buffer big(ctx, 4096, vk::MemoryKind::DeviceLocal, "big");
        vk::Program prog(ctx, "bad");
        auto plan = plan_gemm(dev, 16, 16, 16, Dtype::F32, {true, false, false}, "small");
        CHECK_THROWS_AS(gemm(cache, prog, plan, small, big, big, {}, big),
                        std::invalid_argument);  // a too small
        CHECK_THROWS_AS(gemm(cache, prog, plan, big, big, {}, {}, big),
                        std::invalid_argument);  // bias missing
        auto sk = plan_gemm(dev, 16, 16, 256, Dtype::F32, {}, "small/sk4");
        vk::Buffer a(ctx, 16 * 256 * 4, vk::MemoryKind::DeviceLocal, "a");
        CHECK_THROWS_AS(gemm(cache, prog, sk, a, a, {}, {}, big),
                        std::invalid_argument);  // no workspace
    }

    TEST_CASE("gemm_batched: attention shapes, every operand layout, interleaved heads") {
        GPU_TEST(ctx);
        KernelCache cache(ctx);
        auto dev = GemmDevice::from_caps(ctx.caps());
        uint64_t seed = 9000;
        auto run = [&](const BatchedGemmDesc& d, std::string_view cfg) {
            auto plan = plan_gemm_batched(dev, d, cfg);
            CheckResult r = check_gemm_batched(ctx, cache, plan, seed++);
            INFO("gemm_batched ", plan.choice.name(), " ", std::string(dtype_name(d.dtype)), " batch=", d.batch,
                 " M=", d.M, " N=", d.N, " K=", d.K, " trans_a=", d.trans_a, " trans_b=", d.trans_b,
                 " heads=", d.heads, ": ", r.summary());
            REQUIRE(r.ok);
        };
        for (Dtype dt : dtypes(ctx)) {
            for (uint32_t T : {32u, 7u, 33u}) {
                const uint32_t H = 4, D = 16, B = 3;
                // Q·Kᵀ/√D and P·V on packed [B·H][T][D] tensors, then each operand transposed.
                for (bool ta : {false, true})
                    for (bool tb : {false, true}) {
                        BatchedGemmDesc qk{B * H, T, T, D, ta, tb};
                        qk.alpha = 1.0f / std::sqrt(float(D));
                        qk.dtype = dt;
                        run(qk, "");
                        BatchedGemmDesc pv{B * H, T, D, T, ta, tb};
                        pv.dtype = dt;
                        run(pv, "");
                    }
                // In place on [B][T][3·H·D] (the QKV projection's output): Q at column h·D, K at
                // H·D + h·D, V at 2·H·D + h·D; scores written to [B][H][T][T]; output to
                // [B][T][H·D].
                const uint32_t C3 = 3 * H * D;
                BatchedGemmDesc qk{B * H, T, T, D};
                qk.lda = qk.ldb = C3;
                qk.heads = H;
                qk.stride_a = qk.stride_b = T * C3;
                qk.head_stride_a = qk.head_stride_b = D;
                qk.alpha = 0.25f;
                qk.dtype = dt;
                run(qk, "");
                BatchedGemmDesc pv{B * H, T, D, T, false, true};
                pv.ldb = C3;
                pv.ldc = H * D;
                pv.heads = H;
                pv.stride_b = T * C3;
                pv.head_stride_b = D;
                pv.stride_c = T * H * D;
                pv.head_stride_c = D;
                pv.dtype = dt;
                run(pv, "");
            }
            // Every tile forced once on a batched shape.
            for (const auto& t : dev.tiles) {
                BatchedGemmDesc d{5, 33, 40, 24, false, true};
                d.dtype = dt;
                run(d, t.name);
            }
        }
    }
}
