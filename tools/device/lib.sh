# shellcheck shell=bash disable=SC2034  # sets variables of the scripts that source it
# Shared pieces of the device kit's scripts (tools/device/bench.sh, train.sh); sourced, not run.
# Time budgets: the whole call has a deadline (KIT_DEADLINE, epoch seconds); each section gets its own budget
# plus whatever earlier sections left unused, never past the call's deadline. Every item a section runs is
# recorded in $RES/status.tsv as "item<TAB>status<TAB>seconds", status one of: ok, failed (rc N),
# not run: time, cut off: time, not run: <reason>. tools/device/tables.py turns that and the JSON files into
# tables.md.

kit_now() { date +%s; }

# kit_init RESULTS_DIR BUDGET_SECONDS: starts the clock and the status file.
kit_init() {
    RES=$1
    mkdir -p "$RES"
    : >"$RES/status.tsv"
    KIT_T0=$(kit_now)
    KIT_DEADLINE=$((KIT_T0 + $2))
    KIT_SLACK=0
}

# kit_section NAME BUDGET: the section's deadline = now + BUDGET + slack, capped by the call's deadline.
kit_section() {
    KIT_SECTION=$1
    local now
    now=$(kit_now)
    KIT_SEC_START=$now
    KIT_SEC_BUDGET=$(($2 + KIT_SLACK))
    KIT_SEC_DEADLINE=$((now + KIT_SEC_BUDGET))
    [ "$KIT_SEC_DEADLINE" -gt "$KIT_DEADLINE" ] && KIT_SEC_DEADLINE=$KIT_DEADLINE
    echo "== section $1: $((KIT_SEC_DEADLINE - now)) s (budget $2 s + $KIT_SLACK s left over), $((KIT_DEADLINE - now)) s left in the call"
}

# kit_section_end: unused time of this section goes to the next one.
kit_section_end() {
    local now
    now=$(kit_now)
    KIT_SLACK=$((KIT_SEC_DEADLINE - now))
    [ "$KIT_SLACK" -lt 0 ] && KIT_SLACK=0
    echo "== section $KIT_SECTION done in $((now - KIT_SEC_START)) s"
}

kit_left() {
    local l=$((KIT_SEC_DEADLINE - $(kit_now)))
    [ "$l" -lt 0 ] && l=0
    echo "$l"
}

kit_status() { # kit_status ITEM STATUS [SECONDS]
    printf '%s\t%s\t%s\n' "$1" "$2" "${3:-0}" >>"$RES/status.tsv"
    echo "   $1: $2${3:+ (${3} s)}"
}

# kit_run ITEM OUTFILE CMD...: runs CMD with stdout to OUTFILE (stderr to the log), killed at the section's
# deadline. Returns CMD's exit code (124 when cut off). A run that starts with < 2 s left is not started.
kit_run() {
    local item=$1 out=$2
    shift 2
    local left
    left=$(kit_left)
    if [ "$left" -lt 2 ]; then
        kit_status "$item" "not run: time"
        return 124
    fi
    echo "-- $item: $* (limit ${left} s)"
    local t0 rc
    t0=$(kit_now)
    timeout -k 5 "$left" "$@" >"$out" 2> >(sed "s/^/   [$item] /" >&2)
    rc=$?
    local secs=$(($(kit_now) - t0))
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
        kit_status "$item" "cut off: time" "$secs"
        rc=124
    elif [ "$rc" -ne 0 ]; then
        kit_status "$item" "failed (rc $rc)" "$secs"
    else
        kit_status "$item" "ok" "$secs"
    fi
    return "$rc"
}

# kit_opt "$@": the options every kit script takes (--local, --smoke, --kit DIR, --out DIR, --python PY,
# --budget S) set MODE, KIT, OUTDIR, PY, BUDGET; KIT_USED = the words it used (0: not one of these).
kit_opt() {
    KIT_USED=1
    case $1 in
    --local) MODE=local ;;
    --smoke) MODE=smoke ;;
    --kit | --out | --python | --budget)
        [ $# -ge 2 ] || { echo "$(basename "$0"): $1 needs a value" >&2; exit 2; }
        case $1 in
        --kit) KIT=$2 ;;
        --out) OUTDIR=$2 ;;
        --python) PY=$2 ;;
        --budget)
            case $2 in '' | *[!0-9]*) echo "$(basename "$0"): --budget $2: want whole seconds" >&2; exit 2 ;; esac
            BUDGET=$2 ;;
        esac
        KIT_USED=2 ;;
    *) KIT_USED=0 ;;
    esac
}

# kit_machine FILE [KIT]: what the tables' header says about the run (mode, budget, date, commit, torch, CPU,
# GPU); needs MODE, BUDGET, TORCH, REPO.
kit_machine() {
    {
        echo "mode=$MODE"
        echo "budget=$BUDGET"
        echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
        echo "commit=$(git -C "$REPO" rev-parse --short=12 HEAD 2>/dev/null || cat "${2:-/nonexistent}/COMMIT" 2>/dev/null || echo unknown)"
        echo "torch=${TORCH:-missing}"
        echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //') x $(nproc)"
        command -v nvidia-smi >/dev/null &&
            echo "nvidia_smi=$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | head -1)"
    } >"$1"
}

# kit_torch PY: "cuda 2.11.0" / "cpu 1.13.0" when PY imports torch, else empty.
kit_torch() { "$1" -c 'import torch; print("cuda" if torch.cuda.is_available() else "cpu", torch.__version__)' 2>/dev/null; }
