#!/usr/bin/env bash
# The device kit (tools/device/) end to end at its smallest sizes (--smoke: lavapipe, CPU torch where there is
# one): bench.sh writes tables.md with every section and eqvk's figures; each peer either ran or says "peer not
# run: torch missing"; a section without time is marked "not run: time"; train.sh trains a tiny oracle on
# solver data packed by make_oracle_data.py --packed and leaves an eqvk model file that eqvk loads (or, without
# torch, says "not run: torch missing"). Usage: test_device_kit.sh path/to/eqvk [python]. Exit 1 on a failure.
set -u
EQVK=$(realpath "$1")
PY=${2:-/usr/bin/python3}
REPO=$(cd "$(dirname "$0")/../.." && pwd)
TMPD=$(mktemp -d)
trap 'rm -rf "$TMPD"' EXIT
fail=0
check() { # check <name> <command...>: the command must succeed
    local name=$1
    shift
    if "$@" >/dev/null 2>&1; then echo "ok   $name"; else echo "FAIL $name"; fail=1; fi
}
status_of() { awk -F'\t' -v i="$2" '$1 == i {print $2}' "$1/results/status.tsv"; }
TORCH=0
"$PY" -c 'import torch, numpy' 2>/dev/null && TORCH=1
echo "torch for $PY: $([ $TORCH = 1 ] && echo yes || echo no)"

B=$TMPD/bench
bash "$REPO/tools/device/bench.sh" --smoke --eqvk "$EQVK" --python "$PY" --out "$B" >"$TMPD/bench.out" 2>&1
rc=$?
check "bench.sh exits 0" test "$rc" -eq 0
check "tables.md, bench.log and results.tgz written" test -s "$B/tables.md" -a -s "$B/bench.log" -a -s "$B/results.tgz"
for h in "## 1. Device" "## 2. GEMM" "## 3. Oracle forward" "## 4. E\[Q\] pipeline" "## Every item"; do
    check "section '$h'" grep -q "^$h" "$B/tables.md"
done
for item in devices gemm_fp32 gemm_fp16 oracle_tiny_fp32_b8 oracle_tiny_fp16_b8 eq_tiny_2x4; do
    check "$item ok" test "$(status_of "$B" $item)" = ok
done
check "gemm table has the 64x64x64 row with a number" grep -Eq '^\| 64 \| 64 \| 64 \| [a-z0-9]+ \| [0-9.,]+ \|' "$B/tables.md"
check "oracle table has eqvk worlds/s" grep -Eq '^\| tiny \(24/2/1/32\) \| fp32 \| 8 \| [0-9.,]+ \| [0-9.,]+ \|' "$B/tables.md"
check "eq table has eqvk games/s" grep -Eq '^\| tiny \| 2 × 4 \| [0-9.,]+ \|' "$B/tables.md"
check "no NV coopmat on lavapipe: said so" grep -q 'gemm_fp16_nv_coopmat | not run: no NV coopmat on this device' "$B/tables.md"
for item in peer_gemm peer_oracle_tiny_fp32 forge_tiny_2x4; do
    if [ $TORCH = 1 ]; then
        check "$item ran" test "$(status_of "$B" $item)" = ok
    else
        check "$item: torch missing" test "$(status_of "$B" $item)" = "peer not run: torch missing"
    fi
done
if [ $TORCH = 1 ]; then
    check "oracle ratio is a number" grep -Eq '^\| tiny \(24/2/1/32\) \| fp32 \| 8 \|.*\| [0-9]+\.[0-9]{3} \|$' "$B/tables.md"
    check "eq ratio is a number" grep -Eq '^\| tiny \| 2 × 4 \|.*\| [0-9]+\.[0-9]{3} \|$' "$B/tables.md"
else
    check "tables say torch is missing" grep -q 'peer not run: torch missing' "$B/tables.md"
fi

# A budget that has run out: every item of the section is marked, nothing runs, exit 0.
bash "$REPO/tools/device/bench.sh" --smoke --eqvk "$EQVK" --python "$PY" --out "$TMPD/late" --budget 0 \
    --sections gemm,eq >"$TMPD/late.out" 2>&1
check "budget 0: exit 0" test $? -eq 0
check "budget 0: gemm not run: time" test "$(status_of "$TMPD/late" gemm_fp32)" = "not run: time"
check "budget 0: tables say not run: time" grep -q '_gemm fp32: not run: time_' "$TMPD/late/tables.md"
check "bad option: exit 2" bash -c "bash '$REPO/tools/device/bench.sh' --bogus; test \$? -eq 2"

# Training: tiny solver data (2 train deals), packed as prepare.sh packs it, then train.sh --smoke.
T=$TMPD/train
if [ $TORCH = 1 ]; then
    "$PY" "$REPO/tools/make_oracle_data.py" --eqvk "$EQVK" --shards "$TMPD/shards" --out "$TMPD/data" --train 0..1 \
        --val 900..900 --test 952..952 --states 140 --train-states 350 --jobs 1 --per-trick --packed >"$TMPD/data.out" 2>&1
    check "make_oracle_data.py --packed" test -s "$TMPD/data/train.packed.npz" -a ! -e "$TMPD/data/train.npz"
    # The same shards tokenised the usual way (no new solving): the packed rows must expand to the same arrays.
    "$PY" "$REPO/tools/make_oracle_data.py" --eqvk "$EQVK" --shards "$TMPD/shards" --out "$TMPD/npz" --train 0..1 \
        --val 900..900 --test 952..952 --states 140 --train-states 350 --jobs 1 --per-trick >>"$TMPD/data.out" 2>&1
    check "packed rows expand to the tokenised .npz" "$PY" -c "
import sys; sys.path.insert(0, '$REPO/tools')
import numpy as np
from make_oracle_data import expand_packed
for s in ('train', 'val'):
    a, b = np.load('$TMPD/npz/%s.npz' % s), expand_packed('$TMPD/data/%s.packed.npz' % s)
    assert sorted(a.files) == sorted(b) and all((a[k] == b[k]).all() for k in a.files), s"
    bash "$REPO/tools/device/train.sh" --smoke --data "$TMPD/data" --python "$PY" --out "$T" --budget 20 >"$TMPD/train.out" 2>&1
    check "train.sh exits 0" test $? -eq 0
    check "train ok" test "$(status_of "$T" train)" = ok
    check "an epoch in tables.md" grep -Eq '^\| 1 \| [0-9]+ \| 0\.[0-9]+ \|' "$T/tables.md"
    check "eqvk loads the model file" "$EQVK" bench oracle --model "$T/model.safetensors" --batch 4 --runs 1 --json
else
    mkdir -p "$TMPD/data" && touch "$TMPD/data/train.npz" "$TMPD/data/val.npz"
    bash "$REPO/tools/device/train.sh" --smoke --data "$TMPD/data" --python "$PY" --out "$T" >"$TMPD/train.out" 2>&1
    check "train.sh without torch exits 0" test $? -eq 0
    check "train: not run: torch missing" grep -q 'not run: torch missing' "$T/tables.md"
fi
if [ $fail -ne 0 ]; then
    echo "--- bench.sh output"; tail -40 "$TMPD/bench.out"
    echo "--- tables.md"; cat "$B/tables.md"
    [ -f "$TMPD/train.out" ] && { echo "--- train.sh output"; tail -30 "$TMPD/train.out"; }
fi
exit $fail
