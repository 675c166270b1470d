// IEEE binary16 ↔ binary32 conversion on the host, for fp16 kernel inputs and outputs (tests,
// selftest, bench, weight upload). Round to nearest even; NaN stays NaN; overflow goes to infinity.
#pragma once
#include <cstdint>
#include <cstring>

namespace eqvk::kernels {

inline uint16_t float_to_half(float f) {
    uint32_t x;
    std::memcpy(&x, &f, 4);
    uint32_t sign = (x >> 16) & 0x8000u;
    uint32_t mag = x & 0x7FFFFFFFu;
    if (mag >= 0x7F800000u)
        return static_cast<uint16_t>(sign | 0x7C00u | (mag > 0x7F800000u ? 0x200u : 0u));
    if (mag >= 0x477FF000u) return static_cast<uint16_t>(sign | 0x7C00u);  // rounds past 65504
    if (mag < 0x38800000u) {                                               // subnormal half or zero
        if (mag < 0x33000000u)
            return static_cast<uint16_t>(sign);  // below half the smallest subnormal
        uint32_t e = mag >> 23;
        uint32_t m = (mag & 0x7FFFFFu) | 0x800000u;
        uint32_t shift =
            126u - e;  // value / 2^-24 (the subnormal unit) = m >> shift, shift in [14, 24]
        uint32_t h = m >> shift;
        uint32_t rem = m & ((1u << shift) - 1u);
        uint32_t half_unit = 1u << (shift - 1);
        if (rem > half_unit || (rem == half_unit && (h & 1u))) ++h;
        return static_cast<uint16_t>(sign | h);
    }
    uint32_t h = ((mag - 0x38000000u) >> 13);
    uint32_t rem = mag & 0x1FFFu;
    if (rem > 0x1000u || (rem == 0x1000u && (h & 1u))) ++h;
    return static_cast<uint16_t>(sign | h);
}

inline float half_to_float(uint16_t h) {
    uint32_t sign = (static_cast<uint32_t>(h) & 0x8000u) << 16;
    uint32_t e = (h >> 10) & 0x1Fu;
    uint32_t m = h & 0x3FFu;
    uint32_t x;
    if (e == 0x1Fu) {
        x = sign | 0x7F800000u | (m << 13);
    } else if (e != 0) {
        x = sign | ((e + 112u) << 23) | (m << 13);
    } else if (m == 0) {
        x = sign;
    } else {  // subnormal: normalise
        uint32_t shift = 0;
        while (!(m & 0x400u)) {
            m <<= 1;
            ++shift;
        }
        x = sign | ((113u - shift) << 23) | ((m & 0x3FFu) << 13);
    }
    float f;
    std::memcpy(&f, &x, 4);
    return f;
}

}  // namespace eqvk::kernels
