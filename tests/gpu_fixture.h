// The shared GPU context for "*.gpu" test suites: created lazily once per test executable with the
// Khronos validation layer on. With no Vulkan device the tests log a MESSAGE and return (CI always
// has lavapipe). GPU_TEST(ctx) also checks, when the test case ends, that the validation layer said
// nothing.
#pragma once
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "vk/context.h"

namespace eqvk::test {

/// The shared context, or nullptr (with the reason in `why`) when this machine has no usable
/// device.
vk::Context* gpu_context(std::string* why = nullptr);

/// Fails the current test case (CHECK) for every validation message logged during its lifetime.
class ValidationGuard {
public:
    explicit ValidationGuard(vk::Context& ctx);
    ~ValidationGuard();
    /// Takes the messages logged so far (for tests that provoke them on purpose).
    std::vector<std::string> take();

private:
    vk::Context& ctx_;
};

}  // namespace eqvk::test

/// Declares `vk::Context& name` for a GPU test, or returns from the test case when there is no
/// device.
#define GPU_TEST(name)                                                                 \
    std::string eqvk_no_gpu_reason_;                                                   \
    ::eqvk::vk::Context* name##_ptr = ::eqvk::test::gpu_context(&eqvk_no_gpu_reason_); \
    if (!name##_ptr) {                                                                 \
        MESSAGE("skipped, no Vulkan device: " << eqvk_no_gpu_reason_);                 \
        return;                                                                        \
    }                                                                                  \
    ::eqvk::vk::Context& name = *name##_ptr;                                           \
    ::eqvk::test::ValidationGuard eqvk_validation_guard_(name)
