"""torchvision's side of the speed comparison (io.inferencegw.plugin.api.parity.SpeedComparison).

    /usr/bin/python3 parity_speed.py --weights W.safetensors --out DIR --input-shape C,H,W
        --threads N [--batches 1,8] [--warmup 2] [--min-iterations 5] [--min-seconds 3] MODEL

Builds MODEL (as in parity_reference.py), loads the weights strictly, and for every batch size
writes DIR/input-b<B>.safetensors ("input", the same structured images the Java side then
uses) and measures forward passes in eval mode under torch.inference_mode(): `warmup`
untimed passes, then timed passes until both `min-iterations` and `min-seconds` are reached.
Throughput is B / median pass time. Writes DIR/speed.json: {"torch": version, "threads": N,
"batches": {"1": {"images_per_second": ..., "iterations": ..., "median_seconds": ...}, ...}}.
The Java side uses exactly the same protocol.
"""

import argparse
from collections import OrderedDict
import json
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from parity_reference import DEFAULT_SEED, build_model, structured_images  # noqa: E402
from safetensors_io import load_safetensors, save_safetensors  # noqa: E402


def measure(model, images, warmup, min_iterations, min_seconds):
    with torch.inference_mode():
        for _ in range(warmup):
            model(images)
        times = []
        started = time.perf_counter()
        while len(times) < min_iterations or time.perf_counter() - started < min_seconds:
            t0 = time.perf_counter()
            model(images)
            times.append(time.perf_counter() - t0)
    median = statistics.median(times)
    return {
        "images_per_second": images.shape[0] / median,
        "median_seconds": median,
        "iterations": len(times),
    }


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("model", metavar="MODEL")
    parser.add_argument("--weights", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--input-shape", required=True, help="C,H,W")
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--batches", default="1,8")
    parser.add_argument("--channels-last", action="store_true",
                        help="weights and inputs in the channels-last memory format")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--min-iterations", type=int, default=5)
    parser.add_argument("--min-seconds", type=float, default=3.0)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--import", dest="imports", action="append", default=[])
    args = parser.parse_args(argv[1:])
    torch.set_num_threads(args.threads)

    _, model = build_model(args.model, args.imports)
    state = OrderedDict(load_safetensors(args.weights))
    # safetensors keeps no module versions; torchvision's MNASNet refuses a state_dict without
    # them, so the freshly built model's (current) versions are attached
    state._metadata = model.state_dict()._metadata
    model.load_state_dict(state, strict=True)
    model.eval()
    if args.channels_last:
        model = model.to(memory_format=torch.channels_last)
    shape = tuple(int(d) for d in args.input_shape.split(","))
    os.makedirs(args.out, exist_ok=True)
    result = {"torch": torch.__version__, "threads": torch.get_num_threads(), "batches": {}}
    for batch in (int(b) for b in args.batches.split(",")):
        images = structured_images(batch, shape, torch.Generator().manual_seed(args.seed + batch))
        save_safetensors({"input": images}, os.path.join(args.out, f"input-b{batch}.safetensors"))
        if args.channels_last:
            images = images.contiguous(memory_format=torch.channels_last)
        result["batches"][str(batch)] = measure(
            model, images, args.warmup, args.min_iterations, args.min_seconds)
    with open(os.path.join(args.out, "speed.json"), "w", encoding="utf-8") as f:
        json.dump(result, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
