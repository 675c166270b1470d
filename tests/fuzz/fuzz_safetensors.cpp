// libFuzzer harness: io::decode_safetensors on arbitrary bytes. Any input may be rejected with
// InputError; nothing else may escape, crash, leak or trip ASan/UBSan. A file it accepts must
// re-encode and decode to the same tensors.
#include <cstddef>
#include <cstdint>
#include <span>

#include "io/safetensors.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace eqvk;
    try {
        io::SafetensorsFile f =
            io::decode_safetensors(std::as_bytes(std::span(data, size)), "fuzz.safetensors");
        for (const auto& t : f.tensors()) (void)f.find(t.name);
        const auto again = io::encode_safetensors(f.tensors(), f.metadata());
        io::SafetensorsFile g = io::decode_safetensors(again, "re-encoded");
        if (g.tensors().size() != f.tensors().size()) __builtin_trap();
    } catch (const InputError&) {
    }
    return 0;
}
