#!/usr/bin/python3
"""Python twin of bench/train_step_bench.cpp: the same model and method in plain PyTorch.

Run with Debian's /usr/bin/python3 (python3-torch 1.13, the same torch as libtorch-dev):

    /usr/bin/python3 bench/train_step_bench.py --model-dir DIR --threads 2 --json py.json

DIR is the folder the C++ bench wrote (config.json + model.safetensors); this script loads the
same backbone weights, so both sides run identical sizes (PEFT / head initial values are random
here: only timing matters). What it measures, on the CPU with torch.set_num_threads(T):
  1. train: one step as an HF-style training loop does it (and as the C++ Trainer does):
     zero_grad, two forward passes (new routes, new dropout), CE(z1) + lambda * consistency,
     loss.item(), backward, clip_grad_norm_ 1.0, torch.optim.AdamW step; median after warm-up,
     plus the per-phase breakdown (forward x2 + loss, backward, clip + AdamW).
  0. numerics: with the C++ side's initial trainable values (<model-dir>/
     bench_trainable.safetensors), the batch's cross-entropy in eval mode (no dropout) with every
     adapter forced onto expert path (0, 0): check_loss, which bench/run compares with C++'s.
     Measured first, before any other step: the peak resident memory of these steps above what
     the process held before them (/proc/self/clear_refs resets VmHWM), as the C++ side does.
  2. eval: torch.no_grad() eval-mode log_softmax(model(batch)) of the AdaMix model with merged
     experts versus a single adapter (M = 1, same r), interleaved call by call.
Model: HF BertModel eager path (embeddings, self-attention, FFN with the Houlsby adapter after
the output dense and before dropout + LayerNorm, pooler) + BertForSequenceClassification head;
AdaMix experts stacked [M, r, d], one random (down, up) index pair per module call.
"""
import argparse
import json
import math
import statistics
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


# --- safetensors: 8-byte little-endian header length, JSON header, raw little-endian data ---
def read_safetensors(path):
    dtypes = {"F32": np.float32, "F16": np.float16, "F64": np.float64, "I64": np.int64}
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype=dtypes[entry["dtype"]]).reshape(entry["shape"])
        out[name] = torch.from_numpy(array.copy()).float()
    return out


# --- BERT (transformers' modeling_bert.py, eager attention) ---
class Embeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        h = c["hidden_size"]
        pad = c.get("pad_token_id", 0)
        self.word_embeddings = nn.Embedding(c["vocab_size"], h, padding_idx=pad)
        self.position_embeddings = nn.Embedding(c["max_position_embeddings"], h)
        self.token_type_embeddings = nn.Embedding(c["type_vocab_size"], h)
        self.LayerNorm = nn.LayerNorm(h, eps=c["layer_norm_eps"])
        self.dropout = nn.Dropout(c["hidden_dropout_prob"])
        positions = torch.arange(c["max_position_embeddings"]).unsqueeze(0)
        self.register_buffer("position_ids", positions)

    def forward(self, ids, token_types):
        pos = self.position_ids[:, : ids.size(1)]
        e = self.word_embeddings(ids) + self.token_type_embeddings(token_types)
        e = e + self.position_embeddings(pos)
        return self.dropout(self.LayerNorm(e))


class SelfAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        h = c["hidden_size"]
        self.heads = c["num_attention_heads"]
        self.head_size = h // self.heads
        self.query = nn.Linear(h, h)
        self.key = nn.Linear(h, h)
        self.value = nn.Linear(h, h)
        self.dropout = nn.Dropout(c["attention_probs_dropout_prob"])

    def split(self, x):  # [N,T,H] -> [N,heads,T,d]
        return x.view(x.size(0), x.size(1), self.heads, self.head_size).permute(0, 2, 1, 3)

    def forward(self, x, mask):
        q, k, v = self.split(self.query(x)), self.split(self.key(x)), self.split(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_size)
        scores = scores + mask
        probs = self.dropout(F.softmax(scores, dim=-1))
        ctx = torch.matmul(probs, v).permute(0, 2, 1, 3).contiguous()
        return ctx.view(ctx.size(0), ctx.size(1), -1)


class ExpertLinear(nn.Module):
    def __init__(self, experts, fan_in, fan_out):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(experts, fan_out, fan_in) * 0.02)  # [M,out,in]
        self.bias = nn.Parameter(torch.zeros(experts, fan_out))


class AdapterMixture(nn.Module):
    """x + Up_j(GELU(Down_i(x))): training draws (i, j) per call; eval uses the expert means."""

    def __init__(self, hidden, r, down_experts, up_experts, generator):
        super().__init__()
        self.down = ExpertLinear(down_experts, hidden, r)
        self.up = ExpertLinear(up_experts, r, hidden)
        self.generator = generator
        self.forced = None  # (i, j): every call runs that pair (the numerics check)

    def draw(self, n):
        return 0 if n == 1 else int(torch.randint(n, (1,), generator=self.generator).item())

    @staticmethod
    def mean(t):
        return t[0] if t.size(0) == 1 else t.mean(0)

    def forward(self, x):
        d, u = self.down, self.up
        if self.forced is not None or self.training:
            i, j = self.forced or (self.draw(d.weight.size(0)), self.draw(u.weight.size(0)))
            h = F.gelu(F.linear(x, d.weight[i], d.bias[i]))
            return x + F.linear(h, u.weight[j], u.bias[j])
        h = F.gelu(F.linear(x, self.mean(d.weight), self.mean(d.bias)))
        return x + F.linear(h, self.mean(u.weight), self.mean(u.bias))


class ResidualOutput(nn.Module):  # BertSelfOutput / BertOutput; the adapter seam
    def __init__(self, c, fan_in, adapter=None):
        super().__init__()
        self.dense = nn.Linear(fan_in, c["hidden_size"])
        self.LayerNorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])
        self.dropout = nn.Dropout(c["hidden_dropout_prob"])
        if adapter is not None:
            self.adapter = adapter

    def forward(self, h, residual):
        h = self.dense(h)
        if hasattr(self, "adapter"):
            h = self.adapter(h)
        return self.LayerNorm(self.dropout(h) + residual)


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.self = SelfAttention(c)
        self.output = ResidualOutput(c, c["hidden_size"])

    def forward(self, x, mask):
        return self.output(self.self(x, mask), x)


class Intermediate(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c["hidden_size"], c["intermediate_size"])

    def forward(self, x):
        return F.gelu(self.dense(x))  # hidden_act "gelu": exact erf


class Layer(nn.Module):
    def __init__(self, c, adapter):
        super().__init__()
        self.attention = Attention(c)
        self.intermediate = Intermediate(c)
        self.output = ResidualOutput(c, c["intermediate_size"], adapter)

    def forward(self, x, mask):
        a = self.attention(x, mask)
        return self.output(self.intermediate(a), a)


class Encoder(nn.Module):
    def __init__(self, c, adapters):
        super().__init__()
        self.layer = nn.ModuleList(Layer(c, a) for a in adapters)

    def forward(self, x, mask):
        for layer in self.layer:
            x = layer(x, mask)
        return x


class Pooler(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c["hidden_size"], c["hidden_size"])

    def forward(self, h):
        return torch.tanh(self.dense(h[:, 0]))


class BertModel(nn.Module):
    def __init__(self, c, adapters):
        super().__init__()
        self.embeddings = Embeddings(c)
        self.encoder = Encoder(c, adapters)
        self.pooler = Pooler(c)

    def forward(self, ids, mask, token_types):
        ext = (1.0 - mask.float()[:, None, None, :]) * torch.finfo(torch.float32).min
        return self.pooler(self.encoder(self.embeddings(ids, token_types), ext))


class Head(nn.Module):  # BertForSequenceClassification: dropout -> classifier on the pooler
    def __init__(self, c, labels):
        super().__init__()
        self.dropout = nn.Dropout(c["hidden_dropout_prob"])
        self.classifier = nn.Linear(c["hidden_size"], labels)
        nn.init.normal_(self.classifier.weight, std=c["initializer_range"])
        nn.init.zeros_(self.classifier.bias)

    def forward(self, pooled):
        return self.classifier(self.dropout(pooled))


class TaskModel(nn.Module):
    """Frozen BERT + AdaMix adapters (share up: M down experts, 1 up) + trainable head."""

    def __init__(self, c, weights, r, experts, seed):
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        adapters = [
            AdapterMixture(c["hidden_size"], r, experts, 1, g)
            for _ in range(c["num_hidden_layers"])
        ]
        self.bert = BertModel(c, adapters)
        backbone = {k: v for k, v in self.bert.state_dict().items() if ".adapter." not in k}
        missing = set(backbone) - set(weights) - {"embeddings.position_ids"}
        unexpected = set(weights) - set(backbone)
        if missing or unexpected:
            raise SystemExit(
                f"weights do not match: missing {sorted(missing)}, unexpected {sorted(unexpected)}"
            )
        self.bert.load_state_dict(weights, strict=False)
        for name, p in self.bert.named_parameters():
            p.requires_grad_(".adapter." in name)
        self.head = Head(c, 2)

    def forward(self, batch):
        b = batch
        return self.head(self.bert(b["input_ids"], b["attention_mask"], b["token_type_ids"]))

    def trainable(self):  # names as the C++ side's: backbone paths, then head.*
        return [
            (n[len("bert.") :] if n.startswith("bert.") else n, p)
            for n, p in self.named_parameters()
            if p.requires_grad
        ]


def consistency_loss(z1, z2):
    """1/2 [KL(p2 || p1) + KL(p1 || p2)], targets detached, batchmean (the reference's kl_div)."""
    def kl(target, inp):
        p = F.softmax(target.detach(), -1)
        return F.kl_div(F.log_softmax(inp, -1), p, reduction="batchmean")

    return 0.5 * (kl(z2, z1) + kl(z1, z2))


def make_adamw(named, lr=3e-4, weight_decay=0.1):
    """HF run_glue grouping: no decay for names containing "bias" or "LayerNorm.weight"."""
    nd = lambda n: "bias" in n or "LayerNorm.weight" in n
    groups = [
        {"params": [p for n, p in named if not nd(n)], "weight_decay": weight_decay},
        {"params": [p for n, p in named if nd(n)], "weight_decay": 0.0},
    ]
    return torch.optim.AdamW(groups, lr=lr, betas=(0.9, 0.999), eps=1e-8)


def numerics_check(model, batch, labels, path):
    """Loads the C++ side's initial trainable values (the same names) into `model` and returns
    the batch's cross-entropy in eval mode with every adapter on expert path (0, 0)."""
    values = read_safetensors(path)
    named = dict(model.trainable())
    if set(values) != set(named):
        raise SystemExit(f"numerics check: trainable names differ: C++ only "
                         f"{sorted(set(values) - set(named))}, Python only "
                         f"{sorted(set(named) - set(values))}")
    adapters = [m for m in model.modules() if isinstance(m, AdapterMixture)]
    with torch.no_grad():
        for name, p in named.items():
            p.copy_(values[name])
        model.eval()
        for m in adapters:
            m.forced = (0, 0)
        logits = model(batch)
        loss = F.cross_entropy(logits, labels).item()
    for m in adapters:
        m.forced = None
    return loss, logits.double().flatten().tolist()


def status_kib(field):
    """VmRSS (now) or VmHWM (peak since reset_peak_memory) from /proc/self/status, in KiB."""
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise SystemExit(f"no {field} in /proc/self/status (peak memory needs Linux)")


def reset_peak_memory():
    """Sets VmHWM to the current resident size (Linux >= 4.0); returns that size in KiB."""
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    return status_kib("VmRSS")


def median_ms(v):
    return statistics.median(v) * 1e3 if v else 0.0


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--seq", type=int, default=64)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--eval-calls", type=int, default=30)
    ap.add_argument("--size", type=int, default=16)
    ap.add_argument("--experts", type=int, default=4)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", default="")
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    config = json.load(open(f"{a.model_dir}/config.json"))
    weights = read_safetensors(f"{a.model_dir}/model.safetensors")
    model = TaskModel(config, weights, a.size, a.experts, a.seed)
    g = torch.Generator().manual_seed(a.seed + 1)
    ids = torch.randint(2, config["vocab_size"], (a.batch, a.seq), generator=g)
    ids[:, 0] = 1
    batch = {
        "input_ids": ids,
        "attention_mask": torch.ones_like(ids),
        "token_type_ids": torch.zeros_like(ids),
    }
    labels = torch.randint(0, 2, (a.batch,), generator=g)
    check_loss, check_logits = numerics_check(model, batch, labels, f"{a.model_dir}/bench_trainable.safetensors")
    named = model.trainable()
    params = [p for _, p in named]
    optimizer = make_adamw(named)

    # 1. Training steps, timed whole and by phase.
    model.train()
    rss_before = reset_peak_memory()
    step, fwd, bwd, opt = [], [], [], []
    for s in range(a.warmup + a.steps):
        t0 = time.perf_counter()
        optimizer.zero_grad()
        z1 = model(batch)
        task_loss = F.cross_entropy(z1, labels)
        z2 = model(batch)  # new routes, new dropout
        term = consistency_loss(z1, z2)
        loss = task_loss + 1.0 * term
        value = loss.item()
        t1 = time.perf_counter()
        loss.backward()
        t2 = time.perf_counter()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        t3 = time.perf_counter()
        if not math.isfinite(value):
            raise SystemExit("loss is not finite")
        if s >= a.warmup:
            step.append(t3 - t0), fwd.append(t1 - t0), bwd.append(t2 - t1), opt.append(t3 - t2)
    step_peak_mib = (status_kib("VmHWM") - rss_before) / 1024

    # 2. Inference: merged AdaMix versus one plain adapter of the same r, interleaved.
    single = TaskModel(config, weights, a.size, 1, a.seed)
    model.eval()
    single.eval()
    merged_t, single_t = [], []
    with torch.no_grad():
        for c in range(a.warmup + a.eval_calls):
            t = time.perf_counter()
            F.log_softmax(model(batch), -1)
            m = time.perf_counter() - t
            t = time.perf_counter()
            F.log_softmax(single(batch), -1)
            s = time.perf_counter() - t
            if c >= a.warmup:
                merged_t.append(m), single_t.append(s)

    count = lambda ps: sum(p.numel() for p in ps)
    r = {
        "side": "python",
        "torch": torch.__version__,
        "python": sys.version.split()[0],
        "threads": torch.get_num_threads(),
        "batch": a.batch,
        "seq": a.seq,
        "warmup": a.warmup,
        "steps": a.steps,
        "eval_calls": a.eval_calls,
        "sizes": {
            "backbone": count(
                p for n, p in model.bert.named_parameters() if ".adapter." not in n
            ),
            "trainable": count(params),
            "trainable_single": count(p for _, p in single.trainable()),
        },
        "check_loss": check_loss,
        "check_logits": check_logits,
        "train_step_ms": median_ms(step),
        "train_step_ms_all": [x * 1e3 for x in step],
        "phases_ms": {
            "forward": median_ms(fwd),
            "backward": median_ms(bwd),
            "optimizer": median_ms(opt),
            "total": median_ms(step),
        },
        "eval_merged_ms": median_ms(merged_t),
        "eval_single_ms": median_ms(single_t),
        "step_peak_mib": step_peak_mib,
    }
    r["eval_merged_over_single"] = r["eval_merged_ms"] / r["eval_single_ms"]
    print(
        f"Py   threads {r['threads']}  batch {a.batch}x{a.seq}  backbone {r['sizes']['backbone']}  "
        f"trainable {r['sizes']['trainable']} (single {r['sizes']['trainable_single']})\n"
        f"Py   train step median {r['train_step_ms']:.3f} ms: "
        f"forward {r['phases_ms']['forward']:.3f}, backward {r['phases_ms']['backward']:.3f}, "
        f"clip+AdamW {r['phases_ms']['optimizer']:.3f} ms\n"
        f"Py   eval merged {r['eval_merged_ms']:.3f} ms, single {r['eval_single_ms']:.3f} ms, "
        f"ratio {r['eval_merged_over_single']:.4f}\n"
        f"Py   peak memory of the steps {step_peak_mib:.1f} MiB above the loaded model"
    )
    if a.json:
        with open(a.json, "w") as f:
            json.dump(r, f, indent=2)


if __name__ == "__main__":
    main()
