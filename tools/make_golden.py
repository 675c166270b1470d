#!/usr/bin/python3
"""PyTorch golden data for the oracle forward (spec §4.1) — the only writer of tests/data/golden/.

  make_golden.py [OUT_DIR]       (default tests/data/golden; needs Debian's python3-torch, CPU is enough)

Builds Forge's DominoTransformer with torch.nn.TransformerEncoder (same state-dict names, §4.2) at several sizes
with seeded random weights, tokenises random but valid game states (a small Python port of the rules, §1, and the
training-format tokeniser, §5, checked against golden vector §5.6 A) plus rows of random in-range features with
random padding, and writes per size <name>.model.safetensors (eqvk model file, F32/F16/BF16) and
<name>.io.safetensors: tokens I8 [B,32,12], mask I8 [B,32], actor I32 [B], q F32 [B,7], value F32 [B] (torch
fp32, eval mode as Forge runs it), q64/value64 F64 (torch float64), plus provenance (deal_seed, decl, plays).
Also writes forge_e64.ckpt: a Lightning-style checkpoint of the 64/4/2/128 model for the exporter test.
Deterministic: same torch version → same bytes.
"""
import os
import random
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oracle_common  # noqa: E402
from export_forge_checkpoint import FEATURES, encode_tensor, write_safetensors  # noqa: E402
from oracle_common import DominoTransformer, deal_from_seed, play_random, tokenize  # noqa: E402

# name, E, H, L, F, stored dtype, batch, seed
SIZES = [("tiny_e24_h2_l1_f32", 24, 2, 1, 32, "F32", 32, 1),
         ("e64_h4_l2_f128", 64, 4, 2, 128, "F32", 64, 2),
         ("e128_h4_l2_f256", 128, 4, 2, 256, "BF16", 48, 3),
         ("e256_h8_l6_f512", 256, 8, 6, 512, "F16", 24, 4)]


GOLDEN_A = """0 0 0 0 0 0 0 0 0 0 0 0|0 0 1 0 0 0 1 0 1 1 0 0|2 0 0 0 5 0 1 0 1 1 0 0|2 2 1 0 7 0 1 0 1 1 0 0|
3 1 0 0 7 0 1 0 1 1 0 0|4 0 0 0 3 0 1 0 1 1 0 0|4 4 1 0 7 0 1 0 1 1 0 0|5 2 0 0 7 0 1 0 1 1 0 0|
1 1 1 0 7 1 0 0 1 2 0 0|2 1 0 0 7 1 0 0 1 2 0 0|5 3 0 0 7 1 0 0 1 2 0 0|5 4 0 0 7 1 0 0 1 2 0 0|
6 0 0 0 1 1 0 0 1 2 0 0|6 2 0 0 7 1 0 0 1 2 0 0|6 4 0 2 7 1 0 0 1 2 0 0|3 0 0 0 4 2 0 1 1 3 0 0|
3 3 1 0 7 2 0 1 1 3 0 0|4 1 0 1 7 2 0 1 1 3 0 0|5 0 0 1 2 2 0 1 1 3 0 0|5 5 1 2 7 2 0 1 1 3 0 0|
6 1 0 0 7 2 0 1 1 3 0 0|6 5 0 0 7 2 0 1 1 3 0 0|1 0 0 0 6 3 0 0 1 4 0 0|3 2 0 1 7 3 0 0 1 4 0 0|
4 2 0 0 7 3 0 0 1 4 0 0|4 3 0 0 7 3 0 0 1 4 0 0|5 1 0 0 7 3 0 0 1 4 0 0|6 3 0 0 7 3 0 0 1 4 0 0|
6 6 1 0 7 3 0 0 1 4 0 0"""


def check_tokenizer():
    """Spec §5.6 (A): seed 0, decl 0, initial state."""
    hands = deal_from_seed(0)
    assert hands[0] == [0, 3, 5, 7, 10, 14, 17] and hands[3] == [1, 8, 12, 13, 16, 24, 27], hands
    _, left, leader, trick = play_random(hands, 0, 0, random.Random(0))
    tok, mask, actor = tokenize(hands, left, 0, leader, trick)
    want = np.array([[int(v) for v in r.split()] for r in GOLDEN_A.replace("\n", "").split("|")], np.int8)
    assert actor == 0 and (tok[:29] == want).all() and (tok[29:] == 0).all(), "tokenizer differs from §5.6 A"
    assert list(mask) == [1] * 29 + [0] * 3


def make_inputs(batch, seed):
    """Game-state rows (all decls, trick lengths 0..3) then a quarter of random in-range rows with random masks."""
    rng = random.Random(1000 + seed)
    n_game = batch - batch // 4
    tokens = np.zeros((batch, 32, 12), np.int8)
    mask = np.zeros((batch, 32), np.int8)
    actor = np.zeros(batch, np.int32)
    deal_seed = np.full(batch, -1, np.int64)
    decls = np.full(batch, -1, np.int8)
    plays = np.full((batch, 28), -1, np.int8)
    kind = np.zeros(batch, np.int8)
    for i in range(n_game):
        s, decl, in_trick = rng.randrange(1 << 31), i % 10, i % 4
        n_plays = 4 * rng.randrange(0, 7 if in_trick else 8) + in_trick
        hands = deal_from_seed(s)
        pl, left, leader, trick = play_random(hands, decl, n_plays, rng)
        tokens[i], mask[i], actor[i] = tokenize(hands, left, decl, leader, trick)
        deal_seed[i], decls[i], plays[i, :len(pl)] = s, decl, pl
    for i in range(n_game, batch):
        kind[i] = 1
        for c, (_, rows, _) in enumerate(FEATURES):
            tokens[i, :, c] = [rng.randrange(rows) for _ in range(32)]
        mask[i] = [int(rng.random() < 0.8) for _ in range(32)]
        mask[i, rng.randrange(32)] = 1
        actor[i] = rng.randrange(4)
    assert set(actor[:n_game].tolist()) == {0, 1, 2, 3}, "not every actor covered; change the seed"
    return dict(tokens=tokens, mask=mask, actor=actor, deal_seed=deal_seed, decl=decls, plays=plays, kind=kind)


def build_model(e, h, n_layers, f, dtype, seed):
    """Seeded weights (default init, then LayerNorms and biases perturbed so every parameter matters), rounded
    to the stored dtype and back so torch computes with exactly what the file holds."""
    torch.manual_seed(seed)
    m = DominoTransformer(e, h, n_layers, f)
    g = torch.Generator().manual_seed(seed + 100)
    with torch.no_grad():
        for name, p in m.named_parameters():
            if ".norm" in name and name.endswith("weight"):
                p.copy_(1 + 0.2 * (torch.rand(p.shape, generator=g) * 2 - 1))
            elif name.endswith("bias"):
                p.copy_(0.1 * (torch.rand(p.shape, generator=g) * 2 - 1))
        m.output_proj.weight.mul_(10.0)  # Q in a points-like range
        if dtype != "F32":
            for p in m.parameters():
                p.copy_(p.to(torch.float16 if dtype == "F16" else torch.bfloat16).float())
    return m.eval()


def write_model(m, cfg, path):
    name, e, h, n_layers, f, dtype = cfg[:6]
    oracle_common.write_model(m, e, h, n_layers, f, dtype, path, dict(source="tools/make_golden.py %s" % name))


def main():
    torch.set_num_threads(1)
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "tests", "data",
                                                             "golden")
    os.makedirs(out, exist_ok=True)
    check_tokenizer()
    for cfg in SIZES:
        name, e, h, n_layers, f, dtype, batch, seed = cfg
        m = build_model(e, h, n_layers, f, dtype, seed)
        write_model(m, cfg, os.path.join(out, name + ".model.safetensors"))
        inp = make_inputs(batch, seed)
        tok = torch.from_numpy(inp["tokens"]).long()
        mask = torch.from_numpy(inp["mask"])
        act = torch.from_numpy(inp["actor"]).long()
        with torch.inference_mode():  # as Forge queries the oracle (fast path allowed)
            q, v = m(tok, mask, act)
        m64 = build_model(e, h, n_layers, f, dtype, seed).double()
        q64, v64 = m64(tok, mask, act)  # grad mode: PyTorch's plain (non-fused) path, float64
        q64, v64 = q64.detach().numpy(), v64.detach().numpy()
        scale = max(np.abs(q64).max(), np.abs(v64).max())
        err = max(np.abs(q.numpy() - q64).max(), np.abs(v.numpy() - v64).max()) / scale
        assert err < 1e-4, "torch fp32 fast path vs float64: %g" % err
        tensors = [encode_tensor("tokens", inp["tokens"], "I8"), encode_tensor("mask", inp["mask"], "I8"),
                   encode_tensor("actor", inp["actor"], "I32"), encode_tensor("q", q.numpy(), "F32"),
                   encode_tensor("value", v.numpy(), "F32"), encode_tensor("q64", q64, "F64"),
                   encode_tensor("value64", v64, "F64"), encode_tensor("deal_seed", inp["deal_seed"], "I64"),
                   encode_tensor("decl", inp["decl"], "I8"), encode_tensor("plays", inp["plays"], "I8"),
                   encode_tensor("kind", inp["kind"], "I8")]
        write_safetensors(os.path.join(out, name + ".io.safetensors"), tensors,
                          {"model": name + ".model.safetensors", "torch": torch.__version__,
                           "kind": "0 = game state (deal_seed, decl, plays replay it), 1 = random features"})
        print("%s: %d params, B=%d, |q|max %.3f, fp32 vs f64 %.2e" % (name, sum(p.numel() for p in m.parameters()),
                                                                      batch, np.abs(q64).max(), err))
        if name.startswith("e64_"):
            write_ckpt(m, cfg, os.path.join(out, "..", "forge_e64.ckpt"))


def write_ckpt(m, cfg, path):
    """A Lightning-style checkpoint as Forge's trainer leaves it (compiled model: model._orig_mod. prefix)."""
    _, e, h, n_layers, f = cfg[:5]
    sd = {"model._orig_mod." + k: v.clone() for k, v in m.state_dict().items()}
    ckpt = {"epoch": 3, "global_step": 1200, "pytorch-lightning_version": "2.1.0",
            "state_dict": sd,
            "hyper_parameters": {"embed_dim": e, "n_heads": h, "n_layers": n_layers, "ff_dim": f, "dropout": 0.1,
                                 "lr": 3e-4, "weight_decay": 0.01, "loss_mode": "qvalue"},
            "optimizer_states": [{"state": {0: {"step": torch.tensor(1200.0),
                                                "exp_avg": torch.zeros(7, e // 6)}},
                                  "param_groups": [{"lr": 3e-4, "params": [0]}]}],
            "lr_schedulers": [{"last_epoch": 3, "T_max": 20}],
            "rng_state": {"python": random.Random(0).getstate(), "numpy": np.random.RandomState(0).get_state(),
                          "torch": torch.zeros(16, dtype=torch.uint8)},
            "callbacks": {"ModelCheckpoint": {"best_model_score": torch.tensor(0.96), "dirpath": "runs/"}}}
    torch.save(ckpt, path)


if __name__ == "__main__":
    main()
