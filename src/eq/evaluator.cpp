// The oracle evaluator: model weights uploaded once, one ForwardRecording per recorded program.
#include "eq/evaluator.h"

#include <fmt/format.h>

#include <vector>

#include "io/safetensors.h"
#include "model/forward.h"
#include "model/weights.h"
#include "vk/buffer.h"

namespace eqvk::eq {
namespace {

class OracleEvaluator final : public Evaluator {
public:
    OracleEvaluator(vk::Context& ctx, const model::Weights& w, kernels::Dtype dtype)
        : ctx_(ctx),
          weights_(ctx, w, dtype),
          describe_(fmt::format("oracle {}/{}/{}/{} {}", w.config.embed_dim, w.config.n_heads,
                                w.config.n_layers, w.config.ff_dim, kernels::dtype_name(dtype))) {}

    void record(kernels::KernelCache& cache, vk::Program& prog, const EvalIo& io,
                uint32_t capacity) override {
        auto value = std::make_unique<vk::Buffer>(ctx_, size_t(capacity) * 4,
                                                  vk::MemoryKind::DeviceLocal, "oracle value");
        model::ForwardIo fio{io.tokens, io.mask, io.actor, io.count, io.q, *value};
        recordings_.push_back(
            std::make_unique<model::ForwardRecording>(cache, weights_, prog, fio, capacity));
        values_.push_back(std::move(value));
    }
    std::string describe() const override { return describe_; }

private:
    vk::Context& ctx_;
    model::GpuWeights weights_;
    std::string describe_;
    std::vector<std::unique_ptr<vk::Buffer>> values_;
    std::vector<std::unique_ptr<model::ForwardRecording>> recordings_;
};

}  // namespace

std::unique_ptr<Evaluator> make_oracle_evaluator(vk::Context& ctx,
                                                 std::span<const std::byte> model_file,
                                                 const std::string& source, kernels::Dtype dtype) {
    model::Weights w = model::decode_weights(model_file, source);
    return std::make_unique<OracleEvaluator>(ctx, w, dtype);
}

}  // namespace eqvk::eq
