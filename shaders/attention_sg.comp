#version 450
// attention_sg, fp32 storage: one subgroup per (world, head). The kernel (bindings, push constants, spec constants,
// grid) is documented in common/attention_sg_impl.glsl.
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#extension GL_KHR_shader_subgroup_ballot : require
#define STORE_T float
// VEC: 4 elements per access (vec4 views of bindings 0, 3, 4, 5).
#define VN 4u
layout(binding = 0) readonly buffer QkvV { vec4 qkv_v[]; };
layout(binding = 3) writeonly buffer OutV { vec4 out_v[]; };
layout(binding = 4) readonly buffer XV { vec4 x_v[]; };
layout(binding = 5) writeonly buffer X8V { vec4 x8_v[]; };
#define LOAD_VN(arr, e, dst, o)  \
    {                            \
        const vec4 t_ = arr[(e) / 4u]; \
        dst[(o)] = t_.x;         \
        dst[(o) + 1u] = t_.y;    \
        dst[(o) + 2u] = t_.z;    \
        dst[(o) + 3u] = t_.w;    \
    }
#define STORE_4(e, a, b, c, d) out_v[(e) / 4u] = vec4(a, b, c, d)
#include "attention_sg_impl.glsl"
