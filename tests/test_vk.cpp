// vk: the barrier planner (CPU), device selection over fake devices (CPU), and on the GPU with
// validation on: a program replayed 1,000 times with a GPU-side counter, indirect dispatch sized by
// a kernel, exact barriers (and proof that the validation layer catches their absence),
// pipeline-cache round trip, device choice by index and name, and out-of-memory errors.
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <numeric>
#include <vector>

#include "eqvk_test_shaders_spirv.h"
#include "gpu_fixture.h"
#include "util/error.h"
#include "util/fs.h"
#include "vk/barrier_plan.h"
#include "vk/buffer.h"
#include "vk/check.h"
#include "vk/device_select.h"
#include "vk/pipeline.h"
#include "vk/program.h"

using namespace eqvk;
using namespace eqvk::vk;
namespace fs = std::filesystem;

namespace {

constexpr uint32_t POISON = 0xDEADBEEFu;

Pipeline make_pipeline(Context& ctx, const char* stem, uint32_t bindings, uint32_t push_bytes,
                       uint32_t wg = 0) {
    PipelineDesc d;
    d.name = stem;
    d.spirv = test_shaders::spirv(stem);
    d.bindings = bindings;
    d.push_constant_bytes = push_bytes;
    if (wg) d.spec.push_back({0, wg});
    return Pipeline(ctx, d);
}

std::vector<uint32_t> read_u32(Context& ctx, const Buffer& b, size_t n) {
    std::vector<uint32_t> v(n);
    ctx.download(b, v.data(), n * 4);
    return v;
}

void write_u32(Context& ctx, Buffer& b, const std::vector<uint32_t>& v) {
    ctx.upload(b, v.data(), v.size() * 4);
}

DeviceCandidate fake(uint32_t index, const char* name, VkPhysicalDeviceType type,
                     bool usable = true) {
    DeviceCandidate c;
    c.index = index;
    c.caps.name = name;
    c.caps.type = type;
    c.usable = usable;
    c.reason = usable ? "" : "Vulkan 1.1.0 < 1.2";
    return c;
}

}  // namespace

TEST_SUITE("vk") {
    TEST_CASE(
        "plan_barriers: read-after-write, write-after-read, write-after-write, and nothing else") {
        using U = ResourceUse;
        const auto C = Stage::Compute;
        // op0 writes 1; op1 reads 0 (never written: no barrier); op2 reads 1 (RAW); op3 reads 1
        // again (already visible: none); op4 writes 1 (WAR after reads + WAW); op5 reads 1 as
        // indirect args (RAW to the indirect stage); op6 reads 1 in a shader (RAW, not yet visible
        // to shaders).
        std::vector<std::vector<U>> ops = {
            {{1, C, Access::Write}},
            {{0, C, Access::Read}},
            {{1, C, Access::Read}, {2, C, Access::Write}},
            {{1, C, Access::Read}},
            {{1, C, Access::Write}},
            {{1, Stage::Indirect, Access::Read}},
            {{1, C, Access::Read}},
        };
        auto plan = plan_barriers(ops);
        std::vector<size_t> at;
        for (auto& b : plan) at.push_back(b.before_op);
        CHECK(at == std::vector<size_t>{2, 4, 5, 6});
        REQUIRE(plan[0].barriers.size() == 1);
        CHECK(plan[0].barriers[0].resource == 1);
        CHECK(plan[0].barriers[0].src_access == VK_ACCESS_SHADER_WRITE_BIT);
        CHECK(plan[0].barriers[0].dst_access == VK_ACCESS_SHADER_READ_BIT);
        CHECK(plan[1].barriers[0].dst_access == VK_ACCESS_SHADER_WRITE_BIT);
        CHECK(plan[2].barriers[0].dst_stage == VK_PIPELINE_STAGE_DRAW_INDIRECT_BIT);
        CHECK(plan[2].barriers[0].dst_access == VK_ACCESS_INDIRECT_COMMAND_READ_BIT);
        CHECK(plan[3].barriers[0].dst_stage == VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT);
    }

    TEST_CASE("plan_barriers: a uniform-buffer read needs its own access bit") {
        const Stage C = Stage::Compute, U = Stage::ComputeUniform;
        std::vector<std::vector<ResourceUse>> ops = {
            {{1, C, Access::Write}},
            {{1, U, Access::Read}},   // W of the rows GEMM written by an earlier dispatch
            {{1, U, Access::Read}},   // already visible to uniform reads: no barrier
            {{1, C, Access::Read}},   // a storage read still needs SHADER_READ
            {{1, C, Access::Write}},  // write-after-(uniform-)read
        };
        auto plan = plan_barriers(ops);
        std::vector<size_t> at;
        for (auto& b : plan) at.push_back(b.before_op);
        CHECK(at == std::vector<size_t>{1, 3, 4});
        CHECK(plan[0].barriers[0].dst_stage == VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT);
        CHECK(plan[0].barriers[0].dst_access == VK_ACCESS_UNIFORM_READ_BIT);
        CHECK(plan[1].barriers[0].dst_access == VK_ACCESS_SHADER_READ_BIT);
        CHECK(plan[2].barriers[0].src_stage == VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT);
    }

    TEST_CASE("plan_barriers: write-after-read alone is an execution dependency") {
        std::vector<std::vector<ResourceUse>> ops = {{{5, Stage::Compute, Access::Read}},
                                                     {{5, Stage::Transfer, Access::Write}}};
        auto plan = plan_barriers(ops);
        REQUIRE(plan.size() == 1);
        CHECK(plan[0].barriers[0].src_stage == VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT);
        CHECK(plan[0].barriers[0].src_access == 0);
        CHECK(plan[0].barriers[0].dst_stage == VK_PIPELINE_STAGE_TRANSFER_BIT);
    }

    TEST_CASE("plan_barriers: independent chains need no barriers") {
        std::vector<std::vector<ResourceUse>> ops;
        for (uint64_t r = 0; r < 8; ++r) ops.push_back({{r, Stage::Compute, Access::Write}});
        CHECK(plan_barriers(ops).empty());
    }

    TEST_CASE("select_device: automatic preference, index, name, and errors") {
        std::vector<DeviceCandidate> cs = {
            fake(0, "llvmpipe (LLVM 15)", VK_PHYSICAL_DEVICE_TYPE_CPU),
            fake(1, "Intel Iris Xe", VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU),
            fake(2, "NVIDIA GeForce RTX 3050", VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU),
            fake(3, "Old GPU", VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU, false)};
        CHECK(*select_device(cs, "").chosen == 2);
        CHECK(*select_device(cs, "0").chosen == 0);
        CHECK(*select_device(cs, "iris").chosen == 1);
        CHECK(*select_device(cs, "NVIDIA").chosen == 2);

        auto bad = select_device(cs, "7");
        CHECK_FALSE(bad.chosen);
        CHECK(bad.bad_choice);
        CHECK(bad.error.find("--device 7: no such device") != std::string::npos);
        CHECK(bad.error.find("llvmpipe") != std::string::npos);  // lists what exists

        auto unusable = select_device(cs, "3");
        CHECK_FALSE(unusable.chosen);
        CHECK(unusable.error.find("Vulkan 1.1.0 < 1.2") != std::string::npos);

        auto none = select_device(cs, "radeon");
        CHECK(none.bad_choice);
        CHECK(none.error.find("no device name contains it") != std::string::npos);

        std::vector<DeviceCandidate> twins = {
            fake(0, "NVIDIA H100", VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU),
            fake(1, "NVIDIA H100", VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU)};
        CHECK(select_device(twins, "h100").error.find("choose one by index") != std::string::npos);
        CHECK(*select_device(twins, "").chosen == 0);

        auto empty = select_device({}, "");
        CHECK_FALSE(empty.chosen);
        CHECK_FALSE(empty.bad_choice);
        CHECK(empty.error.find("no Vulkan device found") != std::string::npos);

        std::vector<DeviceCandidate> only_bad = {
            fake(0, "Old", VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU, false)};
        auto nothing = select_device(only_bad, "");
        CHECK_FALSE(nothing.chosen);
        CHECK(nothing.error.find("no usable Vulkan device") != std::string::npos);
    }

    TEST_CASE("unusable_reason names the missing capability") {
        Capabilities c;
        c.api_version = VK_API_VERSION_1_1;
        CHECK(unusable_reason(c).find("< 1.2") != std::string::npos);
        c.api_version = VK_API_VERSION_1_3;
        CHECK(unusable_reason(c).find("compute") != std::string::npos);
        c.compute_queue_family = 0;
        c.max_shared_memory = 32768;
        c.max_workgroup_invocations = 1024;
        CHECK(unusable_reason(c).empty());
    }
}

TEST_SUITE("vk.gpu") {
    TEST_CASE("a program recorded once and submitted 1,000 times advances a GPU-side counter") {
        GPU_TEST(ctx);
        constexpr uint32_t N = 1000, CAP = 1024;
        Buffer counter(ctx, 4, MemoryKind::DeviceLocal, "counter");
        Buffer history(ctx, CAP * 4, MemoryKind::DeviceLocal, "history");
        write_u32(ctx, counter, {0});
        write_u32(ctx, history, std::vector<uint32_t>(CAP, POISON));
        auto step = make_pipeline(ctx, "step_counter", 2, 4);
        Program prog(ctx, "replay");
        prog.dispatch(step, {reads_writes(counter), writes(history)}, CAP, {1, 1, 1});
        for (uint32_t i = 0; i < N; ++i) prog.run();
        CHECK(prog.submits() == N);
        CHECK(read_u32(ctx, counter, 1)[0] == N);
        auto h = read_u32(ctx, history, CAP);
        for (uint32_t i = 0; i < CAP; ++i) {
            uint32_t want = i < N ? i * i + 1 : POISON;
            if (h[i] != want) {
                FAIL("history[" << i << "] = " << h[i] << ", expected " << want);
                break;
            }
        }
    }

    TEST_CASE("a program repeated R times per submit sees each repetition's writes in the next") {
        GPU_TEST(ctx);
        constexpr uint32_t R = 28, S = 3, CAP = 128;
        Buffer counter(ctx, 4, MemoryKind::DeviceLocal, "counter");
        Buffer history(ctx, CAP * 4, MemoryKind::DeviceLocal, "history");
        write_u32(ctx, counter, {0});
        write_u32(ctx, history, std::vector<uint32_t>(CAP, POISON));
        auto step = make_pipeline(ctx, "step_counter", 2, 4);
        ProgramOptions opt;
        opt.repeat = R;
        opt.timestamps = true;
        Program prog(ctx, "repeated", opt);
        prog.dispatch(step, {reads_writes(counter), writes(history)}, CAP, {1, 1, 1}, "step");
        for (uint32_t i = 0; i < S; ++i) prog.run();
        CHECK(prog.submits() == S);
        CHECK(read_u32(ctx, counter, 1)[0] == R * S);
        auto h = read_u32(ctx, history, CAP);
        for (uint32_t i = 0; i < CAP; ++i) {
            uint32_t want = i < R * S ? i * i + 1 : POISON;
            if (h[i] != want) {
                FAIL("history[" << i << "] = " << h[i] << ", expected " << want);
                break;
            }
        }
        auto t = prog.timings();  // one entry per operation, summed over the repetitions
        REQUIRE(t.size() == 1);
        CHECK(t[0].label == "step");
        CHECK(t[0].ms >= 0.0);
        CHECK_THROWS_AS(Program(ctx, "never", ProgramOptions{.repeat = 0}), std::invalid_argument);
    }

    TEST_CASE("indirect dispatch sized by a previous kernel covers exactly the GPU-written count") {
        GPU_TEST(ctx);
        constexpr uint32_t CAP = 5000, WG = 64;
        Buffer count(ctx, 4, MemoryKind::DeviceLocal, "count");
        Buffer args(ctx, 12, MemoryKind::DeviceLocal, "args");
        Buffer out(ctx, CAP * 4, MemoryKind::DeviceLocal, "out");
        auto make_args = make_pipeline(ctx, "indirect_args", 2, 4);
        auto fill = make_pipeline(ctx, "fill_index", 2, 8, WG);
        struct {
            uint32_t mul, add;
        } push{3, 7};
        Program prog(ctx, "indirect");
        prog.fill(out, POISON);
        prog.dispatch(make_args, {reads(count), writes(args)}, WG, {1, 1, 1});
        prog.dispatch_indirect(fill, {reads(count), writes(out)}, push, args, 0);
        prog.finalize();
        // The count changes between submits; the program is never re-recorded.
        for (uint32_t n : {1u, 1000u, 0u, 4999u, 63u, 64u, 65u}) {
            write_u32(ctx, count, {n});
            prog.run();
            auto a = read_u32(ctx, args, 3);
            CHECK(a[0] == (n + WG - 1) / WG);
            auto v = read_u32(ctx, out, CAP);
            uint32_t bad = CAP;
            for (uint32_t i = 0; i < CAP && bad == CAP; ++i)
                if (v[i] != (i < n ? i * 3 + 7 : POISON)) bad = i;
            CHECK_MESSAGE(bad == CAP, "n=" << n << ": first bad element " << bad);
        }
    }

    TEST_CASE("barriers go exactly where one operation depends on another, and results are right") {
        GPU_TEST(ctx);
        constexpr uint32_t N = 100003, WG = 128;  // odd, not a multiple of the workgroup
        const uint32_t groups = (N + WG - 1) / WG;
        Buffer count(ctx, 4, MemoryKind::DeviceLocal, "count");
        Buffer a(ctx, N * 4, MemoryKind::DeviceLocal, "a");
        Buffer b(ctx, N * 4, MemoryKind::DeviceLocal, "b");
        Buffer c(ctx, N * 4, MemoryKind::DeviceLocal, "c");
        Buffer d(ctx, N * 4, MemoryKind::DeviceLocal, "d");
        write_u32(ctx, count, {N});
        auto fill = make_pipeline(ctx, "fill_index", 2, 8, WG);
        auto add = make_pipeline(ctx, "add_arrays", 3, 4, WG);
        struct {
            uint32_t mul, add;
        } pa{1, 0}, pb{2, 5};
        Program prog(ctx, "chain");
        prog.dispatch(fill, {reads(count), writes(a)}, pa, {groups, 1, 1});  // 0: a = i
        prog.dispatch(fill, {reads(count), writes(b)}, pb,
                      {groups, 1, 1});  // 1: b = 2i+5 (independent)
        prog.dispatch(add, {reads(a), reads(b), writes(c)}, N, {groups, 1, 1});  // 2: RAW on a, b
        prog.dispatch(add, {reads(c), reads(a), writes(d)}, N, {groups, 1, 1});  // 3: RAW on c
        prog.dispatch(fill, {reads(count), writes(a)}, pb, {groups, 1, 1});      // 4: WAR on a
        prog.run();
        const auto& plan = prog.barriers();
        std::vector<size_t> at;
        for (auto& batch : plan) at.push_back(batch.before_op);
        CHECK(at == std::vector<size_t>{2, 3, 4});
        CHECK(plan[0].barriers.size() == 2);
        auto dv = read_u32(ctx, d, N), av = read_u32(ctx, a, N);
        bool ok = true;
        for (uint32_t i = 0; i < N && ok; ++i) {
            ok = dv[i] == (i + 2 * i + 5) + i && av[i] == 2 * i + 5;
            if (!ok) FAIL("element " << i << ": d=" << dv[i] << " a=" << av[i]);
        }
    }

    TEST_CASE("without its barriers the same program is a data race the validation layer reports") {
        GPU_TEST(ctx);
        constexpr uint32_t N = 1024, WG = 64;
        Buffer count(ctx, 4, MemoryKind::DeviceLocal, "count");
        Buffer a(ctx, N * 4, MemoryKind::DeviceLocal, "a");
        Buffer b(ctx, N * 4, MemoryKind::DeviceLocal, "b");
        write_u32(ctx, count, {N});
        auto fill = make_pipeline(ctx, "fill_index", 2, 8, WG);
        auto add = make_pipeline(ctx, "add_arrays", 3, 4, WG);
        struct {
            uint32_t mul, add;
        } p{1, 0};
        ProgramOptions racy;
        racy.omit_barriers = true;
        Program prog(ctx, "racy", racy);
        prog.dispatch(fill, {reads(count), writes(a)}, p, {N / WG, 1, 1});
        prog.dispatch(add, {reads(a), reads(a), writes(b)}, N, {N / WG, 1, 1});
        prog.finalize();
        auto msgs = eqvk_validation_guard_.take();
        bool hazard = std::any_of(msgs.begin(), msgs.end(), [](const std::string& m) {
            return m.find("SYNC-HAZARD-READ") != std::string::npos ||
                   m.find("READ_AFTER_WRITE") != std::string::npos;
        });
        CHECK_MESSAGE(hazard, "expected a SYNC-HAZARD-READ_AFTER_WRITE message, got "
                                  << msgs.size() << " messages");
    }

    TEST_CASE("timestamps give one GPU time per operation") {
        GPU_TEST(ctx);
        if (!ctx.caps().timestamps) return;
        Buffer count(ctx, 4, MemoryKind::DeviceLocal, "count");
        Buffer a(ctx, 4096 * 4, MemoryKind::DeviceLocal, "a");
        write_u32(ctx, count, {4096});
        auto fill = make_pipeline(ctx, "fill_index", 2, 8, 64);
        struct {
            uint32_t mul, add;
        } p{1, 0};
        ProgramOptions opt;
        opt.timestamps = true;
        Program prog(ctx, "timed", opt);
        prog.fill(a, 0);
        prog.dispatch(fill, {reads(count), writes(a)}, p, {64, 1, 1}, "fill a");
        prog.run();
        auto t = prog.timings();
        REQUIRE(t.size() == 2);
        CHECK(t[1].label == "fill a");
        CHECK(t[0].ms >= 0.0);
        CHECK(t[1].ms >= 0.0);
    }

    TEST_CASE("dispatch arguments are checked against the pipeline and the device") {
        GPU_TEST(ctx);
        Buffer a(ctx, 64, MemoryKind::DeviceLocal, "a");
        auto add = make_pipeline(ctx, "add_arrays", 3, 4, 64);
        Program prog(ctx, "bad");
        CHECK_THROWS_AS(prog.dispatch(add, {reads(a), reads(a)}, 16u, {1, 1, 1}),
                        std::invalid_argument);
        CHECK_THROWS_AS(prog.dispatch(add, {reads(a), reads(a), writes(a)}, {1, 1, 1}),
                        std::invalid_argument);
        CHECK_THROWS_AS(prog.dispatch(add, {reads(a), reads(a), writes(a, 128)}, 16u, {1, 1, 1}),
                        std::invalid_argument);
        CHECK_THROWS_AS(prog.fill(a, 0, 0, 3), std::invalid_argument);
        CHECK_THROWS_AS(ctx.upload(a, &a, 65), std::invalid_argument);
    }

    TEST_CASE("a buffer larger than the device allows is a clear out-of-memory error") {
        GPU_TEST(ctx);
        size_t too_big = ctx.caps().max_memory_allocation_size + 4096;
        try {
            Buffer huge(ctx, too_big, MemoryKind::DeviceLocal, "huge");
            FAIL("allocation of " << too_big << " bytes succeeded");
        } catch (const VulkanError& e) {
            CHECK(e.result() == VK_ERROR_OUT_OF_DEVICE_MEMORY);
            CHECK(std::string(e.what()).find("huge") != std::string::npos);
        }
    }

    TEST_CASE(
        "pipeline cache: saved on context destruction, loaded by the next context, junk ignored") {
        GPU_TEST(shared);
        fs::path dir =
            fs::temp_directory_path() / ("eqvk_cache_test_" + std::to_string(::getpid()));
        fs::remove_all(dir);
        ::setenv("EQVK_CACHE_DIR", dir.c_str(), 1);
        fs::path file;
        {
            ContextOptions opt;
            opt.validation = true;
            Context ctx(opt);
            CHECK_FALSE(ctx.pipeline_cache().loaded_from_disk());
            auto p = make_pipeline(ctx, "add_arrays", 3, 4, 64);
            file = ctx.pipeline_cache().file();
            CHECK(file.parent_path() == dir);
            CHECK(ctx.take_validation_messages().empty());
        }
        REQUIRE(fs::exists(file));
        CHECK(fs::file_size(file) >= sizeof(VkPipelineCacheHeaderVersionOne));
        {
            Context ctx(ContextOptions{"", true, true});
            CHECK(ctx.pipeline_cache().loaded_from_disk());
            auto p = make_pipeline(ctx, "add_arrays", 3, 4, 64);
            CHECK(ctx.take_validation_messages().empty());
        }
        {
            std::string junk(100, 'x');
            write_file_atomic(file, std::as_bytes(std::span(junk)));
            Context ctx(ContextOptions{"", true, true});
            CHECK_FALSE(ctx.pipeline_cache().loaded_from_disk());
            CHECK(ctx.take_validation_messages().empty());
        }
        ::unsetenv("EQVK_CACHE_DIR");
        fs::remove_all(dir);
    }

    TEST_CASE(
        "device choice by index and by name; a bad choice is an InputError listing the devices") {
        GPU_TEST(shared);
        std::string name = shared.caps().name;
        std::string idx = std::to_string(shared.device_index());
        {
            Context by_index(ContextOptions{idx, true, false});
            CHECK(by_index.caps().name == name);
        }
        {
            Context by_name(ContextOptions{name.substr(0, 4), true, false});
            CHECK(by_name.device_index() == shared.device_index());
        }
        CHECK_THROWS_WITH_AS(Context(ContextOptions{"77", true, false}),
                             doctest::Contains("--device 77: no such device"), InputError);
        CHECK_THROWS_WITH_AS(Context(ContextOptions{"77", true, false, "device.select"}),
                             doctest::Contains("device.select 77: no such device"), InputError);
        CHECK_THROWS_WITH_AS(Context(ContextOptions{"no-such-gpu-name", true, false}),
                             doctest::Contains("no device name contains it"), InputError);
    }
}
