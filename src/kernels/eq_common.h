// Shared by the eq kernel wrappers (eq_voids, eq_world_count, eq_world_sample, eq_tokenize, ...):
// argument and buffer-size checks, byte sizes of uint32 arrays and the workgroup count. Internal
// to src/kernels (the wrappers' .cpp files).
#pragma once
#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string_view>

#include "kernels/eq_layout.h"
#include "kernels/registry.h"
#include "vk/buffer.h"
#include "vk/program.h"

namespace eqvk::kernels {

/// Workgroup size of every eq kernel (one invocation per game or per world).
inline constexpr uint32_t EQ_WG = 64;

inline void eq_check(std::string_view kernel, bool ok, std::string_view what) {
    if (!ok) throw std::invalid_argument(fmt::format("{}: {}", kernel, what));
}
inline void eq_check_size(std::string_view kernel, std::string_view name, const vk::Buffer& b,
                          size_t bytes) {
    if (b.size() < bytes)
        throw std::invalid_argument(
            fmt::format("{}: buffer {} holds {} bytes, needs {}", kernel, name, b.size(), bytes));
}
/// Per-game kernels run one invocation per game on a 1-D grid of at most 65535 groups.
inline void eq_check_games(std::string_view kernel, uint32_t n_games) {
    eq_check(kernel, n_games > 0, "n_games is 0");
    eq_check(kernel, n_games <= 65535u * EQ_WG, "n_games over 65535 x 64");
}
/// Bytes of `count` records of `words` uint32.
inline size_t eq_bytes(uint64_t count, uint32_t words) {
    return size_t(count) * words * sizeof(uint32_t);
}
/// Workgroups for `items` invocations, capped (the shaders with many items loop grid-stride).
inline uint32_t eq_groups(uint64_t items) {
    return uint32_t(std::min<uint64_t>((items + EQ_WG - 1) / EQ_WG, 65535));
}

}  // namespace eqvk::kernels
