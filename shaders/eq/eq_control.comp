#version 450
// Per-game world control of one pass of the decision step (issue 15): before each pass of up to P worlds per
// game, for every game g < live whose hand is not over: on the first pass start the decision (n = 0; exact
// = 0 < count <= exact_max, count = the exact number of consistent worlds); else add the worlds of the pass
// just evaluated (min(P, target − n) if g was active). When n reaches the round's target: an exact game is
// done after its one enumeration of all `count` worlds, a fixed game after M worlds, an adaptive game after
// a round of round_worlds (or at max_worlds) is done once n >= min_worlds and the largest standard error
// sqrt(Var / n) over its legal slots is <= sem_target (converged), or once n >= max_worlds (hit max); else
// its next round starts. Active games (n < target) are compacted in game order into `list`, and rows =
// active × P is the oracle's row count (EvalIo.count), so a finished game costs no further work. On the
// last pass nothing stays active. One invocation does it all, in game order (a few words per game).
// CPU reference: eq::gpu::control_ref (ref/eq_reduce_ref.h).
// Bindings: 0 state u32 [ST_WORDS·N] readonly, 1 table u32 [N][WT_WORDS] readonly (eq_world_count),
//           2 legal u32 [N] readonly, 3 m2 f32 [N][7] readonly (eq_reduce's running M2), 4 acc u32
//           [N][ACC_WORDS] read-write, 5 list u32 [N] writeonly, 6 ctrl u32 [CTRL_WORDS] read-write,
//           7 rows u32 [1] writeonly, 8 args u32 [ARGS_WORDS] writeonly (indirect dispatch sizes of the
//           pass: ceil(rows / workgroup) groups at ARGS_ROWS, ceil(active·7 / workgroup) at ARGS_SLOTS).
// Push: n_games N, pass_worlds P, first, last, mode (MODE_*), exact_max (0 = never exact), fixed_worlds
// M, min_worlds, max_worlds, round_worlds, sem_target (f32). Spec: 0 workgroup size. Grid: 1 invocation.
#extension GL_GOOGLE_include_directive : require
#include "eq/gpu/layout.h"
layout(local_size_x_id = 0) in;
layout(std430, binding = 0) readonly buffer State { uint st[]; };
layout(std430, binding = 1) readonly buffer Table { uint table[]; };
layout(std430, binding = 2) readonly buffer Legal { uint legal[]; };
layout(std430, binding = 3) readonly buffer M2 { float m2[]; };
layout(std430, binding = 4) buffer Acc { uint acc[]; };
layout(std430, binding = 5) writeonly buffer List { uint list[]; };
layout(std430, binding = 6) buffer Ctrl { uint ctrl[]; };
layout(std430, binding = 7) writeonly buffer Rows { uint rows[]; };
layout(std430, binding = 8) writeonly buffer Args { uint args[]; };
layout(push_constant) uniform Push {
    uint n_games, pass_worlds, first, last, mode, exact_max, fixed_worlds, min_worlds, max_worlds,
        round_worlds;
    float sem_target;
} pc;

// Largest standard error of E[Q] over the legal slots after n worlds: sqrt(max(M2 / n, 0) / n).
float max_sem(uint g, uint n) {
    float worst = 0.0;
    for (uint s = 0u; s < EQ_SLOTS; ++s) {
        if ((legal[g] >> s & 1u) == 0u) continue;
        precise float var_s = max(m2[g * EQ_SLOTS + s] / float(n), 0.0);
        precise float sem = sqrt(var_s / float(n));
        worst = isnan(sem) ? sem : max(worst, sem);
        if (isnan(worst)) break;
    }
    return worst;
}

void main() {
    if (gl_GlobalInvocationID.x != 0u) return;
    uint n_games = pc.n_games, n_active = 0u;
    uint live = min(ctrl[CTRL_LIVE], n_games);
    for (uint g = 0u; g < n_games; ++g) {
        uint a = g * ACC_WORDS;
        uint n = acc[a + ACC_N], target = acc[a + ACC_TARGET], flags = acc[a + ACC_FLAGS];
        if (pc.first != 0u) {
            uint count = table[g * WT_WORDS + WT_COUNT];
            bool over = g >= live || st[st_index(ST_NPLAYS, 1u, n_games, g, 0u)] >= 28u;
            n = 0u;
            target = 0u;
            flags = over ? ACC_DONE : 0u;
            if (!over && pc.exact_max != 0u && count <= pc.exact_max) flags |= ACC_EXACT;
            acc[a + ACC_COUNT] = count;
        } else if ((flags & ACC_ACTIVE) != 0u) {
            n += min(pc.pass_worlds, target - n);
        }
        flags &= ~ACC_ACTIVE;
        if ((flags & ACC_DONE) == 0u && n >= target) {
            if ((flags & ACC_EXACT) != 0u) {
                if (n == 0u) target = acc[a + ACC_COUNT];
                else flags |= ACC_DONE | ACC_CONVERGED;
            } else if (pc.mode == MODE_FIXED) {
                if (n == 0u) target = pc.fixed_worlds;
                else flags |= ACC_DONE;
            } else if (n >= pc.min_worlds && max_sem(g, n) <= pc.sem_target) {
                flags |= ACC_DONE | ACC_CONVERGED;
            } else if (n >= pc.max_worlds) {
                flags |= ACC_DONE | ACC_HIT_MAX;
            } else {
                target = min(n + pc.round_worlds, pc.max_worlds);
            }
            if (target == 0u) flags |= ACC_DONE;  // no world at all (count 0)
        }
        if (pc.last != 0u) flags |= ACC_DONE;
        if ((flags & ACC_DONE) == 0u && n < target) {
            flags |= ACC_ACTIVE;
            list[n_active++] = g;
        }
        acc[a + ACC_N] = n;
        acc[a + ACC_TARGET] = target;
        acc[a + ACC_FLAGS] = flags;
    }
    ctrl[CTRL_ACTIVE] = n_active;
    rows[0] = n_active * pc.pass_worlds;
    uint wg = gl_WorkGroupSize.x;
    args[ARGS_ROWS] = min((n_active * pc.pass_worlds + wg - 1u) / wg, 65535u);  // grid-stride loops
    args[ARGS_ROWS + 1u] = 1u;
    args[ARGS_ROWS + 2u] = 1u;
    args[ARGS_SLOTS] = (n_active * EQ_SLOTS + wg - 1u) / wg;
    args[ARGS_SLOTS + 1u] = 1u;
    args[ARGS_SLOTS + 2u] = 1u;
}
