#!/usr/bin/python3
"""Oracle training data: solver shards from `eqvk solve`, tokenised into one compact .npz per split.

  make_oracle_data.py --eqvk BUILD/eqvk --shards DIR --out DIR [--train 0..149] [--val 900..919]
                      [--test 950..979] [--states 3000] [--train-states 6000] [--jobs 2] [--per-trick] [--packed]

Needs /usr/bin/python3 with numpy (and torch, through tools/oracle_common.py). For every split, runs
`eqvk solve --seeds A..B --states K [--per-trick] --out SHARDS/<split>` (decl = seed % 10, spec §3; existing
shards are kept, so use a fresh --shards directory when --states or --per-trick change),
checks each seed against Forge's split rule (seed % 1000 < 900 train, < 950 val, else test) and writes
OUT/<split>.npz with, per sampled non-terminal state:
  tokens int8 [N,32,12], mask int8 [N,32]  training-format tokens (spec §5.1/5.2, dealt sorted hands)
  actor int8 [N]                          seat to move = (leader + trick_len) % 4
  q int8 [N,7]                            solver Q in team-0 points as in the shard (illegal = -128)
  legal int8 [N,7], V int8 [N]            legal slots of the actor; solver V (team 0)
  depth int8 [N]                          tiles played so far (0..27); seed int32 [N], decl int8 [N]
The solver state (spec §3) has no history, but it determines everything §5 needs: the dealt hands come from
deal_from_seed(seed), the remaining masks give is_remaining, and leader/trick_len/the trick's local slots give
the current trick, its players, the actor and the relative leader. The vectorised tokeniser here is checked
against tools/oracle_common.tokenize (itself checked against spec §5.6 A) on every shard's first rows.
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_forge_checkpoint import read_safetensors  # noqa: E402
from oracle_common import COUNT, HIGH, LOW, deal_from_seed, tokenize, trump_rank  # noqa: E402


def split_of(seed):
    r = seed % 1000
    return "train" if r < 900 else "val" if r < 950 else "test"


def parse_range(text):
    a, b = (int(x) for x in text.split(".."))
    return list(range(a, b + 1))


def decode(states):
    """Spec §3 packing -> (remaining masks [N,4], leader [N], trick_len [N], trick slots [N,3])."""
    s = states.astype(np.int64)
    masks = np.stack([(s >> (7 * p)) & 0x7F for p in range(4)], 1)
    return masks, (s >> 28) & 3, (s >> 30) & 3, np.stack([(s >> (32 + 3 * j)) & 7 for j in range(3)], 1)


def tokenize_shard(seed, decl, states):
    """Vectorised training-format tokens for one deal's packed states: (tokens, mask, actor, depth)."""
    hands = np.array(deal_from_seed(seed))  # [4,7] tile ids
    count_cls = {0: 0, 5: 1, 10: 2}
    static = np.array([[HIGH[t], LOW[t], int(HIGH[t] == LOW[t]), count_cls[COUNT[t]], trump_rank(t, decl)]
                       for t in range(28)], np.int8)  # [28,5]: cols 0..4
    masks, leader, tlen, slots = decode(states)
    n = len(states)
    actor = (leader + tlen) % 4
    rel_lead = (leader - actor) % 4
    tok = np.zeros((n, 32, 12), np.int8)
    mask = np.zeros((n, 32), np.int8)
    tok[:, 0, 10], tok[:, 0, 11], mask[:, 0] = decl, rel_lead, 1

    def fill(pos, tiles, seat, remaining, ttype, present):
        rel = (seat - actor) % 4
        row = np.concatenate([static[tiles], np.stack([rel, rel == 0, rel == 2, remaining, np.broadcast_to(ttype, (n,)),
                                                       np.full(n, decl), rel_lead], 1).astype(np.int8)], 1)
        tok[:, pos] = row * present[:, None]
        mask[:, pos] = present
    ones = np.ones(n, np.int8)
    for p in range(4):
        for i in range(7):
            fill(1 + 7 * p + i, np.full(n, hands[p, i]), p, (masks[:, p] >> i) & 1, 1 + p, ones)
    for j in range(3):
        present = (tlen > j).astype(np.int8)
        seat = (leader + j) % 4
        tiles = hands[seat, np.minimum(slots[:, j], 6)]
        fill(29 + j, tiles, seat, np.zeros(n, np.int64), 5 + j, present)
    depth = 28 - sum(np.array([bin(v).count("1") for v in range(128)])[masks[:, p]] for p in range(4))
    return tok, mask, actor.astype(np.int8), depth.astype(np.int8)


def check_against_reference(seed, decl, states, tok, mask, actor, k=8):
    hands = deal_from_seed(seed)
    masks, leader, tlen, slots = decode(states[:k])
    for r in range(len(masks)):
        left = [{hands[p][i] for i in range(7) if masks[r, p] >> i & 1} for p in range(4)]
        trick = [((leader[r] + j) % 4, hands[(leader[r] + j) % 4][slots[r, j]]) for j in range(tlen[r])]
        t, m, a = tokenize(hands, left, decl, int(leader[r]), trick)
        assert (t == tok[r]).all() and (m == mask[r]).all() and a == actor[r], ("tokeniser mismatch", seed, r)


def read_shard(path, seed):
    """One solver shard's non-terminal states: (states uint64 [N], q int8 [N,7] with -128 = illegal, V int8 [N])."""
    cols, meta = read_safetensors(path)
    assert int(meta["seed"]) == seed and int(meta["decl_id"]) == seed % 10, (path, meta)
    q = np.stack([cols["q%d" % i] for i in range(7)], 1).astype(np.int8)
    keep = (q != -128).any(1)  # drop the terminal state (no move)
    return cols["state"][keep], q[keep], cols["V"][keep].astype(np.int8)


def load_shard(path, seed):
    return rows_of(seed, *read_shard(path, seed))


def rows_of(seed, states, q, v):
    """The training rows (tokens, mask, actor, q, legal, V, depth, seed, decl) of one deal's packed states."""
    decl = seed % 10
    legal = (q != -128).astype(np.int8)
    tok, mask, actor, depth = tokenize_shard(seed, decl, states)
    check_against_reference(seed, decl, states, tok, mask, actor)
    # the actor's legal slots must be still in hand
    masks = decode(states)[0]
    held = (masks[np.arange(len(states)), actor.astype(np.int64)][:, None] >> np.arange(7)) & 1
    assert (legal <= held).all(), "legal slot not in the actor's hand"
    return dict(tokens=tok, mask=mask, actor=actor, q=q, legal=legal, V=v, depth=depth,
                seed=np.full(len(states), seed, np.int32), decl=np.full(len(states), decl, np.int8))


def expand_packed(path):
    """A --packed file (state, q, V, seed per row; compressed) expanded into the rows of a <split>.npz."""
    z = np.load(path)
    seed, states, q, v = z["seed"], z["state"], z["q"], z["V"]
    cuts = np.flatnonzero(np.diff(seed)) + 1
    parts = [rows_of(int(seed[a]), states[a:b], q[a:b], v[a:b])
             for a, b in zip(np.r_[0, cuts], np.r_[cuts, len(seed)])]
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def solve(eqvk, seeds, states, out_dir, jobs, per_trick=False):
    """eqvk solve over the seeds, `jobs` processes on contiguous sub-ranges (nice'd)."""
    os.makedirs(out_dir, exist_ok=True)
    chunks = [c for c in np.array_split(np.array(seeds), jobs) if len(c)]
    procs = [subprocess.Popen(["nice", "-n", "19", eqvk, "solve", "--seeds", "%d..%d" % (c[0], c[-1]),
                               "--states", str(states), "--out", out_dir]
                              + (["--per-trick"] if per_trick else [])) for c in chunks]
    for p in procs:
        if p.wait() != 0:
            sys.exit("eqvk solve failed (rc %d)" % p.returncode)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--eqvk", required=True)
    ap.add_argument("--shards", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--train", default="0..79")
    ap.add_argument("--val", default="900..909")
    ap.add_argument("--test", default="950..979")
    ap.add_argument("--states", type=int, default=3000, help="sampled states per val/test seed")
    ap.add_argument("--train-states", type=int, default=6000, help="sampled states per train seed")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--per-trick", action="store_true",
                    help="sample each seed's states evenly over the 7 tricks (eqvk solve --per-trick), in every split")
    ap.add_argument("--packed", action="store_true",
                    help="write OUT/<split>.packed.npz (solver state, q, V, seed per row; compressed, ~20x smaller) "
                         "instead of tokens; tools/train_oracle.py tokenises it when it loads (the device kit's data)")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "info.json"), "w") as f:
        json.dump(dict(train=a.train, val=a.val, test=a.test, states=a.states, train_states=a.train_states,
                       sampling="per-trick" if a.per_trick else "uniform"), f)
    for split in ("test", "val", "train"):
        seeds = parse_range(getattr(a, split))
        bad = [s for s in seeds if split_of(s) != split]
        if bad:
            sys.exit("seeds %s are not in split %s (seed %% 1000 < 900 train, < 950 val, else test)" % (bad, split))
        shard_dir = os.path.join(a.shards, split)
        solve(a.eqvk, seeds, a.train_states if split == "train" else a.states, shard_dir, a.jobs, a.per_trick)
        paths = [os.path.join(shard_dir, "seed_%08d_decl_%d.safetensors" % (s, s % 10)) for s in seeds]
        if a.packed:
            raw = [read_shard(p, s) for p, s in zip(paths, seeds)]
            np.savez_compressed(os.path.join(a.out, split + ".packed.npz"),
                                state=np.concatenate([r[0] for r in raw]), q=np.concatenate([r[1] for r in raw]),
                                V=np.concatenate([r[2] for r in raw]),
                                seed=np.concatenate([np.full(len(r[0]), s, np.int32) for r, s in zip(raw, seeds)]))
            data = expand_packed(os.path.join(a.out, split + ".packed.npz"))  # checks the file as it is read
        else:
            parts = [load_shard(p, s) for p, s in zip(paths, seeds)]
            data = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
            np.savez(os.path.join(a.out, split + ".npz"), **data)
        print("%s: seeds %s, %d states, depth histogram %s" % (split, getattr(a, split), len(data["q"]),
                                                               np.bincount(data["depth"], minlength=28).tolist()))


if __name__ == "__main__":
    main()
