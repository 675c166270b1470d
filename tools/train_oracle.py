#!/usr/bin/python3
"""Trains eqvk's oracle (Forge's DominoTransformer, spec §4.1) on solver values, writes eqvk model files, and
evaluates any model file with Forge's metrics (spec §4.3).

  train:  nice -n 19 /usr/bin/python3 tools/train_oracle.py --data data/oracle --run runs/e64 \
              [--embed 64 --heads 4 --layers 2 --ff 128 --epochs 2 --batch 1024 --lr 1.5e-3 --seed 0]
  ship:   /usr/bin/python3 tools/train_oracle.py --data data/oracle --ship runs/e64/epoch_08.safetensors \
              --out models/eqvk-oracle-e64.safetensors --golden tests/data/golden
  eval:   /usr/bin/python3 tools/train_oracle.py --data data/oracle --eval MODEL.safetensors [--split test]

Needs /usr/bin/python3 with numpy and torch (CPU is enough; CUDA is used when present, with bf16 autocast by
default, the train split held on the GPU, TF32 and fused AdamW). Data: the .npz (or --packed .packed.npz) files of
tools/make_oracle_data.py. GPU runs with a fixed time (tools/device/train.sh): --time-budget S (or --deadline T)
fits the schedule to the steps that fit, --latest F --save-seconds N keeps a whole model file at F that a cut-off
run leaves behind. Recipe (Forge's qvalue loss, §4.3): MSE between pred/42 and the solver's Q in the actor team's
points /42 on legal slots, plus value_weight × MSE of the value head against V/42 (actor team); AdamW, linear
warm-up then cosine decay per step, gradient clipping 1.0. Deterministic for a given --seed: torch.manual_seed, a
seeded permutation per epoch, single-process data order (bit-exact on the same machine, torch version and thread
count). After every epoch it prints train loss and val metrics, and writes RUN/epoch_NN.safetensors (eqvk model
file, F32, with training provenance) and RUN/epoch_NN.pt (optimizer state). --ship copies a model file to --out and
writes a small golden io file (the shipped model's torch outputs on test states) for the C++ parity test. Metrics:
Q-MAE = mean |pred - Q| in points over legal slots; Q-gap = mean over states of (best legal Q - Q of the model's
argmax over legal slots), actor perspective; zero-regret = share of states with gap 0; blunder = share with gap >
10; value-MAE in points; all also by trick (depth // 4).
"""
import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_forge_checkpoint import encode_tensor, read_safetensors, write_safetensors  # noqa: E402
from oracle_common import DominoTransformer, write_model  # noqa: E402


def load_split(data_dir, split):
    """DIR/<split>.npz, or DIR/<split>.packed.npz (make_oracle_data.py --packed) tokenised here."""
    path = os.path.join(data_dir, split + ".npz")
    if os.path.exists(path):
        z = np.load(path)
        d = {k: torch.from_numpy(z[k]) for k in z.files}
    else:
        from make_oracle_data import expand_packed
        d = {k: torch.from_numpy(v) for k, v in expand_packed(os.path.join(data_dir, split + ".packed.npz")).items()}
    sign = 1 - 2 * (d["actor"].long() % 2)  # +1 for team 0 (seats 0/2), -1 for team 1
    d["qa"] = torch.where(d["legal"].bool(), d["q"].float() * sign[:, None], torch.zeros(()))  # actor-team points
    d["va"] = d["V"].float() * sign
    return d


def batch_of(d, idx, device):
    idx = idx.to(d["actor"].device)
    return (d["tokens"][idx].long().to(device), d["mask"][idx].to(device), d["actor"][idx].long().to(device),
            d["qa"][idx].to(device), d["legal"][idx].bool().to(device), d["va"][idx].to(device))


def loss_fn(q, v, qa, legal, va, value_weight):
    lq = (((q - qa) / 42) ** 2 * legal).sum() / legal.sum()
    lv = ((v - va / 42) ** 2).mean()
    return lq + value_weight * lv


@torch.no_grad()
def predict(model, d, device, batch=4096):
    model.eval()
    qs, vs = [], []
    for s in range(0, len(d["actor"]), batch):
        idx = torch.arange(s, min(s + batch, len(d["actor"])))
        tok, mask, actor = batch_of(d, idx, device)[:3]
        q, v = model(tok, mask, actor)
        qs.append(q.float().cpu())
        vs.append(v.float().cpu())
    return torch.cat(qs), torch.cat(vs)


def metrics(q, v, d):
    """Forge's metrics (spec §4.3) on predictions q [N,7] (points), v [N] (V/42); overall and by trick."""
    legal = d["legal"].bool()
    qa = d["qa"]
    err = (q - qa).abs()
    pick = torch.where(legal, q, torch.full_like(q, -1e9)).argmax(1)
    best = torch.where(legal, qa, torch.full_like(qa, -1e9)).max(1).values
    gap = best - qa.gather(1, pick[:, None])[:, 0]
    vmae = (v * 42 - d["va"]).abs()
    trick = d["depth"].long() // 4

    def summary(sel):
        lsel = legal & sel[:, None]
        return dict(states=int(sel.sum()), q_mae=float(err[lsel].mean()), q_gap=float(gap[sel].mean()),
                    zero_regret_rate=float((gap[sel] == 0).float().mean()),
                    blunder_rate=float((gap[sel] > 10).float().mean()), value_mae=float(vmae[sel].mean()))
    out = summary(torch.ones_like(gap, dtype=torch.bool))
    out["by_trick"] = {str(int(t) + 1): summary(trick == t) for t in trick.unique()}
    return out


def git_commit():
    try:
        return subprocess.check_output(["git", "rev-parse", "--short=12", "HEAD"],
                                       cwd=os.path.dirname(os.path.abspath(__file__)), text=True).strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def lr_at(step, total, warmup, base):
    if step < warmup:
        return base * (step + 1) / warmup
    return base * 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, total - warmup)))


class Budget:
    """--time-budget: after `calib` steps, the schedule's total steps become what fits before the deadline (the
    cosine then ends when the time does), keeping `reserve` seconds for the last evaluation and files."""

    def __init__(self, deadline, t0, calib=40):
        self.deadline = deadline
        self.calib, self.reserve, self.t_calib = calib, min(20.0, 0.1 * (deadline - t0)) if deadline else 0, None

    def fit(self, step, total):
        if self.deadline is None:
            return total
        if time.time() > self.deadline - self.reserve:  # the estimate was short (slower steps, a loaded machine)
            return step
        if step > self.calib:
            return total
        if step in (5, self.calib) and torch.cuda.is_available():
            torch.cuda.synchronize()  # time the GPU's steps, not the host's enqueueing
        if step == 5:  # the first steps include CUDA/compile warm-up
            self.t_calib = time.time()
        if step == self.calib:
            per_step = (time.time() - self.t_calib) / (self.calib - 5)
            left = self.deadline - time.time() - self.reserve
            total = max(step + 1, min(total, step + int(left / per_step)))
            print("time budget: %.3f s per step, %d steps fit (%.0f s left)" % (per_step, total, left), flush=True)
        return total


def autocast_for(device, amp):
    if device != "cuda" or amp == "none":
        return torch.autocast("cpu", enabled=False)
    return torch.autocast("cuda", dtype=torch.bfloat16 if amp == "bf16" else torch.float16)


def save_latest(model, a, path, meta):
    """Writes the model file to path through a temporary name, so a cut-off run leaves a whole file."""
    write_model(model, a.embed, a.heads, a.layers, a.ff, "F32", path + ".tmp", meta)
    os.replace(path + ".tmp", path)


def train(a):
    t_start = time.time()
    torch.manual_seed(a.seed)
    np.random.seed(a.seed)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    tr, va = load_split(a.data, "train"), load_split(a.data, "val")
    if device == "cuda":  # the whole train split on the GPU (int8 tokens: ~450 bytes a state)
        tr = {k: v.to(device) for k, v in tr.items()}
    va = {k: v[::a.val_stride] for k, v in va.items()}  # per-epoch metrics on an even subsample
    n = len(tr["actor"])
    steps_per_epoch = n // a.batch
    total = steps_per_epoch * a.epochs
    warmup = max(1, int(a.warmup * total))
    model = DominoTransformer(a.embed, a.heads, a.layers, a.ff, dropout=a.dropout).to(device)
    if a.init:  # warm start: continue training a model file's weights under a fresh schedule
        model.load_state_dict(load_model_file(a.init)[0].state_dict())
    try:  # one fused kernel per step on CUDA (torch >= 2.0)
        opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=a.wd, fused=device == "cuda")
    except (TypeError, RuntimeError):
        opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=a.wd)
    step_model = torch.compile(model) if a.compile else model  # saving always uses `model` (plain names)
    scaler = torch.cuda.amp.GradScaler() if device == "cuda" and a.amp == "fp16" else None
    amp = autocast_for(device, a.amp)
    budget = Budget(a.deadline or (t_start + a.time_budget if a.time_budget else None), t_start)
    last_save = time.time()
    n_params = sum(p.numel() for p in model.parameters())
    info = json.load(open(os.path.join(a.data, "info.json"))) if os.path.exists(
        os.path.join(a.data, "info.json")) else {}
    print("train %d states, val %d; %d params; %d steps (%d/epoch), device %s, threads %d, amp %s, load %.0f s" % (
        n, len(va["actor"]), n_params, total, steps_per_epoch, device, torch.get_num_threads(),
        a.amp if device == "cuda" else "none", time.time() - t_start), flush=True)
    if steps_per_epoch == 0:
        sys.exit("--batch %d is larger than the %d train states" % (a.batch, n))
    os.makedirs(a.run, exist_ok=True)
    gen = torch.Generator().manual_seed(a.seed)
    step, t0 = 0, time.time()
    for epoch in range(1, a.epochs + 1):
        if step >= total:
            break
        model.train()
        perm = torch.randperm(n, generator=gen)
        run_loss, done = torch.zeros((), device=device), 0
        for b in range(steps_per_epoch):
            total = budget.fit(step, total)
            if step >= total:
                break
            warmup = min(warmup, max(1, int(a.warmup * total)))
            for g in opt.param_groups:
                g["lr"] = lr_at(step, total, warmup, a.lr)
            tok, mask, actor, qa, legal, vt = batch_of(tr, perm[b * a.batch:(b + 1) * a.batch], device)
            with amp:
                q, v = step_model(tok, mask, actor)
            loss = loss_fn(q.float(), v.float(), qa, legal, vt, a.value_weight)
            opt.zero_grad(set_to_none=True)
            if scaler:
                scaler.scale(loss).backward()
                scaler.unscale_(opt)
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                scaler.step(opt)
                scaler.update()
            else:
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                opt.step()
            run_loss += loss.detach()  # no host sync per step
            done += 1
            step += 1
            if a.latest and a.save_seconds and time.time() - last_save >= a.save_seconds:
                save_latest(model, a, a.latest, dict(source="tools/train_oracle.py", git_commit=git_commit(),
                                                     step=step, epoch=epoch, seed=a.seed, loss_mode="qvalue",
                                                     train_seconds=round(time.time() - t0), partial="yes"))
                last_save = time.time()
                print("  saved %s at step %d (%.0f s)" % (a.latest, step, time.time() - t0), flush=True)
            if a.save_every and step % a.save_every == 0 and b + 1 < steps_per_epoch:
                write_model(model, a.embed, a.heads, a.layers, a.ff, "F32",
                            os.path.join(a.run, "step_%06d.safetensors" % step),
                            dict(source="tools/train_oracle.py", git_commit=git_commit(), step=step, epochs=a.epochs,
                                 seed=a.seed, loss_mode="qvalue"))
            if b % a.log_every == 0:
                print("  epoch %d step %d/%d loss %.5f lr %.2e (%.0f s)" % (
                    epoch, b, steps_per_epoch, float(loss), opt.param_groups[0]["lr"], time.time() - t0),
                      flush=True)
        run_loss = float(run_loss) / max(done, 1)
        m = metrics(*predict(model, va, device), va)
        elapsed = time.time() - t0
        print("epoch %d%s: train loss %.5f | val Q-MAE %.3f Q-gap %.4f zero-regret %.4f blunder %.4f V-MAE %.3f | "
              "%.0f s" % (epoch, "" if done == steps_per_epoch else " (%d of %d steps: time budget)" % (
                  done, steps_per_epoch), run_loss, m["q_mae"], m["q_gap"], m["zero_regret_rate"],
                          m["blunder_rate"], m["value_mae"], elapsed), flush=True)
        meta = dict(source="tools/train_oracle.py", git_commit=git_commit(), train_seeds=info.get("train", "?"),
                    val_seeds=info.get("val", "?"), states_per_train_seed=info.get("train_states", "?"), train_states=n,
                    epoch=epoch, epochs=a.epochs, steps=step, batch=a.batch, lr=a.lr, weight_decay=a.wd,
                    warmup=a.warmup, amp=a.amp if device == "cuda" else "none",
                    dropout=a.dropout, value_weight=a.value_weight, seed=a.seed, loss_mode="qvalue",
                    init=os.path.basename(a.init) if a.init else "none",
                    train_seconds=round(elapsed), torch=torch.__version__,
                    val_q_mae="%.4f" % m["q_mae"], val_q_gap="%.4f" % m["q_gap"])
        base = os.path.join(a.run, "epoch_%02d" % epoch)
        write_model(model, a.embed, a.heads, a.layers, a.ff, "F32", base + ".safetensors", meta)
        if a.latest:
            save_latest(model, a, a.latest, meta)
            last_save = time.time()
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "step": step, "gen": gen.get_state()},
                   base + ".pt")
        with open(os.path.join(a.run, "log.jsonl"), "a") as f:
            f.write(json.dumps(dict(epoch=epoch, steps=step, train_loss=run_loss, seconds=elapsed, val=m)) + "\n")


def load_model_file(path):
    w, meta = read_safetensors(path)
    e, h, n_layers, f = (int(meta[k]) for k in ("embed_dim", "n_heads", "n_layers", "ff_dim"))
    model = DominoTransformer(e, h, n_layers, f)
    model.load_state_dict({k: torch.from_numpy(np.array(v, np.float32)) for k, v in w.items()})
    return model.eval(), meta


def evaluate(a):
    model, meta = load_model_file(a.eval)
    d = load_split(a.data, a.split)
    m = metrics(*predict(model, d, "cpu"), d)
    m["model"], m["split"], m["seeds"] = os.path.basename(a.eval), a.split, sorted(set(d["seed"].tolist()))
    print(json.dumps(m, indent=1))
    if a.markdown:
        print("| trick | states | Q-MAE | Q-gap | zero-regret | blunder | V-MAE |\n| --- | --- | --- | --- | --- | --- | --- |")
        for k, r in [("all", m)] + sorted(m["by_trick"].items(), key=lambda kv: int(kv[0])):
            print("| %s | %d | %.2f | %.3f | %.1f%% | %.2f%% | %.2f |" % (
                k, r["states"], r["q_mae"], r["q_gap"], 100 * r["zero_regret_rate"], 100 * r["blunder_rate"],
                r["value_mae"]))
    return m


def ship(a):
    """Copies the model file to --out and writes GOLDEN/<name>.io.safetensors: torch's outputs on test states."""
    shutil.copyfile(a.ship, a.out)
    model, _ = load_model_file(a.out)
    d = load_split(a.data, "test")
    idx = torch.linspace(0, len(d["actor"]) - 1, 32).long()  # spread over seeds and depths
    tok, mask, actor = (d["tokens"][idx], d["mask"][idx], d["actor"][idx].int())
    with torch.inference_mode():
        q, v = model(tok.long(), mask, actor.long())
    q64, v64 = model.double()(tok.long(), mask, actor.long())
    name = os.path.splitext(os.path.basename(a.out))[0]
    tensors = [encode_tensor("tokens", tok.numpy(), "I8"), encode_tensor("mask", mask.numpy(), "I8"),
               encode_tensor("actor", actor.numpy(), "I32"), encode_tensor("q", q.numpy(), "F32"),
               encode_tensor("value", v.numpy(), "F32"), encode_tensor("q64", q64.detach().numpy(), "F64"),
               encode_tensor("value64", v64.detach().numpy(), "F64")]
    write_safetensors(os.path.join(a.golden, name + ".io.safetensors"), tensors,
                      {"model": "models/" + os.path.basename(a.out), "torch": torch.__version__,
                       "source": "tools/train_oracle.py --ship (32 test-split states)"})
    print("shipped %s (%d bytes), golden %s" % (a.out, os.path.getsize(a.out), name + ".io.safetensors"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", required=True, help="directory with train/val/test.npz (make_oracle_data.py)")
    ap.add_argument("--run", help="training: output directory for per-epoch model files and checkpoints")
    ap.add_argument("--eval", help="evaluate this model file and exit")
    ap.add_argument("--split", default="test")
    ap.add_argument("--markdown", action="store_true", help="--eval: also print a markdown table")
    ap.add_argument("--ship", help="model file to ship as --out (plus golden io in --golden)")
    ap.add_argument("--out")
    ap.add_argument("--golden", default="tests/data/golden")
    ap.add_argument("--init", help="training: start from this model file's weights (same shape)")
    ap.add_argument("--embed", type=int, default=64)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--ff", type=int, default=128)
    ap.add_argument("--dropout", type=float, default=0.0)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--batch", type=int, default=1024)
    ap.add_argument("--lr", type=float, default=1.5e-3)
    ap.add_argument("--wd", type=float, default=0.01)
    ap.add_argument("--warmup", type=float, default=0.05, help="fraction of all steps")
    ap.add_argument("--value-weight", type=float, default=0.5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1, help="torch threads (1 was faster than 2 on the busy "
                    "2-core machine); results are bit-exact only for the same count")
    ap.add_argument("--val-stride", type=int, default=3, help="per-epoch val metrics on every k-th val state")
    ap.add_argument("--save-every", type=int, default=0, help="also write RUN/step_N.safetensors every N steps")
    ap.add_argument("--latest", help="training: keep the newest model file here (replaced atomically after every "
                    "epoch and every --save-seconds), so a run cut off at any time leaves a usable model")
    ap.add_argument("--save-seconds", type=float, default=0, help="with --latest: also save every S seconds")
    ap.add_argument("--time-budget", type=float, default=0, help="training: seconds for the whole run (data "
                    "loading included); the schedule is fitted to the steps that fit (0: --epochs decide)")
    ap.add_argument("--deadline", type=float, default=0, help="training: as --time-budget, but an absolute time "
                    "(Unix seconds; the device kit's clock, python's start-up included)")
    ap.add_argument("--amp", default="bf16", choices=["bf16", "fp16", "none"],
                    help="mixed precision on CUDA (autocast; fp16 adds a GradScaler); ignored on the CPU")
    ap.add_argument("--compile", action="store_true", help="torch.compile the training model (torch >= 2)")
    ap.add_argument("--log-every", type=int, default=100, help="print the loss every N steps")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    if a.eval:
        evaluate(a)
    elif a.ship:
        ship(a)
    elif a.run:
        train(a)
    else:
        ap.error("one of --run, --eval, --ship")


if __name__ == "__main__":
    main()
