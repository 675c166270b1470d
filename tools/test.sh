#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it (.ci/run calls this):
#   1. tools/setup.sh (installs what is missing); tools/format.sh --check (clang-format 14);
#   2. Release build with -Werror and invariant checks on, every test through ctest — GPU suites on the
#      first usable Vulkan device (lavapipe in CI) with the Khronos validation layer on;
#   2b. tools/slurm_local.sh: a 3-task Slurm job array of `eqvk run --shard auto` on a single-node Slurm
#      started for the purpose (~20 s), checked with `eqvk dataset verify` and byte for byte against
#      one run; skipped with a message unless root with slurm-wlm and munge installed;
#   3. the libFuzzer harnesses of the parsers, 20,000 inputs each from a fixed seed (the same on every
#      machine), when clang is installed (tools/fuzz.sh; longer random runs: tools/fuzz.sh SECONDS);
#   4. ASan + UBSan build of every module and every test, GPU suites included (on lavapipe the
#      driver runs inside the sanitized process). GPU tests run with ASAN_OPTIONS=detect_leaks=0
#      (tests/CMakeLists.txt: lavapipe's teardown leaks cannot be suppressed by module); the CPU
#      tests keep leak detection on.
# Usage: tools/test.sh [--no-sanitizers]. Build trees: build/test and build/asan.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
tools/format.sh --check
jobs=$(nproc)

cmake -S . -B build/test -G Ninja -DCMAKE_BUILD_TYPE=Release -DEQVK_WERROR=ON -DEQVK_ASSERTS=ON >/dev/null
cmake --build build/test -j "$jobs"
ctest --test-dir build/test --output-on-failure -j "$jobs"
if [ "$(id -u)" -eq 0 ] && command -v slurmctld >/dev/null && command -v munged >/dev/null; then
  tools/slurm_local.sh build/test/eqvk
else
  echo "test.sh: tools/slurm_local.sh skipped (needs root, slurm-wlm and munge)" >&2
fi

# The libFuzzer harnesses of the parsers, 20,000 inputs each from seed 1 (tests/fuzz; build/fuzz, CPU
# modules only): deterministic, so CI fails only on a change, never on a lucky draw.
if command -v clang++ >/dev/null; then
  FUZZ_RUNS=20000 FUZZ_SEED=1 tools/fuzz.sh
fi

if [ "${1:-}" != "--no-sanitizers" ]; then
  cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DEQVK_SANITIZE=ON -DEQVK_WERROR=ON \
        >/dev/null
  cmake --build build/asan -j "$jobs"
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --test-dir build/asan --output-on-failure -j "$jobs"
fi
