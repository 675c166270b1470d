// Shader-level GEMM benchmark (`eqvk bench gemm`): GFLOP/s from GPU timestamps per configuration
// and for the automatic choice, plus measured device ceilings (FMA throughput, copy bandwidth).
// Library code; the CLI only formats. Method: warm-up, then ≥ `runs` timed GEMMs cycling through
// `rotations` input sets (so caches do not flatter), every GEMM writing the same C so they
// serialise; submits alternate between configurations so background load affects each alike; median
// per configuration.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "kernels/gemm.h"

namespace eqvk::vk {
class Context;
}

namespace eqvk::kernels {

class KernelCache;

struct Ceilings {
    double fma_gflops = 0.0;  // bench_fma.comp
    double copy_gbs = 0.0;    // bench_copy.comp, bytes read + written per second / 1e9
};

/// Measures both ceilings (median of `runs` timed dispatches after a warm-up).
Ceilings measure_ceilings(vk::Context& ctx, KernelCache& cache, uint32_t runs = 20);

struct GemmBenchShape {
    uint32_t M = 0, N = 0, K = 0;
};

/// The oracle suite: M = 32·worlds for worlds = 1, 4, 16, ..., 65,536 (capped at max_m; 0 = no cap)
/// times (N, K) ∈ {(256,357), (768,256), (256,256), (512,256), (256,512)}.
std::vector<GemmBenchShape> oracle_suite(uint32_t max_m);

struct GemmBenchOptions {
    Dtype dtype = Dtype::F32;
    uint32_t runs = 20;                // timed GEMMs per configuration (at least)
    uint32_t rotations = 3;            // input buffer sets
    uint32_t warmup = 1;               // untimed submits first
    bool all_configs = true;           // every usable tile; false: only the automatic choice
    std::vector<std::string> configs;  // non-empty: these (and auto) instead of every usable one
};

struct GemmBenchRow {
    GemmBenchShape shape;
    std::string config;    // "medium", "small/sk4"
    bool is_auto = false;  // this row is the automatic choice
    uint32_t chunks = 1;   // row chunks the binding-range limit required (time is their sum)
    double median_ms = 0.0;
    double gflops = 0.0;  // 2·M·N·K / median
};

/// Benchmarks one shape: each configuration (and the automatic one, flagged), with bias epilogue.
/// `progress` (may be empty) gets each row as it is measured.
std::vector<GemmBenchRow> bench_gemm_shape(
    vk::Context& ctx, KernelCache& cache, const GemmBenchShape& shape,
    const GemmBenchOptions& options, const std::function<void(const GemmBenchRow&)>& progress = {});

/// The kernel a recorded operation belongs to: the first word of its label ("gemm", "attention").
std::string kernel_of_label(const std::string& label);

}  // namespace eqvk::kernels
