// Backward induction by trick level (spec §3). Step 1 enumerates the boundary states of each trick
// level forward from the root; step 2 assigns values from the last trick back to the root. States
// inside a trick are never stored: their values come from a ≤4-ply minimax over the next level's
// table.
#include "solver/backward.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>

#include "util/error.h"

namespace eqvk::solver {

namespace {

int level_of(PackedState s) {
    return (plays_of(s) - trick_len_of(s)) / 4;
}

size_t slot_for(uint32_t key, size_t mask) {
    return static_cast<size_t>((uint64_t{key} * 0x9E3779B97F4A7C15ULL) >> 20) & mask;
}

// Walks the trick tree below s (s included); calls leaf(child_key, reward) for each
// trick-completing play. Returns the number of tree nodes (states).
template <class Leaf>
uint64_t walk_trick(const DealContext& ctx, PackedState s, Leaf& leaf) {
    uint64_t n = 1;
    const bool last = trick_len_of(s) == 3;
    for (unsigned m = legal_slots(ctx, s); m; m &= m - 1) {
        int reward;
        PackedState c = apply_slot(ctx, s, std::countr_zero(m), reward);
        if (last)
            leaf(boundary_key(c), reward);
        else
            n += walk_trick(ctx, c, leaf);
    }
    return n;
}

void visit_trick(const DealContext& ctx, PackedState s,
                 const std::function<void(PackedState)>& visit) {
    visit(s);
    if (is_terminal(s) || trick_len_of(s) == 3) return;
    for (unsigned m = legal_slots(ctx, s); m; m &= m - 1) {
        int reward;
        visit_trick(ctx, apply_slot(ctx, s, std::countr_zero(m), reward), visit);
    }
}

}  // namespace

bool MemoryTracker::reserve(size_t bytes) {
    if (in_use + bytes > budget) return false;
    in_use += bytes;
    peak = std::max(peak, in_use);
    return true;
}

bool BoundaryTable::insert(uint32_t key, MemoryTracker& memory) {
    if ((count_ + 1) * 10 > keys_.size() * 7) {  // keep the load factor under 0.7
        size_t cap = keys_.empty() ? 1024 : keys_.size() * 2;
        if (!memory.reserve(cap * 5)) return false;  // old and new arrays coexist during the rehash
        size_t old_bytes = bytes();
        rehash(cap);
        memory.release(old_bytes);
    }
    size_t mask = keys_.size() - 1;
    for (size_t i = slot_for(key, mask);; i = (i + 1) & mask) {
        if (keys_[i] == key) return true;
        if (keys_[i] == EMPTY) {
            keys_[i] = key;
            ++count_;
            return true;
        }
    }
}

void BoundaryTable::rehash(size_t capacity) {
    std::vector<uint32_t> old = std::move(keys_);
    keys_.assign(capacity, EMPTY);
    values_.assign(capacity, 0);
    size_t mask = capacity - 1;
    for (uint32_t k : old) {
        if (k == EMPTY) continue;
        size_t i = slot_for(k, mask);
        while (keys_[i] != EMPTY) i = (i + 1) & mask;
        keys_[i] = k;
    }
}

size_t BoundaryTable::find(uint32_t key) const {
    if (keys_.empty()) return NOT_FOUND;
    size_t mask = keys_.size() - 1;
    for (size_t i = slot_for(key, mask);; i = (i + 1) & mask) {
        if (keys_[i] == key) return i;
        if (keys_[i] == EMPTY) return NOT_FOUND;
    }
}

std::vector<uint32_t> BoundaryTable::sorted_keys() const {
    std::vector<uint32_t> out;
    out.reserve(count_);
    for (uint32_t k : keys_)
        if (k != EMPTY) out.push_back(k);
    std::sort(out.begin(), out.end());
    return out;
}

DealSolution::DealSolution(const DealContext& ctx, PackedState root, const SolveOptions& options)
    : ctx_(ctx), root_(root) {
    const bool root_is_boundary = trick_len_of(root) == 0;
    first_level_ = level_of(root) + (root_is_boundary ? 0 : 1);
    levels_.resize(static_cast<size_t>(std::max(0, 8 - first_level_)));
    MemoryTracker memory{options.memory_budget_bytes};
    int filling = first_level_;
    auto insert = [&](uint32_t key, int) {
        if (!levels_[static_cast<size_t>(filling - first_level_)].insert(key, memory))
            throw Error(fmt::format(
                "solver: the state space of this deal (decl {}) exceeds the memory budget of {} "
                "MiB "
                "(after {} states, at trick {}); raise the budget or solve from a later state",
                ctx_.decl, options.memory_budget_bytes >> 20, num_states_, filling));
        peak_bytes_ = memory.peak;
    };
    // Step 1. Enumerate: the root's own trick (if mid-trick), then every boundary level forward.
    if (root_is_boundary) {
        if (!levels_.empty()) insert(boundary_key(root), 0);
    } else {
        num_states_ += walk_trick(ctx_, root, insert);
    }
    for (size_t i = 0; i + 1 < levels_.size(); ++i) {
        filling = first_level_ + static_cast<int>(i) + 1;
        const BoundaryTable& t = levels_[i];
        for (size_t k = 0; k < t.capacity(); ++k)
            if (t.key_at(k) != BoundaryTable::EMPTY)
                num_states_ += walk_trick(ctx_, boundary_state(t.key_at(k)), insert);
    }
    if (!levels_.empty()) num_states_ += levels_.back().size();  // terminal states
    // Step 2. Backward induction: the last level is terminal (V = 0); each level from the next
    // one's values.
    for (size_t i = levels_.size(); i-- > 0;) {
        BoundaryTable& t = levels_[i];
        if (first_level_ + static_cast<int>(i) == 7) continue;
        for (size_t k = 0; k < t.capacity(); ++k)
            if (t.key_at(k) != BoundaryTable::EMPTY)
                t.set_value(k, static_cast<int8_t>(eval(boundary_state(t.key_at(k)))));
    }
}

const BoundaryTable* DealSolution::table_for(int level) const {
    int i = level - first_level_;
    if (i < 0 || i >= static_cast<int>(levels_.size())) return nullptr;
    return &levels_[static_cast<size_t>(i)];
}

int DealSolution::boundary_value(int level, uint32_t key) const {
    const BoundaryTable* t = table_for(level);
    size_t k = t ? t->find(key) : BoundaryTable::NOT_FOUND;
    if (k == BoundaryTable::NOT_FOUND)
        throw Error(fmt::format("solver: state {:#x} is not reachable from the solved root {:#x}",
                                boundary_state(key), root_));
    return t->value_at(k);
}

int DealSolution::eval(PackedState s) const {
    if (is_terminal(s)) return 0;
    const bool max_node = (current_player_of(s) & 1) == 0;
    const bool last = trick_len_of(s) == 3;
    const int next_level = level_of(s) + 1;
    int best = max_node ? -127 : 127;
    for (unsigned m = legal_slots(ctx_, s); m; m &= m - 1) {
        int reward;
        PackedState c = apply_slot(ctx_, s, std::countr_zero(m), reward);
        int v = reward + (last ? boundary_value(next_level, boundary_key(c)) : eval(c));
        best = max_node ? std::max(best, v) : std::min(best, v);
    }
    return best;
}

int DealSolution::value(PackedState s) const {
    if (trick_len_of(s) == 0) return boundary_value(level_of(s), boundary_key(s));
    return eval(s);
}

std::array<int8_t, 7> DealSolution::q_values(PackedState s) const {
    return q_values_from(ctx_, s, [this](PackedState c) { return value(c); });
}

void DealSolution::for_each_state(const std::function<void(PackedState)>& visit) const {
    if (trick_len_of(root_) != 0) visit_trick(ctx_, root_, visit);
    for (size_t i = 0; i < levels_.size(); ++i)
        for (uint32_t key : levels_[i].sorted_keys()) visit_trick(ctx_, boundary_state(key), visit);
}

}  // namespace eqvk::solver
