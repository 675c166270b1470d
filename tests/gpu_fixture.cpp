// Lazily created shared GPU context with validation on; ValidationGuard turns messages into
// failures.
#include "gpu_fixture.h"

#include <memory>

#include "vk/check.h"

namespace eqvk::test {

vk::Context* gpu_context(std::string* why) {
    static std::unique_ptr<vk::Context> ctx;
    static std::string reason;
    static bool tried = false;
    if (!tried) {
        tried = true;
        try {
            vk::ContextOptions opt;
            opt.validation = true;  // always, whatever EQVK_VALIDATION says
            opt.pipeline_cache = false;
            ctx = std::make_unique<vk::Context>(opt);
        } catch (const vk::NoDeviceError& e) {
            reason = e.what();
        }
    }
    if (!ctx && why) *why = reason;
    return ctx.get();
}

ValidationGuard::ValidationGuard(vk::Context& ctx) : ctx_(ctx) {
    for (auto& m : ctx_.take_validation_messages())
        FAIL_CHECK("validation message before this test: " << m);
}

ValidationGuard::~ValidationGuard() {
    for (auto& m : ctx_.take_validation_messages()) FAIL_CHECK(m);
}

std::vector<std::string> ValidationGuard::take() {
    return ctx_.take_validation_messages();
}

}  // namespace eqvk::test
