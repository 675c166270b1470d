// safetensors files (huggingface format): 8-byte little-endian header length, a JSON header mapping
// tensor names to {dtype, shape, data_offsets} plus an optional "__metadata__" string map, then the
// little-endian tensor bytes back to back. Used for oracle weights, solver shards and E[Q]
// datasets. Readers validate everything: a corrupt or truncated file is an InputError naming the
// file and the problem.
#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace eqvk::io {

enum class DType { F64, F32, F16, BF16, I64, I32, I16, I8, U64, U32, U16, U8, BOOL };

/// Name used in the header ("F32", "I8", ...).
std::string_view dtype_name(DType dtype);
/// Bytes per element.
size_t dtype_size(DType dtype);
/// Inverse of dtype_name; nullopt for a name not listed in DType.
std::optional<DType> parse_dtype(std::string_view name);

/// One named tensor: `data` holds numel(shape) * dtype_size(dtype) bytes, row-major, little-endian.
struct Tensor {
    std::string name;
    DType dtype = DType::F32;
    std::vector<int64_t> shape;
    std::vector<std::byte> data;

    /// Product of the shape (1 for a scalar, shape []).
    int64_t numel() const;
    /// Tensor copied from `values`; throws std::invalid_argument if sizeof(T) != dtype_size(dtype)
    /// or the shape does not hold values.size() elements.
    template <class T>
    static Tensor from(std::string name, DType dtype, std::vector<int64_t> shape,
                       std::span<const T> values);
    /// The data viewed as T (sizeof(T) must equal dtype_size; throws std::invalid_argument
    /// otherwise).
    template <class T>
    std::span<const T> as() const;
};

/// "__metadata__": free-form string → string map.
using Metadata = std::map<std::string, std::string>;

/// The whole file in memory, as bytes. Throws std::invalid_argument on duplicate names, a name
/// "__metadata__", or a tensor whose data size does not match its shape and dtype.
std::vector<std::byte> encode_safetensors(std::span<const Tensor> tensors,
                                          const Metadata& metadata = {});

/// Writes tensors (in the given order) atomically (util/fs.h write_file_atomic). Errors as encode,
/// plus eqvk::Error naming the path when writing fails.
void write_safetensors(const std::filesystem::path& path, std::span<const Tensor> tensors,
                       const Metadata& metadata = {});

/// A parsed file: tensors in data-offset order, metadata, lookup by name.
class SafetensorsFile {
public:
    SafetensorsFile(std::string source, std::vector<Tensor> tensors, Metadata metadata);
    const std::vector<Tensor>& tensors() const { return tensors_; }
    const Metadata& metadata() const { return metadata_; }
    /// Tensor by name, or nullptr.
    const Tensor* find(std::string_view name) const;
    /// Tensor by name; throws InputError naming the file and the tensor when it is missing, or (if
    /// `dtype` is given) when its dtype differs.
    const Tensor& get(std::string_view name, std::optional<DType> dtype = std::nullopt) const;
    /// Metadata value; throws InputError naming the file and the key when missing.
    const std::string& meta(const std::string& key) const;

private:
    std::string source_;
    std::vector<Tensor> tensors_;
    Metadata metadata_;
};

/// Parses a file held in memory; `source` names it in error messages. Throws InputError on: fewer
/// than 8 bytes, header length beyond the buffer, invalid JSON, a non-object entry, missing/unknown
/// dtype, bad shape, bad data_offsets (out of range, overlapping, leaving holes or not covering the
/// data), size != numel×dtype, non-string metadata.
SafetensorsFile decode_safetensors(std::span<const std::byte> bytes, std::string source);

/// Reads and parses `path`. Throws InputError naming the path if it cannot be read or is invalid.
SafetensorsFile read_safetensors(const std::filesystem::path& path);

// ---- template definitions

template <class T>
Tensor Tensor::from(std::string name, DType dtype, std::vector<int64_t> shape,
                    std::span<const T> values) {
    Tensor t{std::move(name), dtype, std::move(shape), {}};
    if (sizeof(T) != dtype_size(dtype) || t.numel() != static_cast<int64_t>(values.size()))
        throw std::invalid_argument(
            "Tensor::from: element size or count does not match dtype and shape of '" + t.name +
            "'");
    auto b = std::as_bytes(values);
    t.data.assign(b.begin(), b.end());
    return t;
}

template <class T>
std::span<const T> Tensor::as() const {
    if (sizeof(T) != dtype_size(dtype))
        throw std::invalid_argument("Tensor::as: element size does not match the dtype of '" +
                                    name + "'");
    return {reinterpret_cast<const T*>(data.data()), data.size() / sizeof(T)};
}

}  // namespace eqvk::io
