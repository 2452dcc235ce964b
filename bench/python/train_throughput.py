#!/usr/bin/env python3
"""PyTorch side of bench/train-throughput.sh: the training step of irkit's trainer, in plain PyTorch.

Same model (torchvision ResNet-18 or irkit's small CNN, then Linear(feature, dim) and L2 normalization),
same loss (PML's MultiSimilarityMiner(0.1) + MultiSimilarityLoss(2, 50, 0.5), written in torch ops as in
bench/src/main/java/io/irkit/bench/TorchMiners.java and TorchLosses.java), same optimizer (Adam), same
batch shape and thread count as io.irkit.bench.train.TrainThroughput. Autograd differentiates the loss.

Needs PyTorch and torchvision; measured with Debian's: apt-get install python3-torch python3-torchvision
(torch 1.13, torchvision 0.14), run with /usr/bin/python3.

  python3 train_throughput.py --model resnet18 --threads 2              # standalone: a few timed windows
  python3 train_throughput.py --model resnet18 --threads 2 --serve      # driven by TrainThroughput:
      prints "ready params=N"; then for each stdin line "run K" runs K steps and prints
      "done SECONDS FORWARD LOSS BACKWARD OPTIMIZER" (seconds; phases summed over the K steps); "quit" ends.
"""
import argparse
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision


class SmallCnn(nn.Module):
    """irkit's SmallCnn: three stride-2 conv(3x3, no bias)-bn-relu blocks 3-32-64-128, average pool."""

    def __init__(self):
        super().__init__()
        widths = [3, 32, 64, 128]
        for i in range(1, 4):
            block = nn.Module()
            block.conv = nn.Conv2d(widths[i - 1], widths[i], 3, stride=2, padding=1, bias=False)
            block.bn = nn.BatchNorm2d(widths[i])
            self.add_module("block%d" % i, block)
        self.feature_dim = 128

    def forward(self, x):
        for i in range(1, 4):
            block = getattr(self, "block%d" % i)
            x = F.relu(block.bn(block.conv(x)))
        return F.adaptive_avg_pool2d(x, 1).flatten(1)


class ResNetFeatures(nn.Module):
    """torchvision's ResNet-18 without fc (irkit's ResNet: the same parameter names and shapes)."""

    def __init__(self):
        super().__init__()
        self.net = torchvision.models.resnet18()
        self.net.fc = nn.Identity()
        self.feature_dim = 512

    def forward(self, x):
        return self.net(x)


class EmbeddingNet(nn.Module):
    """irkit's EmbeddingNet: backbone, Linear(feature_dim, dim), L2 normalization."""

    def __init__(self, backbone, dim):
        super().__init__()
        self.backbone = backbone
        self.head = nn.Linear(backbone.feature_dim, dim)

    def forward(self, x):
        return F.normalize(self.head(self.backbone(x)), p=2, dim=1)


def all_pairs(labels):
    same = labels.unsqueeze(1) == labels.unsqueeze(0)
    eye = torch.eye(labels.size(0), dtype=torch.bool)
    return same & ~eye, ~same


def ms_miner(x, labels, epsilon=0.1):
    """PML MultiSimilarityMiner (cosine): its sort-and-threshold rule as masks (same pairs)."""
    with torch.no_grad():
        n = F.normalize(x, p=2, dim=1)
        mat = n @ n.t()
        pos, neg = all_pairs(labels)
        hardest_neg = mat.masked_fill(~neg, -float("inf")).amax(1, keepdim=True)
        hardest_pos = mat.masked_fill(~pos, float("inf")).amin(1, keepdim=True)
        return pos & (mat - epsilon < hardest_neg), neg & (mat + epsilon > hardest_pos)


def masked_logsumexp(x, keep, add_one):
    """PML's lmu.logsumexp(x, keep_mask, add_one, dim=1), keepdim."""
    masked = x.masked_fill(~keep, -float("inf"))
    if add_one:
        masked = torch.cat([masked, torch.zeros_like(masked[:, :1])], dim=1)
    out = masked.logsumexp(dim=1, keepdim=True)
    return out.masked_fill(~keep.any(1, keepdim=True), 0.0)


def ms_loss(x, pos, neg, alpha=2.0, beta=50.0, base=0.5):
    """PML MultiSimilarityLoss (cosine) over the mined pairs; mean over anchors."""
    n = F.normalize(x, p=2, dim=1)
    mat = n @ n.t()
    pos_loss = masked_logsumexp((base - mat) * alpha, pos, True) / alpha
    neg_loss = masked_logsumexp((mat - base) * beta, neg, True) / beta
    return (pos_loss + neg_loss).mean()


class Step:
    def __init__(self, model_name, batch, size, dim, lr, seed=0):
        torch.manual_seed(seed)
        backbone = ResNetFeatures() if model_name == "resnet18" else SmallCnn()
        self.model = EmbeddingNet(backbone, dim).train()
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=lr)
        self.images = torch.randn(batch, 3, size, size)
        self.labels = torch.arange(batch) // 4  # m = 4 images per class
        self.params = sum(p.numel() for p in self.model.parameters())

    def run(self, steps):
        """Runs steps training steps; returns (seconds, [forward, loss, backward, optimizer] seconds)."""
        phases = [0.0] * 4
        start = time.perf_counter()
        for _ in range(steps):
            t0 = time.perf_counter()
            emb = self.model(self.images)
            t1 = time.perf_counter()
            pos, neg = ms_miner(emb, self.labels)
            loss = ms_loss(emb, pos, neg)
            t2 = time.perf_counter()
            self.optimizer.zero_grad()
            loss.backward()
            t3 = time.perf_counter()
            self.optimizer.step()
            t4 = time.perf_counter()
            for i, dt in enumerate((t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
                phases[i] += dt
            if not torch.isfinite(loss):
                raise RuntimeError("loss became %s" % loss.item())
        return time.perf_counter() - start, phases


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", choices=["resnet18", "smallcnn"], default="resnet18")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--size", type=int, default=64)
    ap.add_argument("--dim", type=int, default=128)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--serve", action="store_true")
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--windows", type=int, default=5)
    ap.add_argument("--steps", type=int, default=5, help="steps per timed window (standalone)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    step = Step(a.model, a.batch, a.size, a.dim, a.lr)
    if a.serve:
        print("ready params=%d torch=%s threads=%d" % (step.params, torch.__version__, torch.get_num_threads()), flush=True)
        for line in sys.stdin:
            cmd = line.split()
            if not cmd or cmd[0] == "quit":
                break
            seconds, phases = step.run(int(cmd[1]))
            print("done %.6f %s" % (seconds, " ".join("%.6f" % p for p in phases)), flush=True)
        return
    step.run(a.warmup)
    rates = sorted(a.steps * a.batch / step.run(a.steps)[0] for _ in range(a.windows))
    print("%s: %d parameters, %d threads, median %.1f images/s (min %.1f, max %.1f)"
          % (a.model, step.params, a.threads, rates[len(rates) // 2], rates[0], rates[-1]))


if __name__ == "__main__":
    main()
