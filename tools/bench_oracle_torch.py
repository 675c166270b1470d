#!/usr/bin/python3
"""The PyTorch peer of `eqvk bench oracle`: the same oracle forward (tools/make_golden.py's DominoTransformer,
random weights, E/H/L/F 256/8/6/512 unless told otherwise) on the same CPU, timed as a median over runs, so
docs/benchmarks.md can give eqvk/PyTorch as a ratio on one machine. Needs Debian's python3-torch.

Usage: tools/bench_oracle_torch.py [--batch 64] [--runs 5] [--threads N] [--dims 256,8,6,512] [--json]
GFLOP/s use eqvk's FLOP count of the forward (model::forward_flops: the last layer past attention on 8 rows per
world), so both tools' GFLOP/s are the same work divided by time; torch computes all 32 rows there (more work).
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


def eqvk_flops(e, h, n_layers, f, worlds):
    """Mirror of model::forward_flops (src/model/forward.cpp)."""
    a, b = e // 6, e // 12
    d_in, t, r = 5 * a + 7 * b, 32, 8
    mac = t * d_in * e
    mac += (n_layers - 1) * (t * (3 * e * e + e * e + 2 * e * f) + 2 * t * t * e)
    mac += t * 3 * e * e + 2 * r * t * e + r * (e * e + 2 * e * f) + r * e
    return 2.0 * mac * worlds


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    ap.add_argument("--dims", default="256,8,6,512", help="E,H,L,F")
    ap.add_argument("--json", action="store_true")
    o = ap.parse_args()
    if o.threads:
        torch.set_num_threads(o.threads)
    e, h, n_layers, f = (int(x) for x in o.dims.split(","))
    model = build_model(e, h, n_layers, f, "F32", seed=1)
    inp = make_inputs(o.batch, seed=42)
    tokens = torch.from_numpy(inp["tokens"]).long()
    mask = torch.from_numpy(inp["mask"]).long()
    actor = torch.from_numpy(inp["actor"]).long()
    times = []
    with torch.inference_mode():
        model(tokens, mask, actor)  # warm-up
        for _ in range(o.runs):
            t0 = time.perf_counter()
            model(tokens, mask, actor)
            times.append(time.perf_counter() - t0)
    sec = statistics.median(times)
    flops = eqvk_flops(e, h, n_layers, f, o.batch)
    res = {"torch": torch.__version__, "threads": torch.get_num_threads(), "dims": [e, h, n_layers, f],
           "batch": o.batch, "runs": o.runs, "median_ms": sec * 1e3, "worlds_per_s": o.batch / sec,
           "gflops_eqvk_count": flops / sec / 1e9}
    if o.json:
        print(json.dumps(res, indent=2))
    else:
        print(f"torch {res['torch']} ({res['threads']} threads), {e}/{h}/{n_layers}/{f} fp32, batch {o.batch}: "
              f"{res['median_ms']:.1f} ms median of {o.runs}, {res['worlds_per_s']:.0f} worlds/s, "
              f"{res['gflops_eqvk_count']:.1f} GFLOP/s (eqvk's FLOP count)")


if __name__ == "__main__":
    main()
