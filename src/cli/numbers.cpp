// Strict integer, range and shard-spec parsing for every command (see numbers.h).
#include "cli/numbers.h"

#include <fmt/format.h>

#include <charconv>

#include "util/error.h"

namespace eqvk::cli {

std::optional<uint64_t> read_uint(std::string_view text, uint64_t lo, uint64_t hi) {
    if (text.empty() || text.front() < '0' || text.front() > '9') return std::nullopt;
    uint64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v, 10);
    if (ec != std::errc() || end != text.data() + text.size() || v < lo || v > hi)
        return std::nullopt;
    return v;
}

uint64_t parse_uint(std::string_view text, std::string_view what, uint64_t lo, uint64_t hi) {
    if (auto v = read_uint(text, lo, hi)) return *v;
    throw InputError(fmt::format("{} '{}': expected an integer in [{}, {}]", what, text, lo, hi));
}

CLI::Validator uint_in(uint64_t lo, uint64_t hi) {
    return CLI::Validator(
        [lo, hi](std::string& text) -> std::string {
            if (read_uint(text, lo, hi)) return {};
            return fmt::format("'{}': expected an integer in [{}, {}]", text, lo, hi);
        },
        fmt::format("UINT in [{} - {}]", lo, hi));
}

SeedRange parse_seed_range(std::string_view text, std::string_view what, uint64_t max) {
    const auto dots = text.find("..");
    if (dots != std::string_view::npos) {
        auto a = read_uint(text.substr(0, dots), 0, max),
             b = read_uint(text.substr(dots + 2), 0, max);
        if (a && b && *a <= *b) return {*a, *b};
    }
    throw InputError(fmt::format("{} '{}': expected A..B with 0 <= A <= B <= {} (both included)",
                                 what, text, max));
}

ShardPart parse_shard_spec(std::string_view text) {
    const auto slash = text.find('/');
    if (slash != std::string_view::npos) {
        auto n = read_uint(text.substr(slash + 1), 1, 1u << 20);
        auto i = n ? read_uint(text.substr(0, slash), 0, *n - 1) : std::nullopt;
        if (i) return {static_cast<uint32_t>(*i), static_cast<uint32_t>(*n)};
    }
    throw InputError(
        fmt::format("--shard '{}': expected i/n with 0 <= i < n <= {}", text, 1u << 20));
}

}  // namespace eqvk::cli
