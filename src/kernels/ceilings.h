// Device ceilings for `eqvk bench`: an FMA-throughput shader (shaders/bench_fma.comp) and a
// copy-bandwidth shader (shaders/bench_copy.comp). Each wrapper records one dispatch and returns
// the work it represents, so the caller turns GPU time into GFLOP/s or GB/s.
#pragma once
#include <cstddef>
#include <cstdint>

#include "kernels/types.h"

namespace eqvk::vk {
class Program;
}  // namespace eqvk::vk

namespace eqvk::kernels {

class KernelCache;

/// Mirrors the push block of shaders/bench_fma.comp.
struct BenchFmaPush {
    uint32_t iters;
    float seed;
};
static_assert(sizeof(BenchFmaPush) <= 128);

/// Mirrors the push block of shaders/bench_copy.comp.
struct BenchCopyPush {
    uint32_t count;  // vec4 elements
};
static_assert(sizeof(BenchCopyPush) <= 128);

/// Records `groups` workgroups of 256 invocations, each doing `iters` iterations of 8 vec4 FMAs.
///   out: [groups·256] f32, written. Returns the FLOP count (2 per FMA).
double bench_fma(KernelCache& cache, vk::Program& prog, BufferView out, uint32_t groups,
                 uint32_t iters);

/// Records dst = src over `bytes` (a multiple of 16). Returns bytes moved (read + written).
/// Throws std::invalid_argument when a view is missing or too small.
///   src, dst: [bytes/16] vec4 f32
double bench_copy(KernelCache& cache, vk::Program& prog, BufferView src, BufferView dst,
                  size_t bytes);

}  // namespace eqvk::kernels
