// Forge's oracle metrics (spec §4.3): per-state regret of the model's argmax and legal-slot errors.
#include "eq/oracle_eval.h"

#include <cmath>

#include "util/error.h"

namespace eqvk::eq {

namespace {

constexpr int8_t ILLEGAL = -128;

void add(OracleMetrics& m, uint32_t legal_slots, double abs_err, double gap) {
    m.states += 1;
    m.legal_slots += legal_slots;
    m.abs_err_sum += abs_err;
    m.gap_sum += gap;
    m.zero_regret += gap == 0.0;
    m.blunders += gap > BLUNDER_GAP;
}

}  // namespace

void accumulate_oracle_eval(OracleEval& acc, std::span<const int8_t> solver_q,
                            std::span<const int32_t> actor, std::span<const int32_t> plays,
                            std::span<const double> model_q) {
    const size_t n = actor.size();
    EQVK_ASSERT(solver_q.size() == n * 7 && plays.size() == n && model_q.size() == n * 7);
    for (size_t s = 0; s < n; ++s) {
        const double sign = actor[s] % 2 == 0 ? 1.0 : -1.0;  // team 0 = seats 0 and 2
        uint32_t legal = 0;
        double abs_err = 0.0, best = -1e9, pick_q = 0.0, pick_model = -1e300;
        for (int i = 0; i < 7; ++i) {
            const int8_t q = solver_q[s * 7 + i];
            if (q == ILLEGAL) continue;
            const double qa = sign * q, mq = model_q[s * 7 + i];
            ++legal;
            abs_err += std::abs(mq - qa);
            if (qa > best) best = qa;
            if (mq > pick_model) pick_model = mq, pick_q = qa;  // first argmax on ties
        }
        if (legal == 0) continue;
        const double gap = best - pick_q;
        EQVK_ASSERT(plays[s] >= 0 && plays[s] < 28);
        add(acc.all, legal, abs_err, gap);
        add(acc.by_trick[size_t(plays[s] / 4)], legal, abs_err, gap);
    }
}

}  // namespace eqvk::eq
