// `eqvk selftest` lines for the E[Q] decision-step kernels (shaders/eq_*.comp): their CPU
// references live in src/eq, above kernels, so kernels::run_selftest leaves them to this. One
// batch of random game states at every stage of the hand runs through every kernel; results must
// equal the references bit for bit.
#pragma once
#include <functional>
#include <vector>

#include "kernels/selftest.h"

namespace eqvk::vk {
class Context;
}

namespace eqvk::eq {

/// One line per eq kernel (exact comparison: max_err 0 or the first mismatch in detail).
std::vector<kernels::SelftestLine> run_selftest(
    vk::Context& ctx, const std::function<void(const kernels::SelftestLine&)>& on_line);

}  // namespace eqvk::eq
