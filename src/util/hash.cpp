// XXH3-128 content hashes over memory and files (see hash.h).
#include "util/hash.h"

#include <fmt/format.h>
#include <xxhash.h>

#include <fstream>
#include <memory>
#include <vector>

namespace eqvk {
namespace {

std::string hex(XXH128_hash_t h) {
    return fmt::format("{:016x}{:016x}", h.high64, h.low64);
}

}  // namespace

std::string content_hash(std::span<const std::byte> bytes) {
    return hex(XXH3_128bits(bytes.data(), bytes.size()));
}

std::optional<FileHash> hash_file(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::unique_ptr<XXH3_state_t, decltype(&XXH3_freeState)> state(XXH3_createState(),
                                                                   &XXH3_freeState);
    if (!state || XXH3_128bits_reset(state.get()) != XXH_OK) throw std::bad_alloc();
    std::vector<char> block(1 << 20);
    FileHash out;
    while (in) {
        in.read(block.data(), static_cast<std::streamsize>(block.size()));
        const auto n = static_cast<size_t>(in.gcount());
        if (n == 0) break;
        XXH3_128bits_update(state.get(), block.data(), n);
        out.bytes += n;
    }
    if (in.bad()) return std::nullopt;
    out.hash = hex(XXH3_128bits_digest(state.get()));
    return out;
}

}  // namespace eqvk
