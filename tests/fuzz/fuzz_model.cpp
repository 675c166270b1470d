// libFuzzer harness: the model loader (model::decode_weights: safetensors, metadata, names, shapes,
// dtypes, values) on arbitrary bytes. Only InputError may come out; a metadata claiming a model far
// larger than the file must be refused before anything is allocated (libFuzzer's -rss_limit_mb
// and -malloc_limit_mb catch an allocation that follows the metadata).
#include <cstddef>
#include <cstdint>
#include <span>

#include "model/weights.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace eqvk;
    try {
        model::Weights w = model::decode_weights(std::as_bytes(std::span(data, size)), "fuzz");
        (void)model::weights_to_tensors(w);
    } catch (const InputError&) {
    }
    return 0;
}
