#!/usr/bin/env python3
"""Markdown tables of the device kit's results (tools/device/bench.sh, train.sh): one table per section with
eqvk/peer ratios, and every item the budget did not fit marked as such ("not run: time").

  tables.py bench RESULTS_DIR > tables.md      (RESULTS_DIR: bench.sh's results folder or unpacked results.tgz)
  tables.py train RESULTS_DIR > tables.md      (train.sh's results folder)
  tables.py gemm-json BENCH_GEMM.txt > .json   (`eqvk bench gemm` text, rows printed as they are measured, so a
                                               run cut off by the budget keeps its rows, as --json's object)

Any python3 (standard library only: it also runs where torch is missing). Reads status.tsv (item, status,
seconds), machine.txt (key=value) and the JSON/text outputs bench.sh names by item; a file that is missing or
unreadable makes its cells say the item's status instead of a number.
"""
import glob
import json
import os
import re
import sys


def load(path):
    try:
        with open(path) as f:
            text = f.read()
        return json.loads(text[text.index("{"):])
    except (OSError, ValueError):
        return None


def read_status(res):
    st = {}
    try:
        with open(os.path.join(res, "status.tsv")) as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) >= 2:
                    st[parts[0]] = (parts[1], parts[2] if len(parts) > 2 else "")
    except OSError:
        pass
    return st


def read_kv(path):
    kv = {}
    try:
        with open(path) as f:
            for line in f:
                if "=" in line:
                    k, v = line.rstrip("\n").split("=", 1)
                    kv[k] = v
    except OSError:
        pass
    return kv


def fmt(x, digits=3):
    """Numbers with about `digits` significant digits, thousands separated."""
    if x is None:
        return "—"
    if abs(x) >= 10 ** digits:
        return f"{x:,.0f}"
    mag = 0 if x == 0 else len(str(int(abs(x))))
    return f"{x:.{max(0, digits - mag)}f}"


def ratio(a, b):
    return f"{a / b:.3f}" if a is not None and b else "—"


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "| " + " | ".join("---:" if h[:1] != "_" else "---" for h in header)
           + " |"]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out).replace("| _", "| ")


class Results:
    def __init__(self, res):
        self.res = res
        self.status = read_status(res)
        self.machine = read_kv(os.path.join(res, "machine.txt"))

    def why(self, item):
        """The item's status for a cell that has no number: 'not run: time', 'failed (rc 3)', ..."""
        s = self.status.get(item)
        return s[0] if s else "not run"

    def get(self, item, name):
        d = load(os.path.join(self.res, name))
        return d if d is not None and self.status.get(item, ("ok",))[0] in ("ok", "cut off: time") else None


def header(r, what, bench=True):
    m = r.machine
    mode = m.get("mode", "?")
    lines = [f"# eqvk device kit: {what} tables", ""]
    if mode in ("local", "smoke"):
        lines += [f"**Example run in `--{mode}` mode: " + ("Vulkan on lavapipe (CPU), peers on CPU PyTorch" if bench
                  else "training on CPU PyTorch at a tiny size") + ". These are not GPU figures; they show the "
                  "tables' form.**", ""]
    dev = load(os.path.join(r.res, "devices.json"))
    lines += [f"- date: {m.get('date', '?')}; eqvk commit {m.get('commit', '?')}; mode {mode}; budget "
              f"{m.get('budget', '?')} s"] + ([f"- eqvk device: {device_line(dev)}"] if bench else []) + [
              f"- GPU (nvidia-smi): {m.get('nvidia_smi', 'none')}",
              f"- CPU: {m.get('cpu', '?')}; torch: {m.get('torch', '?')}", ""]
    return lines


def device_line(dev):
    if not dev or not dev.get("devices"):
        return "unknown (eqvk devices --json did not run)"
    d = next((x for x in dev["devices"] if x.get("selected")), dev["devices"][0])
    return f"{d.get('name', '?')} ({d.get('driver_info', d.get('driver', '?'))})"


def bench_tables(r):
    out = header(r, "benchmark")
    out += section_device(r) + section_gemm(r) + section_oracle(r) + section_eq(r) + section_status(r)
    return "\n".join(out) + "\n"


def section_device(r):
    out = ["## 1. Device and selftest (`eqvk devices --json`, `eqvk selftest`)", ""]
    dev = load(os.path.join(r.res, "devices.json"))
    rows = [["eqvk device", device_line(dev)]]
    if dev and dev.get("devices"):
        d = next((x for x in dev["devices"] if x.get("selected")), dev["devices"][0])
        rows.append(["NV cooperative matrix", str(d.get("nv_cooperative_matrix", "?"))])
    for item, name in (("selftest", "selftest.txt"), ("selftest_no_nv_coopmat", "selftest-no-nv-coopmat.txt")):
        if item not in r.status:
            continue
        summary = r.why(item)
        try:
            with open(os.path.join(r.res, name)) as f:
                text = f.read()
            m = re.findall(r"^(\d+) passed, (\d+) failed", text, re.M)
            fails = [ln.split()[1] + " " + ln.split()[2] for ln in text.splitlines() if ln.startswith("FAIL")]
            if m:
                summary = f"{m[-1][0]} passed, {m[-1][1]} failed" + (f" ({', '.join(fails[:6])})" if fails else "")
        except OSError:
            pass
        rows.append([item.replace("_", " "), summary])
    if "nv_coopmat" in r.status:
        rows.append(["NV coopmat fallback", r.why("nv_coopmat")])
    return out + [table(["_what", "_result"], rows), ""]


def gemm_rows(d):
    """{(M,N,K): {config: gflops, 'auto': (config, gflops)}} from eqvk bench gemm --json."""
    shapes = {}
    for row in (d or {}).get("results", []):
        s = shapes.setdefault((row["M"], row["N"], row["K"]), {})
        s[row["config"]] = max(row["gflops"], s.get(row["config"], 0))
        if row.get("auto"):
            s["auto"] = (row["config"], row["gflops"])
    return shapes


def section_gemm(r):
    out = ["## 2. GEMM, oracle shapes (`eqvk bench gemm`) against PyTorch (`tools/bench_gemm_torch.py`)", "",
           "GFLOP/s = 2·M·N·K / median time; epilogue bias in both. eqvk best = the fastest configuration eqvk has "
           "(every tile forced, auto, and `nv_coopmat` forced where usable). Ratios: eqvk best / peer.", ""]
    peer = r.get("peer_gemm", "peer-gemm.json")
    peer_rows = {}
    for p in (peer or {}).get("results", []):
        peer_rows[(p["M"], p["N"], p["K"], p["mode"])] = p.get("gflops", p.get("not_run"))
    peer_why = r.why("peer_gemm") if peer is None else None
    for dt, modes in (("fp32", ("fp32", "tf32")), ("fp16", ("fp16",))):
        d = r.get(f"gemm_{dt}", f"gemm-{dt}.json")
        out.append(f"### {dt} storage (fp32 accumulation)")
        out.append("")
        if d is None:
            out += [f"_gemm {dt}: {r.why('gemm_' + dt)}_", ""]
            continue
        c = d.get("ceilings", {})
        out += [f"Device {d.get('device', '?')}; measured ceilings: FMA {fmt(c.get('fma_gflops'))} GFLOP/s, copy "
                f"{fmt(c.get('copy_gbs'))} GB/s.", ""]
        coop = gemm_rows(r.get("gemm_fp16_nv_coopmat", "gemm-fp16-nv-coopmat.json")) if dt == "fp16" else {}
        hdr = ["M", "N", "K", "_auto", "auto GFLOP/s", "_best forced", "best GFLOP/s"]
        if dt == "fp16":
            hdr.append("nv_coopmat GFLOP/s")
        hdr += [f"torch {m} GFLOP/s" for m in modes] + [f"eqvk / torch {m}" for m in modes]
        rows = []
        for (m, n, k), s in gemm_rows(d).items():
            auto_cfg, auto_g = s.get("auto", ("?", None))
            forced = {cfg: g for cfg, g in s.items() if cfg != "auto"}
            forced.update({cfg: g for cfg, g in coop.get((m, n, k), {}).items() if cfg != "auto"})
            best_cfg = max(forced, key=forced.get) if forced else "?"
            best = max([g for g in forced.values()] + [auto_g or 0])
            row = [m, n, k, auto_cfg, fmt(auto_g), best_cfg, fmt(forced.get(best_cfg))]
            if dt == "fp16":
                cg = coop.get((m, n, k), {}).get("nv_coopmat")
                row.append(fmt(cg) if cg else r.why("gemm_fp16_nv_coopmat") if "gemm_fp16_nv_coopmat" in r.status
                           and r.why("gemm_fp16_nv_coopmat") != "ok" else "—")
            pv = [peer_rows.get((m, n, k, mode), peer_why or "—") for mode in modes]
            row += [fmt(v) if isinstance(v, (int, float)) else v for v in pv]
            row += [ratio(best, v) if isinstance(v, (int, float)) else "—" for v in pv]
            rows.append(row)
        out += [table(hdr, rows), ""]
    return out


def section_oracle(r):
    out = ["## 3. Oracle forward (`eqvk bench oracle`) against PyTorch (`tools/bench_oracle_torch.py`)", "",
           "Random weights of each size (e64 = the shipped 64/4/2/128 file); eqvk time from GPU timestamps, torch "
           "time with a CUDA sync (fp16 = autocast). GFLOP/s by eqvk's FLOP count. Ratio: eqvk worlds/s / torch "
           "worlds/s of the same dtype.", ""]
    files = sorted(glob.glob(os.path.join(r.res, "oracle-*.json")))
    items = [k for k in r.status if k.startswith("oracle_")]
    if not items:
        return out + ["_oracle: not run_", ""]
    rows, shares = [], []
    for item in items:
        _, m, dt, b = item.split("_")
        d = r.get(item, f"oracle-{m}-{dt}-{b}.json")
        p = r.get(f"peer_oracle_{m}_{dt}", f"peer-oracle-{m}-{dt}.json")
        batch = int(b[1:])
        prow = next((x for x in (p or {}).get("rows", []) if x["batch"] == batch), None)
        peer_cell = fmt(prow["worlds_per_s"]) if prow else r.why(f"peer_oracle_{m}_{dt}")
        if d is None:
            rows.append([m, dt, batch, r.why(item), "", "", "", peer_cell, "—"])
            continue
        dims = f"{d['E']}/{d['H']}/{d['L']}/{d['F']}"
        rows.append([f"{m} ({dims})", dt, batch, fmt(d["gpu_ms"]), fmt(d["worlds_per_s"]), fmt(d["gflops"]),
                     f"{d['pct_fma_ceiling']:.1f}%", peer_cell,
                     ratio(d["worlds_per_s"], prow and prow["worlds_per_s"])])
        total = sum(d["kernel_ms"].values()) or 1
        top = sorted(d["kernel_ms"].items(), key=lambda kv: -kv[1])
        shares.append([f"{m} ({dims})", dt, batch, ", ".join(f"{k} {100 * v / total:.1f}%" for k, v in top)])
    del files
    out += [table(["_model", "_dtype", "batch", "eqvk GPU ms", "eqvk worlds/s", "eqvk GFLOP/s", "% FMA ceiling",
                   "torch worlds/s", "eqvk / torch"], rows), "", "GPU time of the forward by kernel (eqvk):", "",
            table(["_model", "_dtype", "batch", "_share of GPU time"], shares), ""]
    return out


def section_eq(r):
    out = ["## 4. E[Q] pipeline (`eqvk bench eq`) against Crystal Forge (`tools/bench_forge_peer.py`)", "",
           "Whole games, wall clock. Forge: its own `generate_eq_games_gpu` with random weights of the same size "
           "(e256 = random 256/8/6/512 on both sides; e64 = the shipped file for eqvk), run at the first setting "
           "of each size. Ratio: eqvk games/s / Forge games/s.", ""]
    items = [k for k in r.status if k.startswith("eq_")]
    if not items:
        return out + ["_eq: not run_", ""]
    rows, shares = [], []
    for item in items:
        _, m, gw = item.split("_")
        d = r.get(item, f"eq-{m}-{gw}.json")
        fitem = f"forge_{m}_{gw}"
        f = r.get(fitem, f"forge-{m}-{gw}.json")
        fg = f["median"] if f else None
        forge_cells = [fmt(fg["games_per_s"]), fmt(fg["worlds_per_s"])] if fg else [
            r.why(fitem) if fitem in r.status else "not paired", ""]
        if d is None or not d.get("rows"):
            why = "no row: does not fit the device (bench.log)" if d is not None else r.why(item)
            rows.append([m, gw.replace("x", " × "), why, "", "", "", "", *forge_cells, "—"])
            continue
        row = d["rows"][0]
        rows.append([m, f"{row['games']} × {row['worlds']}", fmt(row["games_per_s"]), fmt(row["decisions_per_s"]),
                     fmt(row["worlds_per_s"]), f"{row['percent_of_limit']:.1f}%", f"{100 * row['gpu_share']:.0f}%",
                     *forge_cells, ratio(row["games_per_s"], fg and fg["games_per_s"])])
        top = sorted(row.get("gpu_share_by_kernel", {}).items(), key=lambda kv: -kv[1])[:6]
        shares.append([m, f"{row['games']} × {row['worlds']}", ", ".join(f"{k} {100 * v:.1f}%" for k, v in top)])
    out += [table(["_model", "_games × worlds", "eqvk games/s", "decisions/s", "worlds/s", "% of limit", "GPU busy",
                   "Forge games/s", "Forge worlds/s", "eqvk / Forge"], rows), "",
            "GPU time of the E[Q] step by kernel (eqvk, largest six):", "",
            table(["_model", "_games × worlds", "_share of GPU time"], shares), ""]
    return out


def section_status(r):
    rows = [[k, v[0], v[1]] for k, v in r.status.items()]
    return ["## Every item of the call", "", table(["_item", "_status", "seconds"], rows), ""]


def train_tables(r):
    out = header(r, "training", bench=False)
    log = []
    try:
        with open(os.path.join(r.res, "log.jsonl")) as f:
            log = [json.loads(line) for line in f if line.strip()]
    except (OSError, ValueError):
        pass
    out += ["## Training (`tools/train_oracle.py` on the kit's data)", ""]
    meta = read_kv(os.path.join(r.res, "train.txt"))
    if meta:
        out += [table(["_setting", "_value"], [[k, v] for k, v in meta.items()]), ""]
    if log:
        rows = [[e["epoch"], e.get("steps", ""), f"{e['train_loss']:.5f}", f"{e['val']['q_mae']:.3f}",
                 f"{e['val']['q_gap']:.4f}", f"{100 * e['val']['zero_regret_rate']:.1f}%",
                 f"{100 * e['val']['blunder_rate']:.2f}%", f"{e['val']['value_mae']:.3f}", f"{e['seconds']:.0f}"]
                for e in log]
        out += [table(["epoch", "steps", "train loss", "val Q-MAE", "val Q-gap", "zero-regret", "blunder", "V-MAE",
                       "seconds"], rows), ""]
        last, batch = log[-1], int(meta.get("batch", "0") or 0)
        if last.get("steps") and last.get("seconds") and batch:
            out += [f"{last['steps']:,} steps × batch {batch:,} = {last['steps'] * batch:,} sample-steps in "
                    f"{last['seconds']:.0f} s of training ({last['steps'] * batch / last['seconds']:,.0f} samples/s, "
                    "per-epoch validation included).", ""]
    else:
        out += ["_no epoch finished: " + r.why("train") + "_", ""]
    return "\n".join(out + section_status(r)) + "\n"


def gemm_text_to_json(text):
    """`eqvk bench gemm` text output -> the object `--json` prints (GFLOP/s recomputed from the ms column)."""
    d = {"results": [], "ceilings": {}}
    for line in text.splitlines():
        m = re.match(r"device \d+: (.*); dtype (\w+)", line)
        if m:  # the name and, in parentheses, the driver
            d.update(device=m.group(1), dtype=m.group(2))
        m = re.match(r"ceilings: FMA ([\d.]+) GFLOP/s, copy ([\d.]+) GB/s", line)
        if m:
            d["ceilings"] = {"fma_gflops": float(m.group(1)), "copy_gbs": float(m.group(2))}
        m = re.match(r"\s*(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)%", line)
        if m:
            mm, n, k, name, ms = int(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(4), float(m.group(5))
            d["results"].append({"M": mm, "N": n, "K": k, "config": name.split("=")[-1], "auto": name.startswith(
                "auto="), "median_ms": ms, "gflops": 2.0 * mm * n * k / (ms * 1e6) if ms > 0 else 0.0})
    return d


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "gemm-json":
        with open(sys.argv[2]) as f:
            print(json.dumps(gemm_text_to_json(f.read()), indent=1))
        return
    if len(sys.argv) != 3 or sys.argv[1] not in ("bench", "train"):
        sys.exit("usage: tables.py bench|train RESULTS_DIR, or tables.py gemm-json FILE")
    if not os.path.isdir(sys.argv[2]):
        sys.exit(f"tables.py: {sys.argv[2]}: no such folder")
    r = Results(sys.argv[2])
    sys.stdout.write(bench_tables(r) if sys.argv[1] == "bench" else train_tables(r))


if __name__ == "__main__":
    main()
