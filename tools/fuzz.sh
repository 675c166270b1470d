#!/usr/bin/env bash
# Builds the libFuzzer harnesses of tests/fuzz (clang, ASan + UBSan, CPU modules only, build/fuzz)
# and runs each for SECONDS on its corpus (the seed corpus copied into build/fuzz/tests/fuzz/corpus/).
# A crash, leak, sanitizer report, timeout or out-of-memory stops that harness: the input is saved
# under build/fuzz/artifacts/<name>/ and the script exits 1 at the end; copy the input into
# tests/data/fuzz-regressions/<name>/ so that ctest fuzz_<name> replays it from then on.
# Usage: tools/fuzz.sh [SECONDS (default 60)] [safetensors|model|config|shard ...]
# FUZZ_RUNS=N runs exactly N inputs per harness from the fixed mutation seed FUZZ_SEED (default 1)
# instead of SECONDS of random ones: the same inputs on every machine (what CI uses, so that a
# finding is reproducible and a faster machine does not explore further than the last green run).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
shift || true
harnesses=("$@")
[ ${#harnesses[@]} -eq 0 ] && harnesses=(safetensors model config shard)
command -v clang++ >/dev/null || { echo "fuzz: clang++ not found (tools/setup.sh installs clang)" >&2; exit 1; }

CC=clang CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEQVK_CPU_ONLY=ON \
  -DEQVK_BUILD_TESTS=OFF -DEQVK_FUZZ=ON -DEQVK_WERROR=ON >/dev/null
targets=()
for h in "${harnesses[@]}"; do targets+=("fuzz_$h"); done
cmake --build build/fuzz -j "$(nproc)" --target "${targets[@]}"

failed=()
for h in "${harnesses[@]}"; do
  mkdir -p "build/fuzz/artifacts/$h"
  # 2 GiB RSS and 1 GiB per allocation: a parser that allocates what a header claims fails here.
  if [ -n "${FUZZ_RUNS:-}" ]; then
    budget=(-runs="$FUZZ_RUNS" -seed="${FUZZ_SEED:-1}")
    echo "fuzz: $h for $FUZZ_RUNS inputs from seed ${FUZZ_SEED:-1}" >&2
  else
    budget=(-max_total_time="$secs")
    echo "fuzz: $h for $secs s" >&2
  fi
  if ! build/fuzz/tests/fuzz/fuzz_"$h" "build/fuzz/tests/fuzz/corpus/$h" "${budget[@]}" \
      -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 -print_final_stats=1 \
      -artifact_prefix="build/fuzz/artifacts/$h/" 2>"build/fuzz/artifacts/$h.log"; then
    failed+=("$h")
    tail -40 "build/fuzz/artifacts/$h.log" >&2
  fi
  grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb|^#[0-9]+ +DONE" "build/fuzz/artifacts/$h.log" | tr '\n' ' ' >&2
  echo >&2
done
if [ ${#failed[@]} -ne 0 ]; then
  echo "fuzz: FAILED: ${failed[*]} (inputs in build/fuzz/artifacts/)" >&2
  exit 1
fi
if [ -n "${FUZZ_RUNS:-}" ]; then what="$FUZZ_RUNS inputs from seed ${FUZZ_SEED:-1}"; else what="$secs s"; fi
echo "fuzz: ${harnesses[*]}: clean for $what each" >&2
