// Fail-soft alpha-beta over packed states with a bound-storing transposition table at trick
// boundaries.
#include "solver/alphabeta.h"

#include <algorithm>
#include <bit>

#include "util/error.h"

namespace eqvk::solver {

AlphaBeta::AlphaBeta(const DealContext& ctx, const AlphaBetaOptions& options)
    : ctx_(ctx), options_(options) {
    if (options_.use_tt) tt_.resize(size_t{1} << options_.tt_bits);
}

int AlphaBeta::order(PackedState s, unsigned legal, std::array<int, 7>& slots, int tt_slot) const {
    int n = 0;
    for (unsigned m = legal; m; m &= m - 1) slots[static_cast<size_t>(n++)] = std::countr_zero(m);
    if (!options_.order_moves) return n;
    // Strongest plays first: trick rank against the led suit (or as a lead), count points breaking
    // ties.
    int p = current_player_of(s);
    int len = trick_len_of(s);
    int decl = ctx_.decl;
    int lead_tile = len ? ctx_.deal[leader_of(s)][trick_slot_of(s, 0)] : -1;
    std::array<int, 7> score{};
    for (int i = 0; i < n; ++i) {
        int tile = ctx_.deal[p][slots[static_cast<size_t>(i)]];
        int suit = lead_tile >= 0 ? game::RULES.led_suit[lead_tile][decl]
                                  : game::RULES.led_suit[tile][decl];
        score[static_cast<size_t>(slots[static_cast<size_t>(i)])] =
            game::RULES.trick_rank[tile][suit][decl] * 16 + game::COUNT_POINTS[tile] +
            (slots[static_cast<size_t>(i)] == tt_slot ? 10000 : 0);
    }
    std::stable_sort(slots.begin(), slots.begin() + n, [&](int a, int b) {
        return score[static_cast<size_t>(a)] > score[static_cast<size_t>(b)];
    });
    return n;
}

int AlphaBeta::search(PackedState s, int alpha, int beta) {
    ++nodes_;
    if (is_terminal(s)) return 0;
    // Step 1. Bound by the points left: no line can win more than every remaining point.
    int bound = remaining_points(ctx_, s);
    if (bound <= alpha) return bound;
    if (-bound >= beta) return -bound;
    // Step 2. Transposition table (trick boundaries only: key = masks + leader).
    Entry* e = nullptr;
    int tt_slot = NO_SLOT;
    if (options_.use_tt && trick_len_of(s) == 0) {
        uint32_t key = boundary_key(s);
        e = &tt_[static_cast<size_t>((uint64_t{key} * 0x9E3779B97F4A7C15ULL) >>
                                     (64 - options_.tt_bits))];
        if (e->key == key) {
            if (e->lower >= beta) return e->lower;
            if (e->upper <= alpha) return e->upper;
            if (e->lower == e->upper) return e->lower;
            alpha = std::max(alpha, int{e->lower});
            beta = std::min(beta, int{e->upper});
            tt_slot = e->best_slot;
        } else {
            *e = Entry{};
            e->key = key;
        }
    }
    // Step 3. Children, strongest first.
    const int alpha1 = alpha, beta1 = beta;
    std::array<int, 7> slots;
    int n = order(s, legal_slots(ctx_, s), slots, tt_slot);
    const bool max_node = (current_player_of(s) & 1) == 0;
    int best = max_node ? -127 : 127, best_slot = NO_SLOT;
    for (int i = 0; i < n; ++i) {
        int reward;
        PackedState c = apply_slot(ctx_, s, slots[static_cast<size_t>(i)], reward);
        int v = reward + search(c, alpha - reward, beta - reward);
        if (max_node ? v > best : v < best) best = v, best_slot = slots[static_cast<size_t>(i)];
        if (max_node)
            alpha = std::max(alpha, v);
        else
            beta = std::min(beta, v);
        if (alpha >= beta) break;
    }
    // Step 4. Store what was proved against the (possibly narrowed) window: an upper bound on
    // fail-low, a lower bound on fail-high, else the exact value. A child may have replaced the
    // entry; then skip.
    if (e && e->key == boundary_key(s)) {
        if (best <= alpha1)
            e->upper = static_cast<int8_t>(std::min(int{e->upper}, best));
        else if (best >= beta1)
            e->lower = static_cast<int8_t>(std::max(int{e->lower}, best));
        else
            e->lower = e->upper = static_cast<int8_t>(best);
        e->best_slot = static_cast<uint8_t>(best_slot);
    }
    return best;
}

int AlphaBeta::value(PackedState s) {
    return search(s, -127, 127);
}

std::array<int8_t, 7> AlphaBeta::q_values(PackedState s) {
    return q_values_from(ctx_, s, [this](PackedState c) { return value(c); });
}

}  // namespace eqvk::solver
