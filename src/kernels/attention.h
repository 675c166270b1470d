// Fused attention for the oracle's 32 tokens (shaders/attention.comp, attention_f16.comp): one
// workgroup per (world, head) computes QKᵀ/√D with the key-padding mask, the softmax in fp32 and
// ·V with the 32×32 scores in shared memory, reading Q/K/V in place from the fused QKV projection.
// The last-layer mode computes only the 8 query rows the output heads read and gathers the same
// rows of the layer input (the residual), so the rest of that layer runs on 8 rows per world.
#pragma once
#include <cstdint>

#include "kernels/check.h"
#include "kernels/types.h"

namespace eqvk::vk {
class Context;
class Program;
}  // namespace eqvk::vk

namespace eqvk::vk {
struct Capabilities;
}

namespace eqvk::kernels {

class KernelCache;

/// Mirrors the push block of shaders/common/attention_impl.glsl.
struct AttentionPush {
    uint32_t E;           // H·D, row length of out / x / x8 (qkv rows are 3E)
    uint32_t world_base;  // first world of the slice in mask / actor / count
    float scale;          // 1/√D
};
static_assert(sizeof(AttentionPush) <= 128);

/// The shapes of the kernel: a workgroup per (world, head) with Q/K/V and the scores in shared
/// memory (GPUs); one invocation per query row with an online softmax in registers, every K/V read
/// at a lane-uniform address and no barrier (head dim ≤ 64); or one subgroup per (world, head),
/// each lane loading 32/S key and value rows once and broadcasting them to the others (subgroup
/// size S dividing 8, head dim ≤ 64): lavapipe's shape, where every storage load is a loop over
/// the lanes and a broadcast is one register extract.
enum class AttentionShape { Auto, Shared, Rows, Subgroup };
inline constexpr uint32_t ATTENTION_ROWS_MAX_D = 64;

/// True when the device can run the Subgroup shape: subgroup ballot in compute and a subgroup size
/// of 1, 2, 4 or 8 (the workgroup is one subgroup holding 32/S keys and 8/S or 32/S queries a lane).
bool attention_subgroup_fits(const vk::Capabilities& caps);

/// The shape attention() records for head dim D (never Auto): on CPU devices (lavapipe) with
/// D ≤ 64, Subgroup where attention_subgroup_fits, else Rows; Shared everywhere else.
/// EQVK_ATTENTION=shared|rows|subgroup forces one (throws std::invalid_argument on another value,
/// when rows or subgroup is forced for D > 64, or subgroup on a device it does not fit).
AttentionShape attention_shape(const vk::Capabilities& caps, uint32_t D);

struct AttentionArgs {
    uint32_t worlds = 0, E = 0, H = 0;
    uint32_t world_base = 0;
    bool last = false;  // 8 query rows (token 0, hand_token(actor, 0..6)) and the x → x8 gather
    Dtype dtype = Dtype::F32;
    AttentionShape shape = AttentionShape::Auto;  // Auto: attention_shape(caps, E / H)
    uint32_t query_rows() const { return last ? 8u : 32u; }
};

/// Shared memory the kernel needs for head dim D: with Q/K/V staged (`staged`) or only the scores.
uint32_t attention_shared_bytes(uint32_t D, uint32_t query_rows, bool staged);

/// Records the attention.
///   qkv:   [worlds][32][3E] dtype (QKV projection output: q | k | v, head h at columns h·D)
///   mask:  [world_base + worlds][32] int8 1 = real key (whole buffer)
///   actor: [world_base + worlds] int32 seat (read in last mode; bind anything otherwise)
///   out:   [worlds][query_rows][E] dtype, written
///   x:     [worlds][32][E] dtype layer input, x8: [worlds][8][E] dtype written (last mode only)
///   count: uint32 [1] worlds to compute (the others are skipped)
void attention(KernelCache& cache, vk::Program& prog, const AttentionArgs& args, BufferView qkv,
               BufferView mask, BufferView actor, BufferView out, BufferView x, BufferView x8,
               BufferView count);

/// attention on random QKV, masks and actors against attention_ref (and, in last mode, the x → x8
/// gather); outputs of worlds at or past `count` must stay poisoned.
CheckResult check_attention(vk::Context& ctx, KernelCache& cache, const AttentionArgs& args,
                            uint32_t count, uint64_t seed);

}  // namespace eqvk::kernels
