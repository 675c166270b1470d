// Stage-2 transcript tokens (spec §5.7).
#include "eq/transcript.h"

#include "game/tiles.h"

namespace eqvk::eq {
namespace {

std::array<int8_t, TRANSCRIPT_FEATURES> tile_token(int tile, int rel_player, bool in_hand, int decl,
                                                   int type) {
    int count = game::COUNT_POINTS[tile];
    return {static_cast<int8_t>(game::HIGH[tile]),
            static_cast<int8_t>(game::LOW[tile]),
            static_cast<int8_t>(game::IS_DOUBLE[tile] ? 1 : 0),
            static_cast<int8_t>(count == 10  ? 2
                                : count == 5 ? 1
                                             : 0),
            static_cast<int8_t>(rel_player),
            static_cast<int8_t>(in_hand ? 1 : 0),
            static_cast<int8_t>(decl),
            static_cast<int8_t>(type)};
}

}  // namespace

Transcript transcript_tokens(const game::State& state) {
    Transcript t;
    const int actor = state.current_player(), decl = state.decl();
    t.tokens[0][6] = static_cast<int8_t>(decl);
    int n = 1;
    const uint8_t remaining = state.remaining_slots(actor);
    for (int slot = 0; slot < game::HAND_SIZE; ++slot)
        if (remaining >> slot & 1)
            t.tokens[n++] = tile_token(state.deal()[actor][slot], 0, true, decl, 1);
    for (const auto& play : state.history())
        t.tokens[n++] = tile_token(play.tile, (play.player - actor + 4) % 4, false, decl, 2);
    t.length = n;
    return t;
}

}  // namespace eqvk::eq
