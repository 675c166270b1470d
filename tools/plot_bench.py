#!/usr/bin/python3
"""PNG pictures of `eqvk bench ... --json` outputs and of the device kit's results.

Needs /usr/bin/python3 with Debian's python3-matplotlib (`apt-get install python3-matplotlib`; not part of
tools/setup.sh or CI). No numpy or torch needed.

  plot_bench.py INPUT... [-o DIR] [--prefix NAME]
  e.g. build/eqvk bench gemm --suite oracle --json > g.json && tools/plot_bench.py g.json -o docs/img
       tools/plot_bench.py build/devkit-local/results -o docs/img --prefix lavapipe

Each INPUT is a JSON file or a folder of them (tools/device/bench.sh's results folder, or results.tgz unpacked).
What is drawn depends on what a file holds:
  bench gemm   -> NAME-gemm-<dtype>.png: GFLOP/s against M (log-log), one panel per (N, K), one line per
                  configuration (auto dashed), the measured FMA ceiling as a horizontal line and the copy-bound
                  limit (copy GB/s × 2MNK / bytes of A, W and C) as a dotted line; PyTorch's figures from a
                  peer-gemm.json among the inputs as grey lines.
  bench oracle -> NAME-oracle-kernels.png: each file's GPU time of the forward split by kernel (stacked bars).
  bench eq     -> NAME-eq-kernels.png: the E[Q] step's GPU time split by kernel, one bar per setting.
  kit folder   -> NAME-peers.png: eqvk beside its peer, worlds/s of the forward (torch) and games/s of the
                  E[Q] pipeline (Forge), per model, dtype and size.
"""
import argparse
import glob
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "device"))
from tables import load, read_kv  # noqa: E402


def kind(d):
    if "results" in d and d["results"] and "config" in d["results"][0]:
        return "gemm"
    if "results" in d and d["results"] and "mode" in d["results"][0]:
        return "peer_gemm"
    if "kernel_ms" in d:
        return "oracle"
    if "rows" in d and d["rows"] and "gpu_share_by_kernel" in d["rows"][0]:
        return "eq"
    return None


def plot_gemm(d, peer, path):
    shapes = {}
    for r in d["results"]:
        shapes.setdefault((r["N"], r["K"]), []).append(r)
    eb = 2 if d.get("dtype") == "fp16" else 4
    cols = min(3, len(shapes))
    rows = (len(shapes) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(5 * cols + 2, 3.8 * rows), squeeze=False)
    ceil = d.get("ceilings", {})
    for ax, ((n, k), rs) in zip(axes.flat, sorted(shapes.items())):
        configs = {}
        for r in rs:
            name = "auto" if r["auto"] else r["config"]
            configs.setdefault(name, []).append((r["M"], r["gflops"]))
        for name, pts in sorted(configs.items()):
            pts.sort()
            ax.plot([p[0] for p in pts], [p[1] for p in pts], "--" if name == "auto" else "-", marker="o", ms=3,
                    label=name, lw=2 if name == "auto" else 1)
        ms = sorted({r["M"] for r in rs})
        if ceil.get("fma_gflops"):
            ax.axhline(ceil["fma_gflops"], color="k", lw=1, label="FMA ceiling")
        if ceil.get("copy_gbs"):
            ax.plot(ms, [ceil["copy_gbs"] * 2 * m * n * k / (eb * (m * k + n * k + m * n)) for m in ms], "k:",
                    label="copy-bound")
        for mode, style in (("fp32", "-"), ("tf32", "-."), ("fp16", "--")):
            pts = sorted((p["M"], p["gflops"]) for p in (peer or {}).get("results", [])
                         if p["N"] == n and p["K"] == k and p["mode"] == mode and "gflops" in p)
            if pts and (mode == "fp16") == (d.get("dtype") == "fp16"):
                ax.plot([p[0] for p in pts], [p[1] for p in pts], style, color="0.5", marker="x", label=f"torch {mode}")
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_title(f"N={n}, K={k}", fontsize=10)
        ax.set_xlabel("M (rows)")
        ax.set_ylabel("GFLOP/s")
        ax.grid(True, which="both", alpha=0.3)
    for ax in list(axes.flat)[len(shapes):]:
        ax.axis("off")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    device = str(d.get("device", "?")).split(" (")[0]
    fig.suptitle(f"eqvk bench gemm, {d.get('dtype', '?')} storage: {device}", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1 - 1.6 / (5 * cols + 2), 1))
    fig.legend(handles, labels, loc="center right", fontsize=8)
    fig.savefig(path, dpi=80)
    plt.close(fig)


def stacked(bars, title, path):
    """bars: [(label, {kernel: share})] as horizontal stacked bars of shares (0..1)."""
    kernels = sorted({k for _, s in bars for k in s}, key=lambda k: -sum(s.get(k, 0) for _, s in bars))
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(bars) + 1.6))
    left = [0.0] * len(bars)
    cmap = plt.get_cmap("tab20")
    for i, k in enumerate(kernels):
        vals = [s.get(k, 0) * 100 for _, s in bars]
        ax.barh(range(len(bars)), vals, left=left, color=cmap(i % 20), label=k)
        left = [a + b for a, b in zip(left, vals)]
    ax.set_yticks(range(len(bars)))
    ax.set_yticklabels([b[0] for b in bars], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of GPU time")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5))
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


def oracle_bars(files):
    bars = []
    for d in files:
        total = sum(d["kernel_ms"].values()) or 1
        bars.append((f"{d['E']}/{d['H']}/{d['L']}/{d['F']} {d['dtype']} b{d['batch']}",
                     {k: v / total for k, v in d["kernel_ms"].items()}))
    return bars


def eq_bars(files):
    bars = []
    for d in files:
        for r in d["rows"]:
            model = os.path.basename(str(d.get("model", "?")))
            bars.append((f"{model[:28]} {r['games']}×{r['worlds']}", r["gpu_share_by_kernel"]))
    return bars


def plot_peers(folder, path):
    """eqvk beside its peer from a kit results folder: forward worlds/s and E[Q] games/s."""
    pairs = []
    for f in sorted(glob.glob(os.path.join(folder, "oracle-*.json"))):
        d = load(f)
        m, dt, b = os.path.basename(f)[len("oracle-"):-len(".json")].split("-")
        p = load(os.path.join(folder, f"peer-oracle-{m}-{dt}.json"))
        prow = next((x for x in (p or {}).get("rows", []) if "b%d" % x["batch"] == b), None)
        if d and prow:
            pairs.append((f"forward {m} {dt} {b}", d["worlds_per_s"], prow["worlds_per_s"], "worlds/s", "torch"))
    for f in sorted(glob.glob(os.path.join(folder, "eq-*.json"))):
        d = load(f)
        m, gw = os.path.basename(f)[len("eq-"):-len(".json")].split("-")
        p = load(os.path.join(folder, f"forge-{m}-{gw}.json"))
        if d and d.get("rows") and p:
            pairs.append((f"E[Q] {m} {gw}", d["rows"][0]["games_per_s"], p["median"]["games_per_s"], "games/s",
                          "Forge"))
    if not pairs:
        return False
    fig, ax = plt.subplots(figsize=(9, 0.5 * len(pairs) + 1.5))
    y = range(len(pairs))
    ax.barh([i - 0.2 for i in y], [p[1] for p in pairs], 0.4, label="eqvk", color="tab:blue")
    ax.barh([i + 0.2 for i in y], [p[2] for p in pairs], 0.4, label="peer (torch / Forge)", color="tab:gray")
    for i, p in enumerate(pairs):
        ax.text(max(p[1], p[2]) * 1.05, i, f"eqvk/{p[4]} {p[1] / p[2]:.2f}", va="center", fontsize=7)
    ax.set_yticks(list(y))
    ax.set_yticklabels([f"{p[0]} ({p[3]})" for p in pairs], fontsize=8)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlabel("throughput (log scale; unit per row)")
    ax.legend(fontsize=8)
    machine = read_kv(os.path.join(folder, "machine.txt"))
    ax.set_title(f"eqvk beside its peer ({machine.get('mode', '?')} mode, {machine.get('date', '?')})", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("inputs", nargs="+", help="JSON files or folders of them")
    ap.add_argument("-o", "--out", default=".", help="output folder")
    ap.add_argument("--prefix", default="bench", help="file-name prefix")
    a = ap.parse_args()
    files, folders = [], []
    for inp in a.inputs:
        if os.path.isdir(inp):
            folders.append(inp)
            files += sorted(glob.glob(os.path.join(inp, "*.json")))
        elif os.path.isfile(inp):
            files.append(inp)
        else:
            sys.exit(f"plot_bench.py: {inp}: no such file or folder")
    by_kind = {}
    for f in files:
        d = load(f)
        k = kind(d) if d else None
        if k:
            by_kind.setdefault(k, []).append(d)
    os.makedirs(a.out, exist_ok=True)
    written = []
    peer = (by_kind.get("peer_gemm") or [None])[0]
    for d in by_kind.get("gemm", []):
        name = f"{a.prefix}-gemm-{d.get('dtype', 'x')}.png"
        if os.path.join(a.out, name) in written:  # a forced-configuration run of the same dtype
            name = f"{a.prefix}-gemm-{d.get('dtype', 'x')}-{len(written)}.png"
        plot_gemm(d, peer, os.path.join(a.out, name))
        written.append(os.path.join(a.out, name))
    if by_kind.get("oracle"):
        p = os.path.join(a.out, f"{a.prefix}-oracle-kernels.png")
        stacked(oracle_bars(by_kind["oracle"]), "eqvk bench oracle: GPU time of the forward by kernel", p)
        written.append(p)
    if by_kind.get("eq"):
        p = os.path.join(a.out, f"{a.prefix}-eq-kernels.png")
        stacked(eq_bars(by_kind["eq"]), "eqvk bench eq: GPU time of the E[Q] step by kernel", p)
        written.append(p)
    for folder in folders:
        p = os.path.join(a.out, f"{a.prefix}-peers.png")
        if plot_peers(folder, p):
            written.append(p)
    if not written:
        sys.exit("plot_bench.py: no eqvk bench JSON among the inputs")
    for p in written:
        print(p)


if __name__ == "__main__":
    main()
