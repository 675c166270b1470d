// Training-format and Forge-production tokens (spec §5.1–5.5), the reference of eq_tokenize.comp.
#include "eq/tokens.h"

#include <bit>

namespace eqvk::eq {

using game::TileMask;

namespace {

constexpr int GHOST_TILE = 27;  // Forge maps -1 (played slot) to tile 27 = 6-6 (spec §5.5)

struct Ctx {
    int actor, decl, rel_leader;
};

// Feature row of a tile token: cols 0..4 from the tile, 5..7 from the seat, 8 remaining, 9 type.
void tile_row(int8_t* row, const Ctx& c, int tile, int seat, bool remaining, int type) {
    int rel = (seat - c.actor + 4) % 4;
    row[0] = int8_t(game::HIGH[tile]);
    row[1] = int8_t(game::LOW[tile]);
    row[2] = int8_t(game::IS_DOUBLE[tile]);
    row[3] = int8_t(game::COUNT_POINTS[tile] / 5);
    row[4] = int8_t(game::RULES.trump_rank[tile][c.decl]);
    row[5] = int8_t(rel);
    row[6] = int8_t(rel == 0);
    row[7] = int8_t(rel == 2);
    row[8] = int8_t(remaining);
    row[9] = int8_t(type);
    row[10] = int8_t(c.decl);
    row[11] = int8_t(c.rel_leader);
}

}  // namespace

TokenRow tokenize(const game::State& s, const World& world, Encoding enc) {
    TokenRow out;
    const int actor = s.current_player();
    const Ctx c{actor, s.decl(), (s.leader() - actor + 4) % 4};
    out.actor = actor;
    out.tokens[10] = int8_t(c.decl);
    out.tokens[11] = int8_t(c.rel_leader);
    out.mask[0] = 1;
    std::array<TileMask, 4> remaining{}, played_by{};
    remaining[actor] = s.hand(actor);
    for (int i = 0; i < 3; ++i) remaining[opponent_seat(actor, i)] = world[i];
    for (const auto& p : s.history()) played_by[p.player] |= TileMask{1} << p.tile;
    for (int p = 0; p < 4; ++p) {
        int8_t* block = &out.tokens[(1 + 7 * p) * N_FEATURES];
        for (int i = 0; i < 7; ++i) out.mask[1 + 7 * p + i] = 1;
        if (enc == Encoding::Faithful) {
            int i = 0;  // dealt hand = sorted(remaining ∪ played), ascending ids
            for (TileMask m = remaining[p] | played_by[p]; m; m &= m - 1, ++i) {
                int t = std::countr_zero(m);
                tile_row(block + i * N_FEATURES, c, t, p, remaining[p] >> t & 1, 1 + p);
            }
        } else if (p == actor) {  // own dealt slots, played slots as ghosts
            for (int i = 0; i < 7; ++i) {
                int t = s.deal()[p][i];
                bool held = s.hand(p) >> t & 1;
                tile_row(block + i * N_FEATURES, c, held ? t : GHOST_TILE, p, held, 1 + p);
            }
        } else {  // remaining tiles descending, then ghosts
            int i = 0;
            for (TileMask m = remaining[p]; m; ++i) {
                int t = 31 - std::countl_zero(m);
                m &= ~(TileMask{1} << t);
                tile_row(block + i * N_FEATURES, c, t, p, true, 1 + p);
            }
            for (; i < 7; ++i) tile_row(block + i * N_FEATURES, c, GHOST_TILE, p, false, 1 + p);
        }
    }
    for (int j = 0; j < s.trick_len(); ++j) {
        tile_row(&out.tokens[(29 + j) * N_FEATURES], c, s.trick_tile(j), (s.leader() + j) % 4,
                 false, 5 + j);
        out.mask[29 + j] = 1;
    }
    return out;
}

TokenRow tokenize_packed(const game::Deal& deal, int decl, solver::PackedState state) {
    TokenRow out;
    const int actor = solver::current_player_of(state), leader = solver::leader_of(state);
    const Ctx c{actor, decl, (leader - actor + 4) % 4};
    out.actor = actor;
    out.tokens[10] = int8_t(decl);
    out.tokens[11] = int8_t(c.rel_leader);
    out.mask[0] = 1;
    for (int p = 0; p < 4; ++p) {
        const unsigned held = solver::hand_slots(state, p);
        for (int i = 0; i < 7; ++i) {
            tile_row(&out.tokens[(1 + 7 * p + i) * N_FEATURES], c, deal[p][i], p, held >> i & 1,
                     1 + p);
            out.mask[1 + 7 * p + i] = 1;
        }
    }
    for (int j = 0; j < solver::trick_len_of(state); ++j) {
        const int seat = (leader + j) % 4;
        tile_row(&out.tokens[(29 + j) * N_FEATURES], c, deal[seat][solver::trick_slot_of(state, j)],
                 seat, false, 5 + j);
        out.mask[29 + j] = 1;
    }
    return out;
}

}  // namespace eqvk::eq
