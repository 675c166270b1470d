// File helpers: atomic writes (temp file + fsync + rename) and the user's cache directory.
#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <vector>

namespace eqvk {

/// Writes `bytes` to `path` atomically: a sibling temp file is written, flushed to disk and renamed
/// over `path`, so readers see the old file or the new one, never a partial one. Throws Error
/// naming the path.
void write_file_atomic(const std::filesystem::path& path, std::span<const std::byte> bytes);

/// Whole file as bytes, or nullopt if it does not exist or cannot be read.
std::optional<std::vector<std::byte>> read_file(const std::filesystem::path& path);

/// eqvk's cache directory: $EQVK_CACHE_DIR, else $XDG_CACHE_HOME/eqvk, else $HOME/.cache/eqvk.
/// Not created here. Empty path when none of the variables is set.
std::filesystem::path cache_dir();

}  // namespace eqvk
