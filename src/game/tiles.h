// The 28 dominoes of a double-six set (spec §1.1): id = h(h+1)/2 + l with high pip h >= low pip l.
// Per-id tables (HIGH, LOW, SUM, IS_DOUBLE, COUNT_POINTS) are constexpr so that rules, solver and
// the later GPU port share one definition. A set of tiles is a 28-bit mask (TileMask, bit id).
#pragma once
#include <array>
#include <bit>
#include <cstdint>
#include <string>

namespace eqvk::game {

inline constexpr int N_TILES = 28;
inline constexpr int N_PLAYERS = 4;
inline constexpr int HAND_SIZE = 7;
inline constexpr int N_TRICKS = 7;
inline constexpr int TOTAL_POINTS = 42;  ///< 7 tricks + 35 count points (spec §1.5)

/// Set of tiles: bit `id` set when tile `id` is in the set. Only bits 0..27 are used.
using TileMask = uint32_t;
inline constexpr TileMask ALL_TILES = (TileMask{1} << N_TILES) - 1;

/// Tile id of the domino with pips (a, b) in either order (spec §1.1).
constexpr int tile_id(int a, int b) {
    int h = a > b ? a : b, l = a > b ? b : a;
    return h * (h + 1) / 2 + l;
}

namespace detail {
struct TileTables {
    std::array<uint8_t, N_TILES> high{}, low{}, sum{}, is_double{}, count_points{};
};
constexpr TileTables make_tile_tables() {
    TileTables t;
    for (int h = 0; h <= 6; ++h) {
        for (int l = 0; l <= h; ++l) {
            int id = tile_id(h, l);
            t.high[id] = static_cast<uint8_t>(h);
            t.low[id] = static_cast<uint8_t>(l);
            t.sum[id] = static_cast<uint8_t>(h + l);
            t.is_double[id] = h == l;
            t.count_points[id] = (h + l == 10)  ? 10
                                 : (h + l == 5) ? 5
                                                : 0;  // 5-5, 6-4 | 5-0, 4-1, 3-2
        }
    }
    return t;
}
inline constexpr TileTables TILE_TABLES = make_tile_tables();
}  // namespace detail

/// Per-id tables, indexed by tile id 0..27 (spec §1.1).
inline constexpr const std::array<uint8_t, N_TILES>& HIGH = detail::TILE_TABLES.high;
inline constexpr const std::array<uint8_t, N_TILES>& LOW = detail::TILE_TABLES.low;
inline constexpr const std::array<uint8_t, N_TILES>& SUM = detail::TILE_TABLES.sum;
inline constexpr const std::array<uint8_t, N_TILES>& IS_DOUBLE = detail::TILE_TABLES.is_double;
inline constexpr const std::array<uint8_t, N_TILES>& COUNT_POINTS =
    detail::TILE_TABLES.count_points;

/// True when the tile shows pip `p` on either end.
constexpr bool has_pip(int tile, int p) {
    return HIGH[tile] == p || LOW[tile] == p;
}

/// Number of tiles in a mask.
constexpr int tile_count(TileMask m) {
    return std::popcount(m);
}

/// "h-l", e.g. "6-4" for id 25.
std::string tile_name(int tile);

}  // namespace eqvk::game
