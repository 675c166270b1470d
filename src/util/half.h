// IEEE binary16 and bfloat16 <-> float conversions (round to nearest even), for model files stored
// in F16/BF16 and for fp16 kernel inputs and outputs. Header-only, no dependencies.
#pragma once
#include <bit>
#include <cstdint>

namespace eqvk {

/// binary16 bit pattern → float (exact; subnormals, Inf and NaN kept).
constexpr float f16_to_f32(uint16_t h) {
    uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
    uint32_t exp = (h >> 10) & 0x1fu, man = h & 0x3ffu;
    if (exp == 0x1f) return std::bit_cast<float>(sign | 0x7f800000u | (man << 13));  // Inf / NaN
    if (exp == 0) {
        if (man == 0) return std::bit_cast<float>(sign);
        // subnormal: man * 2^-24
        float v = static_cast<float>(man) * (1.0f / 16777216.0f);
        return sign ? -v : v;
    }
    return std::bit_cast<float>(sign | ((exp + 112u) << 23) | (man << 13));
}

/// float → binary16 bit pattern, round to nearest even; overflow → Inf, NaN stays NaN.
constexpr uint16_t f32_to_f16(float f) {
    uint32_t x = std::bit_cast<uint32_t>(f);
    uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000u);
    uint32_t exp = (x >> 23) & 0xffu, man = x & 0x7fffffu;
    if (exp == 0xff) return static_cast<uint16_t>(sign | 0x7c00u | (man ? 0x200u : 0u));
    int e = static_cast<int>(exp) - 127 + 15;
    if (e >= 0x1f) return static_cast<uint16_t>(sign | 0x7c00u);
    if (e <= 0) {  // subnormal or zero in binary16
        if (e < -10) return sign;
        uint32_t m = man | 0x800000u;
        int shift = 14 - e;  // 24-bit mantissa → 10-bit subnormal
        uint32_t half = m >> shift, rem = m & ((1u << shift) - 1), mid = 1u << (shift - 1);
        if (rem > mid || (rem == mid && (half & 1u))) ++half;
        return static_cast<uint16_t>(sign | half);
    }
    uint32_t half = (static_cast<uint32_t>(e) << 10) | (man >> 13), rem = man & 0x1fffu;
    if (rem > 0x1000u || (rem == 0x1000u && (half & 1u)))
        ++half;  // may carry into the exponent: correct
    return static_cast<uint16_t>(sign | half);
}

/// bfloat16 bit pattern → float (exact).
constexpr float bf16_to_f32(uint16_t b) {
    return std::bit_cast<float>(static_cast<uint32_t>(b) << 16);
}

/// float → bfloat16 bit pattern, round to nearest even; NaN stays NaN.
constexpr uint16_t f32_to_bf16(float f) {
    uint32_t x = std::bit_cast<uint32_t>(f);
    if ((x & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((x >> 16) | 0x40u);
    x += 0x7fffu + ((x >> 16) & 1u);
    return static_cast<uint16_t>(x >> 16);
}

}  // namespace eqvk
