// Helpers shared by the GPU-vs-reference checks (check.cpp, check_oracle.cpp): seeded random
// inputs rounded to the storage type, upload/download in either dtype, the NaN poison and the
// K-scaled tolerance of a dot product. Internal to the kernels module.
#pragma once
#include <cstdint>
#include <utility>
#include <vector>

#include "kernels/binding.h"
#include "kernels/gemm.h"
#include "util/half.h"
#include "vk/buffer.h"
#include "vk/context.h"

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

/// `v` rounded to what fp16 storage holds.
inline float f16_round(float v) {
    return f16_to_f32(f32_to_f16(v));
}

}  // namespace eqvk::kernels
