// Plain-loop CPU references of shaders/eq/eq_reduce.comp and shaders/eq/choose_move.comp (same formulas,
// same order of summation, fp32 like the shaders).
#pragma once
#include <cstdint>

#include "eq/gpu/layout.h"

namespace eqvk::eq::gpu {

/// q: [G·M][7]; e_q, var: [G][7]; pdf: [G][7][85]. Welford's mean and M2 in world order (var =
/// M2 / M, the population variance), as the shader: reduce_pass_ref over all M worlds, then
/// reduce_finish_ref.
void eq_reduce_ref(const float* q, uint32_t games, uint32_t worlds, float* e_q, float* var,
                   float* pdf);

/// One game's worlds n0 .. n0 + live − 1 added to its running moments, as one pass of the shader:
/// q [live][7]; mean, m2 [7]; pdf [7][85] bin counts (all three start from zero when n0 = 0).
/// With weights w [live] (posterior; n0 must be 0): West's weighted Welford and weighted bins.
void reduce_pass_ref(const float* q, uint32_t n0, uint32_t live, float* mean, float* m2, float* pdf,
                     const float* w = nullptr);

/// The finishing step over n worlds: m2 [7] becomes the variance, pdf [7][85] counts become
/// shares; n = 0 gives zeros everywhere (mean included). With weights w [n]: divided by Σw.
void reduce_finish_ref(uint32_t n, float* mean, float* m2, float* pdf, const float* w = nullptr);

/// Largest standard error sqrt(max(M2 / n, 0) / n) over the slots in `legal` (NaN if any is).
float max_sem_ref(const float* m2, uint32_t legal, uint32_t n);

/// The sampling rule of shaders/eq/eq_control.comp (push-block fields).
struct SamplingRule {
    uint32_t mode = MODE_FIXED;  // MODE_FIXED or MODE_ADAPTIVE
    uint32_t exact_max = 0;      // enumerate when 0 < count <= exact_max (0: never)
    uint32_t fixed_worlds = 1;   // M (fixed mode)
    uint32_t min_worlds = 1, max_worlds = 1, round_worlds = 1;  // adaptive mode
    float sem_target = 0.0f;                                    // points
};

/// eq_control for one game before a pass of `pass_worlds`: updates acc [ACC_WORDS] as the shader
/// does and returns whether the game is active in the pass. `over`: the game is not live or its
/// hand is over; count: its exact world count; legal: its legal slots; m2 [7]: running M2.
bool control_ref(const SamplingRule& rule, uint32_t pass_worlds, bool first, bool last, bool over,
                 uint32_t count, uint32_t legal, const float* m2, uint32_t* acc);

/// e_q, var: [G][7]; pdf: [G][7][85]; legal: [G]; min_bin: [G]; action: [G]; uncertainty: [G][2].
void choose_move_ref(const float* e_q, const float* var, const float* pdf, const uint32_t* legal,
                     const int32_t* min_bin, uint32_t games, uint32_t mode, int32_t* action,
                     float* uncertainty);

}  // namespace eqvk::eq::gpu
