// Helpers shared by the GPU-vs-reference checks beside each wrapper: seeded random inputs rounded
// to the storage type, the NaN poison and poisoned output buffers, a GPU-side count buffer, the
// comparison of written elements, and the K-scaled tolerance of a dot product. Internal to kernels
// (and the eq module's checks).
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "kernels/binding.h"
#include "kernels/check.h"
#include "kernels/types.h"
#include "util/half.h"
#include "vk/buffer.h"
#include "vk/context.h"

namespace eqvk::vk {
class Program;
}

namespace eqvk::kernels {

inline constexpr uint32_t NAN_POISON = 0xFFFFFFFFu;  // a NaN as fp32 and as two fp16

/// Uniform in [-1, 1) from splitmix64, rounded to what `dtype` can store.
inline std::vector<float> random_values(size_t n, uint64_t seed, Dtype dtype) {
    std::vector<float> v(n);
    uint64_t s = seed * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull;
    for (auto& x : v) {
        s += 0x9E3779B97F4A7C15ull;
        uint64_t z = s;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        z ^= z >> 31;
        x = static_cast<float>(static_cast<double>(z >> 11) * 0x1.0p-53 * 2.0 - 1.0);
        if (dtype == Dtype::F16) x = f16_to_f32(f32_to_f16(x));
    }
    return v;
}

/// atol for a K-long dot product of operands bounded by 1 plus addends, rtol for the output's
/// rounding.
inline std::pair<double, double> tolerance(Dtype dtype, uint32_t K, double addends) {
    double acc =
        8.0 * double(K) * 0x1.0p-23 + 1e-6;  // fp32 accumulation of K products bounded by 1
    double rtol = dtype == Dtype::F16 ? 0x1.0p-10 : 4.0 * 0x1.0p-23;
    double atol = acc * (1.0 + addends) + (dtype == Dtype::F16 ? 0x1.0p-14 : 0.0);
    return {atol, rtol};
}

/// Relative tolerance of one rounding to the storage type.
inline double storage_rtol(Dtype dt) {
    return dt == Dtype::F16 ? 0x1.0p-10 : 4.0 * 0x1.0p-23;
}

/// `v` rounded to what fp16 storage holds.
inline float f16_round(float v) {
    return f16_to_f32(f32_to_f16(v));
}

/// Compares where `want` was written (not NaN); elsewhere `got` must still be NaN (the poison).
CheckResult compare_written(const std::vector<float>& got, const std::vector<float>& want,
                            double atol, double rtol);

/// A one-word buffer holding `count` (a GPU-side world count).
vk::Buffer count_buffer(vk::Context& ctx, uint32_t count);

/// An output buffer of n elements of dtype, NaN-poisoned by `prog` before what it records next.
vk::Buffer poisoned_buffer(vk::Context& ctx, vk::Program& prog, size_t n, Dtype dtype,
                           const char* name);

/// A device-local buffer holding the raw bytes of `v` (size rounded up to 4, at least 4).
template <typename T>
vk::Buffer upload_raw(vk::Context& ctx, const std::vector<T>& v, const char* name) {
    size_t bytes = (v.size() * sizeof(T) + 3) & ~size_t(3);
    vk::Buffer b(ctx, bytes < 4 ? 4 : bytes, vk::MemoryKind::DeviceLocal, name);
    ctx.upload(b, v.data(), v.size() * sizeof(T));
    return b;
}

}  // namespace eqvk::kernels
