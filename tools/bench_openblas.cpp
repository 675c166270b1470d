// Peer baseline for `eqvk bench gemm --suite oracle` on CPU devices: the same shapes through
// OpenBLAS's cblas_sgemm (C = A·Wᵀ, fp32, row-major), median of 20 timed calls after a warm-up,
// rotating 3 input sets. Bench-only: built by CMake only when an OpenBLAS library and cblas.h are
// found. Usage: bench_openblas [max_m]
#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

int main(int argc, char** argv) {
    const long max_m = argc > 1 ? std::atol(argv[1]) : 512;
    const int nk[][2] = {{256, 357}, {768, 256}, {256, 256}, {512, 256}, {256, 512}};
    std::printf("%7s %5s %5s %10s %9s\n", "M", "N", "K", "ms", "GFLOP/s");
    for (long worlds = 1; worlds <= 65536 && 32 * worlds <= max_m; worlds *= 4) {
        const int M = static_cast<int>(32 * worlds);
        for (auto [N, K] : nk) {
            std::vector<std::vector<float>> a(3, std::vector<float>(size_t(M) * K)),
                w(3, std::vector<float>(size_t(N) * K));
            std::vector<float> c(size_t(M) * N);
            unsigned s = 1;
            for (int r = 0; r < 3; ++r) {
                for (auto& x : a[r])
                    x = float((s = s * 1664525u + 1013904223u) >> 8) / 8388608.0f - 1.0f;
                for (auto& x : w[r])
                    x = float((s = s * 1664525u + 1013904223u) >> 8) / 8388608.0f - 1.0f;
            }
            std::vector<double> ms;
            for (int i = -3; i < 21; ++i) {
                auto t0 = std::chrono::steady_clock::now();
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, M, N, K, 1.0f,
                            a[(i + 3) % 3].data(), K, w[(i + 3) % 3].data(), K, 0.0f, c.data(), N);
                double t =
                    std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                        .count();
                if (i >= 0) ms.push_back(t);
            }
            std::sort(ms.begin(), ms.end());
            double med = ms[ms.size() / 2];
            std::printf("%7d %5d %5d %10.3f %9.1f\n", M, N, K, med, 2.0 * M * N * K / (med * 1e6));
        }
    }
    return 0;
}
