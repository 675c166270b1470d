// Shared by the eq tests that run the oracle: a tiny random model, its file bytes, the GPU oracle
// made from them, and the double CPU reference forward as a CpuOracle.
#pragma once
#include <cstddef>
#include <memory>
#include <span>
#include <vector>

#include "eq/evaluator.h"
#include "eq/reference.h"
#include "eq/tokens.h"
#include "io/safetensors.h"
#include "model/forward_ref.h"
#include "model/weights.h"

namespace eqvk::eq::test {

inline model::Weights tiny_model() {
    return model::random_weights(model::ModelConfig{24, 2, 1, 32}, 7);
}

inline std::vector<std::byte> model_bytes(const model::Weights& w) {
    auto tensors = model::weights_to_tensors(w);
    return io::encode_safetensors(tensors, model::weights_metadata(w));
}

/// The GPU oracle of `w` (fp32 storage unless `dtype` says otherwise), as eqvk loads a model file.
inline std::unique_ptr<Evaluator> gpu_oracle(vk::Context& ctx, const model::Weights& w,
                                             kernels::Dtype dtype = kernels::Dtype::F32) {
    return make_oracle_evaluator(ctx, model_bytes(w), "tiny", dtype);
}

/// Q of tokenised worlds from model::forward_ref (the weights must outlive the oracle).
inline CpuOracle cpu_oracle(const model::Weights& w) {
    return [&w](std::span<const TokenRow> rows, float* q) {
        std::vector<int8_t> tokens, mask;
        std::vector<int32_t> actor;
        for (const auto& r : rows) {
            tokens.insert(tokens.end(), r.tokens.begin(), r.tokens.end());
            mask.insert(mask.end(), r.mask.begin(), r.mask.end());
            actor.push_back(r.actor);
        }
        model::ForwardInputs in{static_cast<int64_t>(rows.size()), tokens, mask, actor};
        auto out = model::forward_ref(w, in);
        for (size_t i = 0; i < out.q.size(); ++i) q[i] = static_cast<float>(out.q[i]);
    };
}

}  // namespace eqvk::eq::test
