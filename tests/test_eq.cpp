// eq: the E[Q] pipeline's CPU pieces and GPU kernels. Test files per topic live in tests/eq/*.cpp.
#include <doctest/doctest.h>
