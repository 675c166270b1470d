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
