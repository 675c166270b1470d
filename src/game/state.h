// A hand of Texas 42 in play (spec §1.3–1.6): dealt hands, declaration, remaining tiles, the
// current trick, points won and the full play history, with do_play/undo_play. Fixed-size storage
// (no heap) so search code can copy it freely. is_ok() is asserted after every do/undo
// (STYLE.md §4).
#pragma once
#include <array>
#include <cstdint>
#include <span>

#include "game/deal.h"
#include "game/rules.h"

namespace eqvk::game {

/// One play of the history (Forge's history rows): who played which tile, and the lead tile of its
/// trick.
struct Play {
    uint8_t player;
    uint8_t tile;
    uint8_t lead_tile;
};

class State {
public:
    /// Start of the play phase: all hands full, `leader` (P0 in Forge, spec §1.5) leads the first
    /// trick. Throws InputError if decl is not 0..9, leader not 0..3, or the deal is not 28
    /// distinct tiles.
    State(const Deal& deal, int decl, int leader = 0);

    const Deal& deal() const { return deal_; }
    int decl() const { return decl_; }
    int leader() const { return leader_; }            ///< leader of the current trick
    int trick_len() const { return n_plays_ % 4; }    ///< plays so far in the current trick, 0..3
    int num_plays() const { return n_plays_; }        ///< 0..28
    int tricks_done() const { return n_plays_ / 4; }  ///< 0..7
    bool is_terminal() const { return n_plays_ == N_TILES; }
    /// (leader + plays in current trick) % 4 (spec §1.5).
    int current_player() const { return (leader_ + trick_len()) % 4; }
    /// Tiles still held by seat p.
    TileMask hand(int p) const { return hands_[p]; }
    /// 7-bit mask of seat p's dealt slots still held (bit i = slot i of the sorted dealt hand).
    uint8_t remaining_slots(int p) const;
    /// Tile of the current trick at position i (0 = lead), i < trick_len().
    int trick_tile(int i) const { return history_[n_plays_ - trick_len() + i].tile; }
    /// Lead tile of the current trick, or -1 at the start of a trick.
    int lead_tile() const { return trick_len() ? trick_tile(0) : -1; }
    /// Points already won by team 0 / 1 (trick value 1 + count, spec §1.5).
    int points(int team) const { return points_[team]; }
    /// Plays so far, in order.
    std::span<const Play> history() const {
        return {history_.data(), static_cast<size_t>(n_plays_)};
    }

    /// Tiles the current player may play (spec §1.3); 0 when the hand is over.
    TileMask legal_tiles() const;
    /// Plays `tile` for the current player; resolves the trick on its 4th play (winner leads next).
    /// Throws InputError if the hand is over or `tile` is not a legal play of the current player.
    void do_play(int tile);
    /// Takes back the last play. Requires num_plays() > 0.
    void undo_play();
    /// Plays the current player's dealt slot `slot` (0..6). Same errors as do_play.
    void do_play_slot(int slot) { do_play(deal_[current_player()][slot]); }

    /// Internal consistency: hands + played tiles partition the deal, leaders follow the winners,
    /// points match the tricks.
    bool is_ok() const;

private:
    void resolve_trick(int sign);

    Deal deal_;
    int decl_;
    int first_leader_;
    int leader_;
    int n_plays_ = 0;
    std::array<TileMask, N_PLAYERS> hands_{};
    std::array<int, 2> points_{};
    std::array<Play, N_TILES> history_{};
    std::array<uint8_t, N_TRICKS + 1> trick_leaders_{};  ///< leader of trick t (t+1 = winner of t)
};

/// Winner seat and value of the four plays of a finished trick, led by `leader` (spec §1.4, §1.5).
struct TrickResult {
    int winner;
    int points;
};
TrickResult trick_result(const std::array<int, 4>& tiles, int leader, int decl);

/// Per seat, an 8-bit mask of the suits (0..7) that seat has shown void in: a play that could not
/// follow the led suit of its trick (spec §1.6). This is the only inference made.
std::array<uint8_t, N_PLAYERS> infer_voids(std::span<const Play> history, int decl);

/// Tiles a player void in the suits of `void_suits` cannot hold: OR of
/// SUIT_DOMINO_MASK[suit][decl].
constexpr TileMask void_forbidden_tiles(uint8_t void_suits, int decl) {
    TileMask m = 0;
    for (int s = 0; s < N_SUITS; ++s)
        if (void_suits >> s & 1U) m |= RULES.follow_mask[s][decl];
    return m;
}

}  // namespace eqvk::game
