// File helpers: atomic writes (temp file + fsync + rename), read and write checks with reasons for
// messages, and the user's cache directory.
#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace eqvk {

/// Writes `bytes` to `path` atomically: a sibling temp file is written, flushed to disk and renamed
/// over `path`, so readers see the old file or the new one, never a partial one. Throws Error
/// naming the path.
void write_file_atomic(const std::filesystem::path& path, std::span<const std::byte> bytes);

/// Whole file as bytes, or nullopt if it does not exist, is not a regular file (a directory, say)
/// or cannot be read.
std::optional<std::vector<std::byte>> read_file(const std::filesystem::path& path);

/// Why read_file(path) fails, for messages: "is a directory", "not a regular file", or strerror's
/// text ("No such file or directory", "Permission denied"); "" when the file can be opened.
std::string unreadable_reason(const std::filesystem::path& path);

/// Checks that files can be created in directory `dir` (creating it and its parents when
/// `create` is set) by creating and removing a probe file `.eqvk-probe.<pid>`. Returns "" when
/// they can, else the reason ("is not a directory", "Permission denied", "Read-only file system",
/// "No such file or directory").
std::string unwritable_reason(const std::filesystem::path& dir, bool create);

/// eqvk's cache directory: $EQVK_CACHE_DIR, else $XDG_CACHE_HOME/eqvk, else $HOME/.cache/eqvk.
/// Not created here. Empty path when none of the variables is set.
std::filesystem::path cache_dir();

}  // namespace eqvk
