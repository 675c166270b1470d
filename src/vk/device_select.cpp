// Device judging and selection; pure functions over DeviceCandidate so tests can feed fake devices.
#include "vk/device_select.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "vk/instance.h"

namespace eqvk::vk {
namespace {

int type_rank(VkPhysicalDeviceType t) {
    switch (t) {
        case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
            return 4;
        case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
            return 3;
        case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
            return 2;
        case VK_PHYSICAL_DEVICE_TYPE_CPU:
            return 1;
        default:
            return 0;
    }
}

std::string lower(std::string_view s) {
    std::string r(s);
    for (auto& ch : r) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return r;
}

std::string describe(const DeviceCandidate& c) {
    return fmt::format("{}: {} ({})", c.index, c.caps.name, device_type_name(c.caps.type));
}

std::string list_of(const std::vector<DeviceCandidate>& cs) {
    std::string s;
    for (auto& c : cs)
        s += (s.empty() ? "" : "; ") + describe(c) + (c.usable ? "" : " — unusable: " + c.reason);
    return s.empty() ? "none" : s;
}

}  // namespace

std::string unusable_reason(const Capabilities& caps) {
    if (caps.api_version < VK_API_VERSION_1_2)
        return fmt::format("Vulkan {} < 1.2 (eqvk's SPIR-V targets Vulkan 1.2)",
                           version_string(caps.api_version));
    if (caps.compute_queue_family < 0) return "no queue family supports compute";
    if (caps.max_shared_memory < 16384)
        return fmt::format("only {} bytes of shared memory per workgroup (need 16384)",
                           caps.max_shared_memory);
    if (caps.max_workgroup_invocations < 128)
        return fmt::format("only {} invocations per workgroup (need 128)",
                           caps.max_workgroup_invocations);
    return "";
}

std::vector<DeviceCandidate> list_devices(const Instance& instance) {
    std::vector<DeviceCandidate> out;
    auto pds = instance.physical_devices();
    for (uint32_t i = 0; i < pds.size(); ++i) {
        DeviceCandidate c;
        c.index = i;
        c.caps = query_capabilities(pds[i]);
        c.reason = unusable_reason(c.caps);
        c.usable = c.reason.empty();
        out.push_back(std::move(c));
    }
    return out;
}

DeviceSelection select_device(std::vector<DeviceCandidate> candidates, std::string_view choice,
                              std::string_view source) {
    DeviceSelection sel;
    sel.candidates = std::move(candidates);
    const auto& cs = sel.candidates;
    if (cs.empty()) {
        sel.error =
            "no Vulkan device found: the loader lists none (is a driver installed? Debian/Ubuntu: "
            "mesa-vulkan-drivers for AMD/Intel/lavapipe, or the GPU vendor's driver)";
        return sel;
    }
    auto fail_choice = [&](std::string msg) {
        sel.error = msg + "; devices: " + list_of(cs);
        sel.bad_choice = true;
        return sel;
    };
    if (choice.empty()) {
        std::optional<uint32_t> best;
        for (uint32_t i = 0; i < cs.size(); ++i) {
            if (!cs[i].usable) continue;
            if (!best || type_rank(cs[i].caps.type) > type_rank(cs[*best].caps.type)) best = i;
        }
        if (!best) sel.error = "no usable Vulkan device; devices: " + list_of(cs);
        sel.chosen = best;
        return sel;
    }
    if (std::all_of(choice.begin(), choice.end(),
                    [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); })) {
        if (choice.size() > 9)
            return fail_choice(fmt::format("{} {}: no such device index", source, choice));
        uint32_t idx = static_cast<uint32_t>(std::stoul(std::string(choice)));
        if (idx >= cs.size())
            return fail_choice(
                fmt::format("{} {}: no such device (this machine has {} device{}, indices "
                            "0..{})",
                            source, idx, cs.size(), cs.size() == 1 ? "" : "s", cs.size() - 1));
        if (!cs[idx].usable)
            return fail_choice(fmt::format("{} {}: unusable: {}", source, idx, cs[idx].reason));
        sel.chosen = idx;
        return sel;
    }
    std::vector<uint32_t> matches;
    for (uint32_t i = 0; i < cs.size(); ++i)
        if (lower(cs[i].caps.name).find(lower(choice)) != std::string::npos) matches.push_back(i);
    if (matches.empty())
        return fail_choice(fmt::format("{} '{}': no device name contains it", source, choice));
    std::vector<uint32_t> usable;
    for (auto i : matches)
        if (cs[i].usable) usable.push_back(i);
    if (usable.empty())
        return fail_choice(fmt::format("{} '{}': matching device {} is unusable: {}", source,
                                       choice, matches[0], cs[matches[0]].reason));
    if (usable.size() > 1)
        return fail_choice(fmt::format("{} '{}' matches {} usable devices; choose one by index",
                                       source, choice, usable.size()));
    sel.chosen = usable[0];
    return sel;
}

}  // namespace eqvk::vk
