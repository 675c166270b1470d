// Exploration after the greedy move choice (config [policy] exploration; spec §6.10): with the
// counter RNG on its own stream, a bounded blunder, an epsilon-uniform move or a Boltzmann draw
// replaces the greedy move, in Forge's order. The greedy move (policy.action's rule) is the base of
// every mode, so a dataset never mixes policies. CPU reference of shaders/eq/eq_explore.comp.
#pragma once
#include <cstdint>

#include "eq/rng.h"

namespace eqvk::eq {

/// Exploration modes of the config (io::Exploration, same order).
enum class ExploreMode : uint32_t { None = 0, Epsilon = 1, Boltzmann = 2, Blunder = 3, Mixed = 4 };

/// What chose the move taken (Forge's exploration_mode codes, spec §6.10).
enum class ExploreChoice : uint32_t { Greedy = 0, Boltzmann = 1, Epsilon = 2, Blunder = 3 };

/// Philox stream of the exploration draws (world sampling 0, the random baseline 1).
inline constexpr uint32_t RNG_STREAM_EXPLORE = 2;

/// The exploration settings as the kernel takes them: probabilities as 32-bit thresholds
/// (probability_threshold), temperature and regret in E[Q] points.
struct ExploreParams {
    ExploreMode mode = ExploreMode::None;
    uint32_t epsilon_threshold = 0;  // an epsilon move when the draw's word is below it
    uint32_t blunder_threshold = 0;  // a blunder when the draw's word is below it
    float temperature = 1.0f;        // > 0
    float blunder_max_regret = 0.0f;
};

/// The threshold of probability p in [0, 1]: a uniform 32-bit word w is an event when
/// w < floor(p·2^32), or always when the threshold is 2^32 − 1 (p = 1).
uint32_t probability_threshold(double p);

/// ExploreParams of the config values (probabilities in [0, 1], temperature > 0).
ExploreParams explore_params(ExploreMode mode, double epsilon, double temperature,
                             double blunder_rate, double blunder_max_regret);

/// One decision's exploration outcome.
struct ExploreResult {
    int32_t action = -1;  // slot taken
    ExploreChoice choice = ExploreChoice::Greedy;
    float q_gap = 0.0f;           // e_q[greedy] − e_q[action] (points; 0 when greedy was taken)
    float action_entropy = 0.0f;  // entropy (nats) of softmax(e_q) over the legal slots, T = 1
};

/// The move taken at decision `decision` (plays so far) of game `game_seed`, given E[Q] [7]
/// (points), the legal slot mask and the greedy slot (−1 or an empty mask: nothing to play, the
/// greedy slot is returned with zeros). In order: with probability blunder_rate (blunder, mixed)
/// a uniform legal slot other than the greedy one whose E[Q] is at least e_q[greedy] −
/// blunder_max_regret, if any; else with probability epsilon (epsilon, mixed) a uniform legal
/// slot; else (boltzmann, mixed) a draw from softmax(e_q / temperature) over the legal slots;
/// else the greedy slot. Draws: Philox stream RNG_STREAM_EXPLORE at counter (game_seed, decision,
/// world 0: the coins; world 1: the blunder's pick; world 2: the epsilon pick).
ExploreResult explore_move(const float* e_q, uint32_t legal, int32_t greedy,
                           const ExploreParams& params, PhiloxKey key, uint64_t game_seed,
                           uint32_t decision);

}  // namespace eqvk::eq
