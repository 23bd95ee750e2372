#!/usr/bin/python3
"""Replicas benchmark: a CPU model's default placement (two replicas on one queue, each on half
the cores) against one replica on all the cores, driven from outside with h2load (Debian
nghttp2-client) posting pre-framed gRPC Classify calls.

Starts one gateway (deploy/gateway.sh) serving each network twice:
  <net>-one      instances: 1 (one replica, every core: the default before CPU models got two)
  <net>-default  no instances key: the default placement
and measures each at 1 and 32 concurrent callers, in rounds of one run, each round starting with
the other placement.

    /usr/bin/python3 deploy/bench/replicas_bench.py [--nets mobilenet_v3_large,resnet50]
        [--seconds 10] [--warmup-seconds 3] [--rounds 2] [--port 18094]

The networks get seeded random weights (torchvision's init) and 256x256 JPEGs, as in
dispatch_bench.py. Needs Debian's python3-torchvision, nghttp2-client; a built gateway
(mvn -B -DskipTests package).
"""
import argparse
import os
import tempfile

from dispatch_bench import FAMILY, cpu_line, jpeg_256, random_weights
from raw_grpc import classify_request, framed
from served_rounds import CALLERS, measure, medians, start_gateway, stop_gateway

PLACEMENTS = {"one": "instances: 1, ", "default": ""}


def config(nets, folder):
    lines = ["models:"]
    for net in nets:
        for name, placement in PLACEMENTS.items():
            lines.append(f"  - {{name: {net}-{name}, family: {FAMILY[net]}, variant: {net}, "
                         f"{placement}weights: {net}.safetensors}}")
    path = os.path.join(folder, "replicas.yaml")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--nets", default="mobilenet_v3_large,resnet50")
    p.add_argument("--seconds", type=int, default=10)
    p.add_argument("--warmup-seconds", type=int, default=3)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--port", type=int, default=18094)
    a = p.parse_args()
    nets = a.nets.split(",")
    print(cpu_line(), flush=True)
    with tempfile.TemporaryDirectory() as folder:
        jpeg = jpeg_256()
        frames = {}
        for net in nets:
            random_weights(net, folder)
            for name in PLACEMENTS:
                model = f"{net}-{name}"
                frames[model] = os.path.join(folder, model + ".grpc")
                with open(frames[model], "wb") as f:
                    f.write(framed(classify_request(jpeg, model)))
        cfg = config(nets, folder)
        proc = start_gateway(cfg, folder, a.port)
        try:
            settings = list(PLACEMENTS)
            results = measure(a.port, nets, settings, frames, a.rounds, a.seconds,
                              a.warmup_seconds)
            print("\nmedian over rounds; ratio = default / one replica")
            print(f"{'network':20s} {'callers':>7s} {'one replica':>20s} {'default':>20s} "
                  f"{'ratio':>6s}")
            for net in nets:
                for callers in CALLERS:
                    med = medians(results, net, callers, settings)
                    cells = " ".join(f"{med[n][0]:8.1f}/{med[n][1]:8.2f}ms" for n in PLACEMENTS)
                    print(f"{net:20s} {callers:7d} {cells} "
                          f"{med['default'][0] / med['one'][0]:6.2f}")
        finally:
            stop_gateway(proc)


if __name__ == "__main__":
    main()
