#!/usr/bin/python3
"""The PyTorch (cuBLAS on CUDA, the CPU BLAS otherwise) peer of `eqvk bench gemm`: the same shapes and the same
epilogue, C = A·Wᵀ + bias (torch.nn.functional.linear), in fp32, TF32 and fp16, so the device kit can give
eqvk/peer GFLOP/s per shape. Needs a python3 with torch (here /usr/bin/python3 with Debian's python3-torch; on
the H200 machine its python3, CUDA).

Usage: tools/bench_gemm_torch.py --shapes-from EQVK_BENCH_GEMM.json [--shapes-from ...] | --shape M,N,K ...
           [--device cpu|cuda] [--modes fp32,tf32,fp16] [--runs 20] [--json]
  e.g. build/eqvk bench gemm --suite oracle --json > g.json && tools/bench_gemm_torch.py --shapes-from g.json

Method, as eqvk's (src/kernels/bench.cpp): per shape 3 input sets of A [M,K] and W [N,K] rotated so caches do
not flatter, one bias [N], one warm-up call per set, then `runs` timed calls, median; GFLOP/s = 2·M·N·K / time.
On CUDA each call is timed with CUDA events around it. Modes: fp32 (TF32 off: full-precision FP32 arithmetic),
tf32 (fp32 storage, TF32 tensor-core arithmetic: torch.backends.cuda.matmul.allow_tf32), fp16 (fp16 storage,
fp32 accumulation, as eqvk's fp16). tf32 and fp16 are CUDA-only; on the CPU they are reported as not run.
A shape whose buffers do not fit (out of memory) is reported as not run with the reason.
"""
import argparse
import json
import statistics
import sys
import time

import torch


def parse_shapes(o):
    shapes = []
    for path in o.shapes_from or []:
        with open(path) as f:
            res = json.load(f)
        for r in res.get("results", []):
            s = (int(r["M"]), int(r["N"]), int(r["K"]))
            if s not in shapes:
                shapes.append(s)
    for text in o.shape or []:
        try:
            m, n, k = (int(x) for x in text.split(","))
        except ValueError:
            sys.exit(f"--shape {text}: want M,N,K")
        shapes.append((m, n, k))
    if not shapes:
        sys.exit("give --shapes-from FILE (eqvk bench gemm --json) or --shape M,N,K")
    return shapes


def time_shape(shape, mode, device, runs, rotations=3):
    m, n, k = shape
    dt = torch.float16 if mode == "fp16" else torch.float32
    g = torch.Generator(device="cpu").manual_seed(m * 31 + n * 7 + k)
    sets = [((torch.rand(m, k, generator=g) * 2 - 1).to(device, dt), (torch.rand(n, k, generator=g) * 2 - 1).to(
        device, dt)) for _ in range(rotations)]
    bias = (torch.rand(n, generator=g) * 2 - 1).to(device, dt)
    if device == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = mode == "tf32"
    times = []
    with torch.inference_mode():
        for a, w in sets:
            torch.nn.functional.linear(a, w, bias)
        if device == "cuda":
            torch.cuda.synchronize()
        for i in range(runs):
            a, w = sets[i % rotations]
            if device == "cuda":
                start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
                start.record()
                torch.nn.functional.linear(a, w, bias)
                end.record()
                end.synchronize()
                times.append(start.elapsed_time(end) / 1e3)
            else:
                t0 = time.perf_counter()
                torch.nn.functional.linear(a, w, bias)
                times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shapes-from", action="append", help="eqvk bench gemm --json output (its shapes)")
    ap.add_argument("--shape", action="append", help="M,N,K (repeatable)")
    ap.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    ap.add_argument("--modes", default="fp32,tf32,fp16", help="comma-separated: fp32, tf32, fp16")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--json", action="store_true")
    o = ap.parse_args()
    modes = o.modes.split(",")
    bad = [x for x in modes if x not in ("fp32", "tf32", "fp16")]
    if bad:
        sys.exit(f"--modes: unknown {','.join(bad)} (known: fp32, tf32, fp16)")
    if o.device == "cuda" and not torch.cuda.is_available():
        sys.exit("--device cuda: torch sees no CUDA device")
    shapes = parse_shapes(o)
    rows = []
    for shape in shapes:
        for mode in modes:
            row = {"M": shape[0], "N": shape[1], "K": shape[2], "mode": mode}
            if mode != "fp32" and o.device != "cuda":
                row["not_run"] = f"{mode} needs CUDA"
            else:
                try:
                    sec = time_shape(shape, mode, o.device, max(o.runs, 1))
                    row.update(median_ms=sec * 1e3, gflops=2.0 * shape[0] * shape[1] * shape[2] / sec / 1e9)
                except (RuntimeError, MemoryError) as e:  # torch.cuda.OutOfMemoryError is a RuntimeError
                    if "out of memory" not in str(e) and not isinstance(e, MemoryError):
                        raise
                    row["not_run"] = f"out of memory: {str(e).splitlines()[0][:120]}"
                    if o.device == "cuda":
                        torch.cuda.empty_cache()
            rows.append(row)
            if not o.json:
                what = row.get("not_run") or f"{row['median_ms']:.3f} ms {row['gflops']:.1f} GFLOP/s"
                print(f"{shape[0]:>8} {shape[1]:>5} {shape[2]:>5} {mode:<5} {what}", flush=True)
    res = {"torch": torch.__version__, "device": o.device,
           "device_name": torch.cuda.get_device_name() if o.device == "cuda" else "cpu",
           "threads": torch.get_num_threads(), "runs": o.runs, "results": rows}
    if o.json:
        print(json.dumps(res, indent=2))


if __name__ == "__main__":
    main()
