// The oracle as the E[Q] pipeline sees it (STYLE §2: eq uses model only through this header):
// something that records, into the pipeline's Program, Q for every world whose tokens another
// kernel wrote.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "kernels/gemm.h"

namespace eqvk::vk {
class Context;
class Program;
}  // namespace eqvk::vk
namespace eqvk::kernels {
class KernelCache;
}

namespace eqvk::eq {

/// GPU buffers of one evaluation (views may carry offsets).
struct EvalIo {
    kernels::BufferView tokens;  // int8 [capacity][32][12] (eq/gpu/layout.h: u32 [capacity][96])
    kernels::BufferView mask;    // int8 [capacity][32], 1 = real token
    kernels::BufferView actor;   // i32 [capacity]
    kernels::BufferView count;   // u32 [1]: worlds to evaluate, ≤ capacity (GPU-side)
    kernels::BufferView q;       // f32 [capacity][7], written: points, actor-team perspective
};

class Evaluator {
public:
    virtual ~Evaluator() = default;
    /// Records the evaluation of worlds 0..count−1 into `prog`; whatever it allocates lives as long
    /// as the Evaluator, which must outlive every submit of `prog`. Evaluations recorded one after
    /// another at the same capacity may share their scratch memory.
    virtual void record(kernels::KernelCache& cache, vk::Program& prog, const EvalIo& io,
                        uint32_t capacity) = 0;
    /// Device bytes the evaluator holds whatever is recorded (the oracle's weights).
    virtual uint64_t weight_bytes() const { return 0; }
    /// Device bytes the first record() at `capacity` allocates (activations; later records at the
    /// same capacity reuse them).
    virtual uint64_t record_bytes(uint32_t /*capacity*/) const { return 0; }
    /// One line for logs: architecture and precision.
    virtual std::string describe() const = 0;
};

/// The oracle transformer on the GPU (model/forward.h) from an eqvk model file's bytes; `source`
/// names it in errors. Throws InputError for a bad model file.
std::unique_ptr<Evaluator> make_oracle_evaluator(vk::Context& ctx,
                                                 std::span<const std::byte> model_file,
                                                 const std::string& source, kernels::Dtype dtype);

}  // namespace eqvk::eq
