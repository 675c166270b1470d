// Host side of the GPU game state (eq/gpu/layout.h): game::State ↔ the struct-of-arrays words
// of N games, and the rule tables (game::RULES) as the words the eq shaders read. The pipeline
// initialises its state buffer from deal_from_seed through pack_state; tests compare GPU results
// by unpacking them back into game::State.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "game/state.h"

namespace eqvk::eq {

/// One game of a batch as the pipeline tracks it: its seed (for the RNG counters) and bidder.
struct GameInfo {
    uint64_t seed = 0;
    int bidder = 0;
};

/// Writes game g of n into `words` (n·ST_WORDS uint32, the whole batch's state buffer).
void pack_state(const game::State& s, GameInfo info, uint32_t n, uint32_t g,
                std::span<uint32_t> words);
/// State buffer words of a whole batch: states[g] with infos[g] (same lengths).
std::vector<uint32_t> pack_states(std::span<const game::State> states,
                                  std::span<const GameInfo> infos);
/// Game g of n rebuilt from state words: the deal, declaration, first leader and history are
/// replayed through game::State; throws eqvk::Error when any stored field disagrees with the
/// replay (a corrupt state) or a play is illegal.
game::State unpack_state(std::span<const uint32_t> words, uint32_t n, uint32_t g);
/// Seed and bidder of game g of n.
GameInfo unpack_info(std::span<const uint32_t> words, uint32_t n, uint32_t g);

/// The starting state of game `seed`: Forge's deal_from_seed, P0 leads (spec §1.5, §2.1).
game::State initial_state(uint64_t seed, int decl);

/// game::RULES and the tile tables as eq_layout R_* words (R_WORDS uint32), for a buffer uploaded
/// once and bound read-only by every eq kernel.
std::vector<uint32_t> rule_table_words();

}  // namespace eqvk::eq
