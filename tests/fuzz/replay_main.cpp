// The fuzz harnesses without libFuzzer (gcc builds): runs LLVMFuzzerTestOneInput once on every file
// named on the command line, or in a directory named there, so the regression inputs of
// tests/data/fuzz-regressions and the seed corpora replay as ordinary ctests (under ASan/UBSan in the
// sanitizer build). Exit 1 when a path cannot be read.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

bool replay(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) return false;
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    size_t n = 0;
    for (int i = 1; i < argc; ++i) {
        const std::filesystem::path p(argv[i]);
        std::error_code ec;
        if (std::filesystem::is_directory(p, ec)) {
            for (const auto& e : std::filesystem::recursive_directory_iterator(p))
                if (e.is_regular_file()) {
                    if (!replay(e.path()))
                        return std::fprintf(stderr, "cannot read %s\n", e.path().c_str()), 1;
                    ++n;
                }
        } else if (replay(p)) {
            ++n;
        } else {
            std::fprintf(stderr, "cannot read %s\n", argv[i]);
            return 1;
        }
    }
    std::printf("%zu inputs replayed\n", n);
    return 0;
}
