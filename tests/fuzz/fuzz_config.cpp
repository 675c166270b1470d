// libFuzzer harness: the run configuration parser (io::parse_run_config) with `--set` overrides.
// Input: TOML text, then optionally a NUL byte followed by overrides, one `section.key=value` per
// line. Only InputError may come out; an accepted config must survive to_toml and re-parse to the
// same canonical text.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "io/config.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace eqvk;
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    const size_t nul = in.find('\0');
    const std::string_view toml = in.substr(0, nul);
    std::vector<std::string> sets;
    if (nul != std::string_view::npos) {
        std::string_view rest = in.substr(nul + 1);
        while (!rest.empty()) {
            const size_t nl = rest.find('\n');
            sets.emplace_back(rest.substr(0, nl));
            rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
        }
    }
    try {
        const io::RunConfig c = io::parse_run_config(toml, "fuzz.toml", sets);
        const std::string canonical = io::to_toml(c);
        if (io::to_toml(io::parse_run_config(canonical, "canonical", {})) != canonical)
            __builtin_trap();
    } catch (const InputError&) {
    }
    return 0;
}
