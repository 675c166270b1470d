// Oracle training rows for one deal (Forge's shard columns, spec §3): a uniform sample of the
// deal's reachable states with V and q0..q6, from the exhaustive solver. The file format lives in
// io/ and the command in cli/.
#pragma once
#include <array>
#include <cstdint>
#include <vector>

#include "solver/backward.h"

namespace eqvk::solver {

/// Columns of a shard, one row per state: state int64 (spec §3 packing), V int8, q[i] int8
/// (ILLEGAL_Q if the mover cannot play slot i). All vectors have the same length.
struct ShardRows {
    std::vector<int64_t> state;
    std::vector<int8_t> v;
    std::array<std::vector<int8_t>, 7> q;
    size_t size() const { return state.size(); }
};

struct ShardStats {
    uint64_t num_states = 0;   ///< reachable states of the deal
    double solve_seconds = 0;  ///< enumeration + backward induction
    double total_seconds = 0;  ///< including sampling and Q values
    size_t table_bytes = 0;    ///< peak bytes of the solver's tables
};

/// How sampled states spread over the hand: uniformly over all reachable states (most of which lie
/// late in the hand, since the state count grows with depth), or an equal share per trick (oracle
/// training data needs the early decisions too).
enum class Sampling { Uniform, PerTrick };

/// Rows for `k` states drawn without replacement from solution.for_each_state() (all of them, in
/// that order, when k == 0 or k >= num_states()): uniformly, or with PerTrick k/7 from each trick
/// (uniformly within it; a trick with fewer states gives all it has). The draw (selection sampling,
/// SplitMix64) is a pure function of `sample_seed`; rows keep the canonical order.
ShardRows sample_rows(const DealSolution& solution, uint64_t k, uint64_t sample_seed,
                      Sampling sampling = Sampling::Uniform);

/// Solves deal_from_seed(seed) under `decl` from the initial state (P0 leads) and samples `k` rows
/// with sample_seed = seed. Throws eqvk::Error if the deal exceeds options.memory_budget_bytes.
ShardRows solve_shard(uint64_t seed, int decl, uint64_t k, const SolveOptions& options = {},
                      ShardStats* stats = nullptr, Sampling sampling = Sampling::Uniform);

}  // namespace eqvk::solver
