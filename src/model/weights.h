// Oracle weights in memory (float32, Forge's state-dict layout) and the eqvk model file:
// safetensors with Forge's state-dict names and shapes (spec §4.2) plus hyper-parameters in
// "__metadata__" (docs/model.md). The loader checks every name, shape, dtype and value and names
// the file and tensor in each InputError.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "io/safetensors.h"
#include "model/config.h"

namespace eqvk::model {

/// One post-norm encoder layer (nn.TransformerEncoderLayer, spec §4.1). Linear weights are
/// [out][in] row-major, y = x·Wᵀ + b, exactly as stored in the file.
struct LayerWeights {
    std::vector<float>
        in_proj_weight;  // [3E][E] rows [W_q; W_k; W_v]; head h = rows h·D..(h+1)·D of each
    std::vector<float> in_proj_bias;     // [3E]
    std::vector<float> out_proj_weight;  // [E][E]
    std::vector<float> out_proj_bias;    // [E]
    std::vector<float> linear1_weight;   // [F][E]
    std::vector<float> linear1_bias;     // [F]
    std::vector<float> linear2_weight;   // [E][F]
    std::vector<float> linear2_bias;     // [E]
    std::vector<float> norm1_weight;     // [E]  LayerNorm after attention + residual
    std::vector<float> norm1_bias;       // [E]
    std::vector<float> norm2_weight;     // [E]  LayerNorm after FFN + residual
    std::vector<float> norm2_bias;       // [E]
};

/// All parameters as float32 (F16/BF16 files are widened exactly on load).
struct Weights {
    ModelConfig config;
    std::array<std::vector<float>, N_FEATURES>
        embed;                              // embed[c]: [FEATURES[c].rows][config.feature_width(c)]
    std::vector<float> input_proj_weight;   // [E][D_in]
    std::vector<float> input_proj_bias;     // [E]
    std::vector<LayerWeights> layers;       // L layers
    std::vector<float> output_proj_weight;  // [1][E]  Q head
    std::vector<float> output_proj_bias;    // [1]
    std::vector<float> value_head_weight;   // [1][E]  value head
    std::vector<float> value_head_bias;     // [1]
    /// The file's "__metadata__" (hyper-parameters, format_version, and whatever provenance keys it
    /// carried, e.g. "loss_mode"); save_weights rewrites the hyper-parameter keys from `config`.
    io::Metadata metadata;
    /// Element type the tensors had in the file (F32, F16 or BF16); F32 for weights made in memory.
    io::DType file_dtype = io::DType::F32;
};

/// Name and shape of one parameter tensor, and where its floats live.
struct ParamRef {
    std::string name;            // Forge state-dict name, e.g. "transformer.layers.3.linear1.bias"
    std::vector<int64_t> shape;  // e.g. {F}
    std::vector<float>* data;
};
struct ConstParamRef {
    std::string name;
    std::vector<int64_t> shape;
    const std::vector<float>* data;
};

/// Every parameter in the canonical order of spec §4.2 (embeddings, input_proj, layers 0..L-1,
/// heads): 12 + 2 + 12·L + 4 entries. The single source of truth for names and shapes (loader,
/// writer, GPU upload).
std::vector<ParamRef> param_refs(Weights& w);
std::vector<ConstParamRef> param_refs(const Weights& w);

/// Weights of `config` with every vector sized and zero-filled (config validated first).
Weights zero_weights(const ModelConfig& config);

/// Deterministic pseudo-random weights (splitmix64 of `seed`): embeddings ~U(-1,1), linears
/// ~U(±1/√fan_in), LayerNorm gains 1±0.2, biases ±0.1. For tests of arbitrary shapes; no file
/// needed.
Weights random_weights(const ModelConfig& config, uint64_t seed);

/// Hyper-parameters from a model file's metadata: integer keys embed_dim, n_heads, n_layers,
/// ff_dim, and format_version == FORMAT_VERSION. Throws InputError naming `source` and the key.
ModelConfig config_from_metadata(const io::Metadata& metadata, std::string_view source);

/// Weights from a parsed model file. Checks, all reported together where they can be: missing,
/// unexpected and mis-shaped tensors, dtypes other than F32/F16/BF16; then NaN/Inf values (tensor
/// name and flat index). Throws InputError beginning with `source`.
Weights weights_from_safetensors(const io::SafetensorsFile& file, std::string_view source);

/// decode_safetensors + weights_from_safetensors on bytes in memory (truncated file, bad JSON:
/// InputError).
Weights decode_weights(std::span<const std::byte> bytes, std::string source);

/// Reads a model file. Throws InputError naming `path` (and the tensor or key) on any problem.
Weights load_weights(const std::filesystem::path& path);

/// The file's tensors in canonical order, converted to `dtype` (F32, F16 or BF16, round to nearest
/// even).
std::vector<io::Tensor> weights_to_tensors(const Weights& w, io::DType dtype = io::DType::F32);

/// Metadata written with the weights: w.metadata with
/// embed_dim/n_heads/n_layers/ff_dim/format_version set from w.config and FORMAT_VERSION.
io::Metadata weights_metadata(const Weights& w);

/// Writes an eqvk model file atomically (dtype F32, F16 or BF16).
void save_weights(const std::filesystem::path& path, const Weights& w,
                  io::DType dtype = io::DType::F32);

}  // namespace eqvk::model
