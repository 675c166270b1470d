// Texas 42 play-phase rules of Crystal Forge (spec §1.2–1.4, §1.6, §5.3): the ten declarations, led
// suit, following, trick ranking, and the lookup tables derived from those rule functions at
// compile time. Tables are compact (uint8 / 28-bit masks) because a GPU port mirrors them; tests
// check every table entry against the scalar rule functions.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "game/tiles.h"

namespace eqvk::game {

inline constexpr int N_DECLS = 10;
inline constexpr int DECL_DOUBLES_TRUMP = 7;  ///< doubles are trump
inline constexpr int DECL_DOUBLES_SUIT =
    8;                                  ///< doubles form their own suit, no trump (Nel-O style)
inline constexpr int DECL_NOTRUMP = 9;  ///< follow-me: no called suit at all
inline constexpr int N_SUITS = 8;       ///< suits 0..6 are pips, 7 is the called suit
inline constexpr int CALLED_SUIT = 7;

/// Tile belongs to the declaration's called suit (spec §1.2): pip `decl` for 0..6, doubles for 7
/// and 8, nothing for 9.
constexpr bool in_called_suit(int tile, int decl) {
    if (decl <= 6) return has_pip(tile, decl);
    if (decl <= DECL_DOUBLES_SUIT) return IS_DOUBLE[tile] != 0;
    return false;
}

/// Declarations 0..7 give the called suit trump power; 8 and 9 do not (spec §1.2).
constexpr bool has_trump_power(int decl) {
    return decl <= DECL_DOUBLES_TRUMP;
}

/// Suit led by `lead_tile` (0..7): high pip under notrump, else 7 for called-suit tiles, else high
/// pip (spec §1.3).
constexpr int led_suit(int lead_tile, int decl) {
    if (decl != DECL_NOTRUMP && in_called_suit(lead_tile, decl)) return CALLED_SUIT;
    return HIGH[lead_tile];
}

/// Whether `tile` follows `suit` (0..7): suit 7 = called-suit members; pip suit s = contains s and
/// is not in the called suit (spec §1.3).
constexpr bool can_follow(int tile, int suit, int decl) {
    if (suit == CALLED_SUIT) return in_called_suit(tile, decl);
    return has_pip(tile, suit) && !in_called_suit(tile, decl);
}

/// Trick-ranking key (tier << 4) + rank; the highest key wins, the earliest play wins ties
/// (spec §1.4).
/// Tier 2: trump (decl 0..7 and called suit); tier 1: follows the led suit; tier 0: neither.
constexpr int trick_rank(int tile, int suit, int decl) {
    if (has_trump_power(decl) && in_called_suit(tile, decl)) {
        int rank = decl == DECL_DOUBLES_TRUMP ? HIGH[tile] : (IS_DOUBLE[tile] ? 14 : SUM[tile]);
        return (2 << 4) + rank;
    }
    if (can_follow(tile, suit, decl)) {
        int rank = suit == CALLED_SUIT ? HIGH[tile] : (IS_DOUBLE[tile] ? 14 : SUM[tile]);
        return (1 << 4) + rank;
    }
    return 0;
}

/// Offset 0..3 (from the leader) of the winning play among the four `tiles` in play order
/// (spec §1.4).
constexpr int trick_winner_offset(const std::array<int, 4>& tiles, int decl) {
    int suit = led_suit(tiles[0], decl);
    int best = 0, best_key = trick_rank(tiles[0], suit, decl);
    for (int i = 1; i < 4; ++i) {
        int key = trick_rank(tiles[i], suit, decl);
        if (key > best_key) best = i, best_key = key;
    }
    return best;
}

/// Value of a trick: 1 + the count points of its four tiles (spec §1.5).
constexpr int trick_points(const std::array<int, 4>& tiles) {
    return 1 + COUNT_POINTS[tiles[0]] + COUNT_POINTS[tiles[1]] + COUNT_POINTS[tiles[2]] +
           COUNT_POINTS[tiles[3]];
}

/// Team of a seat: 0 for seats {0, 2}, 1 for {1, 3} (spec §1.5).
constexpr int team_of(int seat) {
    return seat & 1;
}

/// Lookup tables derived from the rule functions above (spec §1.3, §1.4, §1.6, §5.3).
struct RuleTables {
    std::array<std::array<uint8_t, N_DECLS>, N_TILES> led_suit{};  ///< [tile][decl] 0..7
    /// [tile][suit][decl] trick_rank key 0..46
    std::array<std::array<std::array<uint8_t, N_DECLS>, N_SUITS>, N_TILES> trick_rank{};
    /// [tile][decl] 0 = strongest called-suit tile .. 6, 7 = not in the called suit (spec §5.3)
    std::array<std::array<uint8_t, N_DECLS>, N_TILES> trump_rank{};
    /// [suit][decl] 28-bit mask of tiles that can follow `suit` = SUIT_DOMINO_MASK of spec §1.6
    std::array<std::array<TileMask, N_DECLS>, N_SUITS> follow_mask{};
    std::array<TileMask, N_DECLS> called_mask{};  ///< [decl] tiles of the called suit
};

namespace detail {
constexpr RuleTables make_rule_tables() {
    RuleTables t;
    for (int d = 0; d < N_DECLS; ++d) {
        for (int id = 0; id < N_TILES; ++id) {
            t.led_suit[id][d] = static_cast<uint8_t>(led_suit(id, d));
            if (in_called_suit(id, d)) t.called_mask[d] |= TileMask{1} << id;
            for (int s = 0; s < N_SUITS; ++s) {
                t.trick_rank[id][s][d] = static_cast<uint8_t>(trick_rank(id, s, d));
                if (can_follow(id, s, d)) t.follow_mask[s][d] |= TileMask{1} << id;
            }
        }
        // Trump rank: called-suit tiles by descending trick_rank(tile, 7, decl); keys are distinct.
        for (int id = 0; id < N_TILES; ++id) {
            t.trump_rank[id][d] = 7;
            if (d == DECL_NOTRUMP || !in_called_suit(id, d)) continue;
            int stronger = 0;
            for (int o = 0; o < N_TILES; ++o)
                if (in_called_suit(o, d) &&
                    trick_rank(o, CALLED_SUIT, d) > trick_rank(id, CALLED_SUIT, d))
                    ++stronger;
            t.trump_rank[id][d] = static_cast<uint8_t>(stronger);
        }
    }
    return t;
}
}  // namespace detail

/// The rule tables, built at compile time.
inline constexpr RuleTables RULES = detail::make_rule_tables();

/// Tiles of `hand` that may be played when `lead_tile` (or -1 when leading) was led: the followers
/// of the led suit if the hand holds any, else the whole hand (spec §1.3).
constexpr TileMask legal_mask(TileMask hand, int lead_tile, int decl) {
    if (lead_tile < 0) return hand;
    TileMask f = hand & RULES.follow_mask[RULES.led_suit[lead_tile][decl]][decl];
    return f ? f : hand;
}

/// Canonical name of a declaration: "blanks" .. "sixes", "doubles-trump", "doubles-suit",
/// "notrump".
std::string_view decl_name(int decl);

/// One declaration from a name or alias (spec §1.2 `parse_decl_arg`): canonical names
/// (case-insensitive, '_' = '-'), numeric strings "0".."9", "no-trump"/"nt" → 9,
/// "doubles"/"dt" → 7, "ds" → 8.
/// Throws InputError naming `text` when it is none of these.
int parse_decl(std::string_view text);

/// Like parse_decl, but "all" or "*" give every declaration 0..9.
std::vector<int> parse_decl_arg(std::string_view text);

}  // namespace eqvk::game
