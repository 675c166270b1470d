#version 450
#extension GL_KHR_shader_subgroup_arithmetic : require
layout(local_size_x = 32) in;
layout(binding = 0) buffer B { float x[]; };
void main() { x[gl_LocalInvocationID.x] = subgroupAdd(x[gl_LocalInvocationID.x]); }
