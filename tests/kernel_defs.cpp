// Compiled into test_kernels and test_eq (each with its modules' registered kernel definitions):
// every definition's checks on this device — the same checks as `eqvk selftest`, so a kernel
// without a check or with a failing one fails ctest — its binding table and push block against the
// SPIR-V's own reflection (spirv-cross), and docs/kernels.md's kernel table against the registry.
#include <doctest/doctest.h>
#include <spirv_cross/spirv_cross_c.h>

#include <fstream>
#include <sstream>
#include <string>

#include "gpu_fixture.h"
#include "kernels/definition.h"
#include "kernels/registry.h"

using namespace eqvk;
using namespace eqvk::kernels;

namespace {

struct Reflected {
    std::vector<vk::Access> bindings;  // by binding index; buffers of set 0
    std::vector<bool> uniform;         // by binding index: a uniform buffer
    size_t push_bytes = 0;
    std::string error;
};

// Binding count, per-binding access (NonWritable → Read, NonReadable → Write) and push-block size
// of one SPIR-V module.
Reflected reflect(std::span<const uint32_t> words) {
    Reflected out;
    spvc_context sc = nullptr;
    spvc_context_create(&sc);
    spvc_parsed_ir ir = nullptr;
    spvc_compiler comp = nullptr;
    spvc_resources res = nullptr;
    if (spvc_context_parse_spirv(sc, words.data(), words.size(), &ir) != SPVC_SUCCESS ||
        spvc_context_create_compiler(sc, SPVC_BACKEND_NONE, ir, SPVC_CAPTURE_MODE_TAKE_OWNERSHIP,
                                     &comp) != SPVC_SUCCESS ||
        spvc_compiler_create_shader_resources(comp, &res) != SPVC_SUCCESS) {
        out.error = spvc_context_get_last_error_string(sc);
        spvc_context_destroy(sc);
        return out;
    }
    const spvc_reflected_resource* list = nullptr;
    size_t n = 0;
    spvc_resources_get_resource_list_for_type(res, SPVC_RESOURCE_TYPE_UNIFORM_BUFFER, &list, &n);
    for (size_t i = 0; i < n; ++i) {  // uniform buffers are read-only
        unsigned binding = spvc_compiler_get_decoration(comp, list[i].id, SpvDecorationBinding);
        if (out.bindings.size() <= binding) out.bindings.resize(binding + 1, vk::Access{});
        if (out.uniform.size() <= binding) out.uniform.resize(binding + 1, false);
        out.bindings[binding] = vk::Access::Read;
        out.uniform[binding] = true;
    }
    spvc_resources_get_resource_list_for_type(res, SPVC_RESOURCE_TYPE_STORAGE_BUFFER, &list, &n);
    for (size_t i = 0; i < n; ++i) {
        unsigned set = spvc_compiler_get_decoration(comp, list[i].id, SpvDecorationDescriptorSet);
        unsigned binding = spvc_compiler_get_decoration(comp, list[i].id, SpvDecorationBinding);
        if (set != 0) out.error = "a storage buffer outside descriptor set 0";
        const SpvDecoration* decos = nullptr;
        size_t nd = 0;
        spvc_compiler_get_buffer_block_decorations(comp, list[i].id, &decos, &nd);
        bool no_write = false, no_read = false;
        for (size_t d = 0; d < nd; ++d) {
            no_write |= decos[d] == SpvDecorationNonWritable;
            no_read |= decos[d] == SpvDecorationNonReadable;
        }
        if (out.bindings.size() <= binding) out.bindings.resize(binding + 1, vk::Access{});
        out.bindings[binding] = no_write  ? vk::Access::Read
                                : no_read ? vk::Access::Write
                                          : vk::Access::ReadWrite;
    }
    spvc_resources_get_resource_list_for_type(res, SPVC_RESOURCE_TYPE_PUSH_CONSTANT, &list, &n);
    if (n == 1) {
        spvc_type type = spvc_compiler_get_type_handle(comp, list[0].base_type_id);
        spvc_compiler_get_declared_struct_size(comp, type, &out.push_bytes);
    }
    spvc_context_destroy(sc);
    return out;
}

std::string access_word(vk::Access a) {
    return a == vk::Access::Read ? "readonly" : a == vk::Access::Write ? "writeonly" : "read-write";
}

}  // namespace

TEST_SUITE("kernels") {
    TEST_CASE("definitions: bindings and push block match each shader's SPIR-V reflection") {
        for (const KernelDef* d : kernel_defs())
            for (const auto& st : d->stems) {
                std::span<const uint32_t> words;
                try {
                    words = d->spirv(st.stem);
                } catch (const std::out_of_range&) {
                    MESSAGE(st.stem << ": not compiled into this build (skipped)");
                    continue;
                }
                CAPTURE(st.stem);
                Reflected r = reflect(words);
                if (!r.error.empty()) {
                    // spirv-cross 2021 cannot parse every extension (VK_NV_cooperative_matrix):
                    // such a stem is checked where the device can run it, i.e. by its selftest.
                    CHECK_MESSAGE(r.error.find("no block") != std::string::npos,
                                  st.stem << ": " << r.error);
                    MESSAGE(st.stem << ": spirv-cross cannot reflect it (" << r.error << ")");
                    continue;
                }
                CHECK(r.push_bytes == d->push_bytes);
                if (r.bindings.size() != d->bindings.size()) {
                    CHECK(r.bindings.size() == d->bindings.size());
                    continue;
                }
                for (size_t i = 0; i < r.bindings.size(); ++i) {
                    INFO("binding ", i, " '", std::string(d->bindings[i].name), "': shader ",
                         access_word(r.bindings[i]), ", definition ",
                         access_word(d->bindings[i].access));
                    CHECK(r.bindings[i] == d->bindings[i].access);
                    const bool uniform = i < r.uniform.size() && r.uniform[i];
                    CHECK(uniform == d->bindings[i].uniform);
                }
            }
    }

    TEST_CASE(
        "definitions: docs/kernels.md lists every registered kernel as the registry renders it") {
        std::ifstream f(EQVK_SOURCE_DIR "/docs/kernels.md");
        REQUIRE(f.good());
        std::stringstream ss;
        ss << f.rdbuf();
        const std::string doc = ss.str();
        const std::string table = kernel_table_markdown();
        std::istringstream rows(table);
        std::string row;
        while (std::getline(rows, row)) {
            INFO("docs/kernels.md lacks this row (regenerate with `eqvk selftest --list`):\n", row);
            CHECK(doc.find(row) != std::string::npos);
        }
#ifdef EQVK_ALL_KERNEL_MODULES
        // Every module is linked here: the docs table must hold nothing else.
        const auto begin = doc.find("<!-- kernel-table:begin -->"),
                   end = doc.find("<!-- kernel-table:end -->");
        REQUIRE(begin != std::string::npos);
        REQUIRE(end != std::string::npos);
        const auto body = begin + std::string("<!-- kernel-table:begin -->\n").size();
        CHECK(doc.substr(body, end - body) == table);
#endif
    }
}

TEST_SUITE("kernels.gpu") {
    TEST_CASE("definitions: every kernel's checks pass on this device (as eqvk selftest)") {
        GPU_TEST(ctx);
        KernelCache cache(ctx);
        for (const KernelDef* d : kernel_defs()) {
            auto cases = d->checks(ctx.caps());
            for (const auto& st : d->stems)
                if (d->supported(st.stem, ctx.caps())) {
                    bool has_case = false;
                    for (const auto& c : cases) has_case |= c.stem == st.stem;
                    INFO(st.stem, ": supported on this device but no check covers it");
                    CHECK(has_case);
                }
            for (const CheckCase& c : cases) {
                std::string detail;
                CheckResult r = c.run(ctx, cache, detail);
                INFO(c.stem, " ", c.config, " ", c.dtype, ": ", detail);
                CHECK(r.ok);
            }
        }
    }
}
