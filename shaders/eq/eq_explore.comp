#version 450
#extension GL_GOOGLE_include_directive : require
// Exploration after the greedy move choice (config [policy] exploration, spec §6.10), one invocation per game.
// Reference: eq::explore_move (src/eq/explore.cpp), the same float operations in the same order. With the
// greedy slot g* = action[g] (choose_move's), in order:
//   blunder (mode 3, 4): when coin 0 < blunder_thr, a uniform legal slot ≠ g* with e_q ≥ e_q[g*] − max_regret;
//   epsilon (mode 1, 4): when coin 1 < eps_thr, a uniform legal slot;
//   Boltzmann (mode 2, 4): the first legal slot whose running sum of exp((e_q − max)/T) passes u·Σ, u = coin 2
//   >> 8 · 2^-24; else g*. A threshold 0xFFFFFFFF is always an event. Coins: Philox block (stream 2, game seed,
//   decision, world 0); the blunder's and epsilon's uniform picks: worlds 1 and 2 (rng.h rng_counter).
// Writes action[g] and explore[g] = {mode (0 greedy, 1 Boltzmann, 2 epsilon, 3 blunder), g*, q_gap = e_q[g*] −
// e_q[taken] (f32 bits), entropy of softmax(e_q) over the legal slots (f32 bits, nats)}, which eq_record
// stores at REC_EXPLORE_MODE.. REC_ENTROPY. No legal slot (or a game over): action kept, {0, −1, 0, 0}.
// Bindings: 0 state u32 [ST_WORDS·n] (read), 1 e_q f32 [n][7] (read), 2 legal u32 [n] (read),
//           3 action i32 [n] (read-write), 4 explore u32 [n][4] (write).
// Push: n_games, mode, eps_thr, blunder_thr, temperature (f32), max_regret (f32), run seed lo/hi.
// Spec: 0 workgroup size. Grid: ceil(n / workgroup size).
layout(local_size_x_id = 0) in;
layout(std430, binding = 0) readonly buffer State { uint st[]; };
layout(std430, binding = 1) readonly buffer EQ { float e_q[]; };
layout(std430, binding = 2) readonly buffer Legal { uint legal[]; };
layout(std430, binding = 3) buffer Action { int action[]; };
layout(std430, binding = 4) writeonly buffer Explore { uint explore[]; };
layout(push_constant) uniform Push {
    uint n_games; uint mode; uint eps_thr; uint blunder_thr; float temperature; float max_regret;
    uint seed_lo; uint seed_hi;
} pc;

#include "eq/gpu/layout.h"
#include "philox.glsl"

const uint RNG_STREAM_EXPLORE = 2u;

bool coin(uint word, uint threshold) { return threshold == 0xFFFFFFFFu || word < threshold; }

int kth_slot(uint mask, uint k) {
    for (uint s = 0u; s < 7u; ++s)
        if ((mask & (1u << s)) != 0u && k-- == 0u) return int(s);
    return -1;
}

void main() {
    uint g = gl_GlobalInvocationID.x, n = pc.n_games;
    if (g >= n) return;
    uint d = st[st_index(ST_NPLAYS, 1u, n, g, 0u)];
    uint mask = legal[g];
    int greedy = action[g];
    if (d >= 28u || mask == 0u || greedy < 0) {
        explore[4u * g] = 0u;
        explore[4u * g + 1u] = uint(-1);
        explore[4u * g + 2u] = floatBitsToUint(0.0);
        explore[4u * g + 3u] = floatBitsToUint(0.0);
        return;
    }
    float q[7];
    for (uint s = 0u; s < 7u; ++s) q[s] = e_q[g * 7u + s];
    // Step 1. Entropy of softmax(e_q) over the legal slots, from differences to the maximum.
    float hi = -3.0e38;
    for (uint s = 0u; s < 7u; ++s)
        if ((mask & (1u << s)) != 0u) hi = max(hi, q[s]);
    precise float z = 0.0, za = 0.0;
    for (uint s = 0u; s < 7u; ++s)
        if ((mask & (1u << s)) != 0u) {
            precise float a = q[s] - hi;
            precise float e = exp(a);
            z += e;
            za += e * a;
        }
    precise float entropy = log(z) - za / z;
    // Step 2. The coins and the choice.
    uvec2 seed = uvec2(st[st_index(ST_SEED, 2u, n, g, 0u)], st[st_index(ST_SEED, 2u, n, g, 1u)]);
    uvec2 key = uvec2(pc.seed_lo, pc.seed_hi);
    uvec4 coins = philox4x32_10(rng_counter(seed, d, 0u, 0u, RNG_STREAM_EXPLORE), key);
    bool blunders = pc.mode == 3u || pc.mode == 4u;
    bool epsilons = pc.mode == 1u || pc.mode == 4u;
    bool boltzmann = pc.mode == 2u || pc.mode == 4u;
    int taken = greedy;
    uint choice = 0u;
    if (blunders && coin(coins.x, pc.blunder_thr)) {
        precise float floor_q = q[greedy] - pc.max_regret;
        uint cand = 0u;
        for (uint s = 0u; s < 7u; ++s)
            if ((mask & (1u << s)) != 0u && int(s) != greedy && q[s] >= floor_q) cand |= 1u << s;
        if (cand != 0u) {
            uint k = uniform_below(uint(bitCount(cand)),
                                   rng_counter(seed, d, 1u, 0u, RNG_STREAM_EXPLORE), key);
            taken = kth_slot(cand, k);
            choice = 3u;
        }
    }
    if (choice == 0u && epsilons && coin(coins.y, pc.eps_thr)) {
        uint k = uniform_below(uint(bitCount(mask)), rng_counter(seed, d, 2u, 0u, RNG_STREAM_EXPLORE),
                               key);
        taken = kth_slot(mask, k);
        choice = 2u;
    }
    if (choice == 0u && boltzmann) {
        float w[7];
        precise float total = 0.0;
        for (uint s = 0u; s < 7u; ++s) {
            w[s] = (mask & (1u << s)) != 0u ? exp((q[s] - hi) / pc.temperature) : 0.0;
            total += w[s];
        }
        precise float target = float(coins.z >> 8u) * (1.0 / 16777216.0) * total;
        precise float run = 0.0;
        for (uint s = 0u; s < 7u; ++s)
            if ((mask & (1u << s)) != 0u) {
                taken = int(s);
                run += w[s];
                if (target < run) break;
            }
        choice = 1u;
    }
    action[g] = taken;
    precise float gap = q[greedy] - q[taken];
    explore[4u * g] = choice;
    explore[4u * g + 1u] = uint(greedy);
    explore[4u * g + 2u] = floatBitsToUint(gap);
    explore[4u * g + 3u] = floatBitsToUint(entropy);
}
