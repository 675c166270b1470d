#!/usr/bin/env bash
# The device kit's benchmark call: every eqvk benchmark next to its PyTorch/Forge peer, in one call with a time
# budget, writing tables.md (one markdown table per section, with eqvk/peer ratios), bench.log and results.tgz
# (every JSON and text output) into $OUT. tools/device/README.md says how it is prepared and called.
#
# Usage (repository root):
#   on the H200 machine:  tools/device/bench.sh [--budget 360]            (after tools/device/prepare.sh here)
#   here, lavapipe + CPU: tools/device/bench.sh --local [--out DIR] [--eqvk BIN]
#   smallest (the test):  tools/device/bench.sh --smoke --out DIR [--eqvk BIN]
# Options: --kit DIR (default .devkit/bench), --python PY (default: python3 there, /usr/bin/python3 here),
#   --budget S (whole call, seconds), --sections a,b,... (default all: devices selftest gemm gemm_peer oracle
#   oracle_peer eq forge), --forge DIR (default KIT/forge, or /work/forge here).
# Sections run in order, each with its own budget plus what earlier ones left; an item that does not fit is
# marked "not run: time" (or "cut off: time") in the tables. Peers that need torch say "peer not run: torch
# missing" where python has no torch; the eqvk parts and the tables still run. Exit 0 unless the kit itself is
# broken (no eqvk binary, no device): failures of single items are in the tables.
set -u
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tools/device/lib.sh
. "$REPO/tools/device/lib.sh"

MODE=device KIT=$REPO/.devkit/bench OUTDIR=${OUT:-} PY="" BUDGET="" SECTIONS="" EQVK="" FORGE=""
while [ $# -gt 0 ]; do
    kit_opt "$@"
    [ "$KIT_USED" -gt 0 ] && { shift "$KIT_USED"; continue; }
    case $1 in
    --sections) SECTIONS=$2; shift ;;
    --eqvk) EQVK=$2; shift ;;
    --forge) FORGE=$2; shift ;;
    -h | --help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "bench.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

# ---- sizes per mode (the GPU sizes are the issue's; local/smoke are the same steps at sizes lavapipe can do)
E64=$REPO/models/eqvk-oracle-e64.safetensors
TINY=$REPO/tests/data/golden/tiny_e24_h2_l1_f32.model.safetensors
# shellcheck disable=SC2034  # EQ_<model> are read through eq_settings
case $MODE in
device)
    : "${BUDGET:=360}"
    MODELS="e64 e256" BATCHES="1024,4096,16384,65536" ORACLE_RUNS=3
    GEMM_ARGS="--suite oracle --max-m 131072" EQ_e64="32x50 1000x1024" EQ_e256="32x50 256x256"
    B_DEVICES=15 B_SELFTEST=40 B_GEMM=90 B_GEMM_PEER=25 B_ORACLE=55 B_ORACLE_PEER=35 B_EQ=65 B_FORGE=35 ;;
local)
    : "${BUDGET:=1200}"
    MODELS="e64 e256" BATCHES="8,32" ORACLE_RUNS=2
    GEMM_ARGS="--suite oracle --max-m 128" EQ_e64="4x8 8x16" EQ_e256="2x4"
    B_DEVICES=15 B_SELFTEST=120 B_GEMM=480 B_GEMM_PEER=30 B_ORACLE=200 B_ORACLE_PEER=60 B_EQ=150 B_FORGE=80 ;;
smoke)
    : "${BUDGET:=120}"
    MODELS="tiny" BATCHES="8" ORACLE_RUNS=1
    GEMM_ARGS="--m 64 --n 64 --k 64" EQ_tiny="2x4"
    B_DEVICES=10 B_SELFTEST=0 B_GEMM=20 B_GEMM_PEER=10 B_ORACLE=15 B_ORACLE_PEER=15 B_EQ=15 B_FORGE=25 ;;
esac
: "${SECTIONS:=devices,selftest,gemm,gemm_peer,oracle,oracle_peer,eq,forge}"
model_file() { case $1 in e64) echo "$E64" ;; e256) echo "" ;; tiny) echo "$TINY" ;; esac; }
model_dims() { case $1 in e64) echo 64,4,2,128 ;; e256) echo 256,8,6,512 ;; tiny) echo 24,2,1,32 ;; esac; }
eq_settings() { local v="EQ_$1"; echo "${!v}"; }
want() { [[ ",$SECTIONS," == *",$1,"* ]]; }

if [ "$MODE" = device ]; then
    [ -n "$OUTDIR" ] || { echo "bench.sh: \$OUT is not set (on the device machine the run tool sets it)" >&2; exit 2; }
    : "${PY:=python3}" "${EQVK:=$KIT/bin/eqvk}" "${FORGE:=$KIT/forge}"
    # The Vulkan loader travels as Debian packages (the device README): unpacked into / once per machine.
    if ! ldconfig -p | grep -q 'libvulkan\.so\.1'; then
        for f in "$KIT"/gl/*.deb; do dpkg -x "$f" /; done
        ldconfig
    fi
else
    : "${OUTDIR:=$REPO/build/devkit-$MODE}" "${PY:=/usr/bin/python3}" "${FORGE:=/work/forge}"
    if [ -z "$EQVK" ]; then
        for c in "$REPO/build/test/eqvk" "$REPO/build/eqvk" "$REPO/build/device/eqvk"; do
            [ -x "$c" ] && { EQVK=$c; break; }
        done
    fi
fi
if [ -z "$EQVK" ] || [ ! -x "$EQVK" ]; then
    echo "bench.sh: no eqvk binary (--eqvk BIN; here: build it; there: prepare.sh)" >&2
    exit 2
fi
mkdir -p "$OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd)
# Results beside $OUT on the device machine (only 8 files come back: results.tgz carries them), inside it here.
RESD=$OUTDIR/results
[ "$MODE" = device ] && RESD=${TMPDIR:-/tmp}/eqvk-kit/results
rm -rf "$RESD"
exec > >(tee "$OUTDIR/bench.log") 2>&1
kit_init "$RESD" "$BUDGET"
echo "eqvk device kit, bench.sh, mode $MODE, budget $BUDGET s, sections $SECTIONS; $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "eqvk: $EQVK; python: $PY; repo commit $(git -C "$REPO" rev-parse --short=12 HEAD 2>/dev/null || cat "$KIT/COMMIT" 2>/dev/null || echo unknown)"

# ---- what the peers can use
TORCH=$(kit_torch "$PY")
PEER_DEV=${TORCH%% *}
[ -z "$TORCH" ] && echo "torch: missing for $PY: every peer is reported as 'peer not run: torch missing'"
[ -n "$TORCH" ] && echo "torch: $TORCH"
if [ "$MODE" = device ] && [ "$PEER_DEV" != cuda ]; then echo "WARNING: torch sees no CUDA device: peers run on the CPU"; fi
kit_machine "$RESD/machine.txt" "$KIT"
echo "budgets=devices:$B_DEVICES selftest:$B_SELFTEST gemm:$B_GEMM gemm_peer:$B_GEMM_PEER oracle:$B_ORACLE oracle_peer:$B_ORACLE_PEER eq:$B_EQ forge:$B_FORGE" >>"$RESD/machine.txt"
peer_skip() { kit_status "$1" "peer not run: torch missing"; }

# ---- 1. devices (and the driver the device README names when none is found)
if want devices; then
    kit_section devices "$B_DEVICES"
    kit_run devices "$RESD/devices.json" "$EQVK" devices --json
    ICD=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
    if [ "$MODE" = device ] && ! grep -qi nvidia "$RESD/devices.json" && [ -f "$ICD" ]; then
        echo "no NVIDIA Vulkan device: again with the driver file the device README names"
        cp "$RESD/devices.json" "$RESD/devices-default-icd.json"
        if VK_DRIVER_FILES=$ICD kit_run devices_nvidia_icd "$RESD/devices.json" "$EQVK" devices --json &&
            grep -qi nvidia "$RESD/devices.json"; then
            export VK_DRIVER_FILES=$ICD
        else
            cp "$RESD/devices-default-icd.json" "$RESD/devices.json"
        fi
    fi
    "$EQVK" devices >"$RESD/devices.txt" 2>&1
    kit_section_end
fi

# ---- 2. selftest: the first execution of the NV cooperative-matrix GEMM; if it fails, the rest runs without it
if want selftest; then
    kit_section selftest "$B_SELFTEST"
    if [ "$B_SELFTEST" -eq 0 ]; then
        kit_status selftest "not run: skipped in $MODE mode (lavapipe runs it in ctest)"
    elif ! kit_run selftest "$RESD/selftest.txt" "$EQVK" selftest; then
        if grep -q '^FAIL.*coopmat' "$RESD/selftest.txt" || ! grep -q 'passed, ' "$RESD/selftest.txt"; then
            echo "selftest failed (or did not finish): again with EQVK_NO_NV_COOPMAT=1"
            export EQVK_NO_NV_COOPMAT=1
            if kit_run selftest_no_nv_coopmat "$RESD/selftest-no-nv-coopmat.txt" "$EQVK" selftest; then
                kit_status nv_coopmat "switched off: selftest failed with it, passed without; every later section runs with EQVK_NO_NV_COOPMAT=1"
            else
                kit_status nv_coopmat "selftest fails with and without it: later figures are of a failing build"
            fi
        fi
    fi
    kit_section_end
fi
NV_COOPMAT=no
if [ -z "${EQVK_NO_NV_COOPMAT:-}" ] && grep -q '"nv_cooperative_matrix": *true' "$RESD/devices.json" 2>/dev/null; then NV_COOPMAT=yes; fi

# ---- 3. GEMM: fp32 and fp16, every tile, auto, and NV coopmat forced where the device has it
# Text output (rows printed as measured, so a run the budget cuts off keeps its rows), turned into --json's form.
gemm_item() { # gemm_item ITEM FILE-BASE ARGS...
    local item=$1 base=$2
    shift 2
    # shellcheck disable=SC2086
    kit_run "$item" "$RESD/$base.txt" "$EQVK" bench gemm $GEMM_ARGS "$@"
    [ -s "$RESD/$base.txt" ] || return 0
    "$PY" "$REPO/tools/device/tables.py" gemm-json "$RESD/$base.txt" >"$RESD/$base.json" 2>/dev/null ||
        python3 "$REPO/tools/device/tables.py" gemm-json "$RESD/$base.txt" >"$RESD/$base.json"
}
if want gemm; then
    kit_section gemm "$B_GEMM"
    gemm_item gemm_fp32 gemm-fp32 --dtype fp32
    gemm_item gemm_fp16 gemm-fp16 --dtype fp16
    if [ "$NV_COOPMAT" = yes ]; then
        gemm_item gemm_fp16_nv_coopmat gemm-fp16-nv-coopmat --dtype fp16 --configs nv_coopmat
    else
        kit_status gemm_fp16_nv_coopmat "not run: no NV coopmat on this device"
    fi
    kit_section_end
fi

if want gemm_peer; then
    kit_section gemm_peer "$B_GEMM_PEER"
    if [ -z "$TORCH" ]; then
        peer_skip peer_gemm
    else
        src=()
        for f in "$RESD"/gemm-fp32.json "$RESD"/gemm-fp16.json; do grep -qs '"M"' "$f" && src+=(--shapes-from "$f"); done
        # shellcheck disable=SC2054  # M,N,K is one argument
        [ ${#src[@]} -eq 0 ] && src=(--shape 64,64,64)
        kit_run peer_gemm "$RESD/peer-gemm.json" "$PY" "$REPO/tools/bench_gemm_torch.py" "${src[@]}" --device "$PEER_DEV" --json
    fi
    kit_section_end
fi

# ---- 4. oracle forward: each model size × dtype × batch
if want oracle; then
    kit_section oracle "$B_ORACLE"
    for m in $MODELS; do
        for dt in fp32 fp16; do
            for b in ${BATCHES//,/ }; do
                args=(bench oracle --batch "$b" --dtype "$dt" --runs "$ORACLE_RUNS" --json)
                [ -n "$(model_file "$m")" ] && args+=(--model "$(model_file "$m")")
                kit_run "oracle_${m}_${dt}_b$b" "$RESD/oracle-$m-$dt-b$b.json" "$EQVK" "${args[@]}"
            done
        done
    done
    kit_section_end
fi

if want oracle_peer; then
    kit_section oracle_peer "$B_ORACLE_PEER"
    for m in $MODELS; do
        for dt in fp32 fp16; do
            if [ -z "$TORCH" ]; then
                peer_skip "peer_oracle_${m}_$dt"
            elif [ "$dt" = fp16 ] && [ "$PEER_DEV" != cuda ]; then
                kit_status "peer_oracle_${m}_$dt" "peer not run: fp16 autocast needs CUDA"
            else
                kit_run "peer_oracle_${m}_$dt" "$RESD/peer-oracle-$m-$dt.json" "$PY" "$REPO/tools/bench_oracle_torch.py" \
                    --dims "$(model_dims "$m")" --batches "$BATCHES" --runs "$ORACLE_RUNS" --device "$PEER_DEV" --dtype "$dt" --json
            fi
        done
    done
    kit_section_end
fi

# ---- 5. the E[Q] pipeline: the seeds' setting for every size first, then the large ones (the likeliest to be cut)
if want eq; then
    kit_section eq "$B_EQ"
    for first in yes no; do
        for m in $MODELS; do
            read -r -a settings <<<"$(eq_settings "$m")"
            if [ "$first" = yes ]; then settings=("${settings[0]}"); else settings=("${settings[@]:1}"); fi
            for gw in "${settings[@]}"; do
                args=(bench eq --games "${gw%x*}" --worlds "${gw#*x}" --json)
                [ -n "$(model_file "$m")" ] && args+=(--model "$(model_file "$m")")
                kit_run "eq_${m}_$gw" "$RESD/eq-$m-$gw.json" "$EQVK" "${args[@]}"
            done
        done
    done
    kit_section_end
fi

# ---- 6. Crystal Forge's own pipeline at the first (the seeds') setting, per model size
if want forge; then
    kit_section forge "$B_FORGE"
    for m in $MODELS; do
        gw=$(eq_settings "$m")
        gw=${gw%% *}
        if [ -z "$TORCH" ]; then
            peer_skip "forge_${m}_$gw"
        elif [ ! -f "$FORGE/forge/eq/generate/pipeline.py" ]; then
            kit_status "forge_${m}_$gw" "peer not run: no Forge checkout at $FORGE"
        else
            warm=4
            [ "$MODE" = smoke ] && warm=1
            kit_run "forge_${m}_$gw" "$RESD/forge-$m-$gw.json" "$PY" "$REPO/tools/bench_forge_peer.py" --forge "$FORGE" \
                --games "${gw%x*}" --worlds "${gw#*x}" --dims "$(model_dims "$m")" --device "$PEER_DEV" --warmup-games "$warm" --json
        fi
    done
    kit_section_end
fi

# ---- tables and the files that go back (at most 8: tables.md, bench.log, results.tgz)
echo "== tables ($(($(kit_now) - KIT_T0)) s since the start)"
"$PY" "$REPO/tools/device/tables.py" bench "$RESD" >"$OUTDIR/tables.md" || python3 "$REPO/tools/device/tables.py" bench "$RESD" >"$OUTDIR/tables.md"
tar -C "$(dirname "$RESD")" -czf "$OUTDIR/results.tgz" results
echo "wrote $OUTDIR/tables.md, $OUTDIR/results.tgz, $OUTDIR/bench.log; $(($(kit_now) - KIT_T0)) s in all"
