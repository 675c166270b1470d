#!/usr/bin/python3
"""Shared Python pieces of the oracle tools (needs /usr/bin/python3 with numpy and torch; not run directly).

Rules port (spec §1), deal_from_seed (§2.1), the training-format tokeniser (§5.1/5.2, checked against §5.6 A by
tools/make_golden.py), Forge's DominoTransformer with its state-dict names (§4.1/4.2) and the eqvk model-file
writer (docs/model.md). Used by tools/make_golden.py, tools/make_oracle_data.py and tools/train_oracle.py.
"""
import os
import random
import sys

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_forge_checkpoint import FEATURES, FORMAT_VERSION, encode_tensor, param_shapes, write_safetensors  # noqa


# ---- rules (spec §1) and training-format tokens (spec §5)

HIGH = [h for h in range(7) for _ in range(h + 1)]
LOW = [l for h in range(7) for l in range(h + 1)]
COUNT = [10 if HIGH[t] + LOW[t] == 10 else 5 if HIGH[t] + LOW[t] == 5 else 0 for t in range(28)]


def in_called(t, decl):
    return (decl <= 6 and decl in (HIGH[t], LOW[t])) or (decl in (7, 8) and HIGH[t] == LOW[t])


def led_suit(lead, decl):
    if decl == 9:
        return HIGH[lead]
    return 7 if in_called(lead, decl) else HIGH[lead]


def can_follow(t, suit, decl):
    if suit == 7:
        return in_called(t, decl)
    return suit in (HIGH[t], LOW[t]) and not in_called(t, decl)


def trick_rank(t, suit, decl):
    dbl = HIGH[t] == LOW[t]
    if decl <= 7 and in_called(t, decl):
        return (2 << 4) + (HIGH[t] if decl == 7 else 14 if dbl else HIGH[t] + LOW[t])
    if can_follow(t, suit, decl):
        return (1 << 4) + (HIGH[t] if suit == 7 else 14 if dbl else HIGH[t] + LOW[t])
    return 0


def trump_rank(t, decl):
    called = sorted((d for d in range(28) if in_called(d, decl)), key=lambda d: -trick_rank(d, 7, decl))
    return called.index(t) if t in called else 7


def deal_from_seed(seed):
    d = list(range(28))
    random.Random(seed).shuffle(d)
    return [sorted(d[7 * p:7 * p + 7]) for p in range(4)]


def legal(hand_left, trick, decl):
    if not trick:
        return sorted(hand_left)
    suit = led_suit(trick[0][1], decl)
    follow = [t for t in hand_left if can_follow(t, suit, decl)]
    return sorted(follow or hand_left)


def play_random(hands, decl, n_plays, rng):
    """Plays n_plays random legal tiles from the start (P0 leads). Returns (plays, remaining, leader, trick)."""
    left = [set(h) for h in hands]
    leader, trick, plays = 0, [], []
    for _ in range(n_plays):
        p = (leader + len(trick)) % 4
        t = rng.choice(legal(left[p], trick, decl))
        left[p].discard(t)
        trick.append((p, t))
        plays.append(t)
        if len(trick) == 4:
            suit = led_suit(trick[0][1], decl)
            best = max(range(4), key=lambda i: (trick_rank(trick[i][1], suit, decl), -i))
            leader, trick = trick[best][0], []
    return plays, left, leader, trick


def tokenize(hands, left, decl, leader, trick):
    """Training-format tokens (spec §5.1/5.2): [32][12] and mask [32]; actor = leader + len(trick)."""
    actor = (leader + len(trick)) % 4
    rel_lead = (leader - actor) % 4
    tok = np.zeros((32, 12), np.int8)
    mask = np.zeros(32, np.int8)
    tok[0, 10], tok[0, 11], mask[0] = decl, rel_lead, 1

    def tile_row(t, seat, remaining, ttype):
        rel = (seat - actor) % 4
        c = {0: 0, 5: 1, 10: 2}[COUNT[t]]
        return [HIGH[t], LOW[t], int(HIGH[t] == LOW[t]), c, trump_rank(t, decl), rel, int(rel == 0),
                int(rel == 2), int(remaining), ttype, decl, rel_lead]
    for p in range(4):
        for i, t in enumerate(hands[p]):
            tok[1 + 7 * p + i] = tile_row(t, p, t in left[p], 1 + p)
            mask[1 + 7 * p + i] = 1
    for j, (p, t) in enumerate(trick):
        tok[29 + j] = tile_row(t, p, False, 5 + j)
        mask[29 + j] = 1
    return tok, mask, actor


# ---- the network (spec §4.1)

class DominoTransformer(nn.Module):
    """Forge's Stage-1 oracle: same submodule names, so state_dict() keys are those of spec §4.2."""

    def __init__(self, embed_dim, n_heads, n_layers, ff_dim, dropout=0.1):
        super().__init__()
        a, b = embed_dim // 6, embed_dim // 12
        for name, rows, wide in FEATURES:
            setattr(self, name, nn.Embedding(rows, a if wide else b))
        self.input_proj = nn.Linear(5 * a + 7 * b, embed_dim)
        layer = nn.TransformerEncoderLayer(d_model=embed_dim, nhead=n_heads, dim_feedforward=ff_dim,
                                           dropout=dropout, batch_first=True)
        self.transformer = nn.TransformerEncoder(layer, num_layers=n_layers, enable_nested_tensor=False)
        self.output_proj = nn.Linear(embed_dim, 1)
        self.value_head = nn.Linear(embed_dim, 1)
        self.register_buffer("_hand_offsets", torch.arange(7), persistent=False)

    def forward(self, tokens, mask, current_player):
        x = torch.cat([getattr(self, name)(tokens[:, :, c]) for c, (name, _, _) in enumerate(FEATURES)], dim=-1)
        x = self.transformer(self.input_proj(x), src_key_padding_mask=(mask == 0))
        idx = 1 + current_player[:, None] * 7 + self._hand_offsets[None, :]  # [B,7]
        hand = torch.gather(x, 1, idx[:, :, None].expand(-1, -1, x.shape[-1]))
        return self.output_proj(hand).squeeze(-1), self.value_head(x[:, 0]).squeeze(-1)


def write_model(m, e, h, n_layers, f, dtype, path, meta):
    """Writes m's state dict as an eqvk model file (tensors in spec §4.2 order, one stored dtype)."""
    sd = m.state_dict()
    expected = param_shapes(e, h, n_layers, f)
    assert sorted(sd) == sorted(n for n, _ in expected), set(sd) ^ {n for n, _ in expected}
    tensors = []
    for n, shape in expected:
        assert tuple(sd[n].shape) == shape, (n, sd[n].shape, shape)
        tensors.append(encode_tensor(n, sd[n].detach().cpu().float().numpy(), dtype))
    meta = dict(meta, embed_dim=e, n_heads=h, n_layers=n_layers, ff_dim=f, format_version=FORMAT_VERSION)
    write_safetensors(path, tensors, meta)
