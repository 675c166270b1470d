// Types every kernel wrapper shares: the storage type of float operands (Dtype) and a buffer view
// (a buffer plus a byte offset), the one operand type of every wrapper's signature.
#pragma once
#include <cstddef>
#include <cstdint>

namespace eqvk::vk {
class Buffer;
}

namespace eqvk::kernels {

/// Storage type of float operands (GEMM operands, activations). Accumulation is always fp32.
enum class Dtype : uint32_t { F32, F16 };

/// "fp32" or "fp16".
constexpr const char* dtype_name(Dtype d) {
    return d == Dtype::F16 ? "fp16" : "fp32";
}
/// Bytes of one element: 4 or 2.
constexpr size_t dtype_bytes(Dtype d) {
    return d == Dtype::F16 ? 2 : 4;
}

/// A buffer and a byte offset into it (the offset must respect minStorageBufferOffsetAlignment).
/// Converts implicitly from a buffer (offset 0); a default-constructed view is "missing".
struct BufferView {
    const vk::Buffer* buffer = nullptr;
    size_t offset = 0;
    BufferView() = default;
    BufferView(const vk::Buffer& b, size_t byte_offset = 0)  // NOLINT(google-explicit-constructor)
        : buffer(&b), offset(byte_offset) {}
    explicit operator bool() const { return buffer != nullptr; }
};

}  // namespace eqvk::kernels
