#!/usr/bin/python3
"""The Crystal Forge peer of `eqvk bench eq`: Forge's own E[Q] pipeline (generate_eq_games_gpu, spec §6) on the CPU
or on CUDA, from a Forge checkout you point to, with Forge's DominoTransformer (spec §4.1) at random weights, so
docs/benchmarks.md can give eqvk/Forge as a ratio on one machine. Not run in CI.

Usage: tools/bench_forge_peer.py --forge DIR [--games 32] [--worlds 50] [--dims 64,4,2,128] [--threads N]
           [--warmup-games 4] [--repeats 1] [--pairs 1] [--start-seed 0] [--device cpu|cuda]
           [--eqvk BIN [--eqvk-model F] [--eqvk-dtype fp16|fp32] [--eqvk-device D]] [--json]
  e.g. tools/bench_forge_peer.py --forge /work/forge --repeats 2 --eqvk build/eqvk

Requirements: /usr/bin/python3 with Debian's python3-torch (numpy comes with it) and libopenblas0-pthread.
Without OpenBLAS, Debian's torch runs its Linear layers on the reference BLAS (libblas3), about 16× slower:
the script prints the BLAS library torch has mapped and warns when it is not OpenBLAS/MKL. A Forge checkout:
github.com/jasonyandell/mk5-main (the directory holding `forge/`); no Forge code is copied here.

What runs: deals `forge.oracle.rng.deal_from_seed(s)` for s = start-seed .. start-seed+G-1, decl = s % 10 (as
`eqvk bench eq`), `forge.ml.module.DominoTransformer(E, H, L, F)` with torch.manual_seed(1) initial weights in
eval mode, then `forge.eq.generate.generate_eq_games_gpu(model, hands, decl_ids, n_samples=M, device=D)`
(D = --device) with its defaults (greedy, MRV sampler, no posterior/enumeration/adaptive sampling). A warm-up
call on the first --warmup-games deals comes first and is not timed. Timed: the whole call, wall clock. The
default size, 64/4/2/128, is that of eqvk's shipped oracle (models/eqvk-oracle-e64.safetensors); --dims
256,8,6,512 is Forge's recommended qval model's. --threads sets torch's intra-op (OpenMP) threads; OpenBLAS keeps
its own pool (OPENBLAS_NUM_THREADS, else one per CPU), which the script prints. On a loaded machine --threads 1
can be faster than the default (docs/benchmarks.md). --device cuda runs the model and Forge's pipeline on the GPU
(Forge then uses its own autocast and chunking); each timed call ends with torch.cuda.synchronize(), and the share
of time "in the oracle forward" is then host time between the hooks (kernel launches), not GPU time. The device
kit (tools/device/bench.sh) runs it that way on the H200 machine.

Reported: games/s, decisions/s (28 per game), and worlds/s counted by a forward hook on the model (rows of every
oracle forward: Forge samples M worlds per game per decision and forwards all G·M rows together, 28 times per
batch, so the count equals 28·M·G; it is counted, not assumed; duplicates included: Forge draws M worlds
independently and forwards all of them even when fewer distinct worlds exist), the number of forward calls, and
the share of the wall time spent inside the oracle forward. With --eqvk, `BIN bench eq --games G --worlds M --json` runs
afterwards in the same process tree and both rows are printed with the ratio eqvk/Forge. With --pairs N the
two alternate N times (--repeats Forge calls, then one eqvk run, per pair), each pair's ratio is printed, and the
ratio reported is the median of the pairs' ratios: on a VM whose speed drifts over minutes, only runs back to
back compare. The eqvk model defaults
to models/eqvk-oracle-e64.safetensors for 64,4,2,128 and to eqvk's random 256/8/6/512 for 256,8,6,512 (same
shapes as the Forge model, different weights; throughput does not depend on the weights).

Stand-in modules: Forge's import chain (forge.eq -> forge.eq.oracle -> forge.ml -> forge.ml.{data,module,tokenize})
imports `lightning`, `pandas` and `pyarrow(.parquet)` at module level, although the E[Q] path calls none of
them. Debian packages no `lightning`, so for each of those three that is not importable the script writes a
tiny stand-in package into a temporary directory placed first on sys.path: `lightning` provides LightningModule
(a torch.nn.Module) and LightningDataModule (a plain class), which Forge subclasses at import time; `pandas` and
`pyarrow` provide nothing. Any other attribute of a stand-in raises ImportError naming the stand-in, so a Forge
change that starts using one fails loudly. Installed real modules are used as they are (e.g. on a machine with
Lightning); the run prints which stand-ins it used.
"""
import argparse
import ctypes
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_E64_MODEL = os.path.join(REPO, "models", "eqvk-oracle-e64.safetensors")

# Stand-in sources, written only for modules that are not importable (see the docstring).
_MISSING = '''
def __getattr__(name):
    raise ImportError(f"{__name__}.{name}: this is bench_forge_peer.py's stand-in module, not the real package")
'''
STANDINS = {
    "lightning": {"__init__.py": '"""bench_forge_peer.py stand-in: only the base classes Forge subclasses."""\n'
                                 "import torch\n\n\n"
                                 "class LightningModule(torch.nn.Module):\n    pass\n\n\n"
                                 "class LightningDataModule:\n    pass\n" + _MISSING},
    "pandas": {"__init__.py": '"""bench_forge_peer.py stand-in (empty)."""\n' + _MISSING},
    "pyarrow": {"__init__.py": '"""bench_forge_peer.py stand-in (empty)."""\n' + _MISSING,
                "parquet.py": '"""bench_forge_peer.py stand-in (empty)."""\n' + _MISSING},
}


def install_standins(tmp):
    used = []
    for pkg, files in STANDINS.items():
        if importlib.util.find_spec(pkg) is not None:
            continue
        os.makedirs(os.path.join(tmp, pkg))
        for name, text in files.items():
            with open(os.path.join(tmp, pkg, name), "w") as f:
                f.write(text)
        used.append(pkg)
    sys.path.insert(0, tmp)
    return used


def mapped_blas():
    """The BLAS/LAPACK/OpenMP libraries this process has mapped (torch links libblas.so.3 through Debian's
    alternatives, so the file actually mapped says which implementation runs)."""
    libs = set()
    with open("/proc/self/maps") as f:
        for line in f:
            path = line.split()[-1]
            base = os.path.basename(path)
            if path.startswith("/") and any(k in base for k in ("blas", "lapack", "mkl")):
                libs.add(os.path.realpath(path))
    return sorted(libs)


def describe_blas(libs):
    if any("openblas" in p for p in libs):
        return "OpenBLAS", True
    if any("mkl" in p for p in libs):
        return "MKL", True
    if any("blis" in p for p in libs):
        return "BLIS", True
    if libs:
        return "reference BLAS (slow: install libopenblas0-pthread)", False
    return "none mapped", False


def openblas_info(libs):
    """OpenBLAS's own configuration and thread count (torch.set_num_threads does not set OpenBLAS's pool, which
    follows OPENBLAS_NUM_THREADS or the CPU count)."""
    for path in libs:
        if "libopenblas" in os.path.basename(path):
            try:
                lib = ctypes.CDLL(path)
                lib.openblas_get_config.restype = ctypes.c_char_p
                return lib.openblas_get_config().decode().strip(), lib.openblas_get_num_threads()
            except (OSError, AttributeError):
                break
    return None, None


def git_commit(d):
    try:
        out = subprocess.run(["git", "-C", d, "rev-parse", "HEAD"], capture_output=True, text=True, check=True)
        # Modified tracked files only: a snapshot may lack its large files (checkpoints), which is no change.
        status = subprocess.run(["git", "-C", d, "status", "--porcelain", "--untracked-files=no"],
                                capture_output=True, text=True).stdout.splitlines()
        return out.stdout.strip() + ("-modified" if any("M" in line[:2] for line in status) else "")
    except (OSError, subprocess.CalledProcessError):
        try:  # a copy without .git, as tools/device/prepare.sh carries it: the commit it recorded
            with open(os.path.join(d, "COMMIT")) as f:
                return f.read().strip() + " (copy)"
        except OSError:
            return "unknown (not a git checkout)"


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


class ForwardCounter:
    """Forward pre/post hooks on the oracle: calls, rows (worlds) and seconds inside forward."""

    def __init__(self, model):
        self.calls = self.rows = 0
        self.seconds = 0.0
        self._t0 = None
        model.register_forward_pre_hook(self._pre)
        model.register_forward_hook(self._post)

    def reset(self):
        self.calls = self.rows = 0
        self.seconds = 0.0

    def _pre(self, _module, args):
        self.calls += 1
        self.rows += int(args[0].shape[0])
        self._t0 = time.perf_counter()

    def _post(self, _module, _args, _out):
        self.seconds += time.perf_counter() - self._t0


def eqvk_model_for(o, dims):
    """The --model eqvk gets: --eqvk-model, else a file or eqvk's own random weights of the same shape."""
    if o.eqvk_model:
        return o.eqvk_model
    if dims == (64, 4, 2, 128):
        return DEFAULT_E64_MODEL
    if dims == (256, 8, 6, 512):
        return None  # eqvk bench eq's default: random 256/8/6/512
    sys.exit(f"--eqvk with --dims {o.dims}: pass --eqvk-model F of that size")


def run_eqvk(o, model):
    cmd = [o.eqvk]
    if o.eqvk_device:
        cmd += ["--device", o.eqvk_device]
    cmd += ["bench", "eq", "--games", str(o.games), "--worlds", str(o.worlds), "--json"]
    if model:
        cmd += ["--model", model]
    if o.eqvk_dtype:
        cmd += ["--dtype", o.eqvk_dtype]
    print("eqvk:", " ".join(cmd), file=sys.stderr if o.json else sys.stdout, flush=True)
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"eqvk exited {p.returncode}: {p.stderr.strip()}")
    try:
        res = json.loads(p.stdout[p.stdout.index("{"):])
    except ValueError:
        sys.exit(f"eqvk printed no JSON object: {p.stdout.strip()[:200]}")
    if not res.get("rows"):
        sys.exit(f"eqvk printed no row (stderr: {p.stderr.strip()})")
    return {"command": cmd, "dtype": o.eqvk_dtype or "fp16 (eqvk's default)", "process_seconds": wall, **res}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--forge", required=True, help="Forge checkout (the directory holding forge/)")
    ap.add_argument("--games", type=int, default=32, help="G: games in the batch")
    ap.add_argument("--worlds", type=int, default=50, help="M: n_samples, worlds per game per decision")
    ap.add_argument("--dims", default="64,4,2,128", help="E,H,L,F of the random-weight oracle (or 256,8,6,512)")
    ap.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)),
                    help="torch intra-op threads (default: the CPUs this process may use)")
    ap.add_argument("--warmup-games", type=int, default=4, help="games in the untimed warm-up call (0: none)")
    ap.add_argument("--repeats", type=int, default=1, help="timed calls (each plays the same G deals)")
    ap.add_argument("--pairs", type=int, default=1,
                    help="with --eqvk: rounds of (--repeats Forge calls, one eqvk run), back to back; the ratio "
                         "printed is the median of the rounds' ratios")
    ap.add_argument("--start-seed", type=int, default=0)
    ap.add_argument("--device", default="cpu", choices=["cpu", "cuda"], help="torch device for the model and Forge")
    ap.add_argument("--eqvk", help="an eqvk binary: also run `eqvk bench eq` at the same G × M")
    ap.add_argument("--eqvk-model", help="model file for eqvk (default: see the docstring)")
    ap.add_argument("--eqvk-dtype", choices=["fp16", "fp32"], help="eqvk's dtype (default: eqvk's, fp16)")
    ap.add_argument("--eqvk-device", help="eqvk's --device")
    ap.add_argument("--json", action="store_true", help="one JSON object instead of text")
    o = ap.parse_args()
    if o.pairs < 1 or o.repeats < 1:
        sys.exit("--pairs and --repeats take a count of at least 1")
    dims = tuple(int(x) for x in o.dims.split(","))
    if len(dims) != 4:
        sys.exit("--dims takes E,H,L,F")
    eqvk_model = eqvk_model_for(o, dims) if o.eqvk else None
    forge_dir = os.path.abspath(o.forge)
    if not os.path.isfile(os.path.join(forge_dir, "forge", "eq", "generate", "pipeline.py")):
        sys.exit(f"--forge {o.forge}: no forge/eq/generate/pipeline.py there")

    tmp = tempfile.TemporaryDirectory(prefix="forge-standins-")
    standins = install_standins(tmp.name)
    sys.path.insert(0, forge_dir)

    import torch
    torch.set_num_threads(o.threads)
    if o.device == "cuda" and not torch.cuda.is_available():
        sys.exit("--device cuda: torch sees no CUDA device")
    from forge.eq.generate import generate_eq_games_gpu
    from forge.ml.module import DominoTransformer
    from forge.oracle.rng import deal_from_seed

    torch.manual_seed(1)
    e, h, n_layers, f = dims
    model = DominoTransformer(embed_dim=e, n_heads=h, n_layers=n_layers, ff_dim=f).eval().to(o.device)
    counter = ForwardCounter(model)
    torch.randn(256, 256) @ torch.randn(256, 256)  # make sure the BLAS is loaded before we look for it
    libs = mapped_blas()
    blas, fast = describe_blas(libs)
    ob_config, ob_threads = openblas_info(libs)
    if ob_config:
        blas = f"{blas} [{ob_config}, {ob_threads} threads]"

    seeds = list(range(o.start_seed, o.start_seed + o.games))
    hands = [deal_from_seed(s) for s in seeds]
    decls = [s % 10 for s in seeds]
    info = {"forge_dir": forge_dir, "forge_commit": git_commit(forge_dir), "standins": standins,
            "torch": torch.__version__, "threads": torch.get_num_threads(), "blas": blas, "blas_libs": libs,
            "cpu": cpu_model(), "cpus": os.cpu_count(), "dims": list(dims), "games": o.games, "worlds": o.worlds,
            "start_seed": o.start_seed, "device": o.device,
            "gpu": torch.cuda.get_device_name() if o.device == "cuda" else None}
    if not o.json:
        print(f"Forge {info['forge_commit']} from {forge_dir}; stand-ins: {', '.join(standins) or 'none'}")
        print(f"torch {info['torch']}, {info['threads']} threads, BLAS: {blas} ({', '.join(libs) or '-'}); "
              f"CPU: {info['cpu']} × {info['cpus']}")
        print(f"oracle: Forge DominoTransformer {e}/{h}/{n_layers}/{f}, random weights; "
              f"{o.games} games × {o.worlds} worlds, seeds {seeds[0]}..{seeds[-1]}, decl = seed % 10", flush=True)
    if not fast and o.device == "cpu":
        print(f"WARNING: torch runs on {blas}: the figure is not a fair peer", file=sys.stderr)

    if o.warmup_games > 0:
        n = min(o.warmup_games, o.games)
        torch.manual_seed(2)
        generate_eq_games_gpu(model, hands[:n], decls[:n], n_samples=o.worlds, device=o.device)
    def forge_round(first):
        """--repeats timed calls (torch seeds 3 + first ..); returns their runs."""
        out = []
        for r in range(first, first + o.repeats):
            counter.reset()
            torch.manual_seed(3 + r)
            t0 = time.perf_counter()
            records = generate_eq_games_gpu(model, hands, decls, n_samples=o.worlds, device=o.device)
            if o.device == "cuda":
                torch.cuda.synchronize()
            secs = time.perf_counter() - t0
            decisions = sum(len(rec.decisions) for rec in records)
            run = {"seconds": secs, "games": len(records), "decisions": decisions, "forward_calls": counter.calls,
                   "worlds": counter.rows, "forward_seconds": counter.seconds,
                   "games_per_s": len(records) / secs, "decisions_per_s": decisions / secs,
                   "worlds_per_s": counter.rows / secs, "worlds_upper_bound_per_s": 28 * o.worlds * o.games / secs,
                   "forward_share": counter.seconds / secs}
            out.append(run)
            if not o.json:
                print(f"run {r + 1}: {secs:.2f} s, {run['games_per_s']:.3f} games/s, {run['decisions_per_s']:.1f} "
                      f"decisions/s, {run['worlds_per_s']:.0f} worlds/s ({counter.rows} worlds counted in "
                      f"{counter.calls} forwards; 28·M·G = {28 * o.worlds * o.games}), "
                      f"{100 * run['forward_share']:.0f}% of the time in the oracle forward", flush=True)
        return out

    def medians(rs, keys):
        return {k: statistics.median(r[k] for r in rs) for k in keys}

    keys = ("games_per_s", "decisions_per_s", "worlds_per_s")
    runs, rounds = [], []
    for p in range(o.pairs if o.eqvk else 1):
        forge_runs = forge_round(p * o.repeats)
        runs += forge_runs
        if o.eqvk:
            ev = run_eqvk(o, eqvk_model)
            fm, row = medians(forge_runs, keys), ev["rows"][0]
            rounds.append({"forge": fm, "eqvk": ev, "ratio": {k: row[k] / fm[k] for k in keys}})
            if not o.json and o.pairs > 1:
                print(f"pair {p + 1}: eqvk {row['games_per_s']:.3f} games/s / Forge {fm['games_per_s']:.3f} = "
                      f"{row['games_per_s'] / fm['games_per_s']:.3f}", flush=True)
    forge = medians(runs, keys + ("forward_share",))
    result = {**info, "runs": runs, "median": forge}

    if o.eqvk:
        ev = rounds[0]["eqvk"]  # the device and model it names are the same in every round
        eq_med = medians([r["eqvk"]["rows"][0] for r in rounds], keys)
        row = ev["rows"][0]
        result["eqvk"] = ev
        result["eqvk_median"] = eq_med
        result["pairs"] = rounds
        # The median of the per-pair ratios: each pair ran back to back, so a drift of the machine's
        # speed between pairs cancels; with one pair it is the plain ratio.
        result["ratio_eqvk_over_forge"] = medians([r["ratio"] for r in rounds], keys)
        if not o.json:
            if row["games"] != o.games:
                print(f"note: eqvk played {row['games']} games per batch (its memory plan), not {o.games}")
            print(f"\n{'':28}{'games/s':>10}{'decisions/s':>13}{'worlds/s':>11}")
            label = f"Forge (torch {o.device}), median"
            print(f"{label:28}{forge['games_per_s']:>10.3f}{forge['decisions_per_s']:>13.2f}"
                  f"{forge['worlds_per_s']:>11.1f}")
            label = "eqvk bench eq" + (", median" if len(rounds) > 1 else "")
            print(f"{label:28}{eq_med['games_per_s']:>10.3f}{eq_med['decisions_per_s']:>13.2f}"
                  f"{eq_med['worlds_per_s']:>11.1f}")
            rr = result["ratio_eqvk_over_forge"]
            label = "eqvk / Forge" + (f", median of {len(rounds)} pairs" if len(rounds) > 1 else "")
            print(f"{label:28}{rr['games_per_s']:>10.3f}{rr['decisions_per_s']:>13.3f}"
                  f"{rr['worlds_per_s']:>11.3f}")
            print(f"eqvk device: {ev['device']}; model: {ev['model']}; dtype {ev['dtype']}")
    elif not o.json:
        print(f"median of {len(runs)}: {forge['games_per_s']:.3f} games/s, {forge['worlds_per_s']:.0f} worlds/s")
    if o.json:
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
