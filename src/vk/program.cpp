// Program recording: descriptor sets written once, barriers from plan_barriers(), optional
// timestamps, and a closing barrier that makes every write visible to the host and to the next
// submit.
#include "vk/program.h"

#include <fmt/format.h>

#include <cstring>
#include <stdexcept>

#include "vk/buffer.h"
#include "vk/check.h"
#include "vk/context.h"
#include "vk/pipeline.h"

namespace eqvk::vk {
namespace {

// Dense ids for the barrier planner: the index of the buffer in `table`.
uint64_t resource_id(std::vector<VkBuffer>& table, const Buffer& b) {
    for (size_t i = 0; i < table.size(); ++i)
        if (table[i] == b.get()) return i;
    table.push_back(b.get());
    return table.size() - 1;
}

// Points the storage-buffer descriptors 0..n-1 of `set` at `bindings`.
void write_descriptor_set(VkDevice dev, VkDescriptorSet set, const Pipeline& pipeline,
                          const std::vector<Binding>& bindings) {
    std::vector<VkDescriptorBufferInfo> infos(bindings.size());
    std::vector<VkWriteDescriptorSet> writes(bindings.size());
    for (size_t i = 0; i < bindings.size(); ++i) {
        infos[i] = {bindings[i].buffer->get(), bindings[i].offset, bindings[i].bytes};
        writes[i] = {VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
        writes[i].dstSet = set;
        writes[i].dstBinding = static_cast<uint32_t>(i);
        writes[i].descriptorCount = 1;
        writes[i].descriptorType = pipeline.descriptor_type(static_cast<uint32_t>(i));
        writes[i].pBufferInfo = &infos[i];
    }
    vkUpdateDescriptorSets(dev, static_cast<uint32_t>(writes.size()), writes.data(), 0, nullptr);
}

// One vkCmdPipelineBarrier for a planned batch; resources are indices into `buffers`.
void record_barrier_batch(VkCommandBuffer cb, const BarrierBatch& batch,
                          const std::vector<VkBuffer>& buffers) {
    VkPipelineStageFlags src = 0, dst = 0;
    std::vector<VkBufferMemoryBarrier> bmb;
    for (auto& pb : batch.barriers) {
        src |= pb.src_stage;
        dst |= pb.dst_stage;
        VkBufferMemoryBarrier b{VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER};
        b.srcAccessMask = pb.src_access;
        b.dstAccessMask = pb.dst_access;
        b.srcQueueFamilyIndex = b.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
        b.buffer = buffers[pb.resource];
        b.offset = 0;
        b.size = VK_WHOLE_SIZE;
        bmb.push_back(b);
    }
    vkCmdPipelineBarrier(cb, src, dst, 0, 0, nullptr, static_cast<uint32_t>(bmb.size()), bmb.data(),
                         0, nullptr);
}

// Between repetitions: every write of one is visible to every read and write of the next (the
// planned barriers only order operations inside one repetition).
void record_repeat_barrier(VkCommandBuffer cb) {
    VkMemoryBarrier mb{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
    mb.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
    mb.dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT |
                       VK_ACCESS_UNIFORM_READ_BIT | VK_ACCESS_INDIRECT_COMMAND_READ_BIT |
                       VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
    vkCmdPipelineBarrier(cb, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
                         VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT |
                             VK_PIPELINE_STAGE_DRAW_INDIRECT_BIT,
                         0, 1, &mb, 0, nullptr, 0, nullptr);
}

// Closing barrier: every write is visible to the host and to whatever the next submit does.
void record_closing_barrier(VkCommandBuffer cb) {
    VkMemoryBarrier mb{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
    mb.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
    mb.dstAccessMask =
        VK_ACCESS_HOST_READ_BIT | VK_ACCESS_MEMORY_READ_BIT | VK_ACCESS_MEMORY_WRITE_BIT;
    vkCmdPipelineBarrier(cb, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
                         VK_PIPELINE_STAGE_ALL_COMMANDS_BIT | VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &mb,
                         0, nullptr, 0, nullptr);
}

}  // namespace

struct Program::Op {
    enum class Kind { Dispatch, DispatchIndirect, Fill, Copy } kind = Kind::Dispatch;
    const Pipeline* pipeline = nullptr;
    std::vector<Binding> bindings;
    std::vector<uint8_t> push;
    Groups groups{};
    const Buffer* src = nullptr;  // indirect args (DispatchIndirect) or copy source
    const Buffer* dst = nullptr;  // fill/copy destination
    size_t src_offset = 0, dst_offset = 0, bytes = 0;
    uint32_t value = 0;
    std::string label;
    VkDescriptorSet set = VK_NULL_HANDLE;
};

Program::Program(Context& ctx, std::string name, ProgramOptions options)
    : ctx_(ctx), name_(std::move(name)), options_(options) {
    if (options_.repeat == 0)
        throw std::invalid_argument("program '" + name_ + "': repeat must be at least 1");
}

Program::~Program() {
    if (in_flight_) {
        try {
            wait();
        } catch (...) {
            // Destructors must not throw. The submit is still running (a timeout) or the device is
            // lost: wait for the device before the command buffer and the buffers it uses are
            // freed (lavapipe would otherwise run the rest of the work on freed memory; a lost
            // device returns at once).
            vkDeviceWaitIdle(ctx_.device());
        }
    }
}

void Program::add_dispatch(const Pipeline& pipeline, std::vector<Binding> bindings,
                           const void* push, size_t push_bytes, Groups groups, const Buffer* args,
                           size_t args_offset, std::string label) {
    if (recorded_) throw std::logic_error("program '" + name_ + "' is already recorded");
    const auto& caps = ctx_.caps();
    auto where = fmt::format("program '{}', dispatch of '{}'", name_, pipeline.name());
    if (bindings.size() != pipeline.bindings())
        throw std::invalid_argument(fmt::format("{}: {} bindings given, the pipeline has {}", where,
                                                bindings.size(), pipeline.bindings()));
    if (push_bytes != pipeline.push_constant_bytes())
        throw std::invalid_argument(
            fmt::format("{}: {} push-constant bytes given, the pipeline takes {}", where,
                        push_bytes, pipeline.push_constant_bytes()));
    for (size_t i = 0; i < bindings.size(); ++i) {
        auto& b = bindings[i];
        if (!b.buffer)
            throw std::invalid_argument(fmt::format("{}: binding {} has no buffer", where, i));
        if (b.offset >= b.buffer->size())
            throw std::invalid_argument(
                fmt::format("{}: binding {} offset {} is past buffer '{}' ({} bytes)", where, i,
                            b.offset, b.buffer->name(), b.buffer->size()));
        const bool uniform = pipeline.is_uniform(static_cast<uint32_t>(i));
        const uint64_t max_range =
            uniform ? caps.max_uniform_buffer_range : caps.max_storage_buffer_range;
        const uint64_t align = uniform ? caps.min_uniform_buffer_offset_alignment
                                       : caps.min_storage_buffer_offset_alignment;
        if (uniform && b.access != Access::Read)
            throw std::invalid_argument(
                fmt::format("{}: binding {} is a uniform buffer, which is read only", where, i));
        if (b.bytes == 0) b.bytes = b.buffer->size() - b.offset;
        if (b.bytes > b.buffer->size() - b.offset || b.bytes > max_range)
            throw std::invalid_argument(
                fmt::format("{}: binding {} covers {} bytes of buffer '{}' ({} bytes, device "
                            "max {} range {})",
                            where, i, b.bytes, b.buffer->name(), b.buffer->size(),
                            uniform ? "uniform" : "storage", max_range));
        if (align && b.offset % align)
            throw std::invalid_argument(fmt::format(
                "{}: binding {} offset {} is not a multiple of {}", where, i, b.offset, align));
    }
    for (int d = 0; d < 3; ++d)
        if (!args && groups[d] > caps.max_workgroup_count[d])
            throw std::invalid_argument(
                fmt::format("{}: {} workgroups in dimension {} (device max {})", where, groups[d],
                            d, caps.max_workgroup_count[d]));
    if (args && (args_offset % 4 || args_offset + 12 > args->size()))
        throw std::invalid_argument(
            fmt::format("{}: indirect args at offset {} do not fit buffer '{}'", where, args_offset,
                        args->name()));
    Op op;
    op.kind = args ? Op::Kind::DispatchIndirect : Op::Kind::Dispatch;
    op.pipeline = &pipeline;
    op.bindings = std::move(bindings);
    op.push.assign(static_cast<const uint8_t*>(push),
                   static_cast<const uint8_t*>(push) + push_bytes);
    op.groups = groups;
    op.src = args;
    op.src_offset = args_offset;
    op.label = label.empty() ? pipeline.name() : std::move(label);
    ops_.push_back(std::move(op));
}

void Program::fill(const Buffer& dst, uint32_t value, size_t offset, size_t bytes,
                   std::string label) {
    if (recorded_) throw std::logic_error("program '" + name_ + "' is already recorded");
    if (bytes == 0) bytes = dst.size() - offset;
    if (offset % 4 || bytes % 4 || offset + bytes > dst.size())
        throw std::invalid_argument(
            fmt::format("program '{}': fill of {} bytes at {} in buffer '{}' ({} bytes) must be "
                        "4-byte aligned and inside it",
                        name_, bytes, offset, dst.name(), dst.size()));
    Op op;
    op.kind = Op::Kind::Fill;
    op.dst = &dst;
    op.dst_offset = offset;
    op.bytes = bytes;
    op.value = value;
    op.label = label.empty() ? "fill " + dst.name() : std::move(label);
    ops_.push_back(std::move(op));
}

void Program::copy(const Buffer& src, size_t src_offset, const Buffer& dst, size_t dst_offset,
                   size_t bytes, std::string label) {
    if (recorded_) throw std::logic_error("program '" + name_ + "' is already recorded");
    if (bytes == 0 || src_offset + bytes > src.size() || dst_offset + bytes > dst.size())
        throw std::invalid_argument(
            fmt::format("program '{}': copy of {} bytes from '{}'+{} to '{}'+{} is out of range",
                        name_, bytes, src.name(), src_offset, dst.name(), dst_offset));
    Op op;
    op.kind = Op::Kind::Copy;
    op.src = &src;
    op.dst = &dst;
    op.src_offset = src_offset;
    op.dst_offset = dst_offset;
    op.bytes = bytes;
    op.label = label.empty() ? "copy " + src.name() + " -> " + dst.name() : std::move(label);
    ops_.push_back(std::move(op));
}

size_t Program::size() const {
    return ops_.size();
}

void Program::finalize() {
    if (recorded_) return;
    record();
    recorded_ = true;
}

void Program::record() {
    write_descriptor_sets();
    barriers_ =
        options_.omit_barriers ? std::vector<BarrierBatch>{} : plan_barriers(resource_uses());
    const bool timestamps = options_.timestamps && ctx_.caps().timestamps;
    create_command_buffer(timestamps);
    record_commands(timestamps);
}

// Step 1. Descriptor sets, one per dispatch, written once.
void Program::write_descriptor_sets() {
    VkDevice dev = ctx_.device();
    uint32_t sets = 0, storage = 0, uniform = 0;
    for (auto& op : ops_)
        if (op.pipeline) {
            ++sets;
            for (uint32_t i = 0; i < op.bindings.size(); ++i)
                ++(op.pipeline->is_uniform(i) ? uniform : storage);
        }
    if (!sets) return;
    std::vector<VkDescriptorPoolSize> ps;
    if (storage || !uniform)
        ps.push_back({VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, std::max(storage, 1u)});
    if (uniform) ps.push_back({VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, uniform});
    VkDescriptorPoolCreateInfo pi{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
    pi.maxSets = sets;
    pi.poolSizeCount = static_cast<uint32_t>(ps.size());
    pi.pPoolSizes = ps.data();
    VkDescriptorPool pool = VK_NULL_HANDLE;
    VK_CHECK(vkCreateDescriptorPool(dev, &pi, nullptr, &pool));
    descriptor_pool_ = Handle<VkDescriptorPool>(
        pool, [dev](VkDescriptorPool p) { vkDestroyDescriptorPool(dev, p, nullptr); });
    for (auto& op : ops_) {
        if (!op.pipeline) continue;
        VkDescriptorSetLayout layout = op.pipeline->set_layout();
        VkDescriptorSetAllocateInfo ai{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
        ai.descriptorPool = pool;
        ai.descriptorSetCount = 1;
        ai.pSetLayouts = &layout;
        VK_CHECK(vkAllocateDescriptorSets(dev, &ai, &op.set));
        write_descriptor_set(dev, op.set, *op.pipeline, op.bindings);
    }
}

// Step 2. What each operation reads and writes, for the barrier planner (fills buffer_ids_).
std::vector<std::vector<ResourceUse>> Program::resource_uses() {
    std::vector<std::vector<ResourceUse>> uses(ops_.size());
    std::vector<VkBuffer>& ids = buffer_ids_;
    for (size_t i = 0; i < ops_.size(); ++i) {
        auto& op = ops_[i];
        switch (op.kind) {
            case Op::Kind::DispatchIndirect:
                uses[i].push_back({resource_id(ids, *op.src), Stage::Indirect, Access::Read});
                [[fallthrough]];
            case Op::Kind::Dispatch:
                for (uint32_t j = 0; j < op.bindings.size(); ++j) {
                    const auto& b = op.bindings[j];
                    Stage s = op.pipeline->is_uniform(j) ? Stage::ComputeUniform : Stage::Compute;
                    uses[i].push_back({resource_id(ids, *b.buffer), s, b.access});
                }
                break;
            case Op::Kind::Fill:
                uses[i].push_back({resource_id(ids, *op.dst), Stage::Transfer, Access::Write});
                break;
            case Op::Kind::Copy:
                uses[i].push_back({resource_id(ids, *op.src), Stage::Transfer, Access::Read});
                uses[i].push_back({resource_id(ids, *op.dst), Stage::Transfer, Access::Write});
                break;
        }
    }
    return uses;
}

// Step 3. Command pool, buffer, fence, timestamps.
void Program::create_command_buffer(bool timestamps) {
    VkDevice dev = ctx_.device();
    VkCommandPoolCreateInfo pi{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
    pi.queueFamilyIndex = ctx_.queue_family();
    VkCommandPool cpool = VK_NULL_HANDLE;
    VK_CHECK(vkCreateCommandPool(dev, &pi, nullptr, &cpool));
    command_pool_ = Handle<VkCommandPool>(
        cpool, [dev](VkCommandPool p) { vkDestroyCommandPool(dev, p, nullptr); });
    VkCommandBufferAllocateInfo ai{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
    ai.commandPool = cpool;
    ai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    ai.commandBufferCount = 1;
    VK_CHECK(vkAllocateCommandBuffers(dev, &ai, &command_buffer_));
    VkFenceCreateInfo fi{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    VkFence fence = VK_NULL_HANDLE;
    VK_CHECK(vkCreateFence(dev, &fi, nullptr, &fence));
    fence_ = Handle<VkFence>(fence, [dev](VkFence f) { vkDestroyFence(dev, f, nullptr); });
    if (timestamps) {
        VkQueryPoolCreateInfo qi{VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO};
        qi.queryType = VK_QUERY_TYPE_TIMESTAMP;
        qi.queryCount = query_count();
        VkQueryPool qp = VK_NULL_HANDLE;
        VK_CHECK(vkCreateQueryPool(dev, &qi, nullptr, &qp));
        query_pool_ =
            Handle<VkQueryPool>(qp, [dev](VkQueryPool q) { vkDestroyQueryPool(dev, q, nullptr); });
    }
}

uint32_t Program::query_count() const {
    return static_cast<uint32_t>(ops_.size() * options_.repeat + 1);
}

// Step 4. Record: each operation after its barrier batch, a timestamp after it; the whole sequence
// `repeat` times with a full barrier between repetitions; a closing barrier.
void Program::record_commands(bool timestamps) {
    VkCommandBuffer cb = command_buffer_;
    VkCommandBufferBeginInfo bi{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    VK_CHECK(vkBeginCommandBuffer(cb, &bi));
    if (timestamps) {
        vkCmdResetQueryPool(cb, query_pool_.get(), 0, query_count());
        vkCmdWriteTimestamp(cb, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, query_pool_.get(), 0);
    }
    uint32_t query = 1;
    for (uint32_t r = 0; r < options_.repeat; ++r) {
        if (r > 0 && !options_.omit_barriers) record_repeat_barrier(cb);
        size_t next_batch = 0;
        for (size_t i = 0; i < ops_.size(); ++i) {
            if (next_batch < barriers_.size() && barriers_[next_batch].before_op == i)
                record_barrier_batch(cb, barriers_[next_batch++], buffer_ids_);
            record_op(cb, ops_[i]);
            if (timestamps)
                vkCmdWriteTimestamp(cb, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, query_pool_.get(),
                                    query++);
        }
    }
    if (!options_.omit_barriers) record_closing_barrier(cb);
    VK_CHECK(vkEndCommandBuffer(cb));
}

void Program::record_op(VkCommandBuffer cb, const Op& op) {
    switch (op.kind) {
        case Op::Kind::Dispatch:
        case Op::Kind::DispatchIndirect:
            vkCmdBindPipeline(cb, VK_PIPELINE_BIND_POINT_COMPUTE, op.pipeline->get());
            vkCmdBindDescriptorSets(cb, VK_PIPELINE_BIND_POINT_COMPUTE, op.pipeline->layout(), 0, 1,
                                    &op.set, 0, nullptr);
            if (!op.push.empty())
                vkCmdPushConstants(cb, op.pipeline->layout(), VK_SHADER_STAGE_COMPUTE_BIT, 0,
                                   static_cast<uint32_t>(op.push.size()), op.push.data());
            if (op.kind == Op::Kind::Dispatch)
                vkCmdDispatch(cb, op.groups[0], op.groups[1], op.groups[2]);
            else
                vkCmdDispatchIndirect(cb, op.src->get(), op.src_offset);
            break;
        case Op::Kind::Fill:
            vkCmdFillBuffer(cb, op.dst->get(), op.dst_offset, op.bytes, op.value);
            break;
        case Op::Kind::Copy: {
            VkBufferCopy region{op.src_offset, op.dst_offset, op.bytes};
            vkCmdCopyBuffer(cb, op.src->get(), op.dst->get(), 1, &region);
            break;
        }
    }
}

void Program::submit() {
    if (in_flight_) throw std::logic_error("program '" + name_ + "' submitted again before wait()");
    finalize();
    VkFence fence = fence_.get();
    VK_CHECK(vkResetFences(ctx_.device(), 1, &fence));
    VkSubmitInfo si{VK_STRUCTURE_TYPE_SUBMIT_INFO};
    si.commandBufferCount = 1;
    si.pCommandBuffers = &command_buffer_;
    VK_CHECK(vkQueueSubmit(ctx_.queue(), 1, &si, fence));
    in_flight_ = true;
    ++submits_;
}

void Program::wait() {
    if (!in_flight_) return;
    in_flight_ = false;
    wait_fence(ctx_.device(), fence_.get(), ctx_.submit_timeout_s(), name_.c_str());
}

std::vector<OpTiming> Program::timings() const {
    std::vector<OpTiming> out;
    if (!query_pool_ || submits_ == 0) return out;
    std::vector<uint64_t> ts(query_count());
    VK_CHECK(vkGetQueryPoolResults(ctx_.device(), query_pool_.get(), 0,
                                   static_cast<uint32_t>(ts.size()), ts.size() * sizeof(uint64_t),
                                   ts.data(), sizeof(uint64_t),
                                   VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT));
    const uint32_t bits = ctx_.caps().timestamp_valid_bits;
    const uint64_t mask = bits >= 64 ? ~uint64_t(0) : ((uint64_t(1) << bits) - 1);
    const double ns = ctx_.caps().timestamp_period_ns;
    for (const auto& op : ops_) out.push_back({op.label, 0.0});
    for (size_t q = 0; q + 1 < ts.size(); ++q) {
        uint64_t d = ((ts[q + 1] & mask) - (ts[q] & mask)) & mask;
        out[q % ops_.size()].ms += static_cast<double>(d) * ns * 1e-6;
    }
    return out;
}

}  // namespace eqvk::vk
