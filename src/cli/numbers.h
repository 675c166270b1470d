// The command line's integer parsing, one strict reading for every command: decimal digits only
// (no sign, no spaces, no 0x, no trailing characters), range checked, never wrapped. Errors are
// InputError (exit 2) naming the option and the text; the CLI11 validator form turns the same
// checks into CLI11's one-line parse error.
#pragma once
#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace eqvk::cli {

/// Strict decimal reading of `text` in [lo, hi]; nullopt for anything else (sign, garbage, empty,
/// overflow, out of range).
std::optional<uint64_t> read_uint(std::string_view text, uint64_t lo, uint64_t hi);

/// read_uint, or InputError "<what> '<text>': expected an integer in [lo, hi]".
uint64_t parse_uint(std::string_view text, std::string_view what, uint64_t lo, uint64_t hi);

/// CLI11 validator for an unsigned option: the strict reading above, in [lo, hi] (CLI11 itself
/// accepts "-5" for an unsigned option and wraps it).
CLI::Validator uint_in(uint64_t lo, uint64_t hi);

/// An inclusive seed range.
struct SeedRange {
    uint64_t first = 0, last = 0;
};

/// "A..B" with A <= B <= `max` (both included); InputError naming `what` otherwise.
SeedRange parse_seed_range(std::string_view text, std::string_view what = "--seeds",
                           uint64_t max = UINT64_MAX);

/// Part `index` of `count` (0 <= index < count) of a job array.
struct ShardPart {
    uint32_t index = 0, count = 1;
};

/// "--shard i/n": strict decimals, 1 <= n <= 2^20, 0 <= i < n; InputError naming --shard
/// otherwise. (`--shard auto` forms build on this.)
ShardPart parse_shard_spec(std::string_view text);

}  // namespace eqvk::cli
