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
import os
import tempfile

from dispatch_bench import FAMILY, cpu_line, jpeg_256, random_weights
from raw_grpc import classify_request, framed
from served_rounds import arguments, run, write_config


PLACEMENTS = {"one": "instances: 1, ", "default": ""}


def config(nets, folder):
    return write_config(folder, "replicas.yaml", [
        f"{{name: {net}-{name}, family: {FAMILY[net]}, variant: {net}, {placement}"
        f"weights: {net}.safetensors}}"
        for net in nets for name, placement in PLACEMENTS.items()])


def main():
    a = arguments("mobilenet_v3_large,resnet50", 10, 3, 18094)
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
        run(config(nets, folder), folder, a, nets, list(PLACEMENTS), frames)


if __name__ == "__main__":
    main()
