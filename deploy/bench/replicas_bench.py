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
import statistics
import subprocess
import tempfile

from dispatch_bench import FAMILY, ROOT, cpu_line, h2load, jpeg_256, random_weights, wait_ready
from raw_grpc import classify_request, framed

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
        env = dict(os.environ, GATEWAY_HEAP="2g")
        log_path = os.path.join(folder, "gateway.log")
        log = open(log_path, "w")
        proc = subprocess.Popen(
            ["sh", os.path.join(ROOT, "deploy/gateway.sh"), "--config", cfg, "--port",
             str(a.port)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_ready(a.port, proc, log_path)
            with open(log_path) as f:
                for line in f:
                    if "batch profile" in line:
                        print(line.split(" - ", 1)[-1].strip())
            results = {}
            for r in range(a.rounds):
                for net in nets:
                    for callers in (1, 32):
                        names = list(PLACEMENTS)
                        for name in names[r % 2:] + names[:r % 2]:
                            model = f"{net}-{name}"
                            rps, mean, failed = h2load(a.port, frames[model], callers,
                                                       a.seconds, a.warmup_seconds)
                            if failed:
                                raise SystemExit(f"{model}: {failed} calls failed")
                            results.setdefault((net, callers, name), []).append((rps, mean))
                            print(f"round {r + 1} {model:28s} callers {callers:2d}: "
                                  f"{rps:8.1f} req/s, mean {mean:8.2f} ms", flush=True)
            print("\nmedian over rounds; ratio = default / one replica")
            print(f"{'network':20s} {'callers':>7s} {'one replica':>20s} {'default':>20s} "
                  f"{'ratio':>6s}")
            for net in nets:
                for callers in (1, 32):
                    med = {n: (statistics.median(x[0] for x in results[(net, callers, n)]),
                               statistics.median(x[1] for x in results[(net, callers, n)]))
                           for n in PLACEMENTS}
                    cells = " ".join(f"{med[n][0]:8.1f}/{med[n][1]:8.2f}ms" for n in PLACEMENTS)
                    print(f"{net:20s} {callers:7d} {cells} "
                          f"{med['default'][0] / med['one'][0]:6.2f}")
        finally:
            proc.terminate()
            proc.wait(60)


if __name__ == "__main__":
    main()
