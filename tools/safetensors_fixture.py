#!/usr/bin/python3
"""Independent (Python, stdlib only) writer and reader of the safetensors format, for eqvk's io tests.

  safetensors_fixture.py write OUT   writes the fixture tests/data/fixture.safetensors is made from
  safetensors_fixture.py dump FILE   prints one line per tensor: name dtype shape values (and metadata);
                                     uses numpy.frombuffer for the values when numpy is installed.
Needs /usr/bin/python3.
"""
import json
import struct
import sys

FMT = {"F64": "d", "F32": "f", "F16": "e", "I64": "q", "I32": "i", "I16": "h", "I8": "b",
       "U64": "Q", "U32": "I", "U16": "H", "U8": "B", "BOOL": "?"}

def write(path):
    tensors = [("a", "F32", [2, 3], [0.5 * i - 1 for i in range(6)]),
               ("b", "I8", [4], [-128, -1, 0, 127]),
               ("c", "I64", [2], [-(2 ** 40), 2 ** 62 + 3]),
               ("d", "F16", [3], [1.0, -2.5, 65504.0]),
               ("e", "BOOL", [2], [True, False]),
               ("z", "U8", [0], [])]
    header = {"__metadata__": {"seed": "7", "note": "written by python"}}
    data = b""
    for name, dt, shape, vals in tensors:
        raw = struct.pack("<%d%s" % (len(vals), FMT[dt]), *vals)
        header[name] = {"dtype": dt, "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + data)

def dump(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    data = raw[8 + n:]
    try:
        import numpy as np
    except ImportError:
        np = None
    for k, v in sorted(header.get("__metadata__", {}).items()):
        print("meta %s=%s" % (k, v))
    for name in sorted(k for k in header if k != "__metadata__"):
        e = header[name]
        b, end = e["data_offsets"]
        count = (end - b) // struct.calcsize(FMT[e["dtype"]])
        if np is not None and e["dtype"] != "BOOL":
            vals = np.frombuffer(data[b:end], dtype="<" + FMT[e["dtype"]]).tolist()
        else:
            vals = list(struct.unpack("<%d%s" % (count, FMT[e["dtype"]]), data[b:end]))
        print("%s %s %s %s" % (name, e["dtype"], "x".join(map(str, e["shape"])) or "scalar",
                               " ".join(str(int(x)) if isinstance(x, bool) else str(x) for x in vals)))

if __name__ == "__main__":
    {"write": write, "dump": dump}[sys.argv[1]](sys.argv[2])
