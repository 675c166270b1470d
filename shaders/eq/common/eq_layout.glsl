// GPU data layout of the E[Q] decision step: mirror of src/kernels/eq_layout.h (same names and
// values; see there for the meaning of every field). Include-only.
#ifndef EQVK_EQ_LAYOUT_GLSL
#define EQVK_EQ_LAYOUT_GLSL

const uint ST_HANDS = 0u, ST_SLOTS = 28u, ST_HAND_MASK = 29u, ST_PLAYED = 33u, ST_HISTORY = 34u,
           ST_TRICK = 62u, ST_NPLAYS = 66u, ST_LEADER = 67u, ST_DECL = 68u, ST_BIDDER = 69u,
           ST_POINTS = 70u, ST_SEED = 72u, ST_WORDS = 74u;
const uint NONE = 0xFFFFFFFFu;

const uint R_FOLLOW = 0u, R_CALLED = 80u, R_LED = 90u, R_RANK = 370u, R_TRUMP = 2610u,
           R_HIGH = 2890u, R_LOW = 2918u, R_DOUBLE = 2946u, R_COUNT = 2974u, R_WORDS = 3002u;

const uint VOID_WORDS = 3u;

const uint WT_COUNT = 0u, WT_POOL = 1u, WT_N = 2u, WT_SIZE = 3u, WT_ALLOWED = 6u, WT_ACTOR = 9u,
           WT_CELLS = 16u, WT_LAYERS = 22u, WT_WORDS = 16u + 22u * 64u;

const uint WORLD_WORDS = 4u;
const uint TOKEN_WORDS = 96u, MASK_WORDS = 8u;

// Word index of element j of the state field at `off` (width w) for game g of n.
uint st_index(uint off, uint w, uint n, uint g, uint j) { return off * n + g * w + j; }

#endif
