// The kernel registry (one row per embedded shader: STYLE.md §5) and the pipeline cache keyed by
// specialization constants. Adding a kernel = one shader in src/kernels/CMakeLists.txt + one row
// here.
#include "kernels/registry.h"

#include <fmt/format.h>

#include <stdexcept>

#include "eqvk_build_config.h"
#include "eqvk_kernel_shaders_spirv.h"
#include "kernels/attention.h"
#include "kernels/ceilings.h"
#include "kernels/embed_gather.h"
#include "kernels/eq.h"
#include "kernels/eq_reduce.h"
#include "kernels/gemm.h"
#include "kernels/gemm_coopmat.h"
#include "kernels/gemm_rows.h"
#include "kernels/layer_norm.h"
#include "kernels/oracle_heads.h"
#include "vk/capabilities.h"
#include "vk/context.h"

namespace eqvk::kernels {
namespace {

bool has_16bit_storage(const vk::Capabilities& c) {
    return c.storage_buffer_16bit;
}

const KernelInfo REGISTRY[] = {
    {"gemm", 6, sizeof(GemmPush),
     "GEMM family, fp32 storage (direct, batched, split-K partial/reduce)", nullptr},
    {"gemm_f16", 6, sizeof(GemmPush), "GEMM family, fp16 storage, fp32 accumulation",
     has_16bit_storage},
    {"gemm_rows", 5, sizeof(GemmRowsPush),
     "GEMM for CPU devices, fp32: lanes on rows, W slices in a uniform buffer", nullptr, 1u << 1},
    {"gemm_rows_f16", 5, sizeof(GemmRowsPush),
     "GEMM for CPU devices, fp16 storage, fp32 accumulation", has_16bit_storage, 1u << 1},
#if EQVK_GLSL_NV_COOPERATIVE_MATRIX
    {"gemm_nv_coopmat", 5, sizeof(GemmPush),
     "GEMM, fp16 storage, VK_NV_cooperative_matrix 64x64 tiles", nv_coopmat_usable},
#endif
    {"embed_gather", 5, sizeof(EmbedGatherPush),
     "oracle embedding gather, 12 tables concatenated, fp32 output", nullptr},
    {"embed_gather_f16", 5, sizeof(EmbedGatherPush), "oracle embedding gather, fp16 output",
     has_16bit_storage},
    {"layer_norm", 6, sizeof(LayerNormPush), "LayerNorm with fused residual add, fp32 storage",
     nullptr},
    {"layer_norm_f16", 6, sizeof(LayerNormPush),
     "LayerNorm with fused residual add, fp16 storage, fp32 statistics", has_16bit_storage},
    {"attention", 7, sizeof(AttentionPush),
     "fused 32-token attention per (world, head), scores in shared memory, fp32", nullptr},
    {"attention_f16", 7, sizeof(AttentionPush),
     "fused 32-token attention, fp16 storage, fp32 softmax", has_16bit_storage},
    {"oracle_heads", 5, sizeof(OracleHeadsPush), "oracle Q and value heads on 8 rows per world",
     nullptr},
    {"oracle_heads_f16", 5, sizeof(OracleHeadsPush), "oracle Q and value heads, fp16 input",
     has_16bit_storage},
    {"bench_fma", 1, sizeof(BenchFmaPush), "FMA-throughput ceiling (bench only)", nullptr},
    {"bench_copy", 2, sizeof(BenchCopyPush), "copy-bandwidth ceiling (bench only)", nullptr},
    {"eq_reduce", 4, sizeof(EqReducePush), "E[Q], Var and 85-bin PDF over the worlds of each game",
     nullptr},
    {"choose_move", 7, sizeof(ChooseMovePush),
     "move choice (P(make) or E[Q]) and uncertainty per game", nullptr},
    {"eq_min_bin", 2, sizeof(EqMinBinPush), "E[Q]: P(make) threshold bin per game", nullptr},
    {"eq_baseline", 4, sizeof(EqBaselinePush), "E[Q]: baseline players of eqvk match", nullptr},
    {"eq_record", 8, sizeof(EqRecordPush), "E[Q]: store each game's decision record", nullptr},
    {"eq_voids", 3, sizeof(EqGamesPush), "E[Q]: opponents' void suits from the history", nullptr},
    {"eq_world_count", 4, sizeof(EqGamesPush), "E[Q]: world-count table (DP) per game", nullptr},
    {"eq_world_sample", 3, sizeof(EqWorldSamplePush),
     "E[Q]: exactly uniform worlds (Philox rank, unranked) or enumeration", nullptr},
    {"eq_tokenize", 6, sizeof(EqTokenizePush), "E[Q]: oracle tokens per (game, world)", nullptr},
    {"eq_legal", 3, sizeof(EqGamesPush), "E[Q]: legal slots of the seat to move", nullptr},
    {"eq_apply", 4, sizeof(EqGamesPush), "E[Q]: play the chosen slot, resolve the trick", nullptr},
};

}  // namespace

std::span<const KernelInfo> kernel_registry() {
    return REGISTRY;
}

const KernelInfo& kernel_info(std::string_view stem) {
    for (const auto& k : REGISTRY)
        if (k.stem == stem) return k;
    throw std::out_of_range(fmt::format("no kernel named '{}' in the registry", stem));
}

bool kernel_supported(std::string_view stem, const vk::Capabilities& caps) {
    for (const auto& k : REGISTRY)
        if (k.stem == stem) return !k.supported || k.supported(caps);
    return false;
}

const vk::Pipeline& KernelCache::get(std::string_view stem,
                                     const std::vector<vk::SpecConstant>& spec,
                                     uint32_t required_subgroup_size) {
    std::string key(stem);
    for (const auto& s : spec) key += fmt::format(":{}={}", s.id, s.value);
    if (required_subgroup_size) key += fmt::format(":sg={}", required_subgroup_size);
    auto it = pipelines_.find(key);
    if (it != pipelines_.end()) return *it->second;
    const KernelInfo& info = kernel_info(stem);
    vk::PipelineDesc desc;
    desc.name = key;
    desc.spirv = shaders::spirv(stem);
    desc.bindings = info.bindings;
    desc.uniform_bindings = info.uniform_bindings;
    desc.push_constant_bytes = info.push_bytes;
    desc.spec = spec;
    desc.required_subgroup_size = required_subgroup_size;
    auto [pos, inserted] = pipelines_.emplace(key, std::make_unique<vk::Pipeline>(ctx_, desc));
    return *pos->second;
}

}  // namespace eqvk::kernels
