#!/usr/bin/python3
"""Turn an eqvk E[Q] shard into Crystal Forge's per-seed .pt files for their Stage-2 training.

Needs /usr/bin/python3 with numpy and torch (Debian: python3-numpy python3-torch).

    tools/to_forge_pt.py eq-data/shard-000000000000-10.safetensors --out forge-games/

Writes {out}/{train|val|test}/seed_{seed:08d}.pt (split by seed % 1000, spec §3), each a dict with the keys of
spec §6.12: transcript_tokens [28,36,8] int64, transcript_lengths [28] int64, e_q_mean/e_q_var [28,7] fp32,
legal_mask [28,7] bool, action_taken [28] int64, game_idx [28] int64 (= seed), decision_idx [28] int64,
train_mask [28] bool, u_mean/u_max [28] fp32, ess/max_w [28] fp32 (per decision; 0: no posterior), exploration_mode [28]
int8 (0 greedy, 1 Boltzmann, 2 epsilon, 3 blunder), q_gap [28] fp32, e_q_pdf [28,7,85] fp32, n_samples [28] int32,
converged [28] bool, metadata (exploration: the shard's [policy] settings; adaptive and enumeration from
[sampling]; posterior {enabled, window_k, tau} from [posterior]). Keys beyond Forge's file: from its DecisionRecordGPU/ExplorationStats (spec §6.10-6.11)
greedy_action [28] int64 and action_entropy [28] fp32; eqvk's own exact [28] bool, world_count [28] int64 and
e_q_sem [28,7] fp32 (standard error of E[Q] per slot).
Shards written before exploration existed (no such columns) give greedy values: mode 0, greedy = taken, q_gap 0;
shards from before the posterior (no ess/max_w columns) give zeros, Forge's "no posterior".
Each file is written to a .tmp and renamed, like Forge's generator; existing files are skipped.
"""
import argparse
import json
import os
import struct
import sys
import tomllib

import numpy as np

DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64, "I32": np.int32, "I16": np.int16,
          "I8": np.int8, "U8": np.uint8, "BOOL": np.bool_}
SPLITS = ("train", "val", "test")


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__", {})
    base = 8 + n
    tensors = {}
    for name, info in header.items():
        start, end = info["data_offsets"]
        tensors[name] = np.frombuffer(data[base + start:base + end], dtype=DTYPES[info["dtype"]]).reshape(info["shape"])
    return tensors, meta


def config_value(meta, key, default=None):
    """The value of `key` ("section.key") in the shard's canonical config (metadata "config")."""
    section, name = key.split(".")
    current = None
    for line in meta.get("config", "").splitlines():
        line = line.strip()
        if line.startswith("["):
            current = line.strip("[]")
        elif current == section and "=" in line:
            k, v = (x.strip() for x in line.split("=", 1))
            if k == name:
                return v.strip("\"'")
    return default


def posterior_meta(meta):
    """Forge's metadata.posterior from [posterior] (spec §6.12), plus eqvk's uniform_mix and score."""
    if config_value(meta, "posterior.enabled", "false") != "true":
        return {"enabled": False}
    return {
        "enabled": True,
        "window_k": int(config_value(meta, "posterior.window", 0)),
        "tau": float(config_value(meta, "posterior.tau", 0)),
        "uniform_mix": float(config_value(meta, "posterior.uniform_mix", 0)),
        "score": config_value(meta, "posterior.score", "opponents"),
    }


def adaptive_meta(meta):
    """Forge's metadata.adaptive from [sampling] (spec §6.12)."""
    if config_value(meta, "sampling.mode", "fixed") != "adaptive":
        return {"enabled": False}
    return {
        "enabled": True,
        "min_samples": int(config_value(meta, "sampling.min_worlds", 0)),
        "max_samples": int(config_value(meta, "sampling.max_worlds", 0)),
        "batch_size": int(config_value(meta, "sampling.round_worlds", 0)),
        "sem_threshold": float(config_value(meta, "sampling.sem_target", 0)),
    }


def enumeration_meta(meta):
    """Forge's metadata.enumeration from sampling.exact_max (0 = off)."""
    threshold = int(config_value(meta, "sampling.exact_max", 0))
    return {"enabled": threshold > 0, "threshold": threshold}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("shard", help="an eqvk shard (.safetensors)")
    ap.add_argument("--out", required=True, help="output directory")
    args = ap.parse_args()
    import torch  # after argument parsing, so --help works without torch

    t, meta = read_safetensors(args.shard)
    games = t["game_seed"].shape[0]
    policy = tomllib.loads(meta["config"]).get("policy", {}) if "config" in meta else {}
    exploration = {"policy": "greedy" if policy.get("exploration", "none") == "none" else policy["exploration"]}
    exploration.update({k: policy[k] for k in ("action", "epsilon", "temperature", "blunder_rate",
                                               "blunder_max_regret") if k in policy})
    if "exploration_mode" not in t:  # a shard from before exploration: the greedy move everywhere
        t["exploration_mode"] = np.zeros_like(t["action_taken"])
        t["greedy_action"] = t["action_taken"]
        t["q_gap"] = np.zeros(t["action_taken"].shape, np.float32)
        t["action_entropy"] = np.zeros(t["action_taken"].shape, np.float32)
    for key in ("ess", "max_w"):  # a shard from before the posterior: Forge's 0 = no posterior
        if key not in t:
            t[key] = np.zeros(t["action_taken"].shape, np.float32)
    written = 0
    for g in range(games):
        seed = int(t["game_seed"][g])
        split = SPLITS[0 if seed % 1000 < 900 else 1 if seed % 1000 < 950 else 2]
        path = os.path.join(args.out, split, f"seed_{seed:08d}.pt")
        if os.path.exists(path):
            continue
        record = {
            "transcript_tokens": torch.from_numpy(t["transcript_tokens"][g].astype(np.int64)),
            "transcript_lengths": torch.from_numpy(t["transcript_lengths"][g].astype(np.int64)),
            "e_q_mean": torch.from_numpy(t["e_q_mean"][g].copy()),
            "e_q_var": torch.from_numpy(t["e_q_var"][g].copy()),
            "legal_mask": torch.from_numpy(t["legal_mask"][g].copy()),
            "action_taken": torch.from_numpy(t["action_taken"][g].astype(np.int64)),
            "game_idx": torch.full((28,), seed, dtype=torch.int64),
            "decision_idx": torch.from_numpy(t["decision_idx"][g].astype(np.int64)),
            "train_mask": torch.from_numpy(t["train_mask"][g].copy()),
            "u_mean": torch.from_numpy(t["u_mean"][g].copy()),
            "u_max": torch.from_numpy(t["u_max"][g].copy()),
            "ess": torch.from_numpy(t["ess"][g].astype(np.float32)),
            "max_w": torch.from_numpy(t["max_w"][g].astype(np.float32)),
            "exploration_mode": torch.from_numpy(t["exploration_mode"][g].astype(np.int8)),
            "q_gap": torch.from_numpy(t["q_gap"][g].astype(np.float32)),
            "greedy_action": torch.from_numpy(t["greedy_action"][g].astype(np.int64)),
            "action_entropy": torch.from_numpy(t["action_entropy"][g].astype(np.float32)),
            "e_q_pdf": torch.from_numpy(t["e_q_pdf"][g].copy()),
            "n_samples": torch.from_numpy(t["n_samples"][g].copy()),
            "converged": torch.from_numpy(t["converged"][g].copy()),
            # eqvk's own columns (issue 15), beside Forge's: exact enumeration, the exact world
            # count, the standard error of E[Q] per slot.
            "exact": torch.from_numpy(t["exact"][g].copy()),
            "world_count": torch.from_numpy(t["world_count"][g].copy()),
            "e_q_sem": torch.from_numpy(t["e_q_sem"][g].copy()),
            "metadata": {
                "seed": seed,
                "decl_id": int(t["decl"][g]),
                "n_samples": int(t["n_samples"][g][0]),
                "checkpoint": meta.get("model", ""),
                "version": "2.1",
                "schema": {"q_semantics": "minimax_value_to_go", "q_units": "points"},
                "posterior": posterior_meta(meta),
                "exploration": exploration,
                "adaptive": adaptive_meta(meta),
                "enumeration": enumeration_meta(meta),
                "generated_by": "eqvk " + meta.get("eqvk_version", "?"),
            },
        }
        os.makedirs(os.path.dirname(path), exist_ok=True)
        torch.save(record, path + ".tmp")
        os.replace(path + ".tmp", path)
        written += 1
    print(f"{args.shard}: {games} games, {written} .pt files written under {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
