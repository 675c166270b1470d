// Handle<T>: a move-only RAII owner of one Vulkan handle plus the function that destroys it.
// Every Vulkan object eqvk creates lives in one of these (or in a class built from them).
#pragma once
#include <volk.h>

#include <functional>
#include <utility>

namespace eqvk::vk {

template <typename T>
class Handle {
public:
    Handle() = default;
    Handle(T h, std::function<void(T)> destroy) : h_(h), destroy_(std::move(destroy)) {}
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;
    Handle(Handle&& o) noexcept : h_(std::exchange(o.h_, T{})), destroy_(std::move(o.destroy_)) {}
    Handle& operator=(Handle&& o) noexcept {
        if (this != &o) {
            reset();
            h_ = std::exchange(o.h_, T{});
            destroy_ = std::move(o.destroy_);
        }
        return *this;
    }
    ~Handle() { reset(); }

    void reset() {
        if (h_ != T{} && destroy_) destroy_(h_);
        h_ = T{};
    }
    T get() const { return h_; }
    explicit operator bool() const { return h_ != T{}; }

private:
    T h_{};
    std::function<void(T)> destroy_;
};

}  // namespace eqvk::vk
