// Forge's oracle metrics (spec §4.3) of a model's Q against exact solver Q: Q-MAE over legal slots,
// Q-gap (regret of the model's argmax), zero-regret and blunder (gap > 10) rates, overall and by
// trick. Pure CPU over arrays; `eqvk eval-oracle` feeds it solver shards and the GPU forward.
#pragma once
#include <array>
#include <cstdint>
#include <span>

namespace eqvk::eq {

inline constexpr double BLUNDER_GAP = 10.0;  ///< a regret above this many points is a blunder

/// Sums over a set of states; the rates and means are ratios of them (0 when empty).
struct OracleMetrics {
    uint64_t states = 0, legal_slots = 0, zero_regret = 0, blunders = 0;
    double abs_err_sum = 0.0, gap_sum = 0.0;
    double q_mae() const { return legal_slots ? abs_err_sum / double(legal_slots) : 0.0; }
    double q_gap() const { return states ? gap_sum / double(states) : 0.0; }
    double zero_regret_rate() const { return states ? double(zero_regret) / double(states) : 0.0; }
    double blunder_rate() const { return states ? double(blunders) / double(states) : 0.0; }
};

/// Metrics overall and by trick: by_trick[t] holds states with t*4 <= plays so far < t*4+4
/// (trick t+1 of 7, the same split as tools/train_oracle.py's `depth // 4`).
struct OracleEval {
    OracleMetrics all;
    std::array<OracleMetrics, 7> by_trick{};
};

/// Adds N states. solver_q [N][7]: solver Q in team-0 points, −128 = illegal slot; actor [N]: seat
/// to move; plays [N]: tiles played so far (0..27); model_q [N][7]: the model's Q in points from
/// the actor team's perspective. Solver Q is flipped to the actor's perspective; the model's pick
/// is the first argmax over legal slots. States with no legal slot are skipped. Sizes are asserted.
void accumulate_oracle_eval(OracleEval& acc, std::span<const int8_t> solver_q,
                            std::span<const int32_t> actor, std::span<const int32_t> plays,
                            std::span<const double> model_q);

}  // namespace eqvk::eq
