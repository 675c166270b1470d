#!/usr/bin/env bash
# The command line as a user meets it: exit codes and one-line messages.
# Usage: test_cli.sh path/to/eqvk. Prints "N passed, M failed" and exits non-zero on any failure.
set -u
EQVK=$(realpath "$1")
pass=0 fail=0
expect() {  # expect <name> <exit code> <regex for stdout+stderr> -- command...
    local name=$1 code=$2 pattern=$3
    shift 4
    local out rc
    out=$("$@" 2>&1)
    rc=$?
    if [ "$rc" -eq "$code" ] && grep -Eq -- "$pattern" <<<"$out"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL $name: exit $rc (want $code), output:"
        echo "$out" | head -20
    fi
}
expect "devices lists a device" 0 "usable +: yes" -- "$EQVK" devices
expect "devices --json" 0 '"devices": \[' -- "$EQVK" devices --json
expect "no command opens the device" 0 "device 0: " -- "$EQVK"
expect "--device 7 is a clear input error" 2 "^eqvk: --device 7: no such device" -- "$EQVK" --device 7
expect "--device by name that matches nothing" 2 "no device name contains it" -- "$EQVK" --device no-such-gpu devices
expect "no driver: clear message, exit 3" 3 "^eqvk: no Vulkan device found" -- env VK_ICD_FILENAMES=/nonexistent.json VK_DRIVER_FILES=/nonexistent.json "$EQVK" devices
expect "unknown option" 2 "bogus" -- "$EQVK" --bogus
expect "validation on, no messages" 0 "device 0: " -- env EQVK_VALIDATION=1 "$EQVK"
expect "bench gemm needs a shape" 2 "give --m, --n and --k" -- "$EQVK" bench gemm
expect "bench gemm unknown suite" 2 "unknown suite" -- "$EQVK" bench gemm --suite nope
expect "bench needs a subcommand" 2 "" -- "$EQVK" bench
expect "EQVK_GEMM_TILE typo is an input error" 2 "no usable tile 'huge'" -- env EQVK_GEMM_TILE=huge "$EQVK" bench gemm --m 16 --n 16 --k 16 --auto-only
expect "bench gemm one shape, JSON" 0 '"gflops"' -- "$EQVK" bench gemm --m 40 --n 24 --k 16 --auto-only --json
GOLD=$(dirname "$0")/../data/golden
TMPD=$(mktemp -d)
trap 'rm -rf "$TMPD"' EXIT
expect "forward on golden inputs" 0 "forward: 32 worlds" -- "$EQVK" forward --model "$GOLD/tiny_e24_h2_l1_f32.model.safetensors" --input "$GOLD/tiny_e24_h2_l1_f32.io.safetensors" --out "$TMPD/out.safetensors" --capacity 10
expect "forward: inputs without tokens name the tensor" 2 "tensor 'tokens' is missing" -- "$EQVK" forward --model "$GOLD/tiny_e24_h2_l1_f32.model.safetensors" --input "$GOLD/tiny_e24_h2_l1_f32.model.safetensors" --out "$TMPD/bad.safetensors"
expect "forward: a model file that is not one" 2 "" -- "$EQVK" forward --model "$GOLD/tiny_e24_h2_l1_f32.io.safetensors" --input "$GOLD/tiny_e24_h2_l1_f32.io.safetensors" --out "$TMPD/bad.safetensors"
expect "bench oracle, tiny model, JSON" 0 '"worlds_per_s"' -- "$EQVK" bench oracle --model "$GOLD/tiny_e24_h2_l1_f32.model.safetensors" --batch 8 --runs 1 --json
expect "bench eq, tiny model, JSON" 0 '"worlds_per_s"' -- "$EQVK" bench eq --model "$GOLD/tiny_e24_h2_l1_f32.model.safetensors" --games 2 --worlds 4 --json

expect "match: unknown baseline" 2 "--against" -- "$EQVK" match "$(cd "$(dirname "$0")/../.." && pwd)/config.toml" --against nobody
expect "match: tiny model, JSON" 0 '"eq_team_30_share"' -- "$EQVK" match "$(cd "$(dirname "$0")/../.." && pwd)/config.toml" --games 1 --against heuristic --set model.path="$GOLD/tiny_e24_h2_l1_f32.model.safetensors" --set sampling.worlds=2 --json

# eqvk run: bad config, a small run, resume after --shard and after Ctrl-C, shards readable by numpy.
CONFIG=$(cd "$(dirname "$0")/../.." && pwd)/config.toml
SMALL=(--set games.count=4 --set sampling.worlds=4 --set output.games_per_shard=1 --set output.dir=out)
expect "run: unknown key names the key" 2 "sampling.wrlds: unknown key" -- "$EQVK" run "$CONFIG" --set sampling.wrlds=3
expect "run: bad declaration names the key" 2 "games.decl" -- "$EQVK" run "$CONFIG" --set games.decl=sevens
expect "run: missing config" 2 "cannot read config" -- "$EQVK" run "$TMPD/none.toml"
mkdir -p "$TMPD/full" "$TMPD/resume" "$TMPD/int"
expect "run: small run" 0 "games 4 .*worlds evaluated 448" -- bash -c "cd '$TMPD/full' && '$EQVK' run '$CONFIG' ${SMALL[*]}"
expect "run: re-run skips finished shards" 0 "nothing to do" -- bash -c "cd '$TMPD/full' && '$EQVK' run '$CONFIG' ${SMALL[*]}"
expect "run: --shard 1/2 writes only its shards" 0 "games 2 " -- bash -c "cd '$TMPD/resume' && '$EQVK' run '$CONFIG' ${SMALL[*]} --shard 1/2"
expect "run: the rest resumes" 0 "games 2 " -- bash -c "cd '$TMPD/resume' && '$EQVK' run '$CONFIG' ${SMALL[*]}"
expect "run: resumed shards equal an uninterrupted run" 0 "" -- bash -c "cd '$TMPD' && cd full && for f in out/*; do cmp \"\$f\" \"../resume/\$f\" || exit 1; done; [ \$(ls ../resume/out | wc -l) -eq 4 ]"
# Ctrl-C once the first shard exists: exit 130, nothing partial, and the re-run completes identically.
( cd "$TMPD/int" && exec "$EQVK" run "$CONFIG" "${SMALL[@]}" >/dev/null 2>&1 ) &
pid=$!
for _ in $(seq 200); do [ -n "$(ls "$TMPD/int/out" 2>/dev/null)" ] && break; sleep 0.05; done
kill -INT $pid 2>/dev/null
wait $pid
rc=$?
expect "run: Ctrl-C exits 130 or finished before it" 0 "" -- bash -c "[ $rc -eq 130 ] || [ $rc -eq 0 ]"
expect "run: no temp files left" 0 "" -- bash -c "! ls '$TMPD/int/out' | grep -q tmp"
expect "run: after Ctrl-C the re-run completes" 0 "" -- bash -c "cd '$TMPD/int' && '$EQVK' run '$CONFIG' ${SMALL[*]}"
expect "run: interrupted + resumed shards equal an uninterrupted run" 0 "" -- bash -c "cd '$TMPD' && cd full && for f in out/*; do cmp \"\$f\" \"../int/\$f\" || exit 1; done"
if /usr/bin/python3 -c "import numpy" 2>/dev/null; then
  TOOLS=$(cd "$(dirname "$0")/../../tools" && pwd)
  expect "run: numpy reads a shard" 0 "e_q_mean \(1, 28, 7\)" -- /usr/bin/python3 -c "
import sys; sys.path.insert(0, '$TOOLS')
from to_forge_pt import read_safetensors
import glob, numpy as np
t, m = read_safetensors(sorted(glob.glob('$TMPD/full/out/*'))[0])
assert np.isfinite(t['e_q_mean']).all() and t['legal_mask'].any(axis=2).all()
assert (t['e_q_pdf'].sum(axis=3) > 0.999).all()
print('e_q_mean', t['e_q_mean'].shape)"
  if /usr/bin/python3 -c "import torch" 2>/dev/null; then
    expect "run: to_forge_pt writes Forge's per-seed files" 0 "1 .pt files written" -- /usr/bin/python3 "$TOOLS/to_forge_pt.py" "$(ls "$TMPD"/full/out/* | head -1)" --out "$TMPD/forge"
  fi
fi
MODEL=$(dirname "$0")/../../models/eqvk-oracle-e64.safetensors
expect "eval-oracle needs --model" 2 "model" -- "$EQVK" eval-oracle --seeds 950..950
expect "eval-oracle: unreadable model is an input error" 2 "nope.safetensors" -- "$EQVK" eval-oracle --model "$TMPD/nope.safetensors" --seeds 950..950
expect "eval-oracle: bad seed range" 2 "expected A..B" -- "$EQVK" eval-oracle --model "$MODEL" --seeds 9..3
expect "eval-oracle, shipped model, JSON" 0 '"q_gap"' -- "$EQVK" eval-oracle --model "$MODEL" --seeds 950..950 --states 20 --json
expect "eval-oracle --per-trick (JSON names the sampling)" 0 '"sampling": "per-trick"' -- "$EQVK" eval-oracle --model "$MODEL" --seeds 950..950 --states 14 --per-trick --json
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
