// Declaration names and the CLI aliases of Forge's parse_decl_arg (spec §1.2), plus tile names.
#include "game/rules.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "util/error.h"

namespace eqvk::game {

namespace {
constexpr std::array<std::string_view, N_DECLS> DECL_NAMES = {
    "blanks", "ones",  "twos",          "threes",       "fours",
    "fives",  "sixes", "doubles-trump", "doubles-suit", "notrump"};

struct Alias {
    std::string_view name;
    int decl;
};
constexpr std::array<Alias, 12> ALIASES = {{{"no-trump", 9},
                                            {"nt", 9},
                                            {"follow-me", 9},
                                            {"doubles", 7},
                                            {"dt", 7},
                                            {"ds", 8},
                                            {"blank", 0},
                                            {"one", 1},
                                            {"two", 2},
                                            {"three", 3},
                                            {"four", 4},
                                            {"five", 5}}};
}  // namespace

std::string tile_name(int tile) {
    return fmt::format("{}-{}", HIGH[tile], LOW[tile]);
}

std::string_view decl_name(int decl) {
    if (decl < 0 || decl >= N_DECLS) return "?";
    return DECL_NAMES[decl];
}

int parse_decl(std::string_view text) {
    std::string s(text);
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) {
        return c == '_' ? '-' : static_cast<char>(std::tolower(c));
    });
    if (s.size() == 1 && s[0] >= '0' && s[0] <= '9') return s[0] - '0';
    for (int d = 0; d < N_DECLS; ++d)
        if (s == DECL_NAMES[d]) return d;
    for (const Alias& a : ALIASES)
        if (s == a.name) return a.decl;
    if (s == "six") return 6;
    throw InputError(
        fmt::format("declaration '{}' is not known: use 0..9, blanks..sixes, doubles-trump (dt), "
                    "doubles-suit (ds) or "
                    "notrump (nt)",
                    text));
}

std::vector<int> parse_decl_arg(std::string_view text) {
    if (text == "all" || text == "*") return {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    return {parse_decl(text)};
}

}  // namespace eqvk::game
