// State transitions of a hand in play, and void inference from the history (spec §1.3–1.6).
#include "game/state.h"

#include <fmt/format.h>

#include "util/error.h"

namespace eqvk::game {

TrickResult trick_result(const std::array<int, 4>& tiles, int leader, int decl) {
    return {(leader + trick_winner_offset(tiles, decl)) % 4, trick_points(tiles)};
}

State::State(const Deal& deal, int decl, int leader)
    : deal_(deal), decl_(decl), first_leader_(leader), leader_(leader) {
    if (decl < 0 || decl >= N_DECLS)
        throw InputError(fmt::format("declaration {} is not in 0..9", decl));
    if (leader < 0 || leader >= N_PLAYERS)
        throw InputError(fmt::format("leader {} is not in 0..3", leader));
    TileMask all = 0;
    for (int p = 0; p < N_PLAYERS; ++p) {
        for (int i = 0; i < HAND_SIZE; ++i) {
            int t = deal[p][i];
            if (t >= N_TILES || (all >> t & 1U) || (i > 0 && deal[p][i - 1] >= t))
                throw InputError(
                    fmt::format("deal: seat {} slot {} tile {} is out of range, repeated or "
                                "out of ascending order",
                                p, i, t));
            all |= TileMask{1} << t;
        }
        hands_[p] = hand_mask(deal[p]);
    }
    trick_leaders_[0] = static_cast<uint8_t>(leader);
    EQVK_ASSERT(is_ok());
}

uint8_t State::remaining_slots(int p) const {
    uint8_t m = 0;
    for (int i = 0; i < HAND_SIZE; ++i)
        if (hands_[p] >> deal_[p][i] & 1U) m |= static_cast<uint8_t>(1U << i);
    return m;
}

TileMask State::legal_tiles() const {
    if (is_terminal()) return 0;
    return legal_mask(hands_[current_player()], lead_tile(), decl_);
}

void State::do_play(int tile) {
    if (is_terminal()) throw InputError("play after the end of the hand");
    int p = current_player();
    if (tile < 0 || tile >= N_TILES || !(legal_tiles() >> tile & 1U))
        throw InputError(
            fmt::format("tile {} is not a legal play for seat {} (in hand: {})", tile, p,
                        (tile >= 0 && tile < N_TILES) ? bool(hands_[p] >> tile & 1U) : false));
    int lead = trick_len() ? lead_tile() : tile;
    history_[n_plays_++] = {static_cast<uint8_t>(p), static_cast<uint8_t>(tile),
                            static_cast<uint8_t>(lead)};
    hands_[p] &= ~(TileMask{1} << tile);
    if (trick_len() == 0) resolve_trick(+1);
    EQVK_ASSERT(is_ok());
}

void State::resolve_trick(int sign) {
    // Called with the 4 plays of the last completed trick at history_[n_plays_-4 .. n_plays_-1].
    int base = n_plays_ - 4;
    std::array<int, 4> tiles{history_[base].tile, history_[base + 1].tile, history_[base + 2].tile,
                             history_[base + 3].tile};
    int t = base / 4;
    TrickResult r = trick_result(tiles, trick_leaders_[t], decl_);
    points_[team_of(r.winner)] += sign * r.points;
    if (sign > 0) {
        trick_leaders_[t + 1] = static_cast<uint8_t>(r.winner);
        leader_ = r.winner;
    } else {
        leader_ = trick_leaders_[t];
    }
}

void State::undo_play() {
    EQVK_ASSERT(n_plays_ > 0);
    if (trick_len() == 0) resolve_trick(-1);
    const Play& pl = history_[--n_plays_];
    hands_[pl.player] |= TileMask{1} << pl.tile;
    EQVK_ASSERT(is_ok());
}

bool State::is_ok() const {
    if (n_plays_ < 0 || n_plays_ > N_TILES || trick_leaders_[0] != first_leader_) return false;
    TileMask seen = 0;
    std::array<int, 2> pts{};
    for (int p = 0; p < N_PLAYERS; ++p) {
        if (hands_[p] & ~hand_mask(deal_[p])) return false;
        seen |= hands_[p];
    }
    for (int i = 0; i < n_plays_; ++i) {
        const Play& pl = history_[i];
        int t = i / 4, k = i % 4;
        if (pl.player != (trick_leaders_[t] + k) % 4) return false;
        if (!(hand_mask(deal_[pl.player]) >> pl.tile & 1U) || (seen >> pl.tile & 1U)) return false;
        if (pl.lead_tile != history_[i - k].tile) return false;
        seen |= TileMask{1} << pl.tile;
        if (k == 3) {
            std::array<int, 4> tiles{history_[i - 3].tile, history_[i - 2].tile,
                                     history_[i - 1].tile, pl.tile};
            TrickResult r = trick_result(tiles, trick_leaders_[t], decl_);
            if (r.winner != trick_leaders_[t + 1]) return false;
            pts[team_of(r.winner)] += r.points;
        }
    }
    if (seen != ALL_TILES || pts != points_) return false;
    if (leader_ != trick_leaders_[n_plays_ / 4]) return false;
    // Hand sizes: seats that already played in the current trick hold one tile less.
    for (int p = 0; p < N_PLAYERS; ++p) {
        int played_now = ((p - leader_ + 4) % 4) < trick_len() ? 1 : 0;
        if (tile_count(hands_[p]) != HAND_SIZE - n_plays_ / 4 - played_now) return false;
    }
    return true;
}

std::array<uint8_t, N_PLAYERS> infer_voids(std::span<const Play> history, int decl) {
    std::array<uint8_t, N_PLAYERS> voids{};
    for (const Play& pl : history) {
        int suit = RULES.led_suit[pl.lead_tile][decl];
        if (!can_follow(pl.tile, suit, decl)) voids[pl.player] |= static_cast<uint8_t>(1U << suit);
    }
    return voids;
}

}  // namespace eqvk::game
