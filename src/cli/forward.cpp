// `eqvk forward --model F --input IN.safetensors --out OUT.safetensors [--dtype fp32|fp16]`: the
// GPU oracle forward on a user's inputs (tokens [B,32,12], mask [B,32], actor [B]), writing q
// [B,7] and value [B] as fp32 — how a user checks an exported checkpoint against their own model.
#include "model/forward.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "cli/commands.h"
#include "cli/numbers.h"
#include "cli/run_setup.h"
#include "io/safetensors.h"
#include "kernels/registry.h"
#include "model/weights.h"
#include "vk/context.h"

namespace eqvk::cli {
namespace {

struct ForwardOptions {
    std::string model, input, out, dtype = "fp32";
    uint32_t capacity = 4096;
};

int run_forward(const GlobalOptions& global, const ForwardOptions& o) {
    const model::Weights w = model::load_weights(o.model);
    const auto file = io::read_safetensors(o.input);
    const model::InputBatch in = model::inputs_from_safetensors(file, o.input);
    require_writable_file(o.out, "--out");
    const int64_t b = in.batch;
    std::vector<float> q(static_cast<size_t>(b) * model::N_SLOTS), value(static_cast<size_t>(b));
    if (b > 0) {
        vk::ContextOptions opt;
        opt.device = global.device;
        vk::Context ctx(opt);
        kernels::KernelCache cache(ctx);
        const auto dt = o.dtype == "fp16" ? kernels::Dtype::F16 : kernels::Dtype::F32;
        model::GpuWeights gw(ctx, w, dt);
        model::GpuForward fwd(ctx, cache, gw,
                              static_cast<uint32_t>(std::min<int64_t>(b, o.capacity)));
        const model::ForwardOutputs out = fwd.run(in.view());
        model::require_finite(out, dt, "--dtype fp32", [&](size_t r) {
            return fmt::format("{} row {}; {} is not written", o.input, r, o.out);
        });
        std::copy(out.q.begin(), out.q.end(), q.begin());
        std::copy(out.value.begin(), out.value.end(), value.begin());
    }
    const io::Tensor tensors[] = {
        io::Tensor::from<float>("q", io::DType::F32, {b, model::N_SLOTS}, q),
        io::Tensor::from<float>("value", io::DType::F32, {b}, value)};
    io::write_safetensors(o.out, tensors, {{"model", o.model}, {"dtype", o.dtype}});
    fmt::print(stderr, "forward: {} worlds ({}) → {}\n", b, o.dtype, o.out);
    return 0;
}

}  // namespace

void add_forward_command(CLI::App& app, const GlobalOptions& global, Action& action) {
    auto* sub = app.add_subcommand(
        "forward", "Run the oracle on inputs from a safetensors file (tokens, mask, actor)");
    auto o = std::make_shared<ForwardOptions>();
    sub->add_option("--model", o->model, "Model file (eqvk/Forge safetensors)")->required();
    sub->add_option("--input", o->input, "tokens [B,32,12], mask [B,32], actor [B]")->required();
    sub->add_option("--out", o->out, "Output file: q [B,7] and value [B], fp32")->required();
    sub->add_option("--dtype", o->dtype, "Storage type")->check(CLI::IsMember({"fp32", "fp16"}));
    sub->add_option("--capacity", o->capacity, "Worlds per submit (larger batches are chunked)")
        ->check(uint_in(1, 1u << 20));
    sub->callback(
        [&global, &action, o] { action = [&global, o] { return run_forward(global, *o); }; });
}

}  // namespace eqvk::cli
