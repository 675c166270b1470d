#!/usr/bin/python3
"""The PyTorch peer of `eqvk bench oracle`: the same oracle forward (tools/make_golden.py's DominoTransformer,
random weights, E/H/L/F 256/8/6/512 unless told otherwise) on the same machine, timed as a median over runs, so
docs/benchmarks.md and docs/benchmarks-gpu.md can give eqvk/PyTorch as a ratio. Needs a python3 with torch and
numpy (here /usr/bin/python3 with Debian's python3-torch; on the H200 machine its python3, CUDA).

Usage: tools/bench_oracle_torch.py [--batch 64 | --batches 1024,4096,...] [--runs 5] [--threads N]
           [--dims 256,8,6,512] [--device cpu|cuda] [--dtype fp32|fp16] [--json]
GFLOP/s use eqvk's FLOP count of the forward (model::forward_flops: the last layer past attention on 8 rows per
world), so both tools' GFLOP/s are the same work divided by time; torch computes all 32 rows there (more work).
--dtype fp16 runs the fp32 model under torch.autocast(float16) (CUDA only), as Forge runs its oracle on a GPU.
On CUDA every timed forward ends with torch.cuda.synchronize(), so the time is the GPU's (plus launch latency).
Inputs: valid game-state rows from make_golden.make_inputs (at most 2,048 distinct rows, repeated up to the
batch: the forward's cost does not depend on the values). --json prints one object with a row per batch.
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_golden import build_model, make_inputs  # noqa: E402

DISTINCT_ROWS = 2048  # make_inputs is a Python loop (~2 ms a row); larger batches repeat these rows


def eqvk_flops(e, h, n_layers, f, worlds):
    """Mirror of model::forward_flops (src/model/forward.cpp)."""
    a, b = e // 6, e // 12
    d_in, t, r = 5 * a + 7 * b, 32, 8
    mac = t * d_in * e
    mac += (n_layers - 1) * (t * (3 * e * e + e * e + 2 * e * f) + 2 * t * t * e)
    mac += t * 3 * e * e + 2 * r * t * e + r * (e * e + 2 * e * f) + r * e
    return 2.0 * mac * worlds


def sync(device):
    if device == "cuda":
        torch.cuda.synchronize()


def time_batch(model, inputs, batch, runs, device, dtype):
    """Median seconds of `runs` forwards of `batch` worlds after one warm-up forward."""
    reps = (batch + len(inputs[0]) - 1) // len(inputs[0])
    tok, mask, actor = (x.repeat((reps,) + (1,) * (x.dim() - 1))[:batch].to(device) for x in inputs)
    times = []
    ctx = torch.autocast("cuda", dtype=torch.float16) if dtype == "fp16" else torch.autocast(device, enabled=False)
    with torch.inference_mode(), ctx:
        model(tok, mask, actor)  # warm-up
        sync(device)
        for _ in range(runs):
            t0 = time.perf_counter()
            model(tok, mask, actor)
            sync(device)
            times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--batches", help="comma-separated batch sizes (instead of --batch)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    ap.add_argument("--dims", default="256,8,6,512", help="E,H,L,F")
    ap.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    ap.add_argument("--dtype", default="fp32", choices=["fp32", "fp16"], help="fp16: autocast (CUDA only)")
    ap.add_argument("--json", action="store_true")
    o = ap.parse_args()
    if o.threads:
        torch.set_num_threads(o.threads)
    if o.device == "cuda" and not torch.cuda.is_available():
        sys.exit("--device cuda: torch sees no CUDA device")
    if o.dtype == "fp16" and o.device != "cuda":
        sys.exit("--dtype fp16 (autocast) needs --device cuda")
    batches = [int(b) for b in o.batches.split(",")] if o.batches else [o.batch]
    if min(batches) < 1:
        sys.exit("--batch/--batches: sizes must be >= 1")
    e, h, n_layers, f = (int(x) for x in o.dims.split(","))
    model = build_model(e, h, n_layers, f, "F32", seed=1).to(o.device)
    inp = make_inputs(min(max(batches), DISTINCT_ROWS), seed=42)
    inputs = (torch.from_numpy(inp["tokens"]).long(), torch.from_numpy(inp["mask"]).long(),
              torch.from_numpy(inp["actor"]).long())
    rows = []
    for b in batches:
        sec = time_batch(model, inputs, b, o.runs, o.device, o.dtype)
        rows.append({"batch": b, "median_ms": sec * 1e3, "worlds_per_s": b / sec,
                     "gflops_eqvk_count": eqvk_flops(e, h, n_layers, f, b) / sec / 1e9})
        if not o.json:
            r = rows[-1]
            print(f"torch {torch.__version__} ({o.device}, {torch.get_num_threads()} threads), {e}/{h}/{n_layers}/{f} "
                  f"{o.dtype}, batch {b}: {r['median_ms']:.2f} ms median of {o.runs}, {r['worlds_per_s']:.0f} "
                  f"worlds/s, {r['gflops_eqvk_count']:.1f} GFLOP/s (eqvk's FLOP count)", flush=True)
    res = {"torch": torch.__version__, "device": o.device,
           "device_name": torch.cuda.get_device_name() if o.device == "cuda" else "cpu",
           "threads": torch.get_num_threads(), "dims": [e, h, n_layers, f], "dtype": o.dtype, "runs": o.runs,
           "rows": rows}
    if len(rows) == 1:  # the single-batch fields of the first version of this tool
        res.update(batch=rows[0]["batch"], median_ms=rows[0]["median_ms"], worlds_per_s=rows[0]["worlds_per_s"],
                   gflops_eqvk_count=rows[0]["gflops_eqvk_count"])
    if o.json:
        print(json.dumps(res, indent=2))


if __name__ == "__main__":
    main()
