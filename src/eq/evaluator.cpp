// The oracle evaluator: model weights uploaded once, one ForwardRecording per recorded program.
#include "eq/evaluator.h"

#include <fmt/format.h>

#include <map>
#include <vector>

#include "io/safetensors.h"
#include "model/forward.h"
#include "model/weights.h"
#include "vk/buffer.h"
#include "vk/context.h"

namespace eqvk::eq {
namespace {

class OracleEvaluator final : public Evaluator {
public:
    OracleEvaluator(vk::Context& ctx, const model::Weights& w, kernels::Dtype dtype)
        : ctx_(ctx),
          weights_(ctx, w, dtype),
          describe_(fmt::format("oracle {}/{}/{}/{} {}", w.config.embed_dim, w.config.n_heads,
                                w.config.n_layers, w.config.ff_dim, kernels::dtype_name(dtype))) {}

    // One recording (activations and the value output) per capacity, recorded again for every
    // further evaluation at that capacity: a pipeline's chunks of worlds share them, so chunking
    // lowers the memory it needs instead of multiplying the buffers.
    void record(kernels::KernelCache& cache, vk::Program& prog, const EvalIo& io,
                uint32_t capacity) override {
        auto it = by_capacity_.find(capacity);
        if (it != by_capacity_.end()) {
            Recording& r = it->second;
            r.recording->record(
                cache, prog,
                model::ForwardIo{io.tokens, io.mask, io.actor, io.count, io.q, *r.value});
            return;
        }
        Recording r;
        r.value = std::make_unique<vk::Buffer>(ctx_, size_t(capacity) * 4,
                                               vk::MemoryKind::DeviceLocal, "oracle value");
        model::ForwardIo fio{io.tokens, io.mask, io.actor, io.count, io.q, *r.value};
        r.recording =
            std::make_unique<model::ForwardRecording>(cache, weights_, prog, fio, capacity);
        by_capacity_.emplace(capacity, std::move(r));
    }
    std::string describe() const override { return describe_; }
    uint64_t weight_bytes() const override { return weights_.bytes(); }
    uint64_t record_bytes(uint32_t capacity) const override {
        return uint64_t(capacity) * 4 +
               model::ForwardRecording::device_bytes(ctx_.caps(), weights_.config(),
                                                     weights_.dtype(), capacity);
    }

private:
    struct Recording {
        std::unique_ptr<vk::Buffer> value;  // f32 [capacity]: the value head, unused here
        std::unique_ptr<model::ForwardRecording> recording;
    };
    vk::Context& ctx_;
    model::GpuWeights weights_;
    std::string describe_;
    std::map<uint32_t, Recording> by_capacity_;
};

}  // namespace

std::unique_ptr<Evaluator> make_oracle_evaluator(vk::Context& ctx,
                                                 std::span<const std::byte> model_file,
                                                 const std::string& source, kernels::Dtype dtype) {
    model::Weights w = model::decode_weights(model_file, source);
    return std::make_unique<OracleEvaluator>(ctx, w, dtype);
}

}  // namespace eqvk::eq
