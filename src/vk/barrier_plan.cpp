// Barrier planning: per resource, the last write not yet made visible everywhere, the (stage,
// access) pairs it has been made visible to, and the stages that read it since (for
// write-after-read).
#include "vk/barrier_plan.h"

#include <algorithm>
#include <unordered_map>

namespace eqvk::vk {
namespace {

VkPipelineStageFlags stage_flag(Stage s) {
    switch (s) {
        case Stage::Compute:
        case Stage::ComputeUniform:
            return VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT;
        case Stage::Transfer:
            return VK_PIPELINE_STAGE_TRANSFER_BIT;
        case Stage::Indirect:
            return VK_PIPELINE_STAGE_DRAW_INDIRECT_BIT;
    }
    return 0;
}

VkAccessFlags read_flag(Stage s) {
    switch (s) {
        case Stage::Compute:
            return VK_ACCESS_SHADER_READ_BIT;
        case Stage::ComputeUniform:
            return VK_ACCESS_UNIFORM_READ_BIT;
        case Stage::Transfer:
            return VK_ACCESS_TRANSFER_READ_BIT;
        case Stage::Indirect:
            return VK_ACCESS_INDIRECT_COMMAND_READ_BIT;
    }
    return 0;
}

VkAccessFlags write_flag(Stage s) {
    switch (s) {
        case Stage::Compute:
            return VK_ACCESS_SHADER_WRITE_BIT;
        case Stage::ComputeUniform:
            return 0;
        case Stage::Transfer:
            return VK_ACCESS_TRANSFER_WRITE_BIT;
        case Stage::Indirect:
            return 0;
    }
    return 0;
}

struct ResourceState {
    VkPipelineStageFlags write_stage = 0;  // 0: no write recorded yet
    VkAccessFlags write_access = 0;
    std::vector<std::pair<VkPipelineStageFlags, VkAccessFlags>> visible;  // since the last write
    VkPipelineStageFlags read_stages = 0;  // readers since the last write
};

}  // namespace

std::vector<BarrierBatch> plan_barriers(const std::vector<std::vector<ResourceUse>>& ops) {
    std::unordered_map<uint64_t, ResourceState> state;
    std::vector<BarrierBatch> out;
    for (size_t i = 0; i < ops.size(); ++i) {
        // Merge the uses of one resource at one stage (a buffer bound twice in one dispatch).
        std::vector<ResourceUse> uses;
        for (const auto& u : ops[i]) {
            auto it = std::find_if(uses.begin(), uses.end(), [&](const ResourceUse& v) {
                return v.resource == u.resource && v.stage == u.stage;
            });
            if (it == uses.end())
                uses.push_back(u);
            else
                it->access = static_cast<Access>(static_cast<uint8_t>(it->access) |
                                                 static_cast<uint8_t>(u.access));
        }
        BarrierBatch batch{i, {}};
        for (const auto& u : uses) {
            auto& st = state[u.resource];
            const bool reads = static_cast<uint8_t>(u.access) & 1,
                       writes = static_cast<uint8_t>(u.access) & 2;
            const auto s = stage_flag(u.stage);
            const auto ra = read_flag(u.stage), wa = write_flag(u.stage);
            const bool raw = reads && st.write_stage &&
                             std::none_of(st.visible.begin(), st.visible.end(), [&](auto& v) {
                                 return (v.first & s) && (v.second & ra) == ra;
                             });
            const bool waw = writes && st.write_stage;
            const bool war = writes && st.read_stages;
            if (raw || waw || war) {
                PlannedBarrier b;
                b.resource = u.resource;
                b.src_stage = st.write_stage | (writes ? st.read_stages : 0);
                b.src_access = st.write_access;
                b.dst_stage = s;
                b.dst_access = (reads ? ra : 0) | (writes ? wa : 0);
                batch.barriers.push_back(b);
                if (reads && st.write_stage) st.visible.emplace_back(s, ra);
            }
            if (reads) st.read_stages |= s;
            if (writes) {
                st.write_stage = s;
                st.write_access = wa;
                st.visible.clear();
                st.read_stages = 0;
            }
        }
        if (!batch.barriers.empty()) out.push_back(std::move(batch));
    }
    return out;
}

}  // namespace eqvk::vk
