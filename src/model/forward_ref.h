// Plain-loop CPU reference of the oracle forward in double precision (spec §4.1), the yardstick for
// the GPU forward and for PyTorch parity (tests/data/golden). Also the input contract shared by
// every forward: tokens [B][T][12], mask [B][T] (1 = real token), actor seat [B], validated with
// errors naming the tensor.
#pragma once
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "model/weights.h"

namespace eqvk::model {

/// A batch of B token sets (spec §5.1), borrowed views.
/// Mask polarity follows Forge: mask 1 = real token, 0 = padding; PyTorch gets src_key_padding_mask
/// = (mask == 0), so a padding token is ignored as a key (its score is −∞) but is still computed as
/// a query. Only the values 0 and 1 are accepted, and every row needs at least one real token (else
/// softmax has no support).
struct ForwardInputs {
    int64_t batch = 0;               // B
    std::span<const int8_t> tokens;  // [B][T][12] feature values, column c in 0..FEATURES[c].rows-1
    std::span<const int8_t> mask;    // [B][T] 1 = real token, 0 = padding
    std::span<const int32_t>
        actor;  // [B] absolute seat to move, 0..3 (selects the Q head's 7 tokens)
};

/// Checks sizes (B·T·12, B·T, B), every feature value against its table's rows, mask ∈ {0,1} with
/// at least one real token per row, and seats 0..3. Throws InputError "<source>: tensor
/// '<tokens|mask|actor>' ..." with the first bad index [b, t, c].
void validate_inputs(const ForwardInputs& in, std::string_view source);

/// Outputs, raw network units: for qvalue checkpoints Q is in points (actor-team perspective,
/// ≈[−42, 42]) and value is V/42 (normalised); for policy checkpoints Q holds logits (spec §4.1.5).
/// No masking of illegal slots.
struct ForwardOutputs {
    std::vector<double> q;      // [B][7]  Q head on tokens hand_token(actor, i), i = 0..6
    std::vector<double> value;  // [B]     value head on token 0
};

/// Intermediate activations for debugging a GPU forward stage by stage (all [B][T][·] row-major).
struct ForwardTrace {
    std::vector<double> embedded;   // [B][T][D_in]  12 gathered embeddings, concatenated
    std::vector<double> projected;  // [B][T][E]     input_proj output = layer 0 input
    std::vector<std::vector<double>> attention;  // L × [B][T][E] LN1(x + MHA(x))
    std::vector<std::vector<double>> layer_out;  // L × [B][T][E] LN2(h + FFN(h))
};

/// The forward pass of spec §4.1 in double: embeddings → input_proj → L post-norm layers (fused
/// QKV, H heads, scores q·kᵀ/√D with key padding, out_proj, residual + LayerNorm(eps 1e-5, biased
/// variance), ReLU FFN, residual + LayerNorm) → Q head on hand_token(actor, 0..6), value head on
/// token 0. Validates `in` first (validate_inputs with source "forward input"). `trace`, if given,
/// is filled.
ForwardOutputs forward_ref(const Weights& w, const ForwardInputs& in,
                           ForwardTrace* trace = nullptr);

/// Batch-owned inputs, e.g. read from a user's safetensors file.
struct InputBatch {
    int64_t batch = 0;
    std::vector<int8_t> tokens;  // [B][T][12]
    std::vector<int8_t> mask;    // [B][T]
    std::vector<int32_t> actor;  // [B]
    ForwardInputs view() const { return {batch, tokens, mask, actor}; }
};

/// Deterministic random valid inputs (splitmix64 of `seed`): every feature in range, 0-3 trick
/// tokens (the rest zero padding with mask 0), actors 0..3. For benchmarks and tests.
InputBatch random_inputs(int64_t batch, uint64_t seed);

/// Inputs from a safetensors file: `tokens` [B,32,12] (any integer dtype), `mask` [B,32] (integer
/// or BOOL), `actor` [B] (any integer dtype); values range-checked as validate_inputs. Other
/// tensors are ignored. Throws InputError naming `source` and the tensor.
InputBatch inputs_from_safetensors(const io::SafetensorsFile& file, std::string_view source);

}  // namespace eqvk::model
