#!/usr/bin/python3
"""Dispatch policy benchmark: the default policy against the two settings of the former batcher,
driven from outside with h2load (Debian nghttp2-client) posting pre-framed gRPC Classify calls.

Starts one gateway (deploy/gateway.sh) serving each network three times:
  <net>-hold2000  max_queue_delay_us 2000, batches of up to 32 (the former default: a ready request
                  waits up to 2 ms for company)
  <net>-delay0    max_queue_delay_us 0, batches of up to 32 (the former "no waiting" setting)
  <net>-default   the default config: greedy dispatch, batch size from the replica's profile
and measures each at 1 and 32 concurrent callers, in rounds of one run, each round starting with
another setting.

    /usr/bin/python3 deploy/bench/dispatch_bench.py [--nets lenet,mobilenet_v3_large,resnet50]
        [--seconds 8] [--warmup-seconds 2] [--rounds 2] [--port 18093]

LeNet gets 28x28 Fashion-MNIST PNGs (deploy/samples); the others 256x256 JPEGs and seeded random
weights (torchvision's init, converted with deploy/python/convert_checkpoint.py). Needs Debian's
python3-torchvision, nghttp2-client; a built gateway (mvn -B -DskipTests package).
"""
import argparse
import io
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

from raw_grpc import classify_request, framed

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SETTINGS = {
    "hold2000": "{max_batch_size: 32, max_queue_delay_us: 2000, preferred_batch_sizes: [32]}",
    "delay0": "{max_batch_size: 32, max_queue_delay_us: 0, preferred_batch_sizes: [32]}",
    "default": "{}",
}
FAMILY = {"mobilenet_v3_large": "mobilenet", "resnet50": "resnet"}


def cpu_line():
    model, flags = "?", set()
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name") and model == "?":
                model = line.split(":", 1)[1].strip()
            if line.startswith("flags"):
                flags = set(line.split(":", 1)[1].split())
    wanted = [f for f in ("avx2", "avx512f", "avx512_bf16", "amx_bf16") if f in flags]
    return f"{model}, {os.cpu_count()} cores, flags: {' '.join(wanted)}"


def random_weights(arch, folder):
    import torch
    import torchvision
    torch.manual_seed(0)
    net = getattr(torchvision.models, arch)()
    pth = os.path.join(folder, arch + ".pth")
    torch.save(net.state_dict(), pth)
    out = os.path.join(folder, arch + ".safetensors")
    subprocess.run([sys.executable, os.path.join(ROOT, "deploy/python/convert_checkpoint.py"),
                    pth, out, "--torchvision", arch, "--family", FAMILY[arch]],
                   check=True, stdout=subprocess.DEVNULL)
    return out


def jpeg_256():
    import numpy as np
    from PIL import Image
    rng = np.random.default_rng(0)
    # smooth gradients with noise: a JPEG of ordinary size, not a flat colour
    y, x = np.mgrid[0:256, 0:256]
    rgb = np.stack([x, y, (x + y) // 2], axis=-1) + rng.integers(0, 40, (256, 256, 3))
    buf = io.BytesIO()
    Image.fromarray(rgb.clip(0, 255).astype("uint8")).save(buf, "JPEG", quality=90)
    return buf.getvalue()


def config(nets, folder):
    lines = ["models:"]
    for net in nets:
        for name, batching in SETTINGS.items():
            if net == "lenet":
                src = ("family: lenet, variant: lenet5-relu, weights: fashion-lenet.safetensors, "
                       "labels: fashion-mnist.txt")
            else:
                src = f"family: {FAMILY[net]}, variant: {net}, weights: {net}.safetensors"
            lines.append(f"  - {{name: {net}-{name}, {src}, batching: {batching}}}")
    path = os.path.join(folder, "dispatch.yaml")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def wait_ready(port, proc, log):
    for _ in range(1200):
        if proc.poll() is not None:
            with open(log) as f:
                sys.stderr.write(f.read()[-3000:])
            raise SystemExit("the gateway exited")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/ready", timeout=1):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("the gateway did not become ready")


def h2load(port, frame_file, callers, seconds, warmup):
    out = subprocess.run(
        ["h2load", "-c", str(callers), "-m", "1", "-D", str(seconds), "--warm-up-time",
         str(warmup), "-d", frame_file, "-H", "content-type: application/grpc",
         "-H", "te: trailers", f"http://127.0.0.1:{port}/gateway.v1.Classifier/Classify"],
        capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"finished in .*?, ([\d.]+) req/s", out).group(1))
    mean = re.search(r"time for request:\s+\S+\s+\S+\s+(\S+)", out).group(1)
    failed = int(re.search(r"(\d+) failed", out).group(1))
    return rps, to_ms(mean), failed


def to_ms(text):
    unit = re.sub(r"[\d.]", "", text)
    value = float(re.sub(r"[^\d.]", "", text))
    return value * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--nets", default="lenet,mobilenet_v3_large,resnet50")
    p.add_argument("--seconds", type=int, default=8)
    p.add_argument("--warmup-seconds", type=int, default=2)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--port", type=int, default=18093)
    a = p.parse_args()
    nets = a.nets.split(",")
    print(cpu_line(), flush=True)
    with tempfile.TemporaryDirectory() as folder:
        for net in nets:
            if net != "lenet":
                random_weights(net, folder)
        frames = {}
        jpeg = jpeg_256()
        with open(os.path.join(ROOT, "deploy/samples/ankle-boot.png"), "rb") as f:
            png = f.read()
        for net in nets:
            for name in SETTINGS:
                model = f"{net}-{name}"
                path = os.path.join(folder, model + ".grpc")
                with open(path, "wb") as f:
                    f.write(framed(classify_request(png if net == "lenet" else jpeg, model)))
                frames[model] = path
        # the config's files lie beside it: relative paths resolve against its folder
        for name in ("fashion-lenet.safetensors", "fashion-mnist.txt"):
            shutil.copy(os.path.join(ROOT, "gateway/src/main/resources/default-model", name),
                        folder)
        cfg = config(nets, folder)
        env = dict(os.environ, GATEWAY_HEAP="2g")
        log = open(os.path.join(folder, "gateway.log"), "w")
        proc = subprocess.Popen(
            ["sh", os.path.join(ROOT, "deploy/gateway.sh"), "--config", cfg, "--port",
             str(a.port)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_ready(a.port, proc, os.path.join(folder, "gateway.log"))
            with open(os.path.join(folder, "gateway.log")) as f:
                for line in f:
                    if "batch profile" in line:
                        print(line.split(" - ", 1)[-1].strip())
            results = {}
            for r in range(a.rounds):
                for net in nets:
                    for callers in (1, 32):
                        # each round starts with another setting: no setting always follows
                        # the same one
                        names = list(SETTINGS)
                        for name in names[r % 3:] + names[:r % 3]:
                            model = f"{net}-{name}"
                            rps, mean, failed = h2load(a.port, frames[model], callers,
                                                       a.seconds, a.warmup_seconds)
                            if failed:
                                raise SystemExit(f"{model}: {failed} calls failed")
                            results.setdefault((net, callers, name), []).append((rps, mean))
                            print(f"round {r + 1} {model:28s} callers {callers:2d}: "
                                  f"{rps:8.1f} req/s, mean {mean:7.2f} ms", flush=True)
            print("\nmedian over rounds; ratio = default / former setting")
            print(f"{'network':20s} {'callers':>7s} {'hold2000':>16s} {'delay0':>16s} "
                  f"{'default':>16s} {'vs hold2000':>11s} {'vs delay0':>9s}")
            for net in nets:
                for callers in (1, 32):
                    med = {n: (statistics.median(x[0] for x in results[(net, callers, n)]),
                               statistics.median(x[1] for x in results[(net, callers, n)]))
                           for n in SETTINGS}
                    cells = " ".join(f"{med[n][0]:7.1f}/{med[n][1]:6.2f}ms" for n in SETTINGS)
                    print(f"{net:20s} {callers:7d} {cells} "
                          f"{med['default'][0] / med['hold2000'][0]:11.2f} "
                          f"{med['default'][0] / med['delay0'][0]:9.2f}")
        finally:
            proc.terminate()
            proc.wait(60)


if __name__ == "__main__":
    main()
