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
SMALL=(--set games.count=4 --set sampling.worlds=4 --set sampling.exact_max=0 --set output.games_per_shard=1 --set output.dir=out)
expect "run: unknown key names the key" 2 "sampling.wrlds: unknown key" -- "$EQVK" run "$CONFIG" --set sampling.wrlds=3
expect "run: bad declaration names the key" 2 "games.decl" -- "$EQVK" run "$CONFIG" --set games.decl=sevens
expect "run: missing config" 2 "cannot read config" -- "$EQVK" run "$TMPD/none.toml"
mkdir -p "$TMPD/full" "$TMPD/resume" "$TMPD/int"
expect "run: small run" 0 "games 4 .*worlds evaluated 448" -- bash -c "cd '$TMPD/full' && '$EQVK' run '$CONFIG' ${SMALL[*]}"
expect "run: re-run skips finished shards" 0 "nothing to do" -- bash -c "cd '$TMPD/full' && '$EQVK' run '$CONFIG' ${SMALL[*]}"
expect "run: --shard 1/2 writes only its shards" 0 "games 2 " -- bash -c "cd '$TMPD/resume' && '$EQVK' run '$CONFIG' ${SMALL[*]} --shard 1/2"
expect "run: the rest resumes" 0 "games 2 " -- bash -c "cd '$TMPD/resume' && '$EQVK' run '$CONFIG' ${SMALL[*]}"
expect "run: resumed shards equal an uninterrupted run" 0 "" -- bash -c "cd '$TMPD' && cd full && for f in out/shard-*; do cmp \"\$f\" \"../resume/\$f\" || exit 1; done; [ \$(ls ../resume/out | grep -c '^shard-') -eq 4 ]"
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
expect "run: interrupted + resumed shards equal an uninterrupted run" 0 "" -- bash -c "cd '$TMPD' && cd full && for f in out/shard-*; do cmp \"\$f\" \"../int/\$f\" || exit 1; done"
if /usr/bin/python3 -c "import numpy" 2>/dev/null; then
  TOOLS=$(cd "$(dirname "$0")/../../tools" && pwd)
  expect "run: numpy reads a shard" 0 "e_q_mean \(1, 28, 7\)" -- /usr/bin/python3 -c "
import sys; sys.path.insert(0, '$TOOLS')
from to_forge_pt import read_safetensors
import glob, numpy as np
t, m = read_safetensors(sorted(glob.glob('$TMPD/full/out/shard-*'))[0])
assert np.isfinite(t['e_q_mean']).all() and t['legal_mask'].any(axis=2).all()
assert (t['e_q_pdf'].sum(axis=3) > 0.999).all()
print('e_q_mean', t['e_q_mean'].shape)"
  if /usr/bin/python3 -c "import torch" 2>/dev/null; then
    expect "run: to_forge_pt writes Forge's per-seed files" 0 "1 .pt files written" -- /usr/bin/python3 "$TOOLS/to_forge_pt.py" "$(ls "$TMPD"/full/out/shard-* | head -1)" --out "$TMPD/forge"
  fi
  # Issue 15: adaptive sampling; every decision is exact, meets sem_target or stopped at max_worlds.
  ADAPTIVE=(--set sampling.mode="adaptive" --set games.count=2 --set output.games_per_shard=2 --set sampling.min_worlds=4 --set sampling.max_worlds=16 --set sampling.round_worlds=4 --set sampling.sem_target=2.5 --set sampling.exact_max=16 --set output.dir="$TMPD/adaptive")
  expect "run: adaptive sampling" 0 "" -- "$EQVK" run "$CONFIG" "${ADAPTIVE[@]}"
  expect "run: adaptive shards: every decision exact, converged or at max_worlds" 0 "adaptive ok" -- /usr/bin/python3 -c "
import sys; sys.path.insert(0, '$TOOLS')
from to_forge_pt import read_safetensors
import glob, numpy as np
t, m = read_safetensors(sorted(glob.glob('$TMPD/adaptive/shard-*'))[0])
n, ex, cv, wc = t['n_samples'], t['exact'], t['converged'], t['world_count']
worst = np.where(t['legal_mask'], t['e_q_sem'], 0).max(axis=2)
assert (ex == (wc <= 16)).all() and (n[ex] == wc[ex]).all()
assert (worst[cv & ~ex] <= 2.5).all() and (n[cv & ~ex] >= 4).all() and (n[cv & ~ex] % 4 == 0).all()
assert (n[~cv] == 16).all() and (cv | (n == 16)).all()
assert ex.any() and (cv & ~ex).any() and (~cv).any(), (ex.sum(), cv.sum(), n)
print('adaptive ok', ex.sum(), (cv & ~ex).sum(), (~cv).sum())"
  if /usr/bin/python3 -c "import torch" 2>/dev/null; then
    expect "run: to_forge_pt carries the adaptive columns and metadata" 0 "forge adaptive ok" -- bash -c "/usr/bin/python3 '$TOOLS/to_forge_pt.py' '$TMPD'/adaptive/shard-*.safetensors --out '$TMPD/forge-adaptive' && /usr/bin/python3 -c \"
import glob, torch
r = torch.load(sorted(glob.glob('$TMPD/forge-adaptive/*/seed_*.pt'))[0], weights_only=False)
m = r['metadata']
assert m['adaptive'] == {'enabled': True, 'min_samples': 4, 'max_samples': 16, 'batch_size': 4, 'sem_threshold': 2.5}, m['adaptive']
assert m['enumeration'] == {'enabled': True, 'threshold': 16}
assert r['converged'].dtype == torch.bool and r['exact'].any() and r['world_count'].dtype == torch.int64
assert r['e_q_sem'].shape == (28, 7) and r['n_samples'].dtype == torch.int32
print('forge adaptive ok')\""
  fi
fi

# Issue 14: one output directory, one configuration (docs/dataset.md).
cd "$TMPD/full" || exit 1
run() { "$EQVK" run "$CONFIG" "${SMALL[@]}" "$@"; }
expect "dataset verify: a complete run" 0 "4 of 4 shards intact \(4 games\), complete" -- "$EQVK" dataset verify out
expect "run: games_per_shard changed is refused, naming the key" 2 "output.games_per_shard: directory has 1, this run 2" -- run --set output.games_per_shard=2
expect "run: start_seed changed is refused" 2 "games.start_seed: directory has 0, this run 1" -- run --set games.start_seed=1
expect "run: worlds changed is refused" 2 "sampling.worlds: directory has 4, this run 5" -- run --set sampling.worlds=5
expect "run: another exploration policy is refused" 2 "policy.exploration: directory has none, this run mixed" -- run --set policy.exploration=mixed
expect "run: nothing was written by the refused runs" 0 "" -- bash -c "[ \$(ls out | grep -c safetensors) -eq 4 ]"
cp "$(dirname "$CONFIG")/models/eqvk-oracle-e64.safetensors" "$TMPD/copy-of-model.safetensors"
expect "run: the same model bytes under another path resume" 0 "nothing to do" -- run --set model.path="$TMPD/copy-of-model.safetensors"
expect "run: other model bytes are refused" 2 "model.content_hash" -- run --set model.path="$GOLD/tiny_e24_h2_l1_f32.model.safetensors"
SHARD1=out/shard-000000000001-1.safetensors
echo leftover >"$SHARD1.tmp.999999"
expect "run: a dead writer's temp file is removed" 0 "removed .*tmp.999999" -- run
expect "run: ... and is gone" 0 "" -- bash -c "! ls out | grep -q tmp"
cp -r out flipped
/usr/bin/python3 -c "import sys; p=sys.argv[1]; b=bytearray(open(p,'rb').read()); b[-200]^=1; open(p,'wb').write(b)" "flipped/shard-000000000001-1.safetensors"
expect "dataset verify: a flipped bit is caught" 1 "shard-000000000001-1.safetensors: checksum differs" -- "$EQVK" dataset verify flipped
rm flipped/shard-000000000002-1.safetensors
expect "dataset verify: a missing shard is listed" 1 "shard-000000000002-1.safetensors: missing" -- "$EQVK" dataset verify flipped
expect "dataset verify: not a directory" 2 "not a directory" -- "$EQVK" dataset verify "$CONFIG"
expect "dataset verify: no manifest" 2 "no eqvk-manifest.json" -- "$EQVK" dataset verify "$TMPD"
mkdir -p "$TMPD/part" && cd "$TMPD/part" || exit 1
expect "run: --shard 0/2 only" 0 "games 2 " -- run --shard 0/2
expect "dataset verify: names the --shard part that is missing" 1 "--shard 1/2: 2 shard\(s\) missing" -- "$EQVK" dataset verify out
cd "$TMPD/full" || exit 1

# Issue 16: exploration. A mixed-policy run writes the exploration columns; two runs are byte-identical; every
# move taken is legal and each dealt slot is played once (write_shard also replays every move through the rules).
mkdir -p "$TMPD/mix" && cd "$TMPD/mix" || exit 1
MIXED=(--set games.count=2 --set sampling.worlds=2 --set output.games_per_shard=2 --set policy.exploration="mixed" --set policy.epsilon=0.3 --set policy.blunder_rate=0.3 --set policy.blunder_max_regret=10)
expect "run: policy.exploration=mixed" 0 "games 2 " -- "$EQVK" run "$CONFIG" "${MIXED[@]}" --set output.dir=a
expect "run: a second mixed run" 0 "games 2 " -- "$EQVK" run "$CONFIG" "${MIXED[@]}" --set output.dir=b
expect "run: two mixed runs are byte-identical" 0 "" -- cmp a/shard-000000000000-2.safetensors b/shard-000000000000-2.safetensors
expect "run: exploration mode out of range" 2 "policy.exploration: \"greedy\" is not one of" -- "$EQVK" run "$CONFIG" "${MIXED[@]}" --set policy.exploration=greedy
if /usr/bin/python3 -c "import numpy" 2>/dev/null; then
  TOOLS=$(cd "$(dirname "$CONFIG")/tools" && pwd)
  expect "run: mixed shards replay legally, with the exploration columns" 0 "explored [1-9]" -- /usr/bin/python3 -c "
import sys; sys.path.insert(0, '$TOOLS')
from to_forge_pt import read_safetensors
import numpy as np
t, m = read_safetensors('a/shard-000000000000-2.safetensors')
a, g, mode, gap = t['action_taken'], t['greedy_action'], t['exploration_mode'], t['q_gap']
assert a.shape == g.shape == mode.shape == gap.shape == t['action_entropy'].shape == (2, 28)
assert np.take_along_axis(t['legal_mask'], a[..., None].astype(np.int64), 2).all()
assert np.take_along_axis(t['legal_mask'], g[..., None].astype(np.int64), 2).all()
for game in range(2):
    for p in range(4):
        slots = a[game][t['player'][game] == p]
        assert sorted(slots) == list(range(7)), slots
eq = t['e_q_mean']
want = np.take_along_axis(eq, g[..., None].astype(np.int64), 2) - np.take_along_axis(eq, a[..., None].astype(np.int64), 2)
assert np.array_equal(gap, want[..., 0]) and (gap[a == g] == 0).all() and set(np.unique(mode)) <= {0, 1, 2, 3}
assert ((mode == 0) <= (a == g)).all() and (t['action_entropy'] >= 0).all()
print('explored', int((mode > 0).sum()))"
fi
# Issue 16: posterior-weighted worlds with mixed exploration (the issue's "done when"): the ess and max_w columns,
# two runs byte-identical, legal replay; adaptive sampling and Forge's preset beside its keys are refused.
POST=("${MIXED[@]}" --set posterior.enabled=true)
expect "run: posterior.enabled=true with mixed exploration" 0 "games 2 " -- "$EQVK" run "$CONFIG" "${POST[@]}" --set output.dir=pa
expect "run: a second posterior run" 0 "posterior/" -- "$EQVK" run "$CONFIG" "${POST[@]}" --set output.dir=pb
expect "run: two posterior runs are byte-identical" 0 "" -- cmp pa/shard-000000000000-2.safetensors pb/shard-000000000000-2.safetensors
expect "run: posterior with adaptive sampling is refused" 2 "posterior.enabled = true needs sampling.mode = \"fixed\"" -- "$EQVK" run "$CONFIG" "${POST[@]}" --set sampling.mode=adaptive --set output.dir=pc
expect "run: posterior.compat=forge (Forge's window, tau, mix, all K plays scored)" 0 "games 2 " -- "$EQVK" run "$CONFIG" "${POST[@]}" --set posterior.compat=forge --set output.dir=pf
expect "run: ... its shard records the preset" 0 "" -- /usr/bin/python3 -c "
import json, struct, sys
b = open('pf/shard-000000000000-2.safetensors', 'rb').read()
c = json.loads(b[8:8 + struct.unpack('<Q', b[:8])[0]])['__metadata__']['config']
assert \"compat = 'forge'\" in c and \"score = 'all'\" in c and 'window = 4' in c, c"
expect "run: posterior.compat=forge beside posterior.window is refused" 2 "posterior.window is set by posterior.compat = \"forge\"" -- "$EQVK" run "$CONFIG" "${POST[@]}" --set posterior.compat=forge --set posterior.window=3 --set output.dir=pc
if /usr/bin/python3 -c "import numpy" 2>/dev/null; then
  expect "run: posterior shards replay legally, with ess and max_w" 0 "weighted [1-9]" -- /usr/bin/python3 -c "
import sys; sys.path.insert(0, '$TOOLS')
from to_forge_pt import read_safetensors
import numpy as np
t, m = read_safetensors('pa/shard-000000000000-2.safetensors')
a, ess, mw, n = t['action_taken'], t['ess'], t['max_w'], t['n_samples']
assert ess.shape == mw.shape == (2, 28) and ess.dtype == mw.dtype == np.float32
assert np.take_along_axis(t['legal_mask'], a[..., None].astype(np.int64), 2).all()
for game in range(2):
    for p in range(4):
        assert sorted(a[game][t['player'][game] == p]) == list(range(7))
assert (ess >= 1 - 1e-5).all() and (ess <= n * (1 + 1e-5)).all() and (mw * n >= 1 - 1e-5).all() and (mw <= 1 + 1e-6).all()
assert np.allclose(ess[:, 0], n[:, 0]) and np.allclose(t['e_q_pdf'].sum(-1), 1, atol=1e-4)
assert 'enabled = true' in m['config']
print('weighted', int((ess < n - 0.01).sum()))"
  if /usr/bin/python3 -c "import torch" 2>/dev/null; then
    expect "run: to_forge_pt carries ess, max_w and metadata.posterior" 0 "forge posterior ok" -- bash -c "/usr/bin/python3 '$TOOLS/to_forge_pt.py' pa/shard-000000000000-2.safetensors --out '$TMPD/forge-post' && /usr/bin/python3 -c \"
import glob, torch
r = torch.load(sorted(glob.glob('$TMPD/forge-post/*/seed_*.pt'))[0], weights_only=False)
assert r['metadata']['posterior'] == {'enabled': True, 'window_k': 4, 'tau': 0.1, 'uniform_mix': 0.1, 'score': 'opponents'}, r['metadata']['posterior']
assert r['ess'].shape == (28,) and (r['ess'] >= 1 - 1e-5).all() and (r['max_w'] > 0).all()
print('forge posterior ok')\""
  fi
fi
cd "$TMPD/full" || exit 1

# Issue 14 item 4: a directory where a file belongs; item 8: unwritable outputs, before any work.
expect "run: a directory as the config is an input error" 2 "cannot read config .*is a directory" -- "$EQVK" run "$TMPD"
expect "run: a directory as model.path" 2 "model.path: cannot read .*is a directory" -- run --set model.path="$TMPD" --set output.dir=other
expect "forward: a directory as --model" 2 "is a directory" -- "$EQVK" forward --model "$TMPD" --input "$GOLD/tiny_e24_h2_l1_f32.io.safetensors" --out "$TMPD/o.safetensors"
expect "forward: a directory as --input" 2 "is a directory" -- "$EQVK" forward --model "$GOLD/tiny_e24_h2_l1_f32.model.safetensors" --input "$TMPD" --out "$TMPD/o.safetensors"
expect "run: output.dir is a file" 2 "output.dir: cannot write into .*is not a directory" -- run --set output.dir="$CONFIG"
expect "run: output.dir not permitted" 2 "output.dir: cannot write into /sys/eqvk-out" -- run --set output.dir=/sys/eqvk-out
expect "solve --out into a missing directory" 2 "--out: cannot write into $TMPD/missing" -- "$EQVK" solve --seed 1 --states 5 --out "$TMPD/missing/x.safetensors"
expect "solve --out a directory" 2 "is a directory" -- "$EQVK" solve --seed 1 --states 5 --out "$TMPD"
expect "forward --out into a missing directory" 2 "--out: cannot write into" -- "$EQVK" forward --model "$GOLD/tiny_e24_h2_l1_f32.model.safetensors" --input "$GOLD/tiny_e24_h2_l1_f32.io.safetensors" --out "$TMPD/missing/o.safetensors"

# Issue 14 item 3: concurrent runs. Another configuration is refused while the first one runs; the same
# configuration shares the work (shards held by one run are skipped by the other) and the union is whole.
mkdir -p "$TMPD/conc" && cd "$TMPD/conc" || exit 1
( exec "$EQVK" run "$CONFIG" "${SMALL[@]}" >a.log 2>&1 ) &
pid=$!
for _ in $(seq 200); do [ -e out/eqvk-manifest.json ] && break; sleep 0.05; done
expect "run: a concurrent run of another configuration is refused" 2 "sampling.worlds: directory has 4, this run 6" -- run --set sampling.worlds=6
expect "run: a concurrent run of the same configuration succeeds" 0 "" -- run
wait $pid
rc=$?
expect "run: ... and so does the first" 0 "" -- bash -c "[ $rc -eq 0 ]"
expect "dataset verify: the two runs' union is complete" 0 "complete" -- "$EQVK" dataset verify out
expect "run: the two runs' union equals a single run" 0 "" -- bash -c "for f in ../full/out/shard-*; do cmp \"\$f\" \"out/\$(basename \"\$f\")\" || exit 1; done"
cd "$TMPD/full" || exit 1

# Issue 14 deliverable 5: --shard auto from Slurm job arrays and Kubernetes Indexed Jobs.
NOENV=(env -u SLURM_ARRAY_TASK_ID -u SLURM_ARRAY_TASK_MIN -u SLURM_ARRAY_TASK_MAX -u SLURM_ARRAY_TASK_COUNT -u SLURM_ARRAY_TASK_STEP -u JOB_COMPLETION_INDEX)
SLURM1=("${NOENV[@]}" SLURM_ARRAY_TASK_ID=11 SLURM_ARRAY_TASK_MIN=10 SLURM_ARRAY_TASK_MAX=11 SLURM_ARRAY_TASK_COUNT=2)
expect "--shard auto outside a job array" 2 "neither SLURM_ARRAY_TASK_ID .* nor JOB_COMPLETION_INDEX" -- "${NOENV[@]}" "$EQVK" run "$CONFIG" "${SMALL[@]}" --shard auto
expect "--shard auto/0" 2 "expected auto or auto/N" -- "${NOENV[@]}" "$EQVK" run "$CONFIG" "${SMALL[@]}" --shard auto/0
expect "--shard auto: a Slurm array that is not contiguous" 2 "must be contiguous" -- "${NOENV[@]}" SLURM_ARRAY_TASK_ID=2 SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_MAX=4 SLURM_ARRAY_TASK_COUNT=3 "$EQVK" run "$CONFIG" "${SMALL[@]}" --shard auto
expect "--shard auto: SLURM_ARRAY_TASK_COUNT missing" 2 "SLURM_ARRAY_TASK_COUNT is not set" -- "${NOENV[@]}" SLURM_ARRAY_TASK_ID=0 SLURM_ARRAY_TASK_MIN=0 "$EQVK" run "$CONFIG" "${SMALL[@]}" --shard auto
expect "--shard auto/3 in a 2-task Slurm array" 2 "SLURM_ARRAY_TASK_COUNT=2 tasks, not 3" -- "${SLURM1[@]}" "$EQVK" run "$CONFIG" "${SMALL[@]}" --shard auto/3
expect "--shard auto: an Indexed Job needs auto/N" 2 "give --shard auto/N" -- "${NOENV[@]}" JOB_COMPLETION_INDEX=0 "$EQVK" run "$CONFIG" "${SMALL[@]}" --shard auto
expect "--shard auto: index beyond N" 2 "JOB_COMPLETION_INDEX=2 is not below 2" -- "${NOENV[@]}" JOB_COMPLETION_INDEX=2 "$EQVK" run "$CONFIG" "${SMALL[@]}" --shard auto/2
mkdir -p "$TMPD/auto" && cd "$TMPD/auto" || exit 1
expect "--shard auto: Slurm task 11 of 10..11 is part 1/2" 0 "part 1/2" -- "${SLURM1[@]}" "$EQVK" run "$CONFIG" "${SMALL[@]}" --shard auto
expect "--shard auto/2: Indexed Job index 0 is part 0/2" 0 "part 0/2" -- "${NOENV[@]}" JOB_COMPLETION_INDEX=0 "$EQVK" run "$CONFIG" "${SMALL[@]}" --shard auto/2
expect "--shard auto: the two parts equal a single run" 0 "complete" -- bash -c "for f in ../full/out/shard-*; do cmp \"\$f\" \"out/\$(basename \"\$f\")\" || exit 1; done && '$EQVK' dataset verify out"
cd "$TMPD/full" || exit 1

# Issue 14 item 5: SIGTERM stops like Ctrl-C (exit 130, nothing partial), and a re-run completes.
mkdir -p "$TMPD/term" && cd "$TMPD/term" || exit 1
( exec "$EQVK" run "$CONFIG" "${SMALL[@]}" >term.log 2>&1 ) &
pid=$!
for _ in $(seq 400); do grep -q "shard(s) to write" term.log 2>/dev/null && break; sleep 0.05; done
kill -TERM $pid 2>/dev/null
wait $pid
rc=$?
expect "run: SIGTERM exits 130 (or the run finished first)" 0 "" -- bash -c "[ $rc -eq 130 ] || { [ $rc -eq 0 ] && ! grep -q stopping term.log; }"
expect "run: after SIGTERM the re-run completes and verifies" 0 "complete" -- bash -c "'$EQVK' run '$CONFIG' ${SMALL[*]} >/dev/null 2>&1 && '$EQVK' dataset verify out"
cd "$TMPD" || exit 1
MODEL=$(dirname "$0")/../../models/eqvk-oracle-e64.safetensors
expect "eval-oracle defaults to the embedded model" 0 "model embedded:eqvk-oracle-e64" -- "$EQVK" eval-oracle --seeds 950..950 --states 5
expect "eval-oracle: unreadable model is an input error" 2 "nope.safetensors" -- "$EQVK" eval-oracle --model "$TMPD/nope.safetensors" --seeds 950..950
expect "eval-oracle: bad seed range" 2 "expected A..B" -- "$EQVK" eval-oracle --model "$MODEL" --seeds 9..3
expect "eval-oracle, shipped model, JSON" 0 '"q_gap"' -- "$EQVK" eval-oracle --model "$MODEL" --seeds 950..950 --states 20 --json
expect "eval-oracle --per-trick (JSON names the sampling)" 0 '"sampling": "per-trick"' -- "$EQVK" eval-oracle --model "$MODEL" --seeds 950..950 --states 14 --per-trick --json

# Issue 14, item 1: models that overflow (fp16: the FFN weights x 1000; fp32: weights near 3e38) stop
# with exit 6 naming the game and decision, and write nothing.
TINY="$GOLD/tiny_e24_h2_l1_f32.model.safetensors"
python3 "$(dirname "$0")/../../tools/scale_model.py" "$TINY" "$TMPD/ffn1000.safetensors" linear --times 1000
python3 "$(dirname "$0")/../../tools/scale_model.py" "$TINY" "$TMPD/huge.safetensors" linear1.weight --set 3e38
mkdir -p "$TMPD/nan16" "$TMPD/nan32"
NAN=(--set games.count=2 --set sampling.worlds=2 --set output.games_per_shard=1 --set output.dir=out)
expect "run: fp16 overflow stops with exit 6, names game, decision and fp32" 6 "non-finite label in game seed 0, decision 0: .*overflows fp16 activations.*model.precision=fp32" -- bash -c "cd '$TMPD/nan16' && '$EQVK' run '$CONFIG' ${NAN[*]} --set model.path='$TMPD/ffn1000.safetensors' --set model.precision=fp16"
expect "run: no shard after the fp16 overflow" 0 "" -- bash -c "[ -z \"\$(ls '$TMPD/nan16/out'/*.safetensors 2>/dev/null)\" ]"
expect "run: the same model in fp32 runs" 0 "games 2 " -- bash -c "cd '$TMPD/nan16' && '$EQVK' run '$CONFIG' ${NAN[*]} --set output.dir=out32 --set model.path='$TMPD/ffn1000.safetensors' --set model.precision=fp32"
expect "run: fp32 overflow stops with exit 6" 6 "non-finite label in game seed 0, decision 0: .*overflow fp32" -- bash -c "cd '$TMPD/nan32' && '$EQVK' run '$CONFIG' ${NAN[*]} --set model.path='$TMPD/huge.safetensors' --set model.precision=fp32"
expect "run: no shard after the fp32 overflow" 0 "" -- bash -c "[ -z \"\$(ls '$TMPD/nan32/out'/*.safetensors 2>/dev/null)\" ]"
expect "forward: fp16 overflow is refused, nothing written" 6 "non-finite oracle output: .* row 0; .*overflows fp16.*--dtype fp32" -- "$EQVK" forward --model "$TMPD/ffn1000.safetensors" --input "$GOLD/tiny_e24_h2_l1_f32.io.safetensors" --out "$TMPD/nan.safetensors" --dtype fp16
expect "forward: no output file after the refusal" 0 "" -- bash -c "[ ! -e '$TMPD/nan.safetensors' ]"
expect "eval-oracle: fp32 overflow is refused" 6 "non-finite oracle output: seed 950 .*overflow fp32" -- "$EQVK" eval-oracle --model "$TMPD/huge.safetensors" --seeds 950..950 --states 5

# Issue 14, item 7: numbers never wrap; trailing garbage is refused (exit 2, one line).
expect "solve --seeds 0..-1" 2 "^eqvk: --seeds '0..-1': expected A..B" -- "$EQVK" solve --seeds 0..-1 --out "$TMPD/s"
expect "solve --seeds B<A" 2 "expected A..B with 0 <= A <= B" -- "$EQVK" solve --seeds 5..3 --out "$TMPD/s"
expect "solve --seeds trailing garbage" 2 "'1..2x'" -- "$EQVK" solve --seeds 1..2x --out "$TMPD/s"
expect "eval-oracle --seeds 0..-1" 2 "'0..-1'" -- "$EQVK" eval-oracle --seeds 0..-1 --states 1
expect "solve --states -5" 2 "--states: '-5': expected an integer" -- "$EQVK" solve --seed 1 --states -5 --out "$TMPD/s.safetensors"
expect "solve --seed -1" 2 "--seed: '-1': expected an integer" -- "$EQVK" solve --seed -1 --out "$TMPD/s.safetensors"
expect "solve --seed 0x10 (hex is not decimal)" 2 "'0x10'" -- "$EQVK" solve --seed 0x10 --out "$TMPD/s.safetensors"
expect "eval-oracle --states 3x" 2 "'3x'" -- "$EQVK" eval-oracle --seeds 1..1 --states 3x
expect "run --shard 1/-3" 2 "^eqvk: --shard '1/-3': expected i/n" -- "$EQVK" run "$CONFIG" --shard 1/-3
expect "run --shard 0/1x" 2 "--shard '0/1x'" -- "$EQVK" run "$CONFIG" --shard 0/1x
expect "run --shard 3/3" 2 "--shard '3/3'" -- "$EQVK" run "$CONFIG" --shard 3/3
expect "run: game seeds past 2^63 - 1" 2 "games.start_seed 9223372036854775807 \+ games.count 2" -- "$EQVK" run "$CONFIG" --set games.start_seed=9223372036854775807 --set games.count=2
expect "parse errors are one line" 0 "" -- bash -c "[ \$('$EQVK' --bogus 2>&1 | wc -l) -eq 1 ] && [ \$('$EQVK' solve --seed -1 --out x 2>&1 | wc -l) -eq 1 ]"

# Issue 14, item 6: device.memory_budget_mb covers the oracle too; too small or too large fails before any work.
expect "budget below 16 MiB is refused at parse" 2 "device.memory_budget_mb: 1 MiB is below the 16 MiB minimum" -- "$EQVK" run "$CONFIG" --set device.memory_budget_mb=1
expect "budget too small for one chunk" 2 "device.memory_budget_mb: 16 MiB is too small: 1 game\(s\) per batch with 1024 of the 65536 worlds" -- "$EQVK" run "$CONFIG" --set device.memory_budget_mb=16 --set sampling.worlds=65536 --set output.dir="$TMPD/budget"
expect "budget beyond the device" 2 "device.memory_budget_mb = 4194304 is more than" -- "$EQVK" run "$CONFIG" --set device.memory_budget_mb=4194304 --set output.dir="$TMPD/budget"
expect "nothing written by the refused budgets" 0 "" -- bash -c "[ ! -e '$TMPD/budget' ]"

# Issue 14, item 9: --device after the subcommand, refused by the CPU-only commands, device.select named.
expect "--device after the subcommand" 0 "usable +: yes" -- "$EQVK" devices --device 0
expect "--device after run's arguments is honoured" 2 "^eqvk: --device 7: no such device" -- "$EQVK" run "$CONFIG" --device 7
expect "--device 7 devices fails" 2 "^eqvk: --device 7: no such device" -- "$EQVK" --device 7 devices
expect "--device 7 devices prints no list" 0 "" -- bash -c "! '$EQVK' --device 7 devices 2>&1 | grep -q 'usable'"
expect "solve refuses --device" 2 "eqvk solve runs on the CPU" -- "$EQVK" solve --seed 1 --states 1 --out "$TMPD/d.safetensors" --device 0
expect "device.select errors name the key" 2 "^eqvk: device.select 7: no such device" -- "$EQVK" run "$CONFIG" --set device.select=7

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
