// safetensors encoding and validating decoder (nlohmann::json for the header).
#include "io/safetensors.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "util/error.h"
#include "util/fs.h"

namespace eqvk::io {

static_assert(std::endian::native == std::endian::little, "safetensors data is little-endian");

namespace {

struct DTypeInfo {
    DType dtype;
    std::string_view name;
    size_t size;
};
constexpr std::array<DTypeInfo, 13> DTYPES = {{{DType::F64, "F64", 8},
                                               {DType::F32, "F32", 4},
                                               {DType::F16, "F16", 2},
                                               {DType::BF16, "BF16", 2},
                                               {DType::I64, "I64", 8},
                                               {DType::I32, "I32", 4},
                                               {DType::I16, "I16", 2},
                                               {DType::I8, "I8", 1},
                                               {DType::U64, "U64", 8},
                                               {DType::U32, "U32", 4},
                                               {DType::U16, "U16", 2},
                                               {DType::U8, "U8", 1},
                                               {DType::BOOL, "BOOL", 1}}};

constexpr uint64_t MAX_HEADER_BYTES = 100 << 20;  // the reference implementation's limit

[[noreturn]] void bad(const std::string& source, const std::string& what) {
    throw InputError(fmt::format("{}: not a valid safetensors file: {}", source, what));
}

// numel × element size, or nullopt on a negative dimension or overflow.
std::optional<uint64_t> byte_size(const std::vector<int64_t>& shape, size_t elem) {
    uint64_t n = elem;
    for (int64_t d : shape) {
        if (d < 0) return std::nullopt;
        if (d != 0 && n > ~uint64_t{0} / static_cast<uint64_t>(d)) return std::nullopt;
        n *= static_cast<uint64_t>(d);
    }
    return n;
}

}  // namespace

std::string_view dtype_name(DType dtype) {
    for (const auto& d : DTYPES)
        if (d.dtype == dtype) return d.name;
    return "?";
}

size_t dtype_size(DType dtype) {
    for (const auto& d : DTYPES)
        if (d.dtype == dtype) return d.size;
    return 0;
}

std::optional<DType> parse_dtype(std::string_view name) {
    for (const auto& d : DTYPES)
        if (d.name == name) return d.dtype;
    return std::nullopt;
}

int64_t Tensor::numel() const {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    return n;
}

std::vector<std::byte> encode_safetensors(std::span<const Tensor> tensors,
                                          const Metadata& metadata) {
    nlohmann::ordered_json header = nlohmann::ordered_json::object();
    if (!metadata.empty()) header["__metadata__"] = metadata;
    std::set<std::string> names;
    uint64_t offset = 0;
    for (const Tensor& t : tensors) {
        if (t.name == "__metadata__" || !names.insert(t.name).second)
            throw std::invalid_argument("safetensors: duplicate or reserved tensor name '" +
                                        t.name + "'");
        auto size = byte_size(t.shape, dtype_size(t.dtype));
        if (!size || *size != t.data.size())
            throw std::invalid_argument(
                fmt::format("safetensors: tensor '{}' holds {} bytes, its shape and dtype "
                            "need {}",
                            t.name, t.data.size(), size.value_or(0)));
        header[t.name] = {{"dtype", dtype_name(t.dtype)},
                          {"shape", t.shape},
                          {"data_offsets", {offset, offset + *size}}};
        offset += *size;
    }
    std::string json = header.dump();
    json.append((8 - json.size() % 8) % 8,
                ' ');  // keep the data 8-byte aligned, as the reference writer does
    std::vector<std::byte> out(8 + json.size() + offset);
    uint64_t n = json.size();
    std::memcpy(out.data(), &n, 8);
    std::memcpy(out.data() + 8, json.data(), json.size());
    std::byte* p = out.data() + 8 + json.size();
    for (const Tensor& t : tensors) {
        if (!t.data.empty()) std::memcpy(p, t.data.data(), t.data.size());
        p += t.data.size();
    }
    return out;
}

void write_safetensors(const std::filesystem::path& path, std::span<const Tensor> tensors,
                       const Metadata& metadata) {
    write_file_atomic(path, encode_safetensors(tensors, metadata));
}

SafetensorsFile::SafetensorsFile(std::string source, std::vector<Tensor> tensors, Metadata metadata)
    : source_(std::move(source)), tensors_(std::move(tensors)), metadata_(std::move(metadata)) {}

const Tensor* SafetensorsFile::find(std::string_view name) const {
    for (const Tensor& t : tensors_)
        if (t.name == name) return &t;
    return nullptr;
}

const Tensor& SafetensorsFile::get(std::string_view name, std::optional<DType> dtype) const {
    const Tensor* t = find(name);
    if (!t) throw InputError(fmt::format("{}: tensor '{}' is missing", source_, name));
    if (dtype && t->dtype != *dtype)
        throw InputError(fmt::format("{}: tensor '{}' has dtype {}, expected {}", source_, name,
                                     dtype_name(t->dtype), dtype_name(*dtype)));
    return *t;
}

const std::string& SafetensorsFile::meta(const std::string& key) const {
    auto it = metadata_.find(key);
    if (it == metadata_.end())
        throw InputError(fmt::format("{}: metadata key '{}' is missing", source_, key));
    return it->second;
}

SafetensorsFile decode_safetensors(std::span<const std::byte> bytes, std::string source) {
    // Step 1. Header length and JSON.
    if (bytes.size() < 8)
        bad(source, fmt::format("{} bytes, shorter than the 8-byte header length", bytes.size()));
    uint64_t n;
    std::memcpy(&n, bytes.data(), 8);
    if (n > MAX_HEADER_BYTES || n > bytes.size() - 8)
        bad(source, fmt::format("header length {} exceeds the file ({} bytes) - truncated?", n,
                                bytes.size()));
    const char* hp = reinterpret_cast<const char*>(bytes.data()) + 8;
    nlohmann::json header = nlohmann::json::parse(hp, hp + n, nullptr, false);
    if (header.is_discarded()) bad(source, "the header is not valid JSON");
    if (!header.is_object()) bad(source, "the header is not a JSON object");
    const std::span<const std::byte> data = bytes.subspan(8 + n);
    // Step 2. Entries: metadata and tensors with dtype, shape and offsets.
    Metadata metadata;
    struct Span {
        uint64_t begin, end;
        std::string name;
    };
    std::vector<Span> spans;
    std::vector<Tensor> tensors;
    for (auto& [name, entry] : header.items()) {
        if (name == "__metadata__") {
            if (!entry.is_object()) bad(source, "__metadata__ is not an object");
            for (auto& [k, v] : entry.items()) {
                if (!v.is_string())
                    bad(source, fmt::format("__metadata__ value of '{}' is not a string", k));
                metadata[k] = v.get<std::string>();
            }
            continue;
        }
        const std::string& tensor = name;  // clang 14 cannot capture a structured binding
        auto where = [&](std::string_view what) {
            bad(source, fmt::format("tensor '{}': {}", tensor, what));
        };
        if (!entry.is_object()) where("entry is not an object");
        if (!entry.contains("dtype") || !entry["dtype"].is_string())
            where("dtype missing or not a string");
        auto dtype = parse_dtype(entry["dtype"].get<std::string>());
        if (!dtype) where(fmt::format("unknown dtype '{}'", entry["dtype"].get<std::string>()));
        if (!entry.contains("shape") || !entry["shape"].is_array())
            where("shape missing or not an array");
        Tensor t{name, *dtype, {}, {}};
        for (auto& d : entry["shape"]) {
            if (!d.is_number_integer() || d.get<int64_t>() < 0)
                where("shape has a non-integer or negative entry");
            t.shape.push_back(d.get<int64_t>());
        }
        const auto& off = entry.contains("data_offsets") ? entry["data_offsets"] : nlohmann::json();
        if (!off.is_array() || off.size() != 2 || !off[0].is_number_unsigned() ||
            !off[1].is_number_unsigned())
            where("data_offsets missing or not two non-negative integers");
        uint64_t b = off[0].get<uint64_t>(), e = off[1].get<uint64_t>();
        if (b > e || e > data.size())
            where(fmt::format("data_offsets [{}, {}] outside the {} data bytes - truncated?", b, e,
                              data.size()));
        auto size = byte_size(t.shape, dtype_size(*dtype));
        if (!size || *size != e - b)
            where(fmt::format("{} data bytes, but shape and dtype {} need {}", e - b,
                              dtype_name(*dtype),
                              size ? fmt::format("{}", *size) : std::string("more than 2^64")));
        t.data.assign(data.begin() + static_cast<ptrdiff_t>(b),
                      data.begin() + static_cast<ptrdiff_t>(e));
        spans.push_back({b, e, name});
        tensors.push_back(std::move(t));
    }
    // Step 3. The spans must tile the data exactly: no overlap, no hole, nothing after the last
    // tensor.
    std::vector<size_t> order(spans.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        return spans[a].begin != spans[b].begin ? spans[a].begin < spans[b].begin
                                                : spans[a].end < spans[b].end;
    });
    uint64_t pos = 0;
    for (size_t i : order) {
        if (spans[i].begin < pos)
            bad(source, fmt::format("tensor '{}' overlaps the previous tensor", spans[i].name));
        if (spans[i].begin > pos)
            bad(source, fmt::format("a hole of {} bytes before tensor '{}'", spans[i].begin - pos,
                                    spans[i].name));
        pos = spans[i].end;
    }
    if (pos != data.size())
        bad(source, fmt::format("{} data bytes after the last tensor", data.size() - pos));
    std::vector<Tensor> sorted;
    sorted.reserve(tensors.size());
    for (size_t i : order) sorted.push_back(std::move(tensors[i]));
    return SafetensorsFile(std::move(source), std::move(sorted), std::move(metadata));
}

SafetensorsFile read_safetensors(const std::filesystem::path& path) {
    auto bytes = read_file(path);
    if (!bytes)
        throw InputError(
            fmt::format("{}: cannot read the file ({})", path.string(), unreadable_reason(path)));
    return decode_safetensors(*bytes, path.string());
}

}  // namespace eqvk::io
