"""Top-1 agreement of two preprocessing paths, exact and fast (JPEGs decoded at reduced scale).

Reads the network inputs PreprocessedPairs wrote (NAME.exact.f32, NAME.fast.f32, float32
[3, 224, 224], and images.tsv), runs each through torchvision networks and prints, per network:
how often both inputs get the same top-1 class, the mean over images of the largest absolute
logit difference, and, for scale, the mean spread (max - min) of the exact logits.

No pretrained weights are used: the networks are seeded random initialisations whose
BatchNorm statistics are recalibrated on the exact inputs (one pass in training mode), so that
activations are normalised and the top-1 class varies from image to image instead of one class
winning everywhere. Such networks react to small input changes at least as much as trained ones;
the agreement says how much the decoding path moves the answer, not how accurate either is.

With --control DIR2 (PreprocessedPairs output for the same images re-encoded, e.g. at another
JPEG quality, under the same file names) it also prints the agreement of the exact inputs of both
directories: how much a change of input that nobody would call a preprocessing change moves the
same networks, for scale.

Usage: /usr/bin/python3 scaled_decoding_agreement.py DIR [--control DIR2] [--seed N]
"""

import argparse
import csv
import os
import sys

import numpy as np
import torch
import torchvision


def load(path):
    return torch.from_numpy(np.fromfile(path, dtype="<f4").reshape(3, 224, 224))


def calibrated(name, seed, exact):
    torch.manual_seed(seed)
    net = getattr(torchvision.models, name)(weights=None)
    for m in net.modules():
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
            m.reset_running_stats()
            m.momentum = None  # cumulative average over the calibration pass
    net.train()
    with torch.no_grad():
        net(exact)
    return net.eval()


def report(model, args, names, net, exact_logits):
    if not args.control:
        return
    index = {n: i for i, n in enumerate(names)}
    with open(os.path.join(args.control, "images.tsv")) as f:
        others = [r["name"] for r in csv.DictReader(f, delimiter="\t") if r["name"] in index]
    if not others:
        return
    control = torch.stack([load(os.path.join(args.control, n + ".exact.f32")) for n in others])
    with torch.no_grad():
        lc = net(control)
    le = exact_logits[[index[n] for n in others]]
    same = int((le.argmax(1) == lc.argmax(1)).sum())
    max_abs = (le - lc).abs().max(1).values.mean()
    print(f"{model} control (exact path, re-encoded images): top-1 agreement {same}/{len(others)},"
          f" mean max|logit diff| {max_abs:.4f}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dir")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--models", default="resnet50,mobilenet_v3_large")
    parser.add_argument("--control")
    args = parser.parse_args()
    torch.set_num_threads(max(1, (os.cpu_count() or 1)))
    with open(os.path.join(args.dir, "images.tsv")) as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    names = [r["name"] for r in rows]
    exact = torch.stack([load(os.path.join(args.dir, n + ".exact.f32")) for n in names])
    fast = torch.stack([load(os.path.join(args.dir, n + ".fast.f32")) for n in names])
    reduced = [r for r in rows if r["fast_width"] != r["width"]]
    diff = (exact - fast).abs()
    print(f"{len(names)} images, {len(reduced)} of them decoded at reduced scale")
    print(f"input: mean |exact - fast| {diff.mean():.4f}, max {diff.max():.4f} (normalised units)")
    for model in args.models.split(","):
        net = calibrated(model, args.seed, exact)
        with torch.no_grad():
            le = net(exact)
            lf = net(fast)
        same = (le.argmax(1) == lf.argmax(1))
        max_abs = (le - lf).abs().max(1).values
        spread = (le.max(1).values - le.min(1).values)
        classes = len(set(le.argmax(1).tolist()))
        red = torch.tensor([r["fast_width"] != r["width"] for r in rows])
        report(model, args, names, net, le)
        print(f"{model} (seed {args.seed}): top-1 agreement {int(same.sum())}/{len(names)}"
              f" (reduced only: {int(same[red].sum())}/{int(red.sum())}),"
              f" mean max|logit diff| {max_abs.mean():.4f}, mean logit spread {spread.mean():.3f},"
              f" {classes} distinct top-1 classes")
        for n, s, d in zip(names, same.tolist(), max_abs.tolist()):
            if not s:
                print(f"  disagrees: {n} (max|logit diff| {d:.4f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
