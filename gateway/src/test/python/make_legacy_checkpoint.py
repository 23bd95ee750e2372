#!/usr/bin/env python3
"""Writes a state_dict (safetensors) back as an old-style training checkpoint, the way models
trained with torchvision's reference scripts and nn.DataParallel before PyTorch 0.4.1 were saved:

- nested in {"epoch", "arch", "state_dict"};
- every key prefixed with "module.";
- no BatchNorm num_batches_tracked;
- DenseNet's dotted layer names ("norm.1" for "norm1").

    make_legacy_checkpoint.py IN.safetensors OUT.pth ARCH
"""
import os
import re
import sys
from collections import OrderedDict

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "..", "..", "deploy", "python"))
from safetensors_io import load_safetensors  # noqa: E402

NEW_DENSENET_NAME = re.compile(r"(denselayer\d+\.(?:norm|relu|conv))([12])\.")


def main(argv):
    source, out, arch = argv
    legacy = OrderedDict()
    for name, value in load_safetensors(source).items():
        if name.endswith("num_batches_tracked"):
            continue
        legacy["module." + NEW_DENSENET_NAME.sub(r"\1.\2.", name)] = value
    torch.save({"epoch": 90, "arch": arch, "state_dict": legacy}, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
