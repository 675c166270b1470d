// EQVK_ASSERT's failure path: print the broken invariant and abort (a bug, never user input).
#include "util/error.h"

#include <cstdio>
#include <cstdlib>

namespace eqvk {

void assert_fail(const char* expr, const char* file, int line) {
    std::fprintf(stderr, "eqvk: internal invariant failed: %s (%s:%d)\n", expr, file, line);
    std::abort();
}

}  // namespace eqvk
