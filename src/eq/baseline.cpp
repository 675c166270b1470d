// Baseline players (see baseline.h); the same decisions as shaders/eq_baseline.comp.
#include "eq/baseline.h"

#include <fmt/format.h>

#include <bit>

#include "eq/moves.h"
#include "game/rules.h"
#include "game/tiles.h"
#include "util/error.h"

namespace eqvk::eq {

int baseline_action(const game::State& s, Baseline policy, PhiloxKey key, uint64_t game_seed) {
    const uint32_t mask = legal_slots(s);
    EQVK_ASSERT(mask != 0);
    const int actor = s.current_player(), d = s.num_plays();
    if (policy == Baseline::Random) {
        uint32_t k = uniform_below(
            static_cast<uint32_t>(std::popcount(mask)),
            rng_counter(game_seed, static_cast<uint32_t>(d), 0, 0, RNG_STREAM_BASELINE), key);
        for (int slot = 0; slot < 7; ++slot)
            if ((mask >> slot & 1u) && k-- == 0) return slot;
        return -1;
    }
    const int decl = s.decl(), in_trick = s.trick_len();
    const int led = in_trick == 0 ? 0 : game::led_suit(s.trick_tile(0), decl);
    int best = 0, best_seat = 0;
    for (int i = 0; i < in_trick; ++i) {
        int r = game::trick_rank(s.trick_tile(i), led, decl);
        if (i == 0 || r > best) {
            best = r;
            best_seat = (s.leader() + i) % 4;
        }
    }
    const bool partner_wins = in_trick > 0 && best_seat == (actor + 2) % 4;
    int pick = -1, pick_key = 0;
    for (int slot = 0; slot < 7; ++slot) {
        if (!(mask >> slot & 1u)) continue;
        const int tile = s.deal()[actor][slot], count = game::COUNT_POINTS[tile];
        int key;
        if (in_trick == 0) {
            key = game::trick_rank(tile, game::led_suit(tile, decl), decl);
        } else {
            const int rank = game::trick_rank(tile, led, decl);
            if (partner_wins)
                key = count * 256 - rank;
            else if (rank > best)
                key = 100000 - rank;
            else
                key = -(count * 256 + rank);
        }
        if (pick < 0 || key > pick_key) {
            pick = slot;
            pick_key = key;
        }
    }
    return pick;
}

Baseline parse_baseline(const std::string& text, const char* what) {
    if (text == "random") return Baseline::Random;
    if (text == "heuristic") return Baseline::Heuristic;
    throw InputError(fmt::format("{}: \"{}\" is not one of \"random\", \"heuristic\"", what, text));
}

}  // namespace eqvk::eq
