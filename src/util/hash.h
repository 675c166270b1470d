// Content hashes (xxHash's XXH3-128, from Debian's libxxhash): the model's identity and every shard's
// checksum in a dataset manifest. Fast (GB/s) and good at catching corruption such as bit flips; not
// cryptographic, so it does not defend against deliberate tampering.
#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>

namespace eqvk {

/// XXH3-128 of `bytes` as 32 lowercase hex digits (high 64 bits first, xxHash's canonical order).
std::string content_hash(std::span<const std::byte> bytes);

/// A file's size in bytes and the content_hash of its bytes, streamed in 1 MiB blocks.
struct FileHash {
    uint64_t bytes = 0;
    std::string hash;
};

/// The FileHash of `path`, or nullopt when it is not a regular file or cannot be read.
std::optional<FileHash> hash_file(const std::filesystem::path& path);

}  // namespace eqvk
