// Forge's packed solver state (spec §3): 41 bits in an int64 with deal-relative slot indices, and
// the per-deal tables (follow masks, trick winner and reward by slots) that make a move a few table
// lookups. Values everywhere in the solver are points still to be won, team 0 minus team 1
// (spec §1.5).
#pragma once
#include <array>
#include <bit>
#include <cstdint>

#include "game/deal.h"
#include "game/state.h"

namespace eqvk::solver {

/// bits 0–27: remaining-slot masks (seat p at 7p..7p+6); 28–29 leader; 30–31 plays in the trick;
/// 32–34, 35–37, 38–40: slot played by the leader / 2nd / 3rd player (7 = none). Spec §3.
using PackedState = uint64_t;

inline constexpr int NO_SLOT = 7;
inline constexpr int8_t ILLEGAL_Q = -128;  ///< Q of a slot that cannot be played (spec §3)
inline constexpr uint64_t EMPTY_TRICK_BITS = uint64_t{0x1FF} << 32;
/// Start of a hand: all masks 0x7F, leader 0, no plays (spec §3).
inline constexpr PackedState INITIAL_STATE = 0xFFFFFFFULL | EMPTY_TRICK_BITS;

constexpr unsigned hand_slots(PackedState s, int seat) {
    return (s >> (7 * seat)) & 0x7FU;
}
constexpr uint32_t all_hand_bits(PackedState s) {
    return static_cast<uint32_t>(s & 0xFFFFFFFULL);
}
constexpr int leader_of(PackedState s) {
    return static_cast<int>((s >> 28) & 3U);
}
constexpr int trick_len_of(PackedState s) {
    return static_cast<int>((s >> 30) & 3U);
}
constexpr int trick_slot_of(PackedState s, int i) {
    return static_cast<int>((s >> (32 + 3 * i)) & 7U);
}
constexpr int current_player_of(PackedState s) {
    return (leader_of(s) + trick_len_of(s)) & 3;
}
constexpr bool is_terminal(PackedState s) {
    return all_hand_bits(s) == 0;
}
/// Tiles played so far: 28 minus the remaining tiles.
constexpr int plays_of(PackedState s) {
    return 28 - __builtin_popcount(all_hand_bits(s));
}

/// 30-bit key of a trick-boundary state (no plays in the trick): masks | leader << 28.
constexpr uint32_t boundary_key(PackedState s) {
    return static_cast<uint32_t>(s & 0x3FFFFFFFULL);
}
constexpr PackedState boundary_state(uint32_t key) {
    return PackedState{key} | EMPTY_TRICK_BITS;
}

/// Per-deal tables built from the game rules (Forge's build_context, spec §3).
struct DealContext {
    game::Deal deal{};
    int decl = 0;
    /// [leader][lead slot][follower offset 1..3]: 7-bit mask of the follower's slots that follow
    /// the lead.
    std::array<std::array<std::array<uint8_t, 4>, 7>, 4> follow{};
    /// [leader*2401 + s0*343 + s1*49 + s2*7 + s3]: winning seat, and reward (+points if team 0 wins
    /// it).
    std::array<uint8_t, 9604> winner{};
    std::array<int8_t, 9604> reward{};
};

/// Tables for one deal and declaration (decl 0..9, asserted).
DealContext make_context(const game::Deal& deal, int decl);

/// 7-bit mask of the current player's legal slots (whole hand when leading, else followers if any).
inline unsigned legal_slots(const DealContext& ctx, PackedState s) {
    int p = current_player_of(s);
    unsigned hand = hand_slots(s, p);
    int len = trick_len_of(s);
    if (len == 0) return hand;
    unsigned f = hand & ctx.follow[leader_of(s)][trick_slot_of(s, 0)][len];
    return f ? f : hand;
}

/// Child after the current player plays `slot` (legal, asserted by callers' tests). When this
/// completes the trick, the trick fields are cleared, the winner leads and `reward` gets ±points;
/// else reward = 0.
inline PackedState apply_slot(const DealContext& ctx, PackedState s, int slot, int& reward) {
    int leader = leader_of(s), len = trick_len_of(s);
    int p = (leader + len) & 3;
    PackedState hands = s & ~(PackedState{1} << (7 * p + slot)) & 0xFFFFFFFULL;
    if (len < 3) {
        reward = 0;
        PackedState trick = s & ~0xFFFFFFFULL;
        trick &= ~(PackedState{7} << (32 + 3 * len));
        trick |= PackedState(slot) << (32 + 3 * len);
        trick += PackedState{1} << 30;
        return hands | trick;
    }
    int idx = leader * 2401 + trick_slot_of(s, 0) * 343 + trick_slot_of(s, 1) * 49 +
              trick_slot_of(s, 2) * 7 + slot;
    reward = ctx.reward[idx];
    return hands | (PackedState(ctx.winner[idx]) << 28) | EMPTY_TRICK_BITS;
}

/// Packs a game state (any point of a hand) for the deal it was dealt from (spec §3).
PackedState pack_state(const game::State& state);

/// Bound on |value-to-go|: remaining tricks (the current one included) + count points not yet won.
int remaining_points(const DealContext& ctx, PackedState s);

/// Q of each of the current player's 7 dealt slots (spec §3): reward of the play + value(child),
/// ILLEGAL_Q for slots that cannot be played (all of them in a terminal state). `value` is the
/// solver's value of a state (team-0 value-to-go); both solvers share this.
template <class Value>
std::array<int8_t, 7> q_values_from(const DealContext& ctx, PackedState s, Value&& value) {
    std::array<int8_t, 7> q;
    q.fill(ILLEGAL_Q);
    if (is_terminal(s)) return q;
    for (unsigned m = legal_slots(ctx, s); m; m &= m - 1) {
        int slot = std::countr_zero(m), reward;
        PackedState c = apply_slot(ctx, s, slot, reward);
        q[static_cast<size_t>(slot)] = static_cast<int8_t>(reward + value(c));
    }
    return q;
}

}  // namespace eqvk::solver
