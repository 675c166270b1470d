// eval-oracle's pieces: tokenize_packed against tools/oracle_common.py's tokens (fixture written by
// tools/make_packed_token_vectors.py) and Forge's metrics (spec §4.3) on hand-computed cases.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "eq/oracle_eval.h"
#include "eq/tokens.h"
#include "game/deal.h"

using namespace eqvk;

namespace {

std::vector<int8_t> from_hex(const std::string& hex) {
    std::vector<int8_t> out;
    for (size_t i = 0; i + 1 < hex.size(); i += 2)
        out.push_back(static_cast<int8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    return out;
}

}  // namespace

TEST_CASE("eval: tokenize_packed equals the Python training tokens") {
    std::ifstream in(std::filesystem::path(EQVK_TEST_DATA_DIR) / "packed_token_vectors.txt");
    REQUIRE(in.good());
    std::string line;
    int cases = 0;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream ls(line);
        uint64_t seed = 0, state = 0;
        int decl = 0, actor = 0;
        std::string tok_hex, mask_hex;
        ls >> seed >> decl >> state >> actor >> tok_hex >> mask_hex;
        const auto tok = from_hex(tok_hex), mask = from_hex(mask_hex);
        REQUIRE(tok.size() == eq::N_TOKENS * eq::N_FEATURES);
        REQUIRE(mask.size() == eq::N_TOKENS);
        const eq::TokenRow row = eq::tokenize_packed(game::deal_from_seed(seed), decl, state);
        CAPTURE(line.substr(0, 40));
        CHECK(row.actor == actor);
        CHECK(std::vector<int8_t>(row.tokens.begin(), row.tokens.end()) == tok);
        CHECK(std::vector<int8_t>(row.mask.begin(), row.mask.end()) == mask);
        ++cases;
    }
    CHECK(cases == 40);
}

TEST_CASE("eval: oracle metrics on a hand-made case") {
    constexpr int8_t X = -128;
    // A: seat 0 (team 0), trick 1. Legal slots 0, 2 with Q 10, 4. The model picks slot 2 (8 > 3):
    //    gap 6; errors 7 + 4.
    // B: seat 1 (team 1), trick 2. Team-1 Q of slots 1, 3, 6: −20, 6, −2. The model ties slots 3
    //    and 6 at 5 and picks the first, slot 3: gap 0; errors 1 + 1 + 7.
    // C: seat 3 (team 1), trick 2. Team-1 Q of slots 0, 1: 15, 0. The model picks slot 1: gap 15,
    //    a blunder; errors 16 + 2.
    // D: terminal (no legal slot): skipped.
    const std::vector<int8_t> solver_q = {10,  X,  4, X,  X, X, X,  //
                                          X,   20, X, -6, X, X, 2,  //
                                          -15, 0,  X, X,  X, X, X,  //
                                          X,   X,  X, X,  X, X, X};
    const std::vector<int32_t> actor = {0, 1, 3, 0}, plays = {0, 5, 6, 27};
    const std::vector<double> model_q = {3,  99,  8, 0, 0, 0, 0,  //
                                         0,  -19, 0, 5, 0, 0, 5,  //
                                         -1, 2,   0, 0, 0, 0, 0,  //
                                         1,  2,   3, 4, 5, 6, 7};
    eq::OracleEval e;
    eq::accumulate_oracle_eval(e, solver_q, actor, plays, model_q);
    CHECK(e.all.states == 3);
    CHECK(e.all.legal_slots == 7);
    CHECK(e.all.q_mae() == doctest::Approx(38.0 / 7.0));
    CHECK(e.all.q_gap() == doctest::Approx(7.0));
    CHECK(e.all.zero_regret_rate() == doctest::Approx(1.0 / 3.0));
    CHECK(e.all.blunder_rate() == doctest::Approx(1.0 / 3.0));
    CHECK(e.by_trick[0].states == 1);
    CHECK(e.by_trick[0].q_mae() == doctest::Approx(5.5));
    CHECK(e.by_trick[0].q_gap() == doctest::Approx(6.0));
    CHECK(e.by_trick[0].zero_regret_rate() == 0.0);
    CHECK(e.by_trick[0].blunder_rate() == 0.0);
    CHECK(e.by_trick[1].states == 2);
    CHECK(e.by_trick[1].q_mae() == doctest::Approx(27.0 / 5.0));
    CHECK(e.by_trick[1].q_gap() == doctest::Approx(7.5));
    CHECK(e.by_trick[1].zero_regret_rate() == doctest::Approx(0.5));
    CHECK(e.by_trick[1].blunder_rate() == doctest::Approx(0.5));
    CHECK(e.by_trick[6].states == 0);
    CHECK(e.by_trick[6].q_gap() == 0.0);

    // Accumulating in two calls gives the same sums.
    eq::OracleEval split;
    const std::span<const int8_t> sq(solver_q);
    const std::span<const int32_t> a(actor), p(plays);
    const std::span<const double> mq(model_q);
    eq::accumulate_oracle_eval(split, sq.first(7), a.first(1), p.first(1), mq.first(7));
    eq::accumulate_oracle_eval(split, sq.subspan(7), a.subspan(1), p.subspan(1), mq.subspan(7));
    CHECK(split.all.abs_err_sum == e.all.abs_err_sum);
    CHECK(split.all.gap_sum == e.all.gap_sum);
}
