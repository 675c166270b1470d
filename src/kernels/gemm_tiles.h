// The GEMM tile table and the per-shape choice ("adaptive tiles", ARCHITECTURE decision 6). Pure
// CPU logic: the device enters only through GemmDevice, so the rule is unit-tested without Vulkan.
// EQVK_GEMM_TILE=<tile>[/sk<S>] forces one configuration (benchmarks, tests); see docs/kernels.md.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace eqvk::vk {
struct Capabilities;
}

namespace eqvk::kernels {

/// One scalar tile configuration of shaders/gemm.comp (spec constants 1..5; the workgroup size
/// follows).
struct GemmTile {
    std::string_view name;
    uint32_t bm = 0, bn = 0, bk = 0;  // workgroup tile M×N, K-step
    uint32_t tm = 0, tn = 0;          // per-invocation micro-tile
    uint32_t workgroup_size() const { return (bm / tm) * (bn / tn); }
    uint32_t shared_bytes() const { return (bm + bn) * bk * 4; }
};

/// Every configuration eqvk knows, largest first.
std::span<const GemmTile> gemm_tile_table();

/// What the choice needs from the device.
struct GemmDevice {
    uint32_t compute_units =
        1;  // workgroups the device runs at once (estimated; EQVK_GEMM_CUS overrides)
    uint32_t max_shared_memory = 32768;
    uint32_t max_invocations = 1024;
    uint32_t max_workgroup_size_x = 1024;
    bool cpu = false;  // a CPU implementation (lavapipe): selection uses the CPU cost weights
    bool nv_coopmat = false;             // gemm_nv_coopmat usable (fp16 only; see gemm_coopmat.h)
    uint32_t max_uniform_range = 65536;  // maxUniformBufferRange (the rows family, gemm_rows.h)
    uint32_t uniform_align = 256;        // minUniformBufferOffsetAlignment
    std::string forced;                  // EQVK_GEMM_TILE, "" = automatic
    std::vector<GemmTile> tiles;         // the table minus what exceeds the limits above

    /// From the device's capabilities and the environment (EQVK_GEMM_TILE, EQVK_GEMM_CUS).
    static GemmDevice from_caps(const vk::Capabilities& caps);
    /// From explicit limits (tests); `tiles` is filled by dropping configurations that do not fit.
    static GemmDevice make(uint32_t compute_units, uint32_t max_shared_memory,
                           uint32_t max_invocations, uint32_t max_workgroup_size_x,
                           bool cpu = false);
};

/// A tile plus the split-K factor (1 = no split). k_split is the K range of one slice (multiple of
/// bk).
struct GemmChoice {
    GemmTile tile;
    uint32_t splits = 1;
    uint32_t k_split = 0;
    bool nv_coopmat =
        false;              // the cooperative-matrix kernel instead of the scalar tile (fp16 only)
    bool rows = false;      // the CPU "rows" family (gemm_rows.h); `tile` is one of its shapes
    uint32_t a_window = 0;  // rows family: rows of A per dispatch read through a uniform buffer
                            // (0: A is a storage buffer, one dispatch per W slice)
    std::string name() const;  // "medium", "medium/sk4", "rows8x32" or "nv_coopmat"
};

/// Parses "<tile>", "<tile>/sk<S>", "rows", "rows<TM>x<TN>" (gemm_rows.h) or "nv_coopmat" (where
/// dev.nv_coopmat) against dev.tiles. Throws InputError for an unknown or unusable tile.
GemmChoice parse_gemm_choice(const GemmDevice& dev, std::string_view text, uint32_t K);

/// Chooses a configuration for C[M,N] (× batch) with reduction length K: `forced` if non-empty,
/// else dev.forced if non-empty, else the lowest estimated time (see docs/kernels.md, "Selection
/// rule"). Split-K is only considered for batch == 1. (plan_gemm() puts the rows family and
/// nv_coopmat before this rule.)
GemmChoice choose_gemm(const GemmDevice& dev, uint32_t M, uint32_t N, uint32_t K,
                       uint32_t batch = 1, std::string_view forced = {});

/// The cost estimate the rule minimises (arbitrary units; exposed for tests and `eqvk bench
/// --explain`).
double gemm_cost(const GemmDevice& dev, const GemmChoice& c, uint32_t M, uint32_t N, uint32_t K,
                 uint32_t batch);

}  // namespace eqvk::kernels
