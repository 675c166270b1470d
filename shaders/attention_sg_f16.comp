#version 450
// attention_sg, fp16 storage of activations (fp32 arithmetic): one subgroup per (world, head). The kernel
// (bindings, push constants, spec constants, grid) is documented in common/attention_sg_impl.glsl.
#extension GL_EXT_shader_16bit_storage : require
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#extension GL_KHR_shader_subgroup_ballot : require
#define STORE_T float16_t
// VEC: 8 halves per load (uvec4 views of bindings 0, 4, 5) and 4 per store (f16vec4 view of binding 3).
#define VN 8u
layout(binding = 0) readonly buffer QkvV { uvec4 qkv_v[]; };
layout(binding = 3) writeonly buffer OutV { f16vec4 out_v[]; };
layout(binding = 4) readonly buffer XV { uvec4 x_v[]; };
layout(binding = 5) writeonly buffer X8V { uvec4 x8_v[]; };
#define LOAD_VN(arr, e, dst, o)                 \
    {                                           \
        const uvec4 t_ = arr[(e) / 8u];         \
        [[unroll]] for (uint h_ = 0; h_ < 4u; ++h_) { \
            const vec2 p_ = unpackHalf2x16(t_[h_]); \
            dst[(o) + 2u * h_] = p_.x;          \
            dst[(o) + 2u * h_ + 1u] = p_.y;     \
        }                                       \
    }
#define STORE_4(e, a, b, c, d) out_v[(e) / 4u] = f16vec4(vec4(a, b, c, d))
#include "attention_sg_impl.glsl"
