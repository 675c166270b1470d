// `eqvk devices [--json]`: every Vulkan device, its capabilities, and whether and why eqvk can use
// it; and `eqvk` with no command, which opens the chosen device and names it.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "eqvk_build_config.h"
#include "util/error.h"
#include "vk/check.h"
#include "vk/context.h"
#include "vk/device_select.h"
#include "vk/instance.h"

namespace eqvk::cli {
namespace {

std::string mib(uint64_t bytes) {
    return fmt::format("{:.0f} MiB", bytes / 1048576.0);
}

std::string shapes(const std::vector<vk::CoopMatShape>& s) {
    std::string out;
    for (auto& x : s)
        out += fmt::format("{}{}x{}x{} {}·{}+{}→{} ({})", out.empty() ? "" : ", ", x.m, x.n, x.k,
                           x.a_type, x.b_type, x.c_type, x.result_type, x.scope);
    return out.empty() ? "none" : out;
}

nlohmann::json to_json(const vk::DeviceCandidate& d, bool selected) {
    const auto& c = d.caps;
    nlohmann::json heaps = nlohmann::json::array();
    for (auto& h : c.heaps)
        heaps.push_back({{"size", h.size},
                         {"budget", h.budget},
                         {"usage", h.usage},
                         {"device_local", h.device_local}});
    auto shape_list = [](const std::vector<vk::CoopMatShape>& v) {
        nlohmann::json a = nlohmann::json::array();
        for (auto& s : v)
            a.push_back({{"m", s.m},
                         {"n", s.n},
                         {"k", s.k},
                         {"a", s.a_type},
                         {"b", s.b_type},
                         {"c", s.c_type},
                         {"result", s.result_type},
                         {"scope", s.scope}});
        return a;
    };
    return {
        {"index", d.index},
        {"name", c.name},
        {"type", vk::device_type_name(c.type)},
        {"usable", d.usable},
        {"reason", d.reason},
        {"selected", selected},
        {"api_version", vk::version_string(c.api_version)},
        {"vendor_id", c.vendor_id},
        {"device_id", c.device_id},
        {"driver_version", c.driver_version},
        {"driver_name", c.driver_name},
        {"driver_info", c.driver_info},
        {"subgroup_size", c.subgroup_size},
        {"subgroup_size_range", {c.min_subgroup_size, c.max_subgroup_size}},
        {"subgroup_size_control", c.subgroup_size_control},
        {"compute_full_subgroups", c.compute_full_subgroups},
        {"subgroup_arithmetic", c.subgroup_arithmetic},
        {"subgroup_ballot", c.subgroup_ballot},
        {"max_shared_memory", c.max_shared_memory},
        {"max_workgroup_size", c.max_workgroup_size},
        {"max_workgroup_invocations", c.max_workgroup_invocations},
        {"max_workgroup_count", c.max_workgroup_count},
        {"max_push_constants", c.max_push_constants},
        {"max_storage_buffer_range", c.max_storage_buffer_range},
        {"max_memory_allocation_size", c.max_memory_allocation_size},
        {"shader_float16", c.shader_float16},
        {"shader_int8", c.shader_int8},
        {"shader_int16", c.shader_int16},
        {"shader_int64", c.shader_int64},
        {"storage_buffer_16bit", c.storage_buffer_16bit},
        {"storage_buffer_8bit", c.storage_buffer_8bit},
        {"nv_cooperative_matrix", c.nv_cooperative_matrix},
        {"nv_cooperative_matrix_shapes", shape_list(c.nv_cooperative_matrix_shapes)},
        {"khr_cooperative_matrix", c.khr_cooperative_matrix},
        {"khr_cooperative_matrix_shapes", shape_list(c.khr_cooperative_matrix_shapes)},
        {"timestamps", c.timestamps},
        {"timestamp_period_ns", c.timestamp_period_ns},
        {"timestamp_valid_bits", c.timestamp_valid_bits},
        {"memory_budget_ext", c.memory_budget},
        {"device_local_bytes", c.device_local_bytes()},
        {"device_local_budget", c.device_local_budget()},
        {"memory_heaps", heaps},
    };
}

void print_text(const vk::DeviceCandidate& d, bool selected) {
    const auto& c = d.caps;
    auto yn = [](bool b) { return b ? "yes" : "no"; };
    fmt::print("Device {}: {} ({}){}\n", d.index, c.name, vk::device_type_name(c.type),
               selected ? "  <- selected" : "");
    fmt::print("  usable          : {}\n", d.usable ? "yes" : "no — " + d.reason);
    fmt::print("  api / driver    : Vulkan {}, {} ({}), vendor 0x{:04x} device 0x{:04x}\n",
               vk::version_string(c.api_version), c.driver_name.empty() ? "?" : c.driver_name,
               c.driver_info, c.vendor_id, c.device_id);
    fmt::print(
        "  subgroups       : size {} (range {}..{}), size control {}, full subgroups {}, "
        "arithmetic {}, ballot {}\n",
        c.subgroup_size, c.min_subgroup_size, c.max_subgroup_size, yn(c.subgroup_size_control),
        yn(c.compute_full_subgroups), yn(c.subgroup_arithmetic), yn(c.subgroup_ballot));
    fmt::print(
        "  workgroups      : {} B shared memory, size {}x{}x{}, {} invocations, count {}x{}x{}\n",
        c.max_shared_memory, c.max_workgroup_size[0], c.max_workgroup_size[1],
        c.max_workgroup_size[2], c.max_workgroup_invocations, c.max_workgroup_count[0],
        c.max_workgroup_count[1], c.max_workgroup_count[2]);
    fmt::print("  buffers         : binding range {}, allocation {}, push constants {} B\n",
               mib(c.max_storage_buffer_range), mib(c.max_memory_allocation_size),
               c.max_push_constants);
    fmt::print(
        "  arithmetic      : fp16 {}, int8 {}, int16 {}, int64 {}; storage 16-bit {}, 8-bit {}\n",
        yn(c.shader_float16), yn(c.shader_int8), yn(c.shader_int16), yn(c.shader_int64),
        yn(c.storage_buffer_16bit), yn(c.storage_buffer_8bit));
    fmt::print("  coopmat NV      : device {}, build {}; shapes: {}\n", yn(c.nv_cooperative_matrix),
               yn(EQVK_GLSL_NV_COOPERATIVE_MATRIX), shapes(c.nv_cooperative_matrix_shapes));
    fmt::print("  coopmat KHR     : device {}, build {}; shapes: {}\n",
               yn(c.khr_cooperative_matrix), yn(EQVK_GLSL_KHR_COOPERATIVE_MATRIX),
               shapes(c.khr_cooperative_matrix_shapes));
    fmt::print("  timestamps      : {} (period {} ns, {} valid bits)\n", yn(c.timestamps),
               c.timestamp_period_ns, c.timestamp_valid_bits);
    fmt::print("  memory          : device-local {} (budget {}{})\n", mib(c.device_local_bytes()),
               mib(c.device_local_budget()), c.memory_budget ? "" : ", no VK_EXT_memory_budget");
}

int run_devices(const GlobalOptions& global, bool json) {
    vk::Instance instance(vk::validation_requested());
    auto sel = vk::select_device(vk::list_devices(instance), global.device);
    if (sel.bad_choice) throw InputError(sel.error);  // before any output, in both formats
    if (json) {
        nlohmann::json out = {{"eqvk_version", EQVK_VERSION_STRING},
                              {"devices", nlohmann::json::array()}};
        for (auto& d : sel.candidates)
            out["devices"].push_back(to_json(d, sel.chosen && *sel.chosen == d.index));
        out["error"] = sel.error;
        fmt::print("{}\n", out.dump(2));
    } else {
        for (auto& d : sel.candidates) print_text(d, sel.chosen && *sel.chosen == d.index);
    }
    if (!sel.chosen) {
        if (sel.bad_choice) throw InputError(sel.error);
        throw vk::NoDeviceError(sel.error);
    }
    return 0;
}

}  // namespace

void require_no_device(const GlobalOptions& global, std::string_view command) {
    if (!global.device.empty())
        throw InputError(
            fmt::format("--device {}: eqvk {} runs on the CPU and uses no device; drop --device",
                        global.device, command));
}

int run_default(const GlobalOptions& global) {
    vk::ContextOptions opt;
    opt.device = global.device;
    vk::Context ctx(opt);
    const auto& c = ctx.caps();
    fmt::print("eqvk {}: device {}: {} ({}, Vulkan {}, {})\n", EQVK_VERSION_STRING,
               ctx.device_index(), c.name, vk::device_type_name(c.type),
               vk::version_string(c.api_version), c.driver_info);
    fmt::print("Run `eqvk --help` for the commands.\n");
    return 0;
}

void add_devices_command(CLI::App& app, const GlobalOptions& global, Action& action) {
    auto* sub = app.add_subcommand(
        "devices", "List Vulkan devices, their capabilities and why each is usable or not");
    auto json = std::make_shared<bool>(false);
    sub->add_flag("--json", *json, "Print one JSON object for scripts");
    sub->callback([&global, &action, json] {
        action = [&global, json] { return run_devices(global, *json); };
    });
}

}  // namespace eqvk::cli
