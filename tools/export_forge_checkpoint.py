#!/usr/bin/python3
"""Convert a Crystal Forge Stage-1 oracle checkpoint (Lightning .ckpt) into an eqvk model file, without torch.

  export_forge_checkpoint.py CKPT OUT.safetensors [--dtype f32|f16|bf16] [--hparams E,H,L,F]

A .ckpt is a torch.save zip: <root>/data.pkl (a pickle) plus raw little-endian storages <root>/data/<key>.
The pickle is read by a restricted unpickler: only the torch tensor-rebuild functions, storage types,
OrderedDict, Lightning's AttributeDict and a few inert numpy RNG-state types resolve (to our own stand-ins);
any other global (os.system, builtins.eval, ...) is refused, so a checkpoint cannot run code. The state dict
(`model.` / `model._orig_mod.` prefixes stripped) is checked against spec §4.2 for the hyper-parameters in
`hyper_parameters` (embed_dim, n_heads, n_layers, ff_dim; Forge's defaults 64/4/2/128 when absent) and written
as safetensors with those hyper-parameters and format_version in __metadata__ (docs/model.md).
Needs only numpy. Exit status: 0 ok, 2 bad or refused input.
"""
import argparse
import collections
import json
import os
import pickle
import struct
import sys
import zipfile

import numpy as np

FORMAT_VERSION = 1
# Embedding tables in feature-column order (spec §4.1): name, rows, wide (width E//6) or narrow (E//12).
FEATURES = [("high_pip_embed", 7, True), ("low_pip_embed", 7, True), ("is_double_embed", 2, False),
            ("count_value_embed", 3, False), ("trump_rank_embed", 8, True), ("player_id_embed", 4, False),
            ("is_current_embed", 2, False), ("is_partner_embed", 2, False), ("is_remaining_embed", 2, False),
            ("token_type_embed", 8, True), ("decl_embed", 10, True), ("leader_embed", 4, False)]
FORGE_DEFAULTS = {"embed_dim": 64, "n_heads": 4, "n_layers": 2, "ff_dim": 128}
HPARAM_KEYS = ("embed_dim", "n_heads", "n_layers", "ff_dim")


class InputProblem(Exception):
    """A bad or refused checkpoint; the message is for the user."""


def param_shapes(e, h, n_layers, f):
    """[(name, shape)] of every parameter in canonical order (spec §4.2). h only has to divide e."""
    a, b = e // 6, e // 12
    out = [(name + ".weight", (rows, a if wide else b)) for name, rows, wide in FEATURES]
    out += [("input_proj.weight", (e, 5 * a + 7 * b)), ("input_proj.bias", (e,))]
    for i in range(n_layers):
        p = "transformer.layers.%d." % i
        out += [(p + "self_attn.in_proj_weight", (3 * e, e)), (p + "self_attn.in_proj_bias", (3 * e,)),
                (p + "self_attn.out_proj.weight", (e, e)), (p + "self_attn.out_proj.bias", (e,)),
                (p + "linear1.weight", (f, e)), (p + "linear1.bias", (f,)),
                (p + "linear2.weight", (e, f)), (p + "linear2.bias", (e,)),
                (p + "norm1.weight", (e,)), (p + "norm1.bias", (e,)),
                (p + "norm2.weight", (e,)), (p + "norm2.bias", (e,))]
    out += [("output_proj.weight", (1, e)), ("output_proj.bias", (1,)),
            ("value_head.weight", (1, e)), ("value_head.bias", (1,))]
    return out


def check_hparams(hp):
    e, h, n_layers, f = (hp[k] for k in HPARAM_KEYS)
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (e, h, n_layers, f)):
        raise InputProblem("hyper-parameters must be integers: %r" % (hp,))
    if not (12 <= e <= 8192 and 1 <= h <= e and e % h == 0 and 1 <= n_layers <= 64 and 1 <= f <= 65536):
        raise InputProblem("invalid hyper-parameters embed_dim=%d n_heads=%d n_layers=%d ff_dim=%d" % (e, h, n_layers, f))


# ---- safetensors writer (shared with tools/make_golden.py)

ST_DTYPES = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4", "I16": "<i2", "I8": "i1",
             "U8": "u1", "BOOL": "?"}


def f32_to_bf16_bits(x):
    """float32 array -> bfloat16 bit patterns (uint16), round to nearest even, NaN kept NaN."""
    u = np.ascontiguousarray(x, dtype="<f4").view("<u4").astype(np.uint64)
    rounded = ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype("<u2")
    nan = np.isnan(np.asarray(x, dtype=np.float32))
    rounded[nan] = ((u[nan] >> 16) | 0x40).astype("<u2")
    return rounded


def bf16_bits_to_f32(bits):
    return (np.asarray(bits, dtype="<u2").astype("<u4") << 16).view("<f4")


def encode_tensor(name, array, dtype):
    """(name, dtype, shape, bytes) for the writer; dtype is a safetensors name (BF16 from float input)."""
    if dtype == "BF16":
        raw = f32_to_bf16_bits(array).tobytes()
    else:
        raw = np.ascontiguousarray(array, dtype=ST_DTYPES[dtype]).tobytes()
    return name, dtype, list(np.shape(array)), raw


def write_safetensors(path, tensors, metadata):
    """tensors: [(name, dtype, shape, raw bytes)] in file order; metadata: {str: str}. Atomic replace."""
    header = {"__metadata__": {k: str(v) for k, v in sorted(metadata.items())}}
    data = bytearray()
    for name, dtype, shape, raw in tensors:
        header[name] = {"dtype": dtype, "shape": [int(d) for d in shape],
                        "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    tmp = "%s.tmp%d" % (path, os.getpid())
    with open(tmp, "wb") as out:
        out.write(struct.pack("<Q", len(h)) + h + bytes(data))
    os.replace(tmp, path)


def read_safetensors(path):
    """({name: numpy array}, {metadata}) of a safetensors file (numeric dtypes except BF16, which is widened)."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", {})
    out = {}
    for name, e in header.items():
        b, end = e["data_offsets"]
        buf = raw[8 + n + b:8 + n + end]
        if e["dtype"] == "BF16":
            arr = bf16_bits_to_f32(np.frombuffer(buf, "<u2"))
        else:
            arr = np.frombuffer(buf, ST_DTYPES[e["dtype"]])
        out[name] = arr.reshape(e["shape"])
    return out, meta


# ---- restricted unpickling of a torch.save zip

STORAGES = {"FloatStorage": "<f4", "HalfStorage": "<f2", "BFloat16Storage": "bf16", "DoubleStorage": "<f8",
            "LongStorage": "<i8", "IntStorage": "<i4", "ShortStorage": "<i2", "CharStorage": "i1",
            "ByteStorage": "u1", "BoolStorage": "?", "UntypedStorage": "u1"}


class StorageType:
    def __init__(self, name):
        self.name, self.dtype = name, STORAGES[name]


class Storage:
    """A storage record of the zip, read on first use."""

    def __init__(self, ckpt, stype, key, numel):
        self.ckpt, self.stype, self.key, self.numel = ckpt, stype, key, numel
        self._array = None

    def array(self):
        if self._array is None:
            raw = self.ckpt.record("data/" + self.key)
            dt = "<u2" if self.stype.dtype == "bf16" else self.stype.dtype
            itemsize = np.dtype(dt).itemsize
            if len(raw) < self.numel * itemsize:
                raise InputProblem("storage %s holds %d bytes, expected %d (truncated checkpoint?)"
                                   % (self.key, len(raw), self.numel * itemsize))
            self._array = np.frombuffer(raw, dtype=dt, count=self.numel)
        return self._array


class LazyTensor:
    """What torch._utils._rebuild_tensor_v2 would rebuild: a strided view of a storage."""

    def __init__(self, storage, offset, size, stride):
        if not isinstance(storage, Storage):
            raise InputProblem("tensor rebuilt from something that is not a storage")
        self.storage, self.offset, self.shape, self.stride = storage, int(offset), tuple(size), tuple(stride)

    def numpy(self):
        """float32 (for floating storages) copy in row-major order."""
        base = self.storage.array()
        need = self.offset + sum((s - 1) * st for s, st in zip(self.shape, self.stride)) + 1 if all(self.shape) else 0
        if need > len(base) or self.offset < 0 or any(st < 0 for st in self.stride):
            raise InputProblem("tensor view [offset %d, size %s, stride %s] exceeds its storage of %d elements"
                               % (self.offset, self.shape, self.stride, len(base)))
        item = base.itemsize
        view = np.lib.stride_tricks.as_strided(base[self.offset:], shape=self.shape,
                                               strides=[st * item for st in self.stride], writeable=False)
        if self.storage.stype.dtype == "bf16":
            return bf16_bits_to_f32(np.array(view))
        return np.array(view)

    @property
    def source_dtype(self):
        return {"<f4": "F32", "<f2": "F16", "bf16": "BF16"}.get(self.storage.stype.dtype, self.storage.stype.name)


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False, backward_hooks=None,
                       metadata=None):
    return LazyTensor(storage, storage_offset, size, stride)


def _rebuild_parameter(data, requires_grad=False, backward_hooks=None, state=None):
    return data


class Inert:
    """Stand-in for harmless objects we never use (numpy RNG states, dtypes): keeps its arguments, runs nothing."""

    def __init__(self, *args, **kwargs):
        self.args = args

    def __setstate__(self, state):
        self.state = state


class AttributeDict(dict):
    """Lightning's hyper-parameter dict."""


def _codecs_encode(text, encoding="latin1"):
    if not isinstance(text, str) or encoding not in ("latin1", "latin-1", "utf-8", "utf8"):
        raise InputProblem("refused _codecs.encode(%r, %r) in the checkpoint pickle" % (type(text), encoding))
    return text.encode(encoding)


ALLOWED = {("collections", "OrderedDict"): collections.OrderedDict,
           ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2,
           ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
           ("torch._utils", "_rebuild_parameter_with_state"): _rebuild_parameter,
           ("torch", "Size"): tuple,
           ("torch", "device"): lambda *args: "device:" + ":".join(map(str, args)),
           ("builtins", "set"): set, ("builtins", "frozenset"): frozenset, ("builtins", "slice"): slice,
           ("_codecs", "encode"): _codecs_encode}
ALLOWED.update({("torch", name): StorageType(name) for name in STORAGES})
for mod in ("numpy.core.multiarray", "numpy._core.multiarray"):
    ALLOWED[(mod, "_reconstruct")] = Inert
    ALLOWED[(mod, "scalar")] = Inert
ALLOWED.update({("numpy", "ndarray"): Inert, ("numpy", "dtype"): Inert})
for mod in ("lightning.fabric.utilities.data", "lightning_fabric.utilities.data",
            "pytorch_lightning.utilities.parsing"):
    ALLOWED[(mod, "AttributeDict")] = AttributeDict


class RestrictedUnpickler(pickle.Unpickler):
    def __init__(self, fileobj, ckpt):
        super().__init__(fileobj)
        self.ckpt = ckpt

    def find_class(self, module, name):
        if module == "__builtin__":  # protocol 2 spells builtins the Python 2 way
            module = "builtins"
        if (module, name) in ALLOWED:
            return ALLOWED[(module, name)]
        raise InputProblem("refused to load '%s.%s' from the checkpoint pickle: only tensors, dicts, lists and "
                           "primitives are accepted (a pickle can run arbitrary code)" % (module, name))

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage"
                and isinstance(pid[1], StorageType) and isinstance(pid[2], str) and isinstance(pid[4], int)):
            raise InputProblem("unexpected persistent id %r in the checkpoint pickle" % (pid,))
        return self.ckpt.storage(pid[1], pid[2], pid[4])


class Checkpoint:
    """A torch.save zip archive opened for restricted reading."""

    def __init__(self, path):
        self.path = path
        try:
            self.zip = zipfile.ZipFile(path)
        except (OSError, zipfile.BadZipFile) as e:
            raise InputProblem("%s: not a torch zip checkpoint (%s)" % (path, e))
        pkls = [n for n in self.zip.namelist() if n.endswith("/data.pkl") and n.count("/") == 1]
        if len(pkls) != 1:
            raise InputProblem("%s: expected exactly one <root>/data.pkl in the zip, found %d" % (path, len(pkls)))
        self.root = pkls[0][:-len("data.pkl")]
        order = self.root + "byteorder"
        if order in self.zip.namelist() and self.zip.read(order).strip() != b"little":
            raise InputProblem("%s: big-endian checkpoints are not supported" % path)
        self._storages = {}

    def record(self, name):
        try:
            return self.zip.read(self.root + name)
        except KeyError:
            raise InputProblem("%s: record %s%s is missing" % (self.path, self.root, name))

    def storage(self, stype, key, numel):
        if key not in self._storages:
            self._storages[key] = Storage(self, stype, key, numel)
        return self._storages[key]

    def load(self):
        import io
        try:
            return RestrictedUnpickler(io.BytesIO(self.record("data.pkl")), self).load()
        except InputProblem:
            raise
        except Exception as e:  # malformed pickle opcodes and the like
            raise InputProblem("%s: cannot unpickle data.pkl: %s: %s" % (self.path, type(e).__name__, e))


# ---- conversion

def strip_prefix(key):
    for p in ("model._orig_mod.", "model."):
        if key.startswith(p):
            return key[len(p):].replace("._orig_mod.", ".")
    return None


def extract(obj, path, hparams_override=None):
    """(state dict {name: LazyTensor} without prefixes, hyper-parameters dict, extra metadata)."""
    if not isinstance(obj, dict):
        raise InputProblem("%s: the checkpoint holds a %s, expected a dict" % (path, type(obj).__name__))
    notes = {}
    if "state_dict" in obj:
        raw_sd, hp = obj["state_dict"], obj.get("hyper_parameters") or {}
        if not isinstance(raw_sd, dict) or not isinstance(hp, dict):
            raise InputProblem("%s: state_dict or hyper_parameters is not a dict" % path)
        sd = {}
        for k, v in raw_sd.items():
            name = strip_prefix(k)
            if name is None or name == "_hand_offsets":
                print("note: ignoring state_dict entry %r (not under model.)" % k, file=sys.stderr)
                continue
            sd[name] = v
    else:  # a bare DominoTransformer state dict
        sd, hp = dict(obj), {}
    hparams = {}
    for k in HPARAM_KEYS:
        if hparams_override is not None:
            hparams[k] = hparams_override[k]
        elif k in hp:
            hparams[k] = hp[k]
        else:
            hparams[k] = FORGE_DEFAULTS[k]
            print("note: hyper-parameter %s missing, using Forge's default %d" % (k, FORGE_DEFAULTS[k]),
                  file=sys.stderr)
    check_hparams(hparams)
    for k in ("loss_mode",):
        if isinstance(hp.get(k), str):
            notes[k] = hp[k]
    return sd, hparams, notes


def convert(ckpt_path, out_path, dtype=None, hparams_override=None):
    obj = Checkpoint(ckpt_path).load()
    sd, hp, notes = extract(obj, ckpt_path, hparams_override)
    expected = param_shapes(hp["embed_dim"], hp["n_heads"], hp["n_layers"], hp["ff_dim"])
    problems = []
    names = {n for n, _ in expected}
    for name, shape in expected:
        t = sd.get(name)
        if t is None:
            problems.append("missing tensor '%s' %s" % (name, list(shape)))
        elif not isinstance(t, LazyTensor):
            problems.append("'%s' is a %s, not a tensor" % (name, type(t).__name__))
        elif t.shape != shape:
            problems.append("tensor '%s' has shape %s, expected %s" % (name, list(t.shape), list(shape)))
        elif t.source_dtype not in ("F32", "F16", "BF16"):
            problems.append("tensor '%s' has dtype %s, expected a float type" % (name, t.source_dtype))
    problems += ["unexpected tensor '%s'" % n for n in sd if n not in names]
    if problems:
        raise InputProblem("%s: not a DominoTransformer %d/%d/%d/%d state dict: %s" % (
            ckpt_path, hp["embed_dim"], hp["n_heads"], hp["n_layers"], hp["ff_dim"], "; ".join(problems[:12])
            + ("; ... and %d more" % (len(problems) - 12) if len(problems) > 12 else "")))
    src_dtypes = {sd[n].source_dtype for n, _ in expected}
    out_dtype = dtype or (src_dtypes.pop() if len(src_dtypes) == 1 else "F32")
    tensors = []
    for name, _ in expected:
        a = sd[name].numpy().astype(np.float32)
        bad = np.flatnonzero(~np.isfinite(a))
        if bad.size:
            raise InputProblem("%s: tensor '%s' holds a non-finite value at flat index %d" % (ckpt_path, name, bad[0]))
        tensors.append(encode_tensor(name, a, out_dtype))
    meta = dict(hp, format_version=FORMAT_VERSION, source=os.path.basename(ckpt_path), **notes)
    write_safetensors(out_path, tensors, meta)
    return hp, out_dtype


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("ckpt")
    ap.add_argument("out")
    ap.add_argument("--dtype", choices=["f32", "f16", "bf16"], help="output dtype (default: the checkpoint's)")
    ap.add_argument("--hparams", help="E,H,L,F overriding the checkpoint's hyper_parameters")
    args = ap.parse_args(argv)
    override = None
    if args.hparams:
        try:
            override = dict(zip(HPARAM_KEYS, (int(v) for v in args.hparams.split(","))))
        except ValueError:
            override = {}
        if len(override) != 4:
            print("error: --hparams needs four integers E,H,L,F", file=sys.stderr)
            return 2
    try:
        hp, dt = convert(args.ckpt, args.out, args.dtype and args.dtype.upper(), override)
    except InputProblem as e:
        print("error: %s" % e, file=sys.stderr)
        return 2
    print("wrote %s: embed_dim=%d n_heads=%d n_layers=%d ff_dim=%d, %s" % (
        args.out, hp["embed_dim"], hp["n_heads"], hp["n_layers"], hp["ff_dim"], dt))
    return 0


if __name__ == "__main__":
    sys.exit(main())
