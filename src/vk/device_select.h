// Device selection (vk-bootstrap style): every physical device is listed with whether eqvk can use
// it and, if not, why. The automatic choice prefers discrete > integrated > virtual > CPU; the user
// can pick by index or by a case-insensitive name substring (`--device N|substring`).
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vk/capabilities.h"

namespace eqvk::vk {

class Instance;

/// One physical device as eqvk sees it. `reason` says why it is unusable ("" when usable).
struct DeviceCandidate {
    uint32_t index = 0;  // position in vkEnumeratePhysicalDevices order
    Capabilities caps;
    bool usable = false;
    std::string reason;
};

/// The result of a selection: `chosen` indexes `candidates`; when empty, `error` says why, and
/// `bad_choice` tells a user error (a choice that matches nothing usable) from a machine without
/// devices.
struct DeviceSelection {
    std::optional<uint32_t> chosen;
    std::vector<DeviceCandidate> candidates;
    std::string error;
    bool bad_choice = false;
};

/// Why eqvk cannot use a device with these capabilities, or "" if it can (API ≥ 1.2, a compute
/// queue, 16 KiB of shared memory, 128 invocations per workgroup).
std::string unusable_reason(const Capabilities& caps);

/// Queries and judges every device the instance sees.
std::vector<DeviceCandidate> list_devices(const Instance& instance);

/// Chooses among `candidates`. `choice`: "" = automatic, digits = index, else a name substring
/// (case-insensitive; several usable matches is an error asking for an index). `source` names
/// where the choice came from in errors ("--device", "device.select"). Never throws.
DeviceSelection select_device(std::vector<DeviceCandidate> candidates, std::string_view choice,
                              std::string_view source = "--device");

}  // namespace eqvk::vk
