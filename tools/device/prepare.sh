#!/usr/bin/env bash
# Prepares, on this machine, everything the device kit's two calls carry to the H200 machine (which builds
# nothing and reaches no network), checks each call's carry against the 64 MiB limit, and prints the expected
# device time and the exact `run` calls. Nothing here needs a GPU.
#
# Usage (repository root): tools/device/prepare.sh [--eqvk BIN] [--forge DIR] [--data DIR | --train A..B
#     --train-states K] [--jobs N] [--bench-budget S] [--train-budget S] [--no-data]
#   --eqvk BIN      the eqvk binary to carry (default: a Release build made here in build/device)
#   --forge DIR     Crystal Forge checkout for the Forge peer (default /work/forge; its forge/*.py travel)
#   --data DIR      training data already packed (train/val/test.packed.npz + info.json from
#                   tools/make_oracle_data.py --packed); default: made here from --train seeds (shards cached in
#                   build/device-shards, so a second run reuses them)
#   --train A..B, --train-states K, --val A..B, --test A..B, --jobs N   the data to make (default train
#                   0..599 at 6000 per-trick states a seed, val 900..919 and test 950..979 at 3000; solving takes
#                   ~1 h on 2 cores)
#   --no-data       leave .devkit/train out (bench call only)
# Writes (ignored by git): .devkit/bench/{bin/eqvk (wrapper), bin/eqvk.real, lib/*.so*, gl/*.deb, forge/,
#   COMMIT} and .devkit/train/{data/*.packed.npz, data/info.json, COMMIT}.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$REPO"
EQVK="" FORGE=/work/forge DATA="" TRAIN=0..599 VAL=900..919 TEST=950..979 TRAIN_STATES=6000 JOBS=2 BENCH_BUDGET=360 TRAIN_BUDGET=270 NO_DATA=0
while [ $# -gt 0 ]; do
    case $1 in
    --eqvk) EQVK=$2; shift ;;
    --forge) FORGE=$2; shift ;;
    --data) DATA=$2; shift ;;
    --train) TRAIN=$2; shift ;;
    --val) VAL=$2; shift ;;
    --test) TEST=$2; shift ;;
    --train-states) TRAIN_STATES=$2; shift ;;
    --jobs) JOBS=$2; shift ;;
    --bench-budget) BENCH_BUDGET=$2; shift ;;
    --train-budget) TRAIN_BUDGET=$2; shift ;;
    --no-data) NO_DATA=1 ;;
    -h | --help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "prepare.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
for v in BENCH_BUDGET TRAIN_BUDGET JOBS TRAIN_STATES; do
    case ${!v} in '' | *[!0-9]*) echo "prepare.sh: ${v,,} ${!v}: want a whole number" >&2; exit 2 ;; esac
done
LIMIT=$((64 * 1024 * 1024))
KIT=$REPO/.devkit
git check-ignore -q .devkit/ || { echo "prepare.sh: .devkit/ is not ignored by git (.gitignore lists /.devkit/)" >&2; exit 2; }
COMMIT=$(git rev-parse --short=12 HEAD)$(git diff --quiet HEAD -- src shaders tools || echo "-modified")

# ---- 1. the eqvk binary: Release, SPIR-V embedded, Vulkan loaded at run time (volk): no files beside it
if [ -z "$EQVK" ]; then
    echo "== building eqvk (Release) in build/device"
    cmake -S . -B build/device -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build build/device --target eqvk
    EQVK=build/device/eqvk
fi
[ -x "$EQVK" ] || { echo "prepare.sh: --eqvk $EQVK: not an executable" >&2; exit 2; }
rm -rf "$KIT/bench"
mkdir -p "$KIT/bench/bin" "$KIT/bench/lib" "$KIT/bench/gl"
cp "$EQVK" "$KIT/bench/bin/eqvk.real"
strip "$KIT/bench/bin/eqvk.real" 2>/dev/null || true
# Shared libraries beyond glibc and the C++ runtime (fmt, toml++) travel with it (the device image is another
# distribution): eqvk runs through a wrapper that puts them first. The Vulkan loader is not among them (dlopen'ed; it travels as a .deb).
ldd "$EQVK" | awk '/=> \// {print $3}' | while read -r lib; do
    case $(basename "$lib") in
    libc.so* | libm.so* | libdl.so* | libpthread.so* | librt.so* | ld-linux* | libvulkan.so*) ;;
    libstdc++.so* | libgcc_s.so*) ;; # newer there (the NVIDIA driver loaded into eqvk may need the newer one)
    *) cp -L "$lib" "$KIT/bench/lib/" ;;
    esac
done
cat >"$KIT/bench/bin/eqvk" <<'EOF'
#!/bin/sh
# prepare.sh's wrapper: eqvk with the shared libraries it was built against (lib/ beside bin/).
d=$(dirname "$(readlink -f "$0")")/..
LD_LIBRARY_PATH="$d/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" exec "$d/bin/eqvk.real" "$@"
EOF
chmod +x "$KIT/bench/bin/eqvk"
"$KIT/bench/bin/eqvk" --help >/dev/null || { echo "prepare.sh: the carried eqvk does not start here" >&2; exit 1; }
echo "$COMMIT" >"$KIT/bench/COMMIT"
echo "eqvk: $EQVK -> .devkit/bench/bin (libs: $(cd "$KIT/bench/lib" && echo *))"

# ---- 2. the Vulkan loader as Debian packages (the device README: unpacked with dpkg -x there)
echo "== Vulkan loader packages"
mkdir -p /tmp/eqvk-devkit-apt/partial
o=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/eqvk-devkit-apt)
apt-get "${o[@]}" update -qq
(cd "$KIT/bench/gl" && { apt-get "${o[@]}" download libvulkan1 2>&1 | grep -v '^W: Download is performed unsandboxed'; true; })
ls "$KIT/bench/gl"/libvulkan1_*.deb >/dev/null || { echo "prepare.sh: could not download libvulkan1" >&2; exit 1; }

# ---- 3. Forge's Python sources (the peer of the E[Q] pipeline): forge/**/*.py at its commit
echo "== Forge from $FORGE"
[ -f "$FORGE/forge/eq/generate/pipeline.py" ] || { echo "prepare.sh: --forge $FORGE: no forge/eq/generate/pipeline.py" >&2; exit 2; }
FC=$(git -C "$FORGE" rev-parse HEAD 2>/dev/null || echo unknown)
case $FC in e39e536*) ;; *) echo "prepare.sh: note: Forge is at $FC, the figures in docs/ used e39e536" ;; esac
mkdir -p "$KIT/bench/forge"
(cd "$FORGE" && find forge -name '*.py' -not -path 'forge/analysis/*' -print0 | tar --null -T - -cf -) | tar -C "$KIT/bench/forge" -xf -
echo "$FC" >"$KIT/bench/forge/COMMIT"

# ---- 4. training data: solver states packed (state, Q, V, seed a row; ~10 bytes a state compressed)
rm -rf "$KIT/train"
if [ "$NO_DATA" -eq 0 ]; then
    mkdir -p "$KIT/train/data"
    echo "$COMMIT" >"$KIT/train/COMMIT"
    if [ -n "$DATA" ]; then
        cp "$DATA"/{train,val,test}.packed.npz "$DATA"/info.json "$KIT/train/data/"
    else
        echo "== training data: seeds $TRAIN × $TRAIN_STATES per-trick states (solver, $JOBS jobs)"
        /usr/bin/python3 tools/make_oracle_data.py --eqvk "$EQVK" --shards build/device-shards --out "$KIT/train/data" \
            --train "$TRAIN" --val "$VAL" --test "$TEST" --states 3000 --train-states "$TRAIN_STATES" \
            --jobs "$JOBS" --per-trick --packed
    fi
fi

# ---- 5. sizes: what each call sends (tracked + untracked-not-ignored files + its carry) against 64 MiB
tree_bytes=$( { git ls-files -z; git ls-files -z --others --exclude-standard; } | xargs -0 stat -c %s 2>/dev/null | awk '{s+=$1} END {print s+0}')
bytes() { du -sb "$1" 2>/dev/null | cut -f1; }
bench_bytes=$(($(bytes "$KIT/bench") + tree_bytes))
train_bytes=$((tree_bytes + $( [ -d "$KIT/train" ] && bytes "$KIT/train" || echo 0)))
mib() { awk -v b="$1" 'BEGIN {printf "%.1f MiB", b / 1048576}'; }
echo
echo "carry per call (working tree $(mib "$tree_bytes") + carried folder; limit 64 MiB):"
echo "  bench call: $(mib "$bench_bytes")  (.devkit/bench $(mib "$(bytes "$KIT/bench")"): eqvk $(mib "$(bytes "$KIT/bench/bin")"), libs $(mib "$(bytes "$KIT/bench/lib")"), loader $(mib "$(bytes "$KIT/bench/gl")"), Forge $(mib "$(bytes "$KIT/bench/forge")"))"
[ -d "$KIT/train" ] && echo "  train call: $(mib "$train_bytes")  (.devkit/train $(mib "$(bytes "$KIT/train")"))"
over=0
[ "$bench_bytes" -ge "$LIMIT" ] && { echo "prepare.sh: the bench call is over the 64 MiB limit" >&2; over=1; }
[ "$train_bytes" -ge "$LIMIT" ] && { echo "prepare.sh: the train call is over the 64 MiB limit: fewer --train seeds" >&2; over=1; }

# ---- 6. device time and the exact calls
start=120 transfer=30
echo
echo "expected device time (machine start ~${start} s once, transfers ~${transfer} s a call, 30 s idle before give_back):"
echo "  bench call: ${BENCH_BUDGET} s of script (+ ${transfer} s)   train call: ${TRAIN_BUDGET} s of script (+ ${transfer} s)"
total=$((start + BENCH_BUDGET + TRAIN_BUDGET + 2 * transfer))
echo "  both, back to back on one warm machine: ~${total} s = $((total / 60)) min $((total % 60)) s of the 15 min (900 s) budget"
[ "$total" -gt 840 ] && echo "  WARNING: that leaves under a minute of margin; lower --bench-budget/--train-budget"
cat <<EOF

the two device calls (device tool \`run\`, from the repository root; then give_back):
  run(command="bash tools/device/bench.sh --budget $BENCH_BUDGET", carry=[".devkit/bench"], timeout_s=$((BENCH_BUDGET + 60)))
  run(command="bash tools/device/train.sh --budget $TRAIN_BUDGET", carry=[".devkit/train"], timeout_s=$((TRAIN_BUDGET + 60)))
what comes back: bench: tables.md, bench.log, results.tgz; train: model.safetensors, tables.md, train.log, log.jsonl
EOF
exit "$over"
