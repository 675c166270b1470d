// CheckResult and the comparisons and buffers every kernel's check shares (check.h, check_util.h).
#include "kernels/check.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/check_util.h"
#include "vk/buffer.h"
#include "vk/context.h"
#include "vk/program.h"

namespace eqvk::kernels {

std::string CheckResult::summary() const {
    if (ok) return fmt::format("max err {:.3g}", max_err);
    return fmt::format("max err {:.3g}; first bad [{}] of {}: got {} want {} (tol {:.3g})", max_err,
                       first_bad, elements, got, want, tol);
}

void CheckResult::merge(const CheckResult& other) {
    const double worst = std::max(max_err, other.max_err);
    if (!other.ok && ok) *this = other;
    max_err = worst;
}

CheckResult compare(const float* got, const float* want, size_t n, double atol, double rtol) {
    CheckResult r;
    r.elements = n;
    for (size_t i = 0; i < n; ++i) {
        double err = std::fabs(double(got[i]) - double(want[i]));
        if (std::isnan(err)) err = INFINITY;
        r.max_err = std::max(r.max_err, err);
        double tol = atol + rtol * std::fabs(double(want[i]));
        if (!(err <= tol) && r.ok) {
            r.ok = false;
            r.first_bad = i;
            r.got = got[i];
            r.want = want[i];
            r.tol = tol;
        }
    }
    return r;
}

CheckResult exact(bool good, size_t elements) {
    CheckResult r;
    r.elements = elements;
    if (!good) {
        r.ok = false;
        r.max_err = INFINITY;
    }
    return r;
}

CheckResult compare_written(const std::vector<float>& got, const std::vector<float>& want,
                            double atol, double rtol) {
    std::vector<float> g, w;
    for (size_t i = 0; i < want.size(); ++i) {
        if (std::isnan(want[i])) {
            if (!std::isnan(got[i])) {
                CheckResult r;
                r.ok = false;
                r.max_err = INFINITY;
                r.first_bad = i;
                r.got = got[i];
                r.want = want[i];
                r.elements = want.size();
                return r;  // a skipped element was written
            }
            continue;
        }
        g.push_back(got[i]);
        w.push_back(want[i]);
    }
    return compare(g.data(), w.data(), g.size(), atol, rtol);
}

vk::Buffer count_buffer(vk::Context& ctx, uint32_t count) {
    vk::Buffer b(ctx, 4, vk::MemoryKind::DeviceLocal, "check.count");
    ctx.upload(b, &count, 4);
    return b;
}

vk::Buffer poisoned_buffer(vk::Context& ctx, vk::Program& prog, size_t n, Dtype dtype,
                           const char* name) {
    vk::Buffer b(ctx, std::max<size_t>(4, (n * dtype_bytes(dtype) + 3) & ~size_t(3)),
                 vk::MemoryKind::DeviceLocal, name);
    prog.fill(b, NAN_POISON);
    return b;
}

}  // namespace eqvk::kernels
