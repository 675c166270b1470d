// Hyper-parameters of the Stage-1 oracle transformer (Crystal Forge's DominoTransformer, spec §4.1)
// and the fixed token layout it reads (spec §5.1-5.2). One definition of the 12 embedding tables
// (rows, width class, state-dict name) shared by the weight loader, the CPU reference, the GPU
// forward and the input validators.
#pragma once
#include <array>
#include <cstdint>
#include <string_view>

namespace eqvk::model {

inline constexpr int N_TOKENS =
    32;  ///< T: context + 28 dealt-hand tokens + 3 current-trick tokens (§5.1)
inline constexpr int N_FEATURES = 12;  ///< integer feature columns per token (§5.2)
inline constexpr int N_SEATS = 4;
inline constexpr int N_SLOTS = 7;  ///< Q outputs: the actor's 7 dealt-hand slots
/// Token index of slot i of seat p's hand block: 1 + 7p + i (§5.1). The Q head reads p = actor.
constexpr int hand_token(int seat, int slot) {
    return 1 + N_SLOTS * seat + slot;
}
inline constexpr int CONTEXT_TOKEN = 0;  ///< the value head reads this token

/// Version written to / required in the model file's "__metadata__"["format_version"]
/// (docs/model.md).
inline constexpr int FORMAT_VERSION = 1;

/// One embedding table: feature column c uses table FEATURES[c] (§4.1 table, concatenation order =
/// column order).
struct FeatureSpec {
    std::string_view name;  ///< state-dict prefix: "<name>.weight"
    int rows;               ///< vocabulary: valid feature values are 0..rows-1
    bool wide;              ///< width a = E/6 when true, b = E/12 otherwise
};
inline constexpr std::array<FeatureSpec, N_FEATURES> FEATURES = {{
    {"high_pip_embed", 7, true},       // 0 high pip
    {"low_pip_embed", 7, true},        // 1 low pip
    {"is_double_embed", 2, false},     // 2 is_double
    {"count_value_embed", 3, false},   // 3 count class 0/5/10 points
    {"trump_rank_embed", 8, true},     // 4 trump rank (7 = not in the called suit)
    {"player_id_embed", 4, false},     // 5 seat relative to the actor
    {"is_current_embed", 2, false},    // 6 is_current
    {"is_partner_embed", 2, false},    // 7 is_partner
    {"is_remaining_embed", 2, false},  // 8 is_remaining
    {"token_type_embed", 8, true},     // 9 token type
    {"decl_embed", 10, true},          // 10 declaration id
    {"leader_embed", 4, false},        // 11 leader relative to the actor
}};

/// E/H/L/F of spec §4.1. Head dim D = E/H. Embedding widths use integer division (E=64: a=10, b=5).
struct ModelConfig {
    int embed_dim = 64;  ///< E
    int n_heads = 4;     ///< H
    int n_layers = 2;    ///< L
    int ff_dim = 128;    ///< F

    int head_dim() const { return embed_dim / n_heads; }  ///< D
    int wide_width() const { return embed_dim / 6; }      ///< a
    int narrow_width() const { return embed_dim / 12; }   ///< b
    int feature_width(int col) const { return FEATURES[col].wide ? wide_width() : narrow_width(); }
    /// Concatenated embedding width D_in = 5a + 7b (E=256: 357, E=64: 85).
    int input_dim() const;
    /// Offset of feature column `col`'s slice inside the concatenated [D_in] embedding.
    int feature_offset(int col) const;
    /// Number of parameters in the file (E=256/8/6/512: 3,256,865).
    int64_t param_count() const;
    /// Throws InputError("<source>: ...") unless 12 <= E <= 8192, 1 <= H <= E with E % H == 0,
    /// 1 <= L <= 64, 1 <= F <= 65536.
    void validate(std::string_view source = "model config") const;

    bool operator==(const ModelConfig&) const = default;
};

}  // namespace eqvk::model
