"""The PyTorch peer of `npm run bench`: times the same workloads with PyTorch on the CPU and prints one JSON object.

Run by bench/run.ts as `/usr/bin/python3 bench/pytorch_bench.py --threads=2 --rows=matmul-256,mlp-train [--quick]` (Debian's
python3-torch). Output: {"version", "threads", "rows": {workload: {"value": figure in the row's unit}}}, or
{"unavailable": reason} when torch cannot be imported. Progress goes to stderr. Timing follows bench/_measure.ts:
warm up for 0.5 s, then the median of 3 to 15 runs within 2.5 s (fast ones: until 0.2 s of timed runs, at most 400) (a run slower than 4 s: its warm-up is the only sample).
"""
import argparse
import json
import math
import sys
import time

parser = argparse.ArgumentParser()
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--rows", default="")
parser.add_argument("--quick", action="store_true", help="one warm-up and one timed run (tests of the harness)")
args = parser.parse_args()

try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError as e:  # no python3-torch: bench/run.ts shows the reason and leaves the column out
    print(json.dumps({"unavailable": f"PyTorch is not importable ({e}); install Debian's python3-torch"}))
    sys.exit(0)

torch.set_num_threads(args.threads)
torch.manual_seed(0)


def measure(run, budget=2.5, min_reps=3, max_reps=15, slow=4.0, warm=0.5):
    """Median seconds per call of `run`, and the number of timed samples."""
    t = time.perf_counter()
    run()
    first = time.perf_counter() - t
    if first > slow:
        return first, 1
    w = 1
    while w < 50 and time.perf_counter() - t < warm:
        run()
        w += 1
    times = []
    start = time.perf_counter()
    # As bench/_measure.ts: fast calls are sampled past max_reps until 0.2 s of timed calls (at most 400 calls).
    while len(times) < min_reps or (time.perf_counter() - start < budget and (len(times) < max_reps or (max_reps > 1 and len(times) < 400 and sum(times) < 0.2))):
        t = time.perf_counter()
        run()
        times.append(time.perf_counter() - t)
    times.sort()
    h = len(times) // 2
    return (times[h] if len(times) % 2 else (times[h - 1] + times[h]) / 2), len(times)


def lenet():
    """The curriculum's LeNet: sigmoid activations, average pooling."""
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.Sigmoid(), nn.AvgPool2d(2, 2),
        nn.Conv2d(6, 16, 5), nn.Sigmoid(), nn.AvgPool2d(2, 2), nn.Flatten(),
        nn.Linear(400, 120), nn.Sigmoid(), nn.Linear(120, 84), nn.Sigmoid(), nn.Linear(84, 10))


def tudui():
    """The notes' CIFAR-10 network (nn.zoo.tudui)."""
    return nn.Sequential(
        nn.Conv2d(3, 32, 5, padding=2), nn.MaxPool2d(2), nn.Conv2d(32, 32, 5, padding=2), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 5, padding=2), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(1024, 64), nn.Linear(64, 10))


def mlp():
    """d2l's MLP 784-256-10."""
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))


def matmul(n):
    a, b = torch.rand(n, n), torch.rand(n, n)
    return lambda: torch.matmul(a, b), lambda s: 2 * n ** 3 / s / 1e9


def conv_forward():
    x, w = torch.randn(64, 3, 32, 32), torch.randn(32, 3, 5, 5)

    def run():
        with torch.no_grad():
            F.conv2d(x, w, padding=2)
    return run, lambda s: s * 1e3


def conv_backward():
    x = torch.randn(64, 3, 32, 32, requires_grad=True)
    w = torch.randn(32, 3, 5, 5, requires_grad=True)
    g = torch.randn(64, 32, 32, 32)

    def run():
        dx, dw = torch.autograd.grad((F.conv2d(x, w, padding=2) * g).sum(), (x, w))
    return run, lambda s: s * 1e3


def train(model, sample, batch, lr):
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    x, y = torch.randn(batch, *sample), torch.randint(0, 10, (batch,))

    def run():
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        loss.item()
    return run, lambda s: batch / s


def infer(model, sample, batch):
    model.eval()
    x = torch.randn(batch, *sample)

    def run():
        with torch.no_grad():
            model(x)
    return run, lambda s: batch / s



# The gpt rows: GPT-2's block (pre-norm, tanh GELU, tied LM head) at bench/workloads/gpt.ts's sizes, written in plain torch.
GPT = dict(vocab=1024, ctx=64, d=128, heads=4, layers=2)


class Block(torch.nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.ln_1, self.ln_2 = torch.nn.LayerNorm(d), torch.nn.LayerNorm(d)
        self.c_attn, self.c_proj = torch.nn.Linear(d, 3 * d), torch.nn.Linear(d, d)
        self.c_fc, self.mlp_proj = torch.nn.Linear(d, 4 * d), torch.nn.Linear(4 * d, d)

    def forward(self, x, past=None):
        b, t, d = x.shape
        q, k, v = self.c_attn(self.ln_1(x)).split(d, dim=2)
        heads = lambda z: z.view(b, -1, self.heads, d // self.heads).transpose(1, 2)
        q, k, v = heads(q), heads(k), heads(v)
        if past is not None:
            k, v = torch.cat([past[0], k], 2), torch.cat([past[1], v], 2)
        s = k.shape[2]
        att = (q @ k.transpose(-2, -1)) / math.sqrt(d // self.heads)
        mask = torch.ones(t, s, dtype=torch.bool).tril(s - t)
        att = att.masked_fill(~mask, float("-inf")).softmax(-1)
        y = (att @ v).transpose(1, 2).reshape(b, t, d)
        x = x + self.c_proj(y)
        x = x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))
        return x, (k, v)


class Gpt(torch.nn.Module):
    def __init__(self, vocab, ctx, d, heads, layers):
        super().__init__()
        self.wte, self.wpe = torch.nn.Embedding(vocab, d), torch.nn.Embedding(ctx, d)
        self.h = torch.nn.ModuleList(Block(d, heads) for _ in range(layers))
        self.ln_f = torch.nn.LayerNorm(d)

    def forward(self, ids, cache=None):
        past = 0 if cache is None else cache[0][0].shape[2]
        x = self.wte(ids) + self.wpe(torch.arange(past, past + ids.shape[1]))
        new = []
        for i, block in enumerate(self.h):
            x, kv = block(x, None if cache is None else cache[i])
            new.append(kv)
        return self.ln_f(x) @ self.wte.weight.T, new


def gpt_train():
    g = GPT
    model = Gpt(g["vocab"], g["ctx"], g["d"], g["heads"], g["layers"])
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    seq = torch.randint(0, g["vocab"], (16, g["ctx"] + 1))
    x, y = seq[:, :-1], seq[:, 1:].reshape(-1)

    def run():
        opt.zero_grad()
        logits, _ = model(x)
        loss = F.cross_entropy(logits.reshape(-1, g["vocab"]), y)
        loss.backward()
        opt.step()
        loss.item()
    return run, lambda s: 16 * g["ctx"] / s


def gpt_generate(kv):
    g = GPT
    model = Gpt(g["vocab"], g["ctx"], g["d"], g["heads"], g["layers"]).eval()
    prompt = torch.tensor([[5, 17, 99, 3, 250, 7, 1000, 42]])

    def run():
        with torch.no_grad():
            ids, cache = prompt, None
            for _ in range(64):
                # As rivulet's generate: feed only the new token while the cache holds the rest; past the context, the
                # last ctx tokens again each step (the cache rebuilt from that window).
                if kv and cache is not None and ids.shape[1] <= g["ctx"]:
                    feed = ids[:, -1:]
                else:
                    feed, cache = ids[:, -g["ctx"]:], None
                logits, new = model(feed, cache)
                ids = torch.cat([ids, logits[:, -1].argmax(-1, keepdim=True)], 1)
                cache = new if kv else None
    return run, lambda s: 64 / s


WORKLOADS = {
    "matmul-256": lambda: matmul(256),
    "matmul-512": lambda: matmul(512),
    "matmul-1024": lambda: matmul(1024),
    "conv2d-forward": conv_forward,
    "conv2d-backward": conv_backward,
    "lenet-train-step": lambda: train(lenet(), (1, 28, 28), 256, 0.9),
    "lenet-infer": lambda: infer(lenet(), (1, 28, 28), 256),
    "mlp-train": lambda: train(mlp(), (784,), 256, 0.1),
    "cifar-train": lambda: train(tudui(), (3, 32, 32), 64, 0.01),
    "gpt-train": gpt_train,
    "gpt-generate-kv": lambda: gpt_generate(True),
    "gpt-generate-nocache": lambda: gpt_generate(False),
}

rows = {}
for name in [r for r in args.rows.split(",") if r in WORKLOADS]:
    run, score = WORKLOADS[name]()
    seconds, samples = measure(run, budget=0, min_reps=1, max_reps=1, warm=0) if args.quick else measure(run)
    value = float(f"{score(seconds):.4g}")
    print(f"  {name} pytorch: {value} (median of {samples}, {seconds * 1e3:.1f} ms/run)", file=sys.stderr)
    rows[name] = {"value": value} if samples > 1 else {"value": value, "note": f"a single run ({seconds:.1f} s)"}


def blas():
    """The BLAS library torch's matmul loaded: Debian's torch is built with BLAS_INFO=generic, so it is whatever
    libblas.so.3 points to, and the reference (netlib) BLAS makes every GEMM-bound figure many times slower."""
    torch.matmul(torch.rand(4, 4), torch.rand(4, 4))
    try:
        with open("/proc/self/maps") as maps:
            libs = sorted({line.split()[-1] for line in maps if "blas" in line.split()[-1].lower()})
    except OSError:
        return "unknown"
    import os
    return ", ".join(os.path.realpath(lib) for lib in libs) or "none loaded"


print(json.dumps({"version": torch.__version__, "threads": torch.get_num_threads(), "blas": blas(), "rows": rows}))
