"""Reference outputs of torchvision models for the Java parity harness.

Run with Debian's interpreter (/usr/bin/python3: torch 1.13, torchvision 0.14). The Java side
(package io.inferencegw.plugin.api.parity in plugin-api's test classes) calls it; by hand:

    /usr/bin/python3 parity_reference.py --out DIR [--structure-only] [--input-shape 3,224,224]
        [--seed 20240611] [--batch 2] [--threads N] [--import MODULE]... MODEL...

MODEL is a torchvision model name for torchvision.models.get_model (``vgg11``), or
``LABEL=EXPRESSION`` with a Python expression that builds the module, evaluated with ``torch``,
``nn``, ``F``, ``torchvision``, ``models``, ``ops``, ``partial``, ``OrderedDict`` and every
``--import``ed module in scope, e.g.
``densenet_custom=models.DenseNet(32, (6, 12, 64, 48), 64)``.

For each model it writes into DIR/LABEL/:

  structure.json      state_dict keys in order with shape and dtype, and the exact parameter
                      count sum(p.numel() for p in model.parameters())
and, without --structure-only:
  weights.safetensors the full state_dict after randomisation (see prepare())
  input.safetensors   "input": a batch of --batch structured images at --input-shape
  logits.safetensors  "logits": the model's output for that batch in eval mode
  run.json            seed, shapes, thread count and a summary of the logits

Everything is seeded: the same arguments give the same files.
"""

import argparse
import importlib
from collections import OrderedDict
from functools import partial
import json
import math
import os
import re
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
# the safetensors reader/writer ships with the gateway's Python tools
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "..", "deploy", "python"))
from safetensors_io import NAMES as DTYPE_NAMES  # noqa: E402
from safetensors_io import save_safetensors  # noqa: E402

DEFAULT_SEED = 20240611
CALIBRATION_IMAGES = 4
GRID = 6
NOISE = 0.1
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
LABEL = re.compile(r"^[A-Za-z0-9_.-]+$")

NORMS = (nn.modules.batchnorm._NormBase, nn.LayerNorm, nn.GroupNorm)


def parse_model(spec):
    """(label, expression or None) of a MODEL argument."""
    label, sep, expression = spec.partition("=")
    label = label.strip()
    if not LABEL.match(label):
        raise SystemExit(f"bad model label {label!r} in {spec!r}")
    return label, (expression.strip() if sep else None)


def build_model(spec, imports=()):
    """(label, module) for a MODEL argument; the module has torchvision's default init."""
    label, expression = parse_model(spec)
    if expression is None:
        return label, torchvision.models.get_model(label)
    scope = {
        "torch": torch,
        "nn": nn,
        "F": F,
        "torchvision": torchvision,
        "models": torchvision.models,
        "ops": torchvision.ops,
        "partial": partial,
        "OrderedDict": OrderedDict,
    }
    for name in imports:
        scope[name.split(".")[-1]] = importlib.import_module(name)
    model = eval(expression, scope)  # noqa: S307 - a test-only tool run on our own arguments
    if not isinstance(model, nn.Module):
        raise SystemExit(f"{label}: expression did not build an nn.Module")
    return label, model


class skipped_init:
    """Within the block, torch.nn.init's fill functions return their tensor untouched: all of
    them, or with parameters_only those given an nn.Parameter. Shapes do not depend on the
    initial values, and initialising a 140M-parameter model costs seconds: structure-only runs
    build without any init, and numerical runs without that of the parameters, which prepare()
    replaces (buffers are initialised as usual)."""

    NAMES = ("uniform_", "normal_", "trunc_normal_", "constant_", "ones_", "zeros_", "eye_",
             "dirac_", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_",
             "kaiming_normal_", "orthogonal_", "sparse_")

    def __init__(self, parameters_only=False):
        self.parameters_only = parameters_only

    def __enter__(self):
        self.saved = {n: getattr(nn.init, n) for n in self.NAMES if hasattr(nn.init, n)}
        for name, function in self.saved.items():
            setattr(nn.init, name, self._skipping(function))
        return self

    def _skipping(self, function):
        def fill(tensor, *args, **kwargs):
            if self.parameters_only and not isinstance(tensor, nn.Parameter):
                return function(tensor, *args, **kwargs)
            return tensor
        return fill

    def __exit__(self, *exc):
        for name, function in self.saved.items():
            setattr(nn.init, name, function)
        return False


def structure(model):
    """Keys, shapes and dtypes of the state_dict in order, and the exact parameter count."""
    return {
        "state_dict": [
            {"key": key, "shape": list(t.shape), "dtype": DTYPE_NAMES[t.dtype]}
            for key, t in model.state_dict().items()
        ],
        "parameters": sum(p.numel() for p in model.parameters()),
    }


def randomize_parameters(model, generator):
    """Replaces torchvision's init, which would hide mistakes (BatchNorm as an identity, zero
    biases): weights of layers with a fan-in get N(0, 2/fan_in), norm scales U(0.5, 1.5), every
    other parameter (biases, norm shifts, tokens, embeddings, layer scales) N(0, 0.1^2)."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            owner_name, _, short = name.rpartition(".")
            owner = model.get_submodule(owner_name) if owner_name else model
            if isinstance(owner, NORMS) and short == "weight":
                value = torch.rand(p.shape, generator=generator) + 0.5
            elif p.dim() >= 2 and short.endswith("weight"):
                fan_in = p.numel() // p.shape[0]
                value = torch.randn(p.shape, generator=generator) * math.sqrt(2.0 / fan_in)
            else:
                value = torch.randn(p.shape, generator=generator) * 0.1
            p.copy_(value)


def structured_images(n, shape, generator):
    """n images of shape (C, H, W): a random GRIDxGRID colour grid, upsampled bilinearly to full
    size, normalised like ImageNet input, plus a little noise. Unlike pure noise, images like
    these give clearly different logits even at the end of deep networks."""
    c, h, w = shape
    grid = torch.rand((n, c, GRID, GRID), generator=generator)
    if c == 3:
        mean = torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1)
        std = torch.tensor(IMAGENET_STD).view(1, 3, 1, 1)
    else:
        mean, std = 0.45, 0.225
    grid = (grid - mean) / std
    images = F.interpolate(grid, size=(h, w), mode="bilinear", align_corners=False)
    images = images + NOISE * torch.randn(images.shape, generator=generator)
    return images.contiguous()


def calibrate_batch_norm(model, images):
    """Sets every BatchNorm's running statistics to the cumulative average over one train-mode
    pass over the images (momentum None), so that eval mode normalises with non-trivial,
    realistic statistics. Returns the number of BatchNorm modules."""
    norms = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    if not norms:
        return 0
    momenta = [m.momentum for m in norms]
    for m in norms:
        m.reset_running_stats()
        m.momentum = None
    model.train()
    with torch.no_grad():
        model(images)
    for m, momentum in zip(norms, momenta):
        m.momentum = momentum
    return len(norms)


def prepare(model, seed, shape):
    """Seeded random parameters, calibrated BatchNorm statistics, eval mode."""
    torch.manual_seed(seed)  # dropout and stochastic depth during the calibration pass
    randomize_parameters(model, torch.Generator().manual_seed(seed))
    calibration = structured_images(
        CALIBRATION_IMAGES, shape, torch.Generator().manual_seed(seed + 2))
    norms = calibrate_batch_norm(model, calibration)
    model.eval()
    return norms


def logits_of(output):
    """The logits of a model's eval-mode output (GoogLeNet-style named tuples included)."""
    if isinstance(output, torch.Tensor):
        return output
    if hasattr(output, "logits"):
        return output.logits
    return output[0]


def run_model(model, images):
    with torch.inference_mode():
        return logits_of(model(images)).detach().clone()


def default_input_shape(label):
    """The crop size of the model's default torchvision weights, else 3x224x224."""
    try:
        weights = torchvision.models.get_model_weights(label).DEFAULT
        crop = weights.transforms().crop_size[0]
        return (3, crop, crop)
    except (ValueError, KeyError, AttributeError):
        return (3, 224, 224)


def check_distinct_rows(label, logits):
    """The rows must differ clearly, or a parity test could pass on a network that ignores its
    input. Returns the smallest largest-difference over all pairs of rows."""
    if logits.dim() != 2 or logits.shape[0] < 2:
        raise SystemExit(f"{label}: expected logits [N>=2, classes], got {list(logits.shape)}")
    if not torch.isfinite(logits).all():
        raise SystemExit(f"{label}: reference logits are not finite")
    n = logits.shape[0]
    closest = min(
        (logits[i] - logits[j]).abs().max().item() for i in range(n) for j in range(i + 1, n))
    if closest <= 1e-2 * (1.0 + logits.abs().max().item()):
        raise SystemExit(f"{label}: the reference logits of different inputs barely differ"
                         f" (max |row difference| {closest})")
    return closest


def write_json(path, value):
    """One top-level field per line and one list element per line: diffable, still small."""
    lines = []
    for key, item in value.items():
        if isinstance(item, list) and item and isinstance(item[0], (dict, list)):
            inner = ",\n".join("  " + json.dumps(e, separators=(", ", ": ")) for e in item)
            lines.append(f"{json.dumps(key)}: [\n{inner}\n ]")
        else:
            lines.append(f"{json.dumps(key)}: {json.dumps(item)}")
    with open(path, "w", encoding="utf-8") as f:
        f.write("{\n " + ",\n ".join(lines) + "\n}\n")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("models", nargs="+", metavar="MODEL")
    parser.add_argument("--out", required=True)
    parser.add_argument("--structure-only", action="store_true")
    parser.add_argument("--input-shape", help="C,H,W (default: the weights' crop size)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--batch", type=int, default=2)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--import", dest="imports", action="append", default=[])
    args = parser.parse_args(argv[1:])
    torch.set_num_threads(args.threads)

    for spec in args.models:
        started = time.monotonic()
        torch.manual_seed(args.seed)
        with skipped_init(parameters_only=not args.structure_only):
            label, model = build_model(spec, args.imports)
        out = os.path.join(args.out, label)
        os.makedirs(out, exist_ok=True)
        info = {
            "label": label,
            "model": spec,
            "torch": torch.__version__,
            "torchvision": torchvision.__version__,
        }
        info.update(structure(model))
        write_json(os.path.join(out, "structure.json"), info)
        if args.structure_only:
            continue

        shape = (
            tuple(int(d) for d in args.input_shape.split(","))
            if args.input_shape
            else default_input_shape(label)
        )
        norms = prepare(model, args.seed, shape)
        images = structured_images(args.batch, shape, torch.Generator().manual_seed(args.seed + 1))
        logits = run_model(model, images)
        spread = check_distinct_rows(label, logits)

        save_safetensors(model.state_dict(), os.path.join(out, "weights.safetensors"),
                         {"model": spec, "seed": args.seed})
        save_safetensors({"input": images}, os.path.join(out, "input.safetensors"))
        save_safetensors({"logits": logits}, os.path.join(out, "logits.safetensors"))
        top = logits.topk(min(6, logits.shape[1]), dim=1)
        write_json(os.path.join(out, "run.json"), {
            "label": label,
            "seed": args.seed,
            "input_shape": list(images.shape),
            "threads": torch.get_num_threads(),
            "batch_norms_calibrated": norms,
            "logits_shape": list(logits.shape),
            "logits_max_abs": logits.abs().max().item(),
            "smallest_row_difference": spread,
            "top5": top.indices[:, :5].tolist(),
            "smallest_top6_gap": (top.values[:, :-1] - top.values[:, 1:]).min().item(),
            "seconds": time.monotonic() - started,
        })
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
