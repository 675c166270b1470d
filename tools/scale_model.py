#!/usr/bin/env python3
"""Writes a copy of an F32 eqvk model file with some tensors scaled or overwritten: the overflowing
models of the non-finite guard's tests (tests/cli/test_cli.sh). Standard library only (any python3).

Usage: scale_model.py IN OUT NAME_SUBSTRING (--times F | --set V)
Every F32 tensor whose name contains NAME_SUBSTRING is multiplied by F (--times) or replaced by V
with each element's sign kept (--set); the header and metadata are kept.
"""
import argparse
import array
import json
import struct
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("inp")
    ap.add_argument("out")
    ap.add_argument("name")
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--times", type=float)
    g.add_argument("--set", type=float)
    a = ap.parse_args()
    raw = open(a.inp, "rb").read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    data = bytearray(raw[8 + n:])
    hits = 0
    for name, t in header.items():
        if name == "__metadata__" or a.name not in name:
            continue
        if t["dtype"] != "F32":
            sys.exit(f"{name}: dtype {t['dtype']}, only F32 files are supported")
        lo, hi = t["data_offsets"]
        v = array.array("f")
        v.frombytes(bytes(data[lo:hi]))
        if sys.byteorder != "little":
            v.byteswap()
        for i, x in enumerate(v):
            v[i] = x * a.times if a.times is not None else (-a.set if x < 0 else a.set)
        if sys.byteorder != "little":
            v.byteswap()
        data[lo:hi] = v.tobytes()
        hits += 1
    if not hits:
        sys.exit(f"no tensor name contains '{a.name}'")
    with open(a.out, "wb") as f:
        f.write(raw[:8 + n])
        f.write(data)


if __name__ == "__main__":
    main()
