// Exhaustive backward induction over every state reachable from a root (spec §3, Forge's
// solve_one_seed), organised by trick: only trick-boundary states are stored (30-bit keys in one
// open-addressing table per trick, int8 values); states inside a trick are a small tree under their
// boundary state (≤ 400 nodes) and are re-evaluated on demand. Memory is checked against a byte
// budget before every allocation.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "solver/packed.h"

namespace eqvk::solver {

struct SolveOptions {
    /// Bytes the boundary tables may use; exceeding it throws eqvk::Error (never an OOM kill).
    size_t memory_budget_bytes = size_t{3} << 30;
};

/// Bytes held by a solver's tables, checked against a budget before every allocation.
struct MemoryTracker {
    size_t budget = 0;
    size_t in_use = 0;
    size_t peak = 0;
    /// Reserves `bytes` (false, nothing reserved, if that would exceed the budget).
    bool reserve(size_t bytes);
    void release(size_t bytes) { in_use -= bytes; }
};

/// Open-addressing set of 30-bit boundary keys with an int8 value per key (linear probing,
/// power-of-2 size).
class BoundaryTable {
public:
    static constexpr uint32_t EMPTY = 0xFFFFFFFFU;
    static constexpr size_t NOT_FOUND = ~size_t{0};
    /// Inserts `key` (no-op if present). Returns false if growing the table would exceed the
    /// budget.
    bool insert(uint32_t key, MemoryTracker& memory);
    size_t find(uint32_t key) const;
    size_t size() const { return count_; }
    size_t capacity() const { return keys_.size(); }
    uint32_t key_at(size_t i) const { return keys_[i]; }
    int8_t value_at(size_t i) const { return values_[i]; }
    void set_value(size_t i, int8_t v) { values_[i] = v; }
    size_t bytes() const { return keys_.size() * 5; }
    /// Keys in ascending order (the canonical state order within a trick level).
    std::vector<uint32_t> sorted_keys() const;

private:
    void rehash(size_t capacity);
    std::vector<uint32_t> keys_;
    std::vector<int8_t> values_;
    size_t count_ = 0;
};

/// Values of every state reachable from a root, by backward induction. Team-0 value-to-go in
/// points.
class DealSolution {
public:
    /// Solves everything reachable from `root` (any state of the deal, e.g. INITIAL_STATE).
    /// Throws eqvk::Error when the boundary tables would exceed options.memory_budget_bytes.
    DealSolution(const DealContext& ctx, PackedState root, const SolveOptions& options = {});

    /// V(s) for a state reachable from the root (spec §3: max over Q for team 0 to move, min
    /// otherwise, 0 at the end). Throws eqvk::Error if `s` was not reached.
    int value(PackedState s) const;
    /// Q(s, slot) for the mover's 7 dealt slots: reward + V(child), ILLEGAL_Q for slots not
    /// playable.
    std::array<int8_t, 7> q_values(PackedState s) const;

    /// Number of distinct reachable states, the root and the terminal states included.
    uint64_t num_states() const { return num_states_; }
    /// Peak bytes held by the boundary tables.
    size_t peak_bytes() const { return peak_bytes_; }
    PackedState root() const { return root_; }
    const DealContext& context() const { return ctx_; }

    /// Calls visit(s) for every reachable state in canonical order: the root's own trick tree first
    /// when it is mid-trick; then per trick level ascending, boundary keys ascending, each followed
    /// by its in-trick states in depth-first order (slots ascending). num_states() calls in all.
    void for_each_state(const std::function<void(PackedState)>& visit) const;

private:
    int eval(PackedState s) const;  // minimax inside a trick, boundary values from the tables
    int boundary_value(int level, uint32_t key) const;
    const BoundaryTable* table_for(int level) const;

    DealContext ctx_;
    PackedState root_;
    int first_level_;  // trick level of the first stored table
    std::vector<BoundaryTable> levels_;
    uint64_t num_states_ = 0;
    size_t peak_bytes_ = 0;
};

}  // namespace eqvk::solver
