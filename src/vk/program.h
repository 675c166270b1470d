// Program: a fixed sequence of GPU operations (dispatches, indirect dispatches, fills, copies)
// recorded once into a command buffer, with exactly the buffer barriers the data flow needs, and
// submitted any number of times without re-recording (ARCHITECTURE decision 1). Values that change
// between submits live in GPU buffers; work sizes that change use dispatch_indirect with
// GPU-written counts.
#pragma once
#include <volk.h>

#include <array>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "vk/barrier_plan.h"
#include "vk/handle.h"

namespace eqvk::vk {

class Buffer;
class Context;
class Pipeline;

/// One buffer binding of a dispatch and how the shader uses it. `bytes` 0 = to the buffer's end.
/// Whether it is bound as a storage or a uniform buffer is the pipeline's (PipelineDesc).
struct Binding {
    const Buffer* buffer = nullptr;
    Access access = Access::Read;
    size_t offset = 0;
    size_t bytes = 0;
};
inline Binding reads(const Buffer& b, size_t offset = 0, size_t bytes = 0) {
    return {&b, Access::Read, offset, bytes};
}
inline Binding writes(const Buffer& b, size_t offset = 0, size_t bytes = 0) {
    return {&b, Access::Write, offset, bytes};
}
inline Binding reads_writes(const Buffer& b, size_t offset = 0, size_t bytes = 0) {
    return {&b, Access::ReadWrite, offset, bytes};
}

using Groups = std::array<uint32_t, 3>;

struct ProgramOptions {
    // A timestamp after every operation (ignored where the queue has none).
    bool timestamps = false;
    // TESTS ONLY: record no barriers, to prove the validation layer sees the races.
    bool omit_barriers = false;
    // The recorded operations run this many times per submit, in order, with a full memory
    // barrier between repetitions (each sees every write of the one before), so a loop of steps
    // that need no host data between them costs one submit and one host wait.
    uint32_t repeat = 1;
};

/// GPU time of one recorded operation, from timestamps.
struct OpTiming {
    std::string label;
    double ms = 0.0;
};

class Program {
public:
    Program(Context& ctx, std::string name, ProgramOptions options = {});
    ~Program();
    Program(const Program&) = delete;
    Program& operator=(const Program&) = delete;

    /// Adds vkCmdDispatch(groups). `bindings` map to binding 0..n-1 of `pipeline`; `push` must be
    /// exactly the pipeline's push-constant size. Buffers and pipeline must outlive the Program.
    /// Throws std::invalid_argument on a count, size, range or alignment the pipeline or device
    /// does not allow.
    template <typename Push>
    void dispatch(const Pipeline& pipeline, std::vector<Binding> bindings, const Push& push,
                  Groups groups, std::string label = {}) {
        static_assert(std::is_trivially_copyable_v<Push> && sizeof(Push) <= 128);
        add_dispatch(pipeline, std::move(bindings), &push, sizeof(Push), groups, nullptr, 0,
                     std::move(label));
    }
    void dispatch(const Pipeline& pipeline, std::vector<Binding> bindings, Groups groups,
                  std::string label = {}) {
        add_dispatch(pipeline, std::move(bindings), nullptr, 0, groups, nullptr, 0,
                     std::move(label));
    }
    /// Adds vkCmdDispatchIndirect: the group counts are three uint32 in `args` at `args_offset`,
    /// written by an earlier operation (or the host). A zero count dispatches nothing.
    template <typename Push>
    void dispatch_indirect(const Pipeline& pipeline, std::vector<Binding> bindings,
                           const Push& push, const Buffer& args, size_t args_offset,
                           std::string label = {}) {
        static_assert(std::is_trivially_copyable_v<Push> && sizeof(Push) <= 128);
        add_dispatch(pipeline, std::move(bindings), &push, sizeof(Push), {}, &args, args_offset,
                     std::move(label));
    }
    void dispatch_indirect(const Pipeline& pipeline, std::vector<Binding> bindings,
                           const Buffer& args, size_t args_offset, std::string label = {}) {
        add_dispatch(pipeline, std::move(bindings), nullptr, 0, {}, &args, args_offset,
                     std::move(label));
    }
    /// Fills `bytes` (0 = to the end; a multiple of 4) of `dst` from `offset` with the 32-bit
    /// `value`.
    void fill(const Buffer& dst, uint32_t value, size_t offset = 0, size_t bytes = 0,
              std::string label = {});
    /// Copies `bytes` from `src`+src_offset to `dst`+dst_offset.
    void copy(const Buffer& src, size_t src_offset, const Buffer& dst, size_t dst_offset,
              size_t bytes, std::string label = {});

    /// Records the command buffer (once). Called by the first submit() if not called before.
    void finalize();
    /// Submits the recorded commands. Throws std::logic_error if the previous submit was not waited
    /// for.
    void submit();
    /// Waits for the last submit (times out per Context::submit_timeout_s). Results are then
    /// host-readable.
    void wait();
    /// submit() + wait().
    void run() {
        submit();
        wait();
    }

    /// Number of recorded operations (of one repetition).
    size_t size() const;
    /// Times the operations run per submit (ProgramOptions::repeat).
    uint32_t repeat() const { return options_.repeat; }
    const std::string& name() const { return name_; }
    /// The barriers recorded (after finalize()): one batch per operation that needed any.
    const std::vector<BarrierBatch>& barriers() const { return barriers_; }
    /// Per-operation GPU times of the last submit, summed over its repetitions (empty without
    /// timestamps). Call after wait().
    std::vector<OpTiming> timings() const;
    /// Number of submits so far.
    uint64_t submits() const { return submits_; }

private:
    struct Op;
    void add_dispatch(const Pipeline& pipeline, std::vector<Binding> bindings, const void* push,
                      size_t push_bytes, Groups groups, const Buffer* args, size_t args_offset,
                      std::string label);
    void record();  // Step 1..4 below, once
    void write_descriptor_sets();
    std::vector<std::vector<ResourceUse>> resource_uses();
    void create_command_buffer(bool timestamps);
    void record_commands(bool timestamps);
    static void record_op(VkCommandBuffer cb, const Op& op);
    uint32_t query_count() const;  // timestamps: one before everything, one after each op run

    Context& ctx_;
    std::string name_;
    ProgramOptions options_;
    std::vector<Op> ops_;
    std::vector<BarrierBatch> barriers_;  // resources are indices into buffer_ids_
    std::vector<VkBuffer> buffer_ids_;
    Handle<VkDescriptorPool> descriptor_pool_;
    Handle<VkCommandPool> command_pool_;
    VkCommandBuffer command_buffer_ = VK_NULL_HANDLE;
    Handle<VkFence> fence_;
    Handle<VkQueryPool> query_pool_;
    bool recorded_ = false;
    bool in_flight_ = false;
    uint64_t submits_ = 0;
};

}  // namespace eqvk::vk
