#!/usr/bin/env bash
# The device kit's training call: a full-size oracle (Forge's 256/8/6/512) trained on CUDA with bf16 autocast
# and large batches from the data prepare.sh packed here, inside a time budget, keeping a whole eqvk model file
# in $OUT (model.safetensors, replaced every --save-seconds and after every epoch) so a run cut off at any time
# still brings a model back. Writes $OUT/model.safetensors, train.log, log.jsonl and tables.md.
#
# Usage (repository root):
#   on the H200 machine:  tools/device/train.sh [--budget 270]             (after tools/device/prepare.sh here)
#   here, CPU torch:      tools/device/train.sh --local --data DIR [--out DIR]
#   smallest (the test):  tools/device/train.sh --smoke --data DIR --out DIR
# Options: --kit DIR (default .devkit/train; data in KIT/data), --data DIR (train/val(.packed).npz),
#   --python PY, --budget S (whole call), --dims E,H,L,F, --batch B, --lr X, --save-seconds N.
# After it: `eqvk eval-oracle --model model.safetensors ...` and `eqvk match ...` here (tools/device/README.md).
# Without torch the call writes "not run: torch missing" into tables.md and exits 0.
set -u
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tools/device/lib.sh
. "$REPO/tools/device/lib.sh"

MODE=device KIT=$REPO/.devkit/train OUTDIR=${OUT:-} PY="" BUDGET="" DATA="" DIMS="" BATCH="" LR="" SAVE_S=""
while [ $# -gt 0 ]; do
    kit_opt "$@"
    [ "$KIT_USED" -gt 0 ] && { shift "$KIT_USED"; continue; }
    case $1 in
    --data) DATA=$2; shift ;;
    --dims) DIMS=$2; shift ;;
    --batch) BATCH=$2; shift ;;
    --lr) LR=$2; shift ;;
    --save-seconds) SAVE_S=$2; shift ;;
    -h | --help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "train.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

# Recipe per mode. GPU: Forge's 256/8/6/512 (3.2M parameters), batch 4096, lr 1e-3 (AdamW, 5% warm-up, cosine
# fitted to the time budget), bf16 autocast, data on the GPU; model file every 90 s.
case $MODE in
device) : "${BUDGET:=270}" "${DIMS:=256,8,6,512}" "${BATCH:=4096}" "${LR:=1e-3}" "${SAVE_S:=90}" "${PY:=python3}"
    : "${DATA:=$KIT/data}" ;;
local) : "${BUDGET:=180}" "${DIMS:=64,4,2,128}" "${BATCH:=256}" "${LR:=1.5e-3}" "${SAVE_S:=30}" "${PY:=/usr/bin/python3}" ;;
smoke) : "${BUDGET:=40}" "${DIMS:=24,2,1,32}" "${BATCH:=64}" "${LR:=2e-3}" "${SAVE_S:=5}" "${PY:=/usr/bin/python3}" ;;
esac
[ "$MODE" = device ] && [ -z "$OUTDIR" ] && { echo "train.sh: \$OUT is not set (on the device machine the run tool sets it)" >&2; exit 2; }
: "${OUTDIR:=$REPO/build/devkit-train-$MODE}"
[ -n "$DATA" ] || { echo "train.sh: --data DIR (train/val .npz or .packed.npz) is needed in $MODE mode" >&2; exit 2; }
for s in train val; do
    [ -f "$DATA/$s.npz" ] || [ -f "$DATA/$s.packed.npz" ] || { echo "train.sh: $DATA has no $s.npz or $s.packed.npz (prepare.sh makes them)" >&2; exit 2; }
done
IFS=, read -r E H L F <<<"$DIMS"
mkdir -p "$OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd)
RUN=${TMPDIR:-/tmp}/eqvk-kit-train-$$
exec > >(tee "$OUTDIR/train.log") 2>&1
RESD=$OUTDIR/results  # beside $OUT on the device machine: only 8 files come back
[ "$MODE" = device ] && RESD=${TMPDIR:-/tmp}/eqvk-kit/train-results
rm -rf "$RESD"
kit_init "$RESD" "$BUDGET"
TORCH=$(kit_torch "$PY")
kit_machine "$RES/machine.txt" "$KIT"
{
    echo "architecture=$E/$H/$L/$F"
    echo "batch=$BATCH"
    echo "lr=$LR"
    echo "amp=bf16 on CUDA, none on the CPU"
    echo "data=$DATA ($(cat "$DATA/info.json" 2>/dev/null || echo 'no info.json'))"
    echo "time budget=$BUDGET s for the call"
} >"$RES/train.txt"
echo "eqvk device kit, train.sh, mode $MODE, budget $BUDGET s; torch ${TORCH:-missing}; $E/$H/$L/$F batch $BATCH lr $LR"

kit_section train "$BUDGET"
if [ -z "$TORCH" ]; then
    kit_status train "not run: torch missing"
else
    # The training's own budget ends before the call's (15 s, less for small budgets: the tables and files after it).
    margin=$((BUDGET / 10))
    [ "$margin" -gt 15 ] && margin=15
    [ "$margin" -lt 3 ] && margin=3
    deadline=$((KIT_SEC_DEADLINE - margin))
    kit_run train "$RES/train-stdout.txt" "$PY" -u "$REPO/tools/train_oracle.py" --data "$DATA" --run "$RUN" \
        --embed "$E" --heads "$H" --layers "$L" --ff "$F" --batch "$BATCH" --lr "$LR" --epochs 200 --seed 0 \
        --threads "$(nproc)" --deadline "$deadline" --latest "$OUTDIR/model.safetensors" --save-seconds "$SAVE_S" \
        --amp bf16 --val-stride 1 --log-every 200
    cat "$RES/train-stdout.txt"
    cp "$RUN/log.jsonl" "$RES/log.jsonl" 2>/dev/null && cp "$RUN/log.jsonl" "$OUTDIR/log.jsonl"
    rm -rf "$RUN"
fi
kit_section_end
"$PY" "$REPO/tools/device/tables.py" train "$RES" >"$OUTDIR/tables.md" 2>/dev/null || python3 "$REPO/tools/device/tables.py" train "$RES" >"$OUTDIR/tables.md"
echo "wrote $OUTDIR/tables.md$([ -f "$OUTDIR/model.safetensors" ] && echo ", $OUTDIR/model.safetensors"); $(($(kit_now) - KIT_T0)) s in all"
