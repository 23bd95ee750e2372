"""TorchScript export of a torchvision network with the gateway's weights, for DJL's side of the
serving benchmark (io.inferencegw.benchmarks.ServingBenchmark).

    /usr/bin/python3 export_torchscript.py --weights W.safetensors --input-shape C,H,W --out M.pt MODEL

MODEL is a torchvision model name (resnet50, mobilenet_v3_large, ...). The weights are the
state_dict the gateway serves (same keys as torchvision's); they are loaded strictly, so the
export is the same network with the same numbers. Traced in eval mode, fp32, default layout.
"""

import argparse
import os
import sys

try:
    import torch
    import torchvision
except ImportError as missing:
    sys.exit(f"export_torchscript.py: {missing}: install Debian's python3-torchvision and run"
             f" this script with /usr/bin/python3 (this is {sys.executable})")

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "..", "deploy", "python"))
from safetensors_io import load_safetensors  # noqa: E402


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("model")
    parser.add_argument("--weights", required=True)
    parser.add_argument("--input-shape", required=True, help="C,H,W")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)

    model = torchvision.models.get_model(args.model)
    state = load_safetensors(args.weights)
    result = model.load_state_dict(state, strict=False)
    # Checkpoints written without BatchNorm's step counter are still the same network: that
    # buffer is unused in eval mode. Anything else missing or extra is a different network.
    missing = [k for k in result.missing_keys if not k.endswith("num_batches_tracked")]
    if missing or result.unexpected_keys:
        sys.exit(f"{args.model}: weights do not fit: missing {missing},"
                 f" unexpected {result.unexpected_keys}")
    model.eval()
    shape = [int(d) for d in args.input_shape.split(",")]
    example = torch.rand(1, *shape)
    with torch.no_grad():
        traced = torch.jit.trace(model, example)
    traced.save(args.out)
    print(f"exported {args.model} with torch {torch.__version__}, torchvision"
          f" {torchvision.__version__} to {args.out}")


if __name__ == "__main__":
    main(sys.argv[1:])
