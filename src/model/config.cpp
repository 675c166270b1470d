// ModelConfig derived sizes and validation (spec §4.1).
#include "model/config.h"

#include <fmt/format.h>

#include "util/error.h"

namespace eqvk::model {

int ModelConfig::input_dim() const {
    return feature_offset(N_FEATURES);
}

int ModelConfig::feature_offset(int col) const {
    int off = 0;
    for (int c = 0; c < col; ++c) off += feature_width(c);
    return off;
}

int64_t ModelConfig::param_count() const {
    int64_t e = embed_dim, f = ff_dim, n = 0;
    for (int c = 0; c < N_FEATURES; ++c) n += int64_t{FEATURES[c].rows} * feature_width(c);
    n += e * input_dim() + e;
    int64_t layer = 3 * e * e + 3 * e + e * e + e + f * e + f + e * f + e + 4 * e;
    n += layer * n_layers;
    return n + 2 * (e + 1);
}

void ModelConfig::validate(std::string_view source) const {
    auto fail = [&](const std::string& what) {
        throw InputError(fmt::format(
            "{}: invalid model hyper-parameters (embed_dim={}, n_heads={}, n_layers={}, "
            "ff_dim={}): {}",
            source, embed_dim, n_heads, n_layers, ff_dim, what));
    };
    if (embed_dim < 12 || embed_dim > 8192)
        fail("embed_dim must be in 12..8192 (E/12 is an embedding width)");
    if (n_heads < 1 || n_heads > embed_dim) fail("n_heads must be in 1..embed_dim");
    if (embed_dim % n_heads != 0) fail("embed_dim must be a multiple of n_heads");
    if (n_layers < 1 || n_layers > 64) fail("n_layers must be in 1..64");
    if (ff_dim < 1 || ff_dim > 65536) fail("ff_dim must be in 1..65536");
}

}  // namespace eqvk::model
