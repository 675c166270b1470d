// Per-deal solver tables from the game rules, and packing of game::State (spec §3).
#include "solver/packed.h"

#include "util/error.h"

namespace eqvk::solver {

DealContext make_context(const game::Deal& deal, int decl) {
    EQVK_ASSERT(decl >= 0 && decl < game::N_DECLS);
    DealContext ctx;
    ctx.deal = deal;
    ctx.decl = decl;
    for (int leader = 0; leader < 4; ++leader) {
        for (int ls = 0; ls < 7; ++ls) {
            int lead_tile = deal[leader][ls];
            for (int off = 1; off < 4; ++off) {
                const game::Hand& h = deal[(leader + off) % 4];
                uint8_t m = 0;
                for (int i = 0; i < 7; ++i)
                    if (game::can_follow(h[i], game::RULES.led_suit[lead_tile][decl], decl))
                        m |= static_cast<uint8_t>(1U << i);
                ctx.follow[leader][ls][off] = m;
            }
        }
        for (int idx = 0; idx < 2401; ++idx) {
            std::array<int, 4> slots{idx / 343, idx / 49 % 7, idx / 7 % 7, idx % 7};
            std::array<int, 4> tiles;
            for (int i = 0; i < 4; ++i) tiles[i] = deal[(leader + i) % 4][slots[i]];
            game::TrickResult r = game::trick_result(tiles, leader, decl);
            ctx.winner[leader * 2401 + idx] = static_cast<uint8_t>(r.winner);
            ctx.reward[leader * 2401 + idx] =
                static_cast<int8_t>(game::team_of(r.winner) == 0 ? r.points : -r.points);
        }
    }
    return ctx;
}

PackedState pack_state(const game::State& state) {
    PackedState s = 0;
    for (int p = 0; p < 4; ++p) s |= PackedState{state.remaining_slots(p)} << (7 * p);
    s |= PackedState(state.leader()) << 28;
    s |= PackedState(state.trick_len()) << 30;
    for (int i = 0; i < 3; ++i) {
        int slot = NO_SLOT;
        if (i < state.trick_len()) {
            const game::Hand& h = state.deal()[(state.leader() + i) % 4];
            for (int k = 0; k < 7; ++k)
                if (h[k] == state.trick_tile(i)) slot = k;
        }
        s |= PackedState(slot) << (32 + 3 * i);
    }
    return s;
}

int remaining_points(const DealContext& ctx, PackedState s) {
    int count = 0;
    for (int p = 0; p < 4; ++p)
        for (unsigned m = hand_slots(s, p); m; m &= m - 1)
            count += game::COUNT_POINTS[ctx.deal[p][__builtin_ctz(m)]];
    int len = trick_len_of(s), leader = leader_of(s);
    for (int i = 0; i < len; ++i)
        count += game::COUNT_POINTS[ctx.deal[(leader + i) % 4][trick_slot_of(s, i)]];
    int tiles = __builtin_popcount(all_hand_bits(s)) + len;
    return count + tiles / 4;
}

}  // namespace eqvk::solver
