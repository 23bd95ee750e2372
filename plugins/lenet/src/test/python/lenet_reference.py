#!/usr/bin/env python3
"""PyTorch reference of the LeNet family, used by LenetPytorchParityTest.

The torch module below mirrors io.inferencegw.plugins.lenet.LeNet: same submodule names
(conv1, conv2, conv3, fc1, fc2), so the same state_dict keys and shapes.

Usage:
  lenet_reference.py --safetensors-io PATH/safetensors_io.py --variant lenet5-relu \
      --weights W.safetensors --input IN.safetensors --out OUT.safetensors [--keys-out K.txt]

Reads tensor "input" ([N,1,28,28] float32) from --input, loads --weights strictly, runs the
network in eval mode and writes tensor "logits" to --out. With --keys-out, writes the torch model's
parameter count ("parameters N") and then its state_dict keys and shapes
in order, one per line ("conv1.weight 6,1,5,5").
"""
import argparse
import importlib.util

import torch
import torch.nn as nn
import torch.nn.functional as F

# Same table as LenetFamily's rows: variant -> (activation, pooling)
CONFIGS = {
    "lenet5": (torch.sigmoid, F.avg_pool2d),
    "lenet5-relu": (F.relu, F.max_pool2d),
}


class LeNet(nn.Module):
    def __init__(self, variant: str, num_classes: int = 10):
        super().__init__()
        self.act, self.pool = CONFIGS[variant]
        self.conv1 = nn.Conv2d(1, 6, kernel_size=5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, kernel_size=5)
        self.conv3 = nn.Conv2d(16, 120, kernel_size=5)
        self.fc1 = nn.Linear(120, 84)
        self.fc2 = nn.Linear(84, num_classes)

    def forward(self, x):
        x = self.pool(self.act(self.conv1(x)), 2, 2)
        x = self.pool(self.act(self.conv2(x)), 2, 2)
        x = torch.flatten(self.act(self.conv3(x)), 1)
        x = self.act(self.fc1(x))
        return self.fc2(x)


def import_by_path(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--safetensors-io", required=True)
    p.add_argument("--variant", required=True, choices=sorted(CONFIGS))
    p.add_argument("--weights", required=True)
    p.add_argument("--input", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--keys-out")
    args = p.parse_args()

    st = import_by_path("safetensors_io", args.safetensors_io)
    torch.set_num_threads(1)
    model = LeNet(args.variant)
    if args.keys_out:
        with open(args.keys_out, "w") as f:
            f.write("parameters %d\n" % sum(p.numel() for p in model.parameters()))
            for k, v in model.state_dict().items():
                f.write("%s %s\n" % (k, ",".join(str(d) for d in v.shape)))
    weights = st.load_safetensors(args.weights)
    model.load_state_dict(weights, strict=True)
    model.eval()
    x = st.load_safetensors(args.input)["input"].to(torch.float32)
    with torch.no_grad():
        logits = model(x)
    st.save_safetensors({"logits": logits.contiguous()}, args.out)
    print("logits", tuple(logits.shape), "max|logit| %.4f" % logits.abs().max().item())


if __name__ == "__main__":
    main()
