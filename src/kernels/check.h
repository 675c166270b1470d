// The result of a GPU-vs-CPU-reference check and the elementwise comparison behind it. Every
// kernel's check (beside its wrapper, in its KernelDef) returns one. Tolerance:
// |gpu - ref| <= atol + rtol·|ref|.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace eqvk::kernels {

struct CheckResult {
    bool ok = true;
    double max_err = 0.0;         // max |gpu - ref| over all elements (inf when a NaN was found)
    size_t first_bad = SIZE_MAX;  // flat index of the first element over tolerance
    double got = 0.0, want = 0.0, tol = 0.0;  // at first_bad
    size_t elements = 0;
    std::string summary() const;  // "max err 1.2e-06" or "... first bad [i] got x want y (tol t)"
    /// Keeps the first failure of the two and the larger max_err.
    void merge(const CheckResult& other);
};

/// Compares `got` with `want` elementwise under atol + rtol·|want|.
CheckResult compare(const float* got, const float* want, size_t n, double atol, double rtol);

/// An exact check: `ok` false with `what` as the failure (max_err inf) when `good` is false.
CheckResult exact(bool good, size_t elements);

}  // namespace eqvk::kernels
