#!/usr/bin/python3
"""ctest `model_export`: tools/export_forge_checkpoint.py converts the Lightning-style checkpoint
tests/data/forge_e64.ckpt (written by torch in tools/make_golden.py) into exactly the golden 64/4/2/128 model file,
and refuses malicious or inconsistent checkpoints without running anything. Needs numpy only (skips without)."""
import io
import json
import os
import pickle
import struct
import subprocess
import sys
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
EXPORTER = os.path.join(ROOT, "tools", "export_forge_checkpoint.py")
CKPT = os.path.join(ROOT, "tests", "data", "forge_e64.ckpt")
GOLDEN = os.path.join(ROOT, "tests", "data", "golden", "e64_h4_l2_f128.model.safetensors")


def read_st(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", {})
    data = raw[8 + n:]
    return meta, {k: (v["dtype"], v["shape"], data[v["data_offsets"][0]:v["data_offsets"][1]])
                  for k, v in header.items()}


def run(*args):
    p = subprocess.run([sys.executable, EXPORTER] + list(args), capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def zip_with_pickle(path, payload):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("archive/data.pkl", payload)
        z.writestr("archive/version", "3\n")


class Evil:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, ("touch " + self.marker,))


class EvilEval:
    def __reduce__(self):
        return (eval, ("1+1",))


def main():
    try:
        import numpy  # noqa: F401
    except ImportError:
        print("SKIP: numpy is not installed; the exporter needs it")
        return 0
    failures = []

    def check(cond, what):
        print(("ok   " if cond else "FAIL ") + what)
        if not cond:
            failures.append(what)

    with tempfile.TemporaryDirectory() as tmp:
        # 1. The torch-written checkpoint converts to the golden file, tensor for tensor.
        out = os.path.join(tmp, "e64.safetensors")
        rc, log = run(CKPT, out)
        check(rc == 0, "export forge_e64.ckpt (rc %d: %s)" % (rc, log.strip()))
        if rc == 0:
            meta, got = read_st(out)
            gmeta, want = read_st(GOLDEN)
            check(sorted(got) == sorted(want), "same tensor names (%d)" % len(want))
            check(all(got[k] == want[k] for k in want if k in got), "same dtype, shape and bytes for every tensor")
            for k in ("embed_dim", "n_heads", "n_layers", "ff_dim", "format_version"):
                check(meta.get(k) == gmeta.get(k), "metadata %s = %s" % (k, meta.get(k)))
            check(meta.get("loss_mode") == "qvalue", "loss_mode carried over")
        # 2. bf16 output: each value is the round-to-nearest-even bf16 of the fp32 value.
        out16 = os.path.join(tmp, "e64_bf16.safetensors")
        rc, log = run(CKPT, out16, "--dtype", "bf16")
        check(rc == 0, "export --dtype bf16")
        if rc == 0:
            import numpy as np
            _, got = read_st(out16)
            _, want = read_st(GOLDEN)
            dt, shape, raw = got["input_proj.weight"]
            a = np.frombuffer(want["input_proj.weight"][2], "<f4")
            b = (np.frombuffer(raw, "<u2").astype("<u4") << 16).view("<f4")
            check(dt == "BF16" and np.abs(a - b).max() <= np.abs(a).max() * 2 ** -8, "bf16 values")
        # 3. Hyper-parameters that do not fit the tensors: refused, naming a tensor.
        rc, log = run(CKPT, os.path.join(tmp, "x.safetensors"), "--hparams", "64,4,3,128")
        check(rc == 2 and "transformer.layers.2." in log, "wrong n_layers refused by tensor name")
        rc, log = run(CKPT, os.path.join(tmp, "x.safetensors"), "--hparams", "128,4,2,128")
        check(rc == 2 and "'high_pip_embed.weight' has shape [7, 10], expected [7, 21]" in log and "more" in log,
              "wrong embed_dim refused by shape")
        # 4. Malicious pickles: refused, and nothing ran.
        marker = os.path.join(tmp, "pwned")
        bad = os.path.join(tmp, "evil.ckpt")
        zip_with_pickle(bad, pickle.dumps({"state_dict": {}, "x": Evil(marker)}, protocol=2))
        rc, log = run(bad, os.path.join(tmp, "x.safetensors"))
        check(rc == 2 and "system" in log and "refused" in log, "os.system pickle refused (%s)" % log.strip())
        check(not os.path.exists(marker), "os.system did not run")
        zip_with_pickle(bad, pickle.dumps(EvilEval(), protocol=2))
        rc, log = run(bad, os.path.join(tmp, "x.safetensors"))
        check(rc == 2 and "builtins.eval" in log, "builtins.eval pickle refused")
        # 5. Not a checkpoint / no data.pkl / truncated pickle.
        junk = os.path.join(tmp, "junk.ckpt")
        with open(junk, "wb") as f:
            f.write(b"not a zip")
        rc, log = run(junk, os.path.join(tmp, "x.safetensors"))
        check(rc == 2 and "not a torch zip" in log, "non-zip refused")
        zip_with_pickle(bad, pickle.dumps({"state_dict": {}}, protocol=2)[:-3])
        rc, log = run(bad, os.path.join(tmp, "x.safetensors"))
        check(rc == 2 and "cannot unpickle" in log, "truncated pickle refused")
        check(not os.path.exists(os.path.join(tmp, "x.safetensors")), "no output written on failure")
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
