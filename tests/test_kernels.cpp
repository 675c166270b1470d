// kernels: the registry built from the kernel definitions (every embedded shader belongs to exactly
// one definition; definitions are unique and well-formed), and the docs table it renders. Each
// definition's GPU checks run in tests/test_kernel_defs.cpp; per-kernel tests needing more than
// that live in tests/kernels/test_<kernel>.cpp.
#include <doctest/doctest.h>

#include <set>
#include <stdexcept>
#include <string>

#include "eqvk_kernel_shaders_spirv.h"
#include "kernels/definition.h"

using namespace eqvk;
using namespace eqvk::kernels;

TEST_SUITE("kernels") {
    TEST_CASE("registry: every embedded kernel shader belongs to exactly one definition") {
        std::set<std::string> defined;
        for (const KernelDef* d : kernel_defs())
            for (const auto& s : d->stems) {
                CAPTURE(s.stem);
                CHECK(defined.insert(std::string(s.stem)).second);  // no stem in two definitions
            }
        for (std::string_view stem : shaders::stems()) {
            CAPTURE(stem);
            CHECK(defined.count(std::string(stem)) == 1);
            CHECK(&kernel_def_of(stem) != nullptr);
        }
        CHECK_THROWS_AS(kernel_def_of("no_such_kernel"), std::out_of_range);
    }

    TEST_CASE("registry: definitions are well-formed") {
        std::set<std::string> names;
        for (const KernelDef* d : kernel_defs()) {
            CAPTURE(d->name);
            CHECK(names.insert(std::string(d->name)).second);
            CHECK_FALSE(d->what.empty());
            CHECK_FALSE(d->stems.empty());
            CHECK_FALSE(d->bindings.empty());
            CHECK(d->push_bytes <= 128);
            CHECK(d->push_bytes % 4 == 0);
            const bool has_spirv = d->spirv != nullptr, has_checks = d->checks != nullptr;
            CHECK(has_spirv);
            CHECK(has_checks);  // a kernel without a check fails here
            for (const auto& s : d->stems) CHECK(s.stem.substr(0, d->name.size()) == d->name);
        }
    }
}
