// GEMM family: the tile table and selection rule (CPU), and on the GPU against gemm_ref /
// gemm_batched_ref (double accumulation) with NaN-poisoned outputs: the full M×N×K grid
// with the automatic choice, every configuration forced in turn on a representative subset of that
// grid (the full grid per forced configuration would take minutes on lavapipe), every epilogue on
// both paths (direct and split-K reduce), fp32 and fp16, and batched attention shapes with each
// operand layout.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <numeric>
#include <string>
#include <vector>

#include "gpu_fixture.h"
#include "kernels/dispatch_args.h"
#include "kernels/gemm.h"
#include "kernels/gemm_rows.h"
#include "kernels/gemm_tiles.h"
#include "kernels/ref/gemm_ref.h"
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
    INFO("gemm ", plan.choice.name(), " ", std::string(dtype_name(plan.dtype)), " ",
         plan.epilogue.name(), " M=", plan.M, " N=", plan.N, " K=", plan.K, ": ", r.summary());
    REQUIRE(r.ok);
}

// The rows family's grid (every epilogue on every shape, both dtypes).
const uint32_t ROWS_M[] = {1, 7, 8, 33, 300};
const uint32_t ROWS_N[] = {3, 64, 100, 257};
const uint32_t ROWS_K[] = {1, 3, 64, 100, 257};

// Capability structs shaped like real devices' (limits as their drivers report them).
vk::Capabilities caps_like(VkPhysicalDeviceType type, uint32_t vendor, uint32_t smem,
                           uint32_t ubo_range, uint64_t ubo_align) {
    vk::Capabilities c;
    c.type = type;
    c.vendor_id = vendor;
    c.max_shared_memory = smem;
    c.max_workgroup_invocations = 1024;
    c.max_workgroup_size = {1024, 1024, 64};
    c.max_uniform_buffer_range = ubo_range;
    c.min_uniform_buffer_offset_alignment = ubo_align;
    c.storage_buffer_16bit = true;
    return c;
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

TEST_SUITE("kernels") {
    TEST_CASE("gemm rows: the automatic choice is the rows family on CPU devices only") {
        unsetenv("EQVK_GEMM_TILE");
        const auto lavapipe = caps_like(VK_PHYSICAL_DEVICE_TYPE_CPU, 0x10005, 32768, 65536, 16);
        const auto nvidia =
            caps_like(VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU, 0x10de, 49152, 65536, 64);
        const auto amd =
            caps_like(VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU, 0x1002, 65536, 0xFFFFFFFFu, 16);
        const auto intel =
            caps_like(VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU, 0x8086, 65536, 134217728, 64);
        const std::pair<uint32_t, uint32_t> oracle_nk[] = {
            {256, 357}, {768, 256}, {256, 256}, {512, 256}, {256, 512}};
        for (Dtype dt : {Dtype::F32, Dtype::F16})
            for (uint32_t M : {1u, 8u, 32u, 512u, 131072u})
                for (auto [N, K] : oracle_nk) {
                    CAPTURE(M);
                    CAPTURE(N);
                    CAPTURE(K);
                    auto cpu = plan_gemm(GemmDevice::from_caps(lavapipe), M, N, K, dt);
                    CHECK(cpu.choice.rows);
                    CHECK(cpu.workspace_bytes() == 0);
                    for (const auto& gpu_caps : {nvidia, amd, intel}) {
                        auto gpu = plan_gemm(GemmDevice::from_caps(gpu_caps), M, N, K, dt);
                        CHECK_FALSE(gpu.choice.rows);
                        CHECK(gpu.choice.tile.name.substr(0, 4) != "rows");
                    }
                }
        // K too long for one 64 KiB uniform binding: the tiled family, also on the CPU.
        auto cpu = GemmDevice::from_caps(lavapipe);
        CHECK_FALSE(plan_gemm(cpu, 512, 256, 20000, Dtype::F32).choice.rows);
        CHECK_THROWS_AS(plan_gemm(cpu, 512, 256, 20000, Dtype::F32, {}, "rows"), InputError);
        // Batched GEMMs (attention) never use the family, even forced.
        BatchedGemmDesc d{12, 32, 32, 16};
        CHECK_FALSE(plan_gemm_batched(cpu, d).choice.rows);
        CHECK_FALSE(plan_gemm_batched(cpu, d, "rows").choice.rows);
        // Forced by name, on any device.
        auto gpu = GemmDevice::from_caps(nvidia);
        CHECK(plan_gemm(gpu, 512, 256, 256, Dtype::F32, {}, "rows").choice.name() == "rows8x32");
        for (const auto& t : gemm_rows_table()) {
            auto p = plan_gemm(gpu, 512, 256, 256, Dtype::F16, {}, t.name);
            CHECK(p.choice.rows);
            CHECK(p.choice.name() == t.name);
            CHECK(t.workgroup_size() * t.tm == t.bm);
            CHECK(t.bn == t.tn);
        }
        CHECK_FALSE(plan_gemm(cpu, 512, 256, 256, Dtype::F32, {}, "medium").choice.rows);
        CHECK_THROWS_AS(plan_gemm(cpu, 512, 256, 256, Dtype::F32, {}, "rows3x3"), InputError);
    }

    TEST_CASE("gemm rows: W slices fit the uniform range, start aligned, and prefer whole tiles") {
        for (uint32_t align : {1u, 16u, 64u, 256u})
            for (uint32_t range : {16384u, 65536u, 0xFFFFFFFFu})
                for (size_t eb : {size_t(2), size_t(4)})
                    for (uint32_t K = 1; K <= 20000; K = K * 3 / 2 + 1) {
                        GemmDevice dev;
                        dev.max_uniform_range = range;
                        dev.uniform_align = align;
                        const uint32_t s = gemm_rows_slice(dev, K, eb, 32);
                        const uint64_t row = uint64_t(K) * eb, cap = std::min(range, 65536u);
                        CAPTURE(K);
                        CAPTURE(eb);
                        CAPTURE(align);
                        CAPTURE(range);
                        if (s == 0) {  // only when not even one aligned step of rows fits
                            CHECK(row * (align / std::gcd(uint64_t(align), row)) > cap);
                            continue;
                        }
                        CHECK(uint64_t(s) * row <= cap);
                        CHECK(uint64_t(s) * row % align == 0);
                        if (uint64_t(32) * row * 2 <= cap && align <= 16) CHECK(s % 32 == 0);
                    }
        GemmDevice lavapipe;
        lavapipe.max_uniform_range = 65536;
        lavapipe.uniform_align = 16;
        CHECK(gemm_rows_slice(lavapipe, 256, 4, 32) == 64);   // 12 dispatches for N = 768
        CHECK(gemm_rows_slice(lavapipe, 256, 2, 32) == 128);  // fp16: half as many
        CHECK(gemm_rows_slice(lavapipe, 357, 4, 32) == 32);   // 45 fit; whole 32-column tiles
        CHECK(gemm_rows_slice(lavapipe, 16384, 4, 32) == 1);  // one row per binding
        CHECK(gemm_rows_slice(lavapipe, 16385, 4, 32) == 0);  // too long: tiled family
        CHECK(gemm_rows_usable(lavapipe, 16384));
        CHECK_FALSE(gemm_rows_usable(lavapipe, 16385));
    }

    TEST_CASE("gemm rows: A windows only where every dispatch keeps the threads busy") {
        GemmDevice dev = GemmDevice::make(2, 32768, 1024, 1024, true);
        dev.max_uniform_range = 65536;
        dev.uniform_align = 16;
        auto plan = [&](uint32_t M, uint32_t N, uint32_t K, Dtype dt) {
            return plan_gemm(dev, M, N, K, dt, {true, false, false});
        };
        // fp32 K = 256, rows8x32: 64-row windows × 64-column slices = 2 workgroups per dispatch.
        CHECK(plan(16384, 768, 256, Dtype::F32).choice.a_window == 64);
        // fp16 K = 64: 512 rows (8 tiles) per window.
        CHECK(plan(51200, 192, 64, Dtype::F16).choice.a_window == 512);
        // fp32 K = 512: 32 rows per binding, less than one 64-row tile: A stays a storage buffer.
        CHECK(plan(16384, 256, 512, Dtype::F32).choice.a_window == 0);
        // One window holds all of M: used whatever the thread count.
        dev.compute_units = 64;
        CHECK(plan(40, 768, 256, Dtype::F32).choice.a_window >= 40);
        // 64 threads: 2 workgroups per dispatch are too few, 8 × 6 = 48 too.
        CHECK(plan(16384, 768, 256, Dtype::F32).choice.a_window == 0);
        CHECK(plan(51200, 192, 64, Dtype::F16).choice.a_window == 0);
        dev.compute_units = 48;
        CHECK(plan(51200, 192, 64, Dtype::F16).choice.a_window == 512);
        // Grids: one dispatch per (window, slice), each a window of the x grid.
        dev.compute_units = 1;
        const GemmPlan p = plan(200, 100, 256, Dtype::F32);
        REQUIRE(p.choice.a_window == 64);
        vk::Capabilities caps;
        caps.max_uniform_buffer_range = 65536;
        caps.min_uniform_buffer_offset_alignment = 16;
        const auto grids = gemm_grids(caps, p);
        REQUIRE(grids.size() == 4 * 2);  // windows 0, 64, 128, 192 × slices of 64 and 36 columns
        CHECK(grids[0].groups(200)[0] == 1);
        CHECK(grids[7].first_group == 3);
        CHECK(grids[7].groups(200)[0] == 1);
        CHECK(grids[7].groups(150)[0] == 0);  // a window past the live rows dispatches nothing
    }

    TEST_CASE("gemm rows: the LayerNorm epilogue takes the narrowest whole-row tile") {
        GemmDevice dev = GemmDevice::make(2, 32768, 1024, 1024, true);
        dev.max_uniform_range = 65536;
        dev.uniform_align = 16;
        const Epilogue ln{true, false, true, true};
        CHECK(plan_gemm(dev, 512, 64, 64, Dtype::F16, ln).choice.name() == "rows4x64");
        CHECK(plan_gemm(dev, 512, 40, 357, Dtype::F32, ln).choice.name() == "rows4x64");
        CHECK(gemm_layer_norm_usable(dev, 64, 256, Dtype::F32));
        CHECK_FALSE(gemm_layer_norm_usable(dev, 65, 64, Dtype::F16));   // wider than the tile
        CHECK_FALSE(gemm_layer_norm_usable(dev, 64, 357, Dtype::F32));  // 44 rows of W per binding
        CHECK_THROWS_AS(plan_gemm(dev, 512, 128, 64, Dtype::F16, ln), std::invalid_argument);
        GemmDevice gpu = GemmDevice::make(80, 49152, 1024, 1024, false);
        CHECK_FALSE(gemm_layer_norm_usable(gpu, 64, 64, Dtype::F16));  // GPUs keep layer_norm
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

    TEST_CASE("gemm rows: M×N×K grid, every epilogue, fp32 and fp16, every shape, slices") {
        GPU_TEST(ctx);
        KernelCache cache(ctx);
        auto dev = GemmDevice::from_caps(ctx.caps());
        uint64_t seed = 20000;
        for (Dtype dt : dtypes(ctx)) {
            // The default shape on the whole grid (alpha ≠ 1 on half of the checks). The epilogue is
            // compiled apart from the K loop (spec EPI and OUT_VEC vs VEC and A_UBO), so every
            // epilogue runs on M = 33, K = 100 with each N (scalar and vector epilogue) and the
            // rest of the grid runs bias + ReLU + residual: each pipeline variant lavapipe
            // compiles costs seconds on a cold cache, and every one of the 8 × 2 × 3 × 2 crossings
            // would be ~100 of them per dtype.
            for (uint32_t M : ROWS_M)
                for (uint32_t N : ROWS_N)
                    for (uint32_t K : ROWS_K)
                        for (uint32_t bits = M == 33 && K == 100 ? 0 : 7; bits < 8; ++bits) {
                            Epilogue e{(bits & 1) != 0, (bits & 2) != 0, (bits & 4) != 0};
                            auto p = plan_gemm(dev, M, N, K, dt, e, "rows");
                            if ((M + N + K + bits) % 2) p.alpha = -0.375f;
                            check(ctx, cache, p, seed++);
                        }
            // Every shape of the family on a subset (K % 4 = 0 and ≠ 0, partial row and column
            // tiles), bias + ReLU + residual.
            for (const auto& t : gemm_rows_table())
                for (uint32_t M : {7u, 300u})
                    for (uint32_t N : {3u, 257u})
                        for (uint32_t K : {3u, 100u})
                            check(ctx, cache,
                                  plan_gemm(dev, M, N, K, dt, {true, true, true}, t.name), seed++);
            // W of 1 or 3 elements (fp16: 2 or 6 bytes, less than one 32-bit word or not a whole
            // number of them): the slice's binding must still cover the words the shader reads.
            for (const auto& t : gemm_rows_table())
                for (uint32_t N : {1u, 3u})
                    check(ctx, cache, plan_gemm(dev, 1, N, 1, dt, {true, false, true}, t.name),
                          seed++);
            // W far over one 64 KiB uniform binding: many slices, with K % 4 = 0 and ≠ 0.
            for (uint32_t K : {256u, 357u, 1000u}) {
                auto p = plan_gemm(dev, 130, 768, K, dt, {true, false, true}, "rows");
                uint32_t slice = gemm_rows_slice(dev, K, dtype_bytes(dt), p.choice.tile.tn);
                CHECK(slice < 768);
                check(ctx, cache, p, seed++);
            }
        }
    }

    TEST_CASE("gemm rows: the LayerNorm epilogue on the oracles' shapes, fp32 and fp16") {
        GPU_TEST(ctx);
        KernelCache cache(ctx);
        auto dev = GemmDevice::from_caps(ctx.caps());
        dev.forced.clear();
        uint64_t seed = 30000;
        for (Dtype dt : dtypes(ctx))
            for (uint32_t M : {8u, 64u, 256u})
                for (auto [N, K] : {std::pair{24u, 24u}, {24u, 32u}, {64u, 64u}, {64u, 128u}})
                    check(ctx, cache, plan_gemm(dev, M, N, K, dt, {true, false, true, true}),
                          seed++);
    }

    TEST_CASE("gemm rows: operands at offsets; misaligned W throws") {
        GPU_TEST(ctx);
        KernelCache cache(ctx);
        auto dev = GemmDevice::from_caps(ctx.caps());
        const uint32_t M = 9, N = 40, K = 12;
        std::vector<float> a(size_t(M) * K), w(size_t(N) * K), want(size_t(M) * N);
        for (size_t i = 0; i < a.size(); ++i) a[i] = float(int(i % 7) - 3) * 0.25f;
        for (size_t i = 0; i < w.size(); ++i) w[i] = float(int(i % 5) - 2) * 0.5f;
        gemm_ref(M, N, K, a.data(), w.data(), nullptr, nullptr, want.data(), {}, 1.0f);
        const size_t off = 1024;  // a multiple of every minUniform/StorageBufferOffsetAlignment
        vk::Buffer ba(ctx, off + a.size() * 4, vk::MemoryKind::DeviceLocal, "a");
        vk::Buffer bw(ctx, off + w.size() * 4, vk::MemoryKind::DeviceLocal, "w");
        vk::Buffer bc(ctx, off + want.size() * 4, vk::MemoryKind::DeviceLocal, "c");
        ctx.upload(ba, a.data(), a.size() * 4, off);
        ctx.upload(bw, w.data(), w.size() * 4, off);
        auto plan = plan_gemm(dev, M, N, K, Dtype::F32, {}, "rows");
        vk::Program prog(ctx, "rows at offsets");
        gemm(cache, prog, plan, BufferView(ba, off), BufferView(bw, off), {}, {},
             BufferView(bc, off));
        prog.run();
        std::vector<float> got(want.size());
        ctx.download(bc, got.data(), got.size() * 4, off);
        for (size_t i = 0; i < got.size(); ++i) CHECK(got[i] == doctest::Approx(want[i]));
        vk::Program bad(ctx, "rows misaligned");
        if (ctx.caps().min_uniform_buffer_offset_alignment > 4) {
            CHECK_THROWS_AS(gemm(cache, bad, plan, BufferView(ba, off), BufferView(bw, off + 4), {},
                                 {}, BufferView(bc, off)),
                            std::invalid_argument);
            // A through a uniform window (one window holds these 9 rows) needs the same alignment.
            REQUIRE(plan.choice.a_window > 0);
            CHECK_THROWS_AS(gemm(cache, bad, plan, BufferView(ba, off + 4), BufferView(bw, off), {},
                                 {}, BufferView(bc, off)),
                            std::invalid_argument);
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
        const std::vector<BufferView> one_view{BufferView(big)};
        CHECK(gemm_grids(ctx.caps(), sk).size() == 2);  // partials and reduce
        CHECK_THROWS_AS(gemm(cache, prog, sk, a, a, {}, {}, big, big, one_view),
                        std::invalid_argument);  // one indirect grid for two dispatches
    }

    TEST_CASE(
        "CountGrids: equal entries share a view, each record starts a new group, full throws") {
        GPU_TEST(ctx);
        CountGrids grids(ctx, 10, "grids");  // rounded up to two groups of 8
        BufferView a = grids.add({32, 64, 2, 1}), b = grids.add({8, 64, 2, 1});
        CHECK(grids.add({32, 64, 2, 1}).offset == a.offset);
        CHECK(b.offset == a.offset + 12);
        CHECK_THROWS_AS(grids.add({0, 64, 1, 1}), std::invalid_argument);
        CHECK_THROWS_AS(grids.add({1, 65536, 1, 1}), std::invalid_argument);
        KernelCache cache(ctx);
        vk::Program prog(ctx, "grids");
        vk::Buffer count(ctx, 4, vk::MemoryKind::DeviceLocal, "count");
        grids.record(cache, prog, count, 0, 4);
        CHECK(prog.size() == 1);
        BufferView c = grids.add({32, 64, 2, 1});  // a new record: a new group, not a's view
        CHECK(c.offset > a.offset);
        CHECK(c.offset % std::max<uint64_t>(ctx.caps().min_storage_buffer_offset_alignment, 4) ==
              0);
        for (uint32_t i = 1; i < 8; ++i) grids.add({i, 1, 1, 1});
        CHECK_THROWS_AS(grids.add({9, 1, 1, 1}), std::invalid_argument);  // both groups used
    }

    TEST_CASE("gemm_batched: attention shapes, every operand layout, interleaved heads") {
        GPU_TEST(ctx);
        KernelCache cache(ctx);
        auto dev = GemmDevice::from_caps(ctx.caps());
        uint64_t seed = 9000;
        auto run = [&](const BatchedGemmDesc& d, std::string_view cfg) {
            auto plan = plan_gemm_batched(dev, d, cfg);
            CheckResult r = check_gemm_batched(ctx, cache, plan, seed++);
            INFO("gemm_batched ", plan.choice.name(), " ", std::string(dtype_name(d.dtype)),
                 " batch=", d.batch, " M=", d.M, " N=", d.N, " K=", d.K, " trans_a=", d.trans_a,
                 " trans_b=", d.trans_b, " heads=", d.heads, ": ", r.summary());
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
