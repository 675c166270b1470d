// Alpha-beta search for one state (spec §3 values without enumerating the deal): team 0 maximises,
// team 1 minimises the team-0 value-to-go. A direct-mapped transposition table over trick-boundary
// states stores value bounds (valid across searches, since values are path-independent); moves are
// ordered by the table's best move, then by trick rank. Used to check the exhaustive solver and to
// answer single queries.
#pragma once
#include <array>
#include <cstdint>
#include <vector>

#include "solver/packed.h"

namespace eqvk::solver {

struct AlphaBetaOptions {
    bool use_tt = true;       ///< transposition table on/off (values must not change)
    bool order_moves = true;  ///< move ordering on/off (values must not change)
    int tt_bits = 20;         ///< table of 2^tt_bits entries (8 bytes each)
};

class AlphaBeta {
public:
    explicit AlphaBeta(const DealContext& ctx, const AlphaBetaOptions& options = {});

    /// Exact V(s): team-0 points still to be won minus team-1's, under perfect play.
    int value(PackedState s);
    /// Q(s, slot) for the mover's 7 dealt slots (reward + V(child)); ILLEGAL_Q for slots not
    /// playable.
    std::array<int8_t, 7> q_values(PackedState s);
    /// Nodes searched so far (for pinned counts and benchmarks).
    uint64_t nodes() const { return nodes_; }

private:
    struct Entry {
        uint32_t key = 0xFFFFFFFFU;
        int8_t lower = -127, upper = 127;
        uint8_t best_slot = NO_SLOT;
        uint8_t pad = 0;
    };
    int search(PackedState s, int alpha, int beta);
    int order(PackedState s, unsigned legal, std::array<int, 7>& slots, int tt_slot) const;

    DealContext ctx_;
    AlphaBetaOptions options_;
    std::vector<Entry> tt_;
    uint64_t nodes_ = 0;
};

}  // namespace eqvk::solver
