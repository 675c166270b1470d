// CPU references of the sampling half of the decision step (ARCHITECTURE decision 2): void
// inference for the actor's three opponents (spec §1.6), the world-count table (a DP over the
// unseen tiles × the opponents' remaining capacities), unranking world k (exact enumeration) and
// exactly uniform sampling through one counter-RNG rank per world. Tables are the same words the
// GPU kernels write (eq/gpu/layout.h WT_*), so GPU results compare bit for bit.
#pragma once
#include <array>
#include <cstdint>
#include <vector>

#include "eq/gpu/layout.h"
#include "eq/rng.h"
#include "game/state.h"

namespace eqvk::eq {

/// Seat of opponent i (0..2) of `actor`: (actor + 1 + i) % 4 (spec §1.6).
constexpr int opponent_seat(int actor, int i) {
    return (actor + 1 + i) % 4;
}

/// 8-bit void-suit masks of the current player's opponents, opponent-relative (voids [3] of
/// the GPU kernel eq_voids).
std::array<uint32_t, 3> opponent_voids(const game::State& s);

/// A hypothetical deal of the hidden tiles: opponent i's remaining tiles.
using World = std::array<game::TileMask, 3>;

/// The world-count table of one game, exactly the GPU's WT_WORDS words.
struct WorldTable {
    std::array<uint32_t, gpu::WT_WORDS> words{};

    uint32_t count() const { return words[gpu::WT_COUNT]; }
    game::TileMask pool() const { return words[gpu::WT_POOL]; }
    uint32_t size(int i) const { return words[gpu::WT_SIZE + i]; }
    game::TileMask allowed(int i) const { return words[gpu::WT_ALLOWED + i]; }
    /// f[i][c0][c1] (see eq/gpu/layout.h).
    uint32_t cell(int i, int c0, int c1) const {
        return words[gpu::WT_CELLS + i * 64 + c0 * 8 + c1];
    }
};

/// Table from the pool (unseen tiles), the opponents' sizes and the tiles each may hold.
/// Requires sizes summing to popcount(pool) <= 21, each <= 7.
WorldTable world_table(game::TileMask pool, std::array<int, 3> sizes,
                       std::array<game::TileMask, 3> allowed, int actor = 0);
/// Table of the current player's decision in `s`: pool = tiles neither played nor held by the
/// actor; sizes = the opponents' true remaining counts; allowed = pool minus each opponent's
/// void-forbidden tiles (game::void_forbidden_tiles).
WorldTable world_table(const game::State& s);

/// World of rank `rank` < count(): the tiles in ascending id order each go to the first opponent
/// (0, 1, 2) whose subtree of the table still contains the rank. Ranks 0..count()-1 give every
/// consistent world exactly once.
World unrank_world(const WorldTable& t, uint32_t rank);

/// Rank of world `world` of decision `decision` of the game seeded `game_seed`: uniform_below
/// (count) from the RNG (stream RNG_STREAM_WORLD).
uint32_t world_rank(const WorldTable& t, PhiloxKey key, uint64_t game_seed, uint32_t decision,
                    uint32_t world);

/// Checks a world: sizes, allowed tiles, disjoint, union = pool.
bool world_is_consistent(const WorldTable& t, const World& w);

/// The true hidden hands of `s` (the world that actually happened).
World true_world(const game::State& s);

}  // namespace eqvk::eq
