// libFuzzer harness: the dataset shard reader of `eqvk run`'s resume (eq::shard_finished: the file
// parsed as safetensors, its results_key checked) on arbitrary bytes written to a temporary file.
// Only InputError may come out; a file whose key matches must be reported finished.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

#include "eq/dataset.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace eqvk;
    static const std::filesystem::path path =
        std::filesystem::temp_directory_path() /
        ("eqvk-fuzz-shard-" + std::to_string(::getpid()) + ".safetensors");
    if (FILE* f = std::fopen(path.c_str(), "wb")) {
        if (size) std::fwrite(data, 1, size, f);
        std::fclose(f);
    }
    eq::ShardSpec spec;
    spec.path = path;
    try {
        (void)eq::shard_finished(spec, "fuzz-key");
    } catch (const InputError&) {
    }
    return 0;
}
