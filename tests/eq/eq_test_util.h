// Shared helpers of the eq tests: random legal play-outs from Forge deals, brute-force enumeration
// of consistent worlds, and a chi-square p-value.
#pragma once
#include <bit>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "eq/dataset.h"
#include "eq/gpu_state.h"
#include "eq/moves.h"
#include "eq/worlds.h"
#include "game/deal.h"
#include "game/state.h"

namespace eqvk::eq::test {

/// Game `seed` (decl `decl`) after `n_plays` random legal plays chosen by `rng`.
inline game::State random_state(uint64_t seed, int decl, int n_plays, std::mt19937_64& rng) {
    game::State s = initial_state(seed, decl);
    random_playout(s, n_plays, rng);
    return s;
}

/// Every world consistent with the table's pool, sizes and allowed sets, by brute force
/// (tile by tile over the three opponents, in the same order as the table's ranks).
inline std::vector<World> enumerate_worlds(const WorldTable& t) {
    std::vector<World> out;
    std::vector<int> tiles;
    for (game::TileMask m = t.pool(); m; m &= m - 1) tiles.push_back(std::countr_zero(m));
    World w{};
    int left[3] = {int(t.size(0)), int(t.size(1)), int(t.size(2))};
    auto rec = [&](auto&& self, size_t i) -> void {
        if (i == tiles.size()) {
            out.push_back(w);
            return;
        }
        for (int o = 0; o < 3; ++o) {
            if (!left[o] || !(t.allowed(o) >> tiles[i] & 1)) continue;
            --left[o];
            w[o] |= game::TileMask{1} << tiles[i];
            self(self, i + 1);
            w[o] &= ~(game::TileMask{1} << tiles[i]);
            ++left[o];
        }
    };
    rec(rec, 0);
    return out;
}

/// Upper-tail p-value of a chi-square statistic with k degrees of freedom (Wilson–Hilferty).
inline double chi_square_p(double x, double k) {
    if (k <= 0) return 1.0;
    double z = (std::cbrt(x / k) - (1 - 2 / (9 * k))) / std::sqrt(2 / (9 * k));
    return 0.5 * std::erfc(z / std::sqrt(2.0));
}

/// The state of spec §6.3's Forge counter-example as a table: decl 3 (threes); pool {2-1, 2-2,
/// 4-4, 5-0, 5-5, 6-1, 6-3, 6-5, 6-6}; sizes 3/3/3; opp0 void in 1s, opp1 and opp2 void in 5s.
inline WorldTable forge_dead_end_table() {
    const int decl = 3;
    game::TileMask pool = 0;
    for (auto [a, b] :
         {std::pair{2, 1}, {2, 2}, {4, 4}, {5, 0}, {5, 5}, {6, 1}, {6, 3}, {6, 5}, {6, 6}})
        pool |= game::TileMask{1} << game::tile_id(a, b);
    std::array<game::TileMask, 3> allowed = {pool & ~game::void_forbidden_tiles(1u << 1, decl),
                                             pool & ~game::void_forbidden_tiles(1u << 5, decl),
                                             pool & ~game::void_forbidden_tiles(1u << 5, decl)};
    return world_table(pool, {3, 3, 3}, allowed);
}

/// A whole game where every player plays its lowest legal slot, with made-up E[Q] numbers.
inline GameRecord play_lowest(uint64_t seed, int decl) {
    GameRecord r;
    r.seed = seed;
    r.decl = decl;
    game::State s(game::deal_from_seed(seed), decl);
    for (int d = 0; d < DECISIONS; ++d) {
        int p = s.current_player();
        auto legal_tiles = s.legal_tiles();
        DecisionRecord& dr = r.decisions[d];
        dr.player = static_cast<uint8_t>(p);
        for (int slot = 0; slot < SLOTS; ++slot)
            if (legal_tiles >> s.deal()[p][slot] & 1u) dr.legal |= static_cast<uint8_t>(1u << slot);
        dr.action = static_cast<int8_t>(__builtin_ctz(dr.legal));
        for (int slot = 0; slot < SLOTS; ++slot) {
            dr.e_q[slot] = static_cast<float>(d - slot);
            dr.var[slot] = static_cast<float>(slot);
            dr.pdf[slot * PDF_BINS + 42 + d - slot] = 1.0f;
        }
        dr.n_samples = 32;
        s.do_play_slot(dr.action);
    }
    return r;
}

}  // namespace eqvk::eq::test
