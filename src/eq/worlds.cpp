// Void inference, world-count DP, unranking and exactly uniform sampling: the CPU references of
// shaders/eq_voids.comp, eq_world_count.comp and eq_world_sample.comp (same loops, same words).
#include "eq/worlds.h"

#include <bit>

#include "util/error.h"

namespace eqvk::eq {

using namespace gpu;
using game::TileMask;

std::array<uint32_t, 3> opponent_voids(const game::State& s) {
    auto v = game::infer_voids(s.history(), s.decl());
    int actor = s.current_player();
    return {v[opponent_seat(actor, 0)], v[opponent_seat(actor, 1)], v[opponent_seat(actor, 2)]};
}

WorldTable world_table(TileMask pool, std::array<int, 3> sizes, std::array<TileMask, 3> allowed,
                       int actor) {
    int n = std::popcount(pool);
    EQVK_ASSERT(n <= 21 && sizes[0] + sizes[1] + sizes[2] == n);
    WorldTable t;
    auto& w = t.words;
    w[WT_POOL] = pool;
    w[WT_N] = uint32_t(n);
    for (int i = 0; i < 3; ++i) {
        w[WT_SIZE + i] = uint32_t(sizes[i]);
        w[WT_ALLOWED + i] = pool & allowed[i];
    }
    w[WT_ACTOR] = uint32_t(actor);
    int tiles[21];
    int k = 0;
    for (TileMask m = pool; m; m &= m - 1) tiles[k++] = std::countr_zero(m);
    auto at = [&](int i, int c0, int c1) -> uint32_t& {
        return w[WT_CELLS + i * 64 + c0 * 8 + c1];
    };
    at(n, 0, 0) = 1;
    for (int i = n - 1; i >= 0; --i) {
        uint32_t a0 = w[WT_ALLOWED] >> tiles[i] & 1, a1 = w[WT_ALLOWED + 1] >> tiles[i] & 1,
                 a2 = w[WT_ALLOWED + 2] >> tiles[i] & 1;
        for (int c0 = 0; c0 < 8; ++c0)
            for (int c1 = 0; c1 < 8; ++c1) {
                int c2 = n - i - c0 - c1;
                if (c2 < 0 || c2 > 7) continue;
                uint32_t f = 0;
                if (a0 && c0 > 0) f += at(i + 1, c0 - 1, c1);
                if (a1 && c1 > 0) f += at(i + 1, c0, c1 - 1);
                if (a2 && c2 > 0) f += at(i + 1, c0, c1);
                at(i, c0, c1) = f;
            }
    }
    w[WT_COUNT] = (sizes[0] <= 7 && sizes[1] <= 7 && sizes[2] <= 7) ? at(0, sizes[0], sizes[1]) : 0;
    return t;
}

WorldTable world_table(const game::State& s) {
    int actor = s.current_player();
    auto voids = opponent_voids(s);
    TileMask played = 0;
    for (const auto& p : s.history()) played |= TileMask{1} << p.tile;
    TileMask pool = game::ALL_TILES & ~played & ~s.hand(actor);
    std::array<int, 3> sizes{};
    std::array<TileMask, 3> allowed{};
    for (int i = 0; i < 3; ++i) {
        int seat = opponent_seat(actor, i);
        sizes[i] = game::tile_count(s.hand(seat));
        allowed[i] = pool & ~game::void_forbidden_tiles(uint8_t(voids[i]), s.decl());
    }
    return world_table(pool, sizes, allowed, actor);
}

World unrank_world(const WorldTable& t, uint32_t rank) {
    EQVK_ASSERT(rank < t.count());
    World out{};
    int c[3] = {int(t.size(0)), int(t.size(1)), int(t.size(2))};
    int i = 0;
    for (TileMask m = t.pool(); m; m &= m - 1, ++i) {
        int tile = std::countr_zero(m);
        for (int o = 0; o < 3; ++o) {
            if (!(t.allowed(o) >> tile & 1) || c[o] == 0) continue;
            int d0 = c[0] - (o == 0), d1 = c[1] - (o == 1);
            uint32_t sub = t.cell(i + 1, d0, d1);
            if (rank < sub) {
                out[o] |= TileMask{1} << tile;
                --c[o];
                break;
            }
            rank -= sub;
        }
    }
    return out;
}

uint32_t world_rank(const WorldTable& t, PhiloxKey key, uint64_t game_seed, uint32_t decision,
                    uint32_t world) {
    return uniform_below(t.count(), rng_counter(game_seed, decision, world, 0), key);
}

bool world_is_consistent(const WorldTable& t, const World& w) {
    TileMask all = 0;
    for (int o = 0; o < 3; ++o) {
        if (uint32_t(std::popcount(w[o])) != t.size(o)) return false;
        if (w[o] & ~t.allowed(o)) return false;
        if (all & w[o]) return false;
        all |= w[o];
    }
    return all == t.pool();
}

World true_world(const game::State& s) {
    int actor = s.current_player();
    return {s.hand(opponent_seat(actor, 0)), s.hand(opponent_seat(actor, 1)),
            s.hand(opponent_seat(actor, 2))};
}

}  // namespace eqvk::eq
