#!/usr/bin/env bash
# The command line as a user meets it: exit codes and one-line messages.
# Usage: test_cli.sh path/to/eqvk. Prints "N passed, M failed" and exits non-zero on any failure.
set -u
EQVK=$1
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
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
