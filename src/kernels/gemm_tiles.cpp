// Tile table, device limits and the cost model that picks a GEMM configuration per shape. The
// estimate is waves × per-workgroup time; on GPUs per-workgroup time = K·(bm·bn·FMA + (bm+bn)·LOAD)
// + FIXED (a guess, not yet measured), on CPU devices a fit to lavapipe measurements
// (docs/benchmarks.md); split-K adds a reduce pass.
#include "kernels/gemm_tiles.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <thread>

#include "kernels/gemm_coopmat.h"
#include "kernels/gemm_rows.h"
#include "util/error.h"
#include "vk/capabilities.h"

namespace eqvk::kernels {
namespace {

//                      name      bm   bn  bk  tm  tn      workgroup  shared
const GemmTile TABLE[] = {
    {"large", 128, 128, 16, 8, 8},  // 256 inv.   16 KiB
    {"wide", 64, 128, 16, 4, 8},    // 256 inv.   12 KiB
    {"medium", 64, 64, 16, 4, 4},   // 256 inv.    8 KiB
    {"small", 32, 64, 16, 4, 4},    // 128 inv.    6 KiB
    {"skinny", 16, 64, 32, 2, 4},   // 128 inv.   10 KiB  (M ≤ 16: GEMV-like rows)
};

uint32_t ceil_div(uint64_t a, uint64_t b) {
    return static_cast<uint32_t>((a + b - 1) / b);
}

struct Weights {
    double fma, load, fixed, reduce;
};
// Relative cost of one FMA, one staged element, one workgroup's fixed overhead, one reduced
// partial.
Weights weights(const GemmDevice& dev) {
    if (dev.cpu) return {1.0, 0.0, 2000.0, 1.0};
    return {1.0, 4.0, 4000.0, 8.0};
}

uint32_t env_u32(const char* name, uint32_t fallback) {
    const char* v = std::getenv(name);
    if (!v || !*v) return fallback;
    uint32_t x = 0;
    auto [p, ec] = std::from_chars(v, v + std::char_traits<char>::length(v), x);
    if (ec != std::errc() || *p || x == 0)
        throw InputError(fmt::format("{}='{}' is not a positive integer", name, v));
    return x;
}

}  // namespace

std::span<const GemmTile> gemm_tile_table() {
    return TABLE;
}

GemmDevice GemmDevice::make(uint32_t compute_units, uint32_t max_shared_memory,
                            uint32_t max_invocations, uint32_t max_workgroup_size_x, bool cpu) {
    GemmDevice d;
    d.compute_units = std::max(1u, compute_units);
    d.max_shared_memory = max_shared_memory;
    d.max_invocations = max_invocations;
    d.max_workgroup_size_x = max_workgroup_size_x;
    d.cpu = cpu;
    for (const auto& t : TABLE) {
        uint32_t wg = t.workgroup_size();
        if (t.shared_bytes() <= max_shared_memory && wg <= max_invocations &&
            wg <= max_workgroup_size_x)
            d.tiles.push_back(t);
    }
    return d;
}

GemmDevice GemmDevice::from_caps(const vk::Capabilities& caps) {
    // Vulkan does not report compute units. CPUs: hardware threads (lavapipe runs one workgroup per
    // thread). GPUs: a generous guess (2 resident workgroups × typical CU counts); EQVK_GEMM_CUS
    // overrides.
    bool cpu = caps.type == VK_PHYSICAL_DEVICE_TYPE_CPU;
    uint32_t guess = cpu ? std::max(1u, std::thread::hardware_concurrency())
                     : caps.type == VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU ? 160u
                                                                         : 48u;
    GemmDevice d = make(env_u32("EQVK_GEMM_CUS", guess), caps.max_shared_memory,
                        caps.max_workgroup_invocations, caps.max_workgroup_size[0], cpu);
    d.nv_coopmat =
        nv_coopmat_usable(caps);  // false when EQVK_NO_NV_COOPMAT=1 (Context clears the flag)
    d.max_uniform_range = caps.max_uniform_buffer_range;
    d.uniform_align = static_cast<uint32_t>(caps.min_uniform_buffer_offset_alignment);
    if (const char* f = std::getenv("EQVK_GEMM_TILE")) d.forced = f;
    return d;
}

std::string GemmChoice::name() const {
    if (nv_coopmat) return "nv_coopmat";
    return splits > 1 ? fmt::format("{}/sk{}", tile.name, splits) : std::string(tile.name);
}

GemmChoice parse_gemm_choice(const GemmDevice& dev, std::string_view text, uint32_t K) {
    if (text == "nv_coopmat") {
        if (!dev.nv_coopmat)
            throw InputError("GEMM configuration 'nv_coopmat': not usable on this device or build");
        GemmChoice c{TABLE[2], 1, K,
                     true};  // the scalar tile is unused; keeps the struct well-formed
        return c;
    }
    if (auto rows = parse_gemm_rows(dev, text, K)) return *rows;
    std::string_view tile_name = text;
    uint32_t splits = 1;
    if (auto slash = text.find('/'); slash != std::string_view::npos) {
        tile_name = text.substr(0, slash);
        std::string_view s = text.substr(slash + 1);
        auto [p, ec] = s.size() > 2 && s.substr(0, 2) == "sk"
                           ? std::from_chars(s.data() + 2, s.data() + s.size(), splits)
                           : std::from_chars_result{s.data(), std::errc::invalid_argument};
        if (ec != std::errc() || p != s.data() + s.size() || splits == 0 || splits > 64)
            throw InputError(
                fmt::format("GEMM configuration '{}': expected <tile>/sk<1..64>", text));
    }
    for (const auto& t : dev.tiles) {
        if (t.name != tile_name) continue;
        GemmChoice c{t, 1, 0};
        // Each slice covers a whole number of K-steps; fewer slices when K is short.
        uint32_t steps = std::max(1u, ceil_div(K, t.bk));
        c.splits = std::min(splits, steps);
        c.k_split = ceil_div(steps, c.splits) * t.bk;
        c.splits = ceil_div(std::max(K, 1u), c.k_split);
        return c;
    }
    std::string known;
    for (const auto& t : dev.tiles) known += fmt::format("{}{}", known.empty() ? "" : ", ", t.name);
    throw InputError(
        fmt::format("GEMM configuration '{}': no usable tile '{}' on this device (usable: {})",
                    text, tile_name, known));
}

double gemm_cost(const GemmDevice& dev, const GemmChoice& c, uint32_t M, uint32_t N, uint32_t K,
                 uint32_t batch) {
    const Weights w = weights(dev);
    const auto& t = c.tile;
    uint64_t groups = uint64_t(ceil_div(M, t.bm)) * ceil_div(N, t.bn) * batch * c.splits;
    uint64_t waves = (groups + dev.compute_units - 1) / dev.compute_units;
    double k = c.splits > 1 ? double(c.k_split) : double(std::max(K, 1u));
    double per_group;
    if (dev.cpu) {
        // lavapipe runs one workgroup per thread, 8 lanes per SIMD op; every shared-memory read is
        // a gather, so a tile's speed per FMA grows with its register micro-tile: fitted as
        // (tm·tn)^0.8 (measured large : wide : medium : skinny ≈ 1 : 0.5 : 0.33 : 0.19 on full
        // tiles).
        per_group = k * double(t.bm) * t.bn / std::pow(double(t.tm) * t.tn, 0.8) + w.fixed;
    } else {
        per_group = k * (double(t.bm) * t.bn * w.fma + double(t.bm + t.bn) * w.load) + w.fixed;
    }
    double cost = double(waves) * per_group;
    if (c.splits >
        1)  // the reduce pass: reads splits partials per output, spread over every compute unit
        cost += double(M) * N * c.splits * w.reduce / dev.compute_units + w.fixed;
    return cost;
}

GemmChoice choose_gemm(const GemmDevice& dev, uint32_t M, uint32_t N, uint32_t K, uint32_t batch,
                       std::string_view forced) {
    if (dev.tiles.empty()) throw Error("no GEMM tile configuration fits this device's limits");
    if (!forced.empty()) return parse_gemm_choice(dev, forced, K);
    if (!dev.forced.empty()) return parse_gemm_choice(dev, dev.forced, K);
    GemmChoice best{};
    double best_cost = std::numeric_limits<double>::infinity();
    for (const auto& t : dev.tiles) {
        for (uint32_t s : {1u, 2u, 4u, 8u, 16u}) {
            if (s > 1 && (batch > 1 || K < 4 * t.bk * s)) break;  // each slice keeps ≥ 4 K-steps
            GemmChoice c = parse_gemm_choice(
                dev, s > 1 ? fmt::format("{}/sk{}", t.name, s) : std::string(t.name), K);
            double cost = gemm_cost(dev, c, M, N, K, batch);
            if (cost <
                best_cost * 0.999) {  // ties go to the earlier (larger) tile and fewer splits
                best_cost = cost;
                best = c;
            }
        }
    }
    return best;
}

}  // namespace eqvk::kernels
