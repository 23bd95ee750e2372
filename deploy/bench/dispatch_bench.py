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
import io
import os
import shutil
import subprocess
import sys
import tempfile

from raw_grpc import classify_request, framed
from served_rounds import ROOT, arguments, run, write_config


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
    entries = []
    for net in nets:
        for name, batching in SETTINGS.items():
            if net == "lenet":
                src = ("family: lenet, variant: lenet5-relu, weights: fashion-lenet.safetensors, "
                       "labels: fashion-mnist.txt")
            else:
                src = f"family: {FAMILY[net]}, variant: {net}, weights: {net}.safetensors"
            entries.append(f"{{name: {net}-{name}, {src}, batching: {batching}}}")
    return write_config(folder, "dispatch.yaml", entries)


def main():
    a = arguments("lenet,mobilenet_v3_large,resnet50", 8, 2, 18093)
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
        run(config(nets, folder), folder, a, nets, list(SETTINGS), frames)


if __name__ == "__main__":
    main()
