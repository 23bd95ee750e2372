#!/usr/bin/python3
"""Convert a PyTorch checkpoint (.pth, .pt) into the safetensors file the gateway loads.

    /usr/bin/python3 deploy/python/convert_checkpoint.py resnet50.pth resnet50.safetensors \
        --torchvision resnet50 --family resnet
    /usr/bin/python3 deploy/python/convert_checkpoint.py dpn68.pth dpn68.safetensors --family dpn --variant dpn68

Needs Debian's Python (/usr/bin/python3) with python3-torch, and python3-torchvision for
--torchvision.

The state_dict is taken from the checkpoint itself or from under one of the usual keys
("state_dict", "model", "model_state_dict", "state_dict_ema"); a "module." prefix
(DataParallel, DistributedDataParallel) is removed; floating-point tensors become float32, as
the gateway's networks are.

With --torchvision ARCH the tensors are loaded, strictly, into torchvision's ARCH, and that
model's state_dict is written: the keys the gateway's plugin expects, in state_dict order.
Older checkpoints are brought up to date on the way: DenseNet's dotted key names
("norm.1" for "norm1") and BatchNorm's num_batches_tracked, which checkpoints saved before
PyTorch 0.4.1 lack. Without it (timm checkpoints: DPN, MobileNet v1, Inception v4,
Inception-ResNet v2) the tensors are written as found.

--family and --variant are recorded in the file's __metadata__ (the variant defaults to the
--torchvision ARCH, whose names the gateway's variants share). The gateway refuses to load a
file into a model entry of another family or variant: variants of one family often have the
same parameter shapes, and weights of one served as another give near-random answers.

Exit code 0 on success; 1 with the reason (missing, unexpected or mis-shaped keys) otherwise.
"""
import argparse
import os
import re
import sys
from collections import OrderedDict

try:
    import torch
except ImportError as missing:
    sys.exit(f"convert_checkpoint.py: {missing}: install Debian's python3-torch"
             f" (apt-get install python3-torch; python3-torchvision too for --torchvision) and run"
             f" this script with /usr/bin/python3 (this is {sys.executable})")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_io import save_safetensors  # noqa: E402

NESTED_KEYS = ("state_dict", "model", "model_state_dict", "state_dict_ema")

# DenseNet checkpoints from before torchvision 0.2 name the layers of a dense layer "norm.1",
# "conv.2"... where the modules are now "norm1", "conv2".
DENSENET_OLD_KEY = re.compile(
    r"^(.*denselayer\d+\.(?:norm|relu|conv))\.((?:[12])\.(?:weight|bias|running_mean|running_var))$")


def load_checkpoint(path, allow_pickle):
    try:
        return torch.load(path, map_location="cpu", weights_only=not allow_pickle)
    except Exception as e:  # an unpickling error names the object it refused
        hint = "" if allow_pickle else (
            " (if the checkpoint holds other objects than tensors and you trust it, "
            "pass --allow-pickle)")
        raise SystemExit(f"cannot read {path}: {e}{hint}")


def state_dict_of(checkpoint):
    """The tensors of a checkpoint, unwrapped and without a DataParallel prefix."""
    state = checkpoint
    while isinstance(state, dict) and not any(torch.is_tensor(v) for v in state.values()):
        nested = [k for k in NESTED_KEYS if isinstance(state.get(k), dict)]
        if not nested:
            raise SystemExit("no state_dict found: the checkpoint's keys are "
                             + ", ".join(map(str, list(state)[:20])))
        state = state[nested[0]]
    if not isinstance(state, dict):
        raise SystemExit(f"no state_dict found: the checkpoint is a {type(state).__name__}")
    tensors = OrderedDict()
    for name, value in state.items():
        if not torch.is_tensor(value):
            continue
        if name.startswith("module."):
            name = name[len("module."):]
        tensors[name] = value.float() if value.is_floating_point() else value
    if not tensors:
        raise SystemExit("the state_dict holds no tensors")
    return tensors


def into_torchvision(tensors, arch):
    """Loads the tensors strictly into torchvision's arch; returns its state_dict."""
    try:
        import torchvision  # only needed here
    except ImportError as missing:
        raise SystemExit(f"convert_checkpoint.py: {missing}: --torchvision needs Debian's"
                         f" python3-torchvision (apt-get install python3-torchvision)")

    try:
        model = torchvision.models.get_model(arch, weights=None)
    except ValueError as e:
        raise SystemExit(f"torchvision has no model {arch!r}: {e}")
    if arch.startswith("densenet"):
        tensors = OrderedDict(
            (DENSENET_OLD_KEY.sub(r"\1\2", name), value) for name, value in tensors.items())
    expected = model.state_dict()
    for name, value in expected.items():
        if name.endswith("num_batches_tracked") and name not in tensors:
            tensors[name] = torch.zeros_like(value)  # unused in eval mode
    missing = [k for k in expected if k not in tensors]
    unexpected = [k for k in tensors if k not in expected]
    mis_shaped = [f"{k}: checkpoint {list(tensors[k].shape)}, {arch} {list(v.shape)}"
                  for k, v in expected.items() if k in tensors and tensors[k].shape != v.shape]
    if missing or unexpected or mis_shaped:
        lines = [f"the checkpoint does not fit torchvision's {arch}:"]
        for label, items in (("missing", missing), ("unexpected", unexpected),
                             ("wrong shape", mis_shaped)):
            if items:
                lines.append(f"  {label} ({len(items)}): " + ", ".join(items[:10])
                             + (" ..." if len(items) > 10 else ""))
        raise SystemExit("\n".join(lines))
    model.load_state_dict(tensors, strict=True)
    return OrderedDict((k, v.detach()) for k, v in model.state_dict().items())


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkpoint", help=".pth or .pt file")
    parser.add_argument("output", help="safetensors file to write")
    parser.add_argument("--torchvision", metavar="ARCH",
                        help="check and order the keys as torchvision's ARCH (e.g. resnet50)")
    parser.add_argument("--family", help="the gateway family the weights are for (e.g. resnet)")
    parser.add_argument("--variant",
                        help="the gateway variant the weights are for (default: --torchvision ARCH)")
    parser.add_argument("--allow-pickle", action="store_true",
                        help="load arbitrary pickled objects (only for checkpoints you trust)")
    args = parser.parse_args(argv)

    tensors = state_dict_of(load_checkpoint(args.checkpoint, args.allow_pickle))
    if args.torchvision:
        tensors = into_torchvision(tensors, args.torchvision)
    metadata = {"format": "pt", "source": os.path.basename(args.checkpoint)}
    variant = args.variant or args.torchvision
    if args.family:
        metadata["family"] = args.family
    if variant:
        metadata["variant"] = variant
    if not (args.family and variant):
        print("note: without --family and --variant the gateway cannot check that the weights"
              " are loaded into the network they were made for", file=sys.stderr)
    tmp = args.output + ".tmp"
    save_safetensors(tensors, tmp, metadata)
    os.replace(tmp, args.output)  # never a half-written file under the final name
    parameters = sum(v.numel() for k, v in tensors.items() if v.is_floating_point())
    print(f"{args.output}: {len(tensors)} tensors, {parameters:,} floating-point values")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
