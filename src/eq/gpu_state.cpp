// game::State ↔ GPU state words (eq/gpu/layout.h), and the rule-table words from game::RULES.
#include "eq/gpu_state.h"

#include <fmt/format.h>

#include <iterator>

#include "eq/gpu/layout.h"
#include "game/deal.h"
#include "util/error.h"

namespace eqvk::eq {

using namespace gpu;
using game::N_PLAYERS;
using game::N_TILES;

namespace {
uint32_t pack_play(const game::Play& p) {
    return uint32_t(p.player) | uint32_t(p.tile) << 8 | uint32_t(p.lead_tile) << 16;
}
}  // namespace

void pack_state(const game::State& s, GameInfo info, uint32_t n, uint32_t g,
                std::span<uint32_t> w) {
    EQVK_ASSERT(g < n && w.size() >= size_t(n) * ST_WORDS);
    uint32_t slots = 0, played = 0;
    for (int p = 0; p < N_PLAYERS; ++p) {
        for (int i = 0; i < game::HAND_SIZE; ++i)
            w[st_index(ST_HANDS, n, g, 7 * p + i)] = s.deal()[p][i];
        slots |= uint32_t(s.remaining_slots(p)) << (7 * p);
        w[st_index(ST_HAND_MASK, n, g, p)] = s.hand(p);
    }
    w[st_index(ST_SLOTS, n, g)] = slots;
    auto hist = s.history();
    for (int k = 0; k < N_TILES; ++k) {
        bool have = k < int(hist.size());
        w[st_index(ST_HISTORY, n, g, k)] = have ? pack_play(hist[k]) : NONE;
        if (have) played |= 1u << hist[k].tile;
    }
    w[st_index(ST_PLAYED, n, g)] = played;
    for (int i = 0; i < 4; ++i)
        w[st_index(ST_TRICK, n, g, i)] = i < s.trick_len() ? uint32_t(s.trick_tile(i)) : NONE;
    w[st_index(ST_NPLAYS, n, g)] = uint32_t(s.num_plays());
    w[st_index(ST_LEADER, n, g)] = uint32_t(s.leader());
    w[st_index(ST_DECL, n, g)] = uint32_t(s.decl());
    w[st_index(ST_BIDDER, n, g)] = uint32_t(info.bidder);
    w[st_index(ST_POINTS, n, g, 0)] = uint32_t(s.points(0));
    w[st_index(ST_POINTS, n, g, 1)] = uint32_t(s.points(1));
    w[st_index(ST_SEED, n, g, 0)] = uint32_t(info.seed);
    w[st_index(ST_SEED, n, g, 1)] = uint32_t(info.seed >> 32);
}

std::vector<uint32_t> pack_states(std::span<const game::State> states,
                                  std::span<const GameInfo> infos) {
    EQVK_ASSERT(states.size() == infos.size());
    uint32_t n = uint32_t(states.size());
    std::vector<uint32_t> w(size_t(n) * ST_WORDS);
    for (uint32_t g = 0; g < n; ++g) pack_state(states[g], infos[g], n, g, w);
    return w;
}

game::State unpack_state(std::span<const uint32_t> w, uint32_t n, uint32_t g) {
    if (g >= n || w.size() < size_t(n) * ST_WORDS)
        throw Error(fmt::format("state words: game {} of {} out of range", g, n));
    game::Deal deal{};
    for (int p = 0; p < N_PLAYERS; ++p)
        for (int i = 0; i < game::HAND_SIZE; ++i) {
            uint32_t t = w[st_index(ST_HANDS, n, g, 7 * p + i)];
            if (t >= uint32_t(N_TILES))
                throw Error(fmt::format("state of game {}: slot tile {} out of range", g, t));
            deal[p][i] = uint8_t(t);
        }
    uint32_t n_plays = w[st_index(ST_NPLAYS, n, g)];
    if (n_plays > uint32_t(N_TILES))
        throw Error(fmt::format("state of game {}: {} plays", g, n_plays));
    int first_leader = int(w[st_index(ST_LEADER, n, g)]);
    if (n_plays > 0) first_leader = int(w[st_index(ST_HISTORY, n, g, 0)] & 0xFF);
    game::State s(deal, int(w[st_index(ST_DECL, n, g)]), first_leader);
    for (uint32_t k = 0; k < n_plays; ++k)
        s.do_play(int(w[st_index(ST_HISTORY, n, g, k)] >> 8 & 0xFF));
    // Every stored field must be what the replay gives.
    GameInfo info = unpack_info(w, n, g);
    std::vector<uint32_t> again(size_t(n) * ST_WORDS);
    pack_state(s, info, n, g, again);
    for (size_t f = 0; f + 1 < std::size(ST_FIELDS); ++f)
        for (uint32_t j = 0; j < st_width(ST_FIELDS[f]); ++j) {
            size_t idx = st_index(ST_FIELDS[f], n, g, j);
            if (w[idx] != again[idx])
                throw Error(
                    fmt::format("state of game {}: field at {} word {} is {:#x}, the "
                                "replay gives {:#x}",
                                g, ST_FIELDS[f], j, w[idx], again[idx]));
        }
    return s;
}

GameInfo unpack_info(std::span<const uint32_t> w, uint32_t n, uint32_t g) {
    GameInfo info;
    info.seed = uint64_t(w[st_index(ST_SEED, n, g, 0)]) | uint64_t(w[st_index(ST_SEED, n, g, 1)])
                                                              << 32;
    info.bidder = int(w[st_index(ST_BIDDER, n, g)]);
    return info;
}

game::State initial_state(uint64_t seed, int decl) {
    return game::State(game::deal_from_seed(seed), decl, 0);
}

std::vector<uint32_t> rule_table_words() {
    const auto& R = game::RULES;
    std::vector<uint32_t> w(R_WORDS, 0);
    for (int d = 0; d < game::N_DECLS; ++d) {
        for (int s = 0; s < game::N_SUITS; ++s) w[R_FOLLOW + s * 10 + d] = R.follow_mask[s][d];
        w[R_CALLED + d] = R.called_mask[d];
        for (int t = 0; t < N_TILES; ++t) {
            w[R_LED + t * 10 + d] = R.led_suit[t][d];
            w[R_TRUMP + t * 10 + d] = R.trump_rank[t][d];
            for (int s = 0; s < game::N_SUITS; ++s)
                w[R_RANK + (t * 8 + s) * 10 + d] = R.trick_rank[t][s][d];
        }
    }
    for (int t = 0; t < N_TILES; ++t) {
        w[R_HIGH + t] = game::HIGH[t];
        w[R_LOW + t] = game::LOW[t];
        w[R_DOUBLE + t] = game::IS_DOUBLE[t];
        w[R_COUNT + t] = game::COUNT_POINTS[t];
    }
    return w;
}

}  // namespace eqvk::eq
