#!/usr/bin/python3
"""torchvision reference for the gateway's image preprocessing (ImagePreprocessorTest).

Run with Debian's /usr/bin/python3 (python3-torch 1.13, python3-torchvision 0.14); no other
packages. For every case it applies torchvision's evaluation pipeline on tensors, the
pipeline the Java ImagePreprocessor reproduces with LibTorch:

    ToTensor()                      uint8 HWC -> float CHW in [0, 1]
    Resize(resize, interpolation, antialias=True)
    CenterCrop((crop_h, crop_w))    zero-pads when the image is smaller than the crop
    Normalize(mean, std)

and writes the result as raw little-endian float32, C*H*W values in CHW order.

Usage: preprocess_reference.py CASES_FILE
CASES_FILE has one case per line, whitespace-separated:

    pixels.u8 height width channels resize crop_h crop_w bilinear|bicubic mean,... std,... out.f32

where pixels.u8 holds height*width*channels bytes, row-major HWC.
"""
import sys

import torch
from torchvision import transforms
from torchvision.transforms import InterpolationMode

MODES = {"bilinear": InterpolationMode.BILINEAR, "bicubic": InterpolationMode.BICUBIC}


def to_tensor(path, height, width, channels):
    """ToTensor() for tensors: uint8 HWC bytes -> float32 CHW / 255."""
    with open(path, "rb") as f:
        data = bytearray(f.read())
    if len(data) != height * width * channels:
        raise ValueError(f"{path}: {len(data)} bytes, expected {height * width * channels}")
    hwc = torch.frombuffer(data, dtype=torch.uint8).reshape(height, width, channels)
    return hwc.permute(2, 0, 1).contiguous().to(torch.float32).div(255)


def run_case(fields):
    pixels, height, width, channels, resize, crop_h, crop_w, mode, mean, std, out = fields
    image = to_tensor(pixels, int(height), int(width), int(channels))
    pipeline = transforms.Compose([
        transforms.Resize(int(resize), interpolation=MODES[mode], antialias=True),
        transforms.CenterCrop((int(crop_h), int(crop_w))),
        transforms.Normalize([float(m) for m in mean.split(",")],
                             [float(s) for s in std.split(",")]),
    ])
    result = pipeline(image).contiguous()
    with open(out, "wb") as f:
        f.write(result.numpy().astype("<f4").tobytes())


def main():
    torch.set_num_threads(1)
    with open(sys.argv[1]) as cases:
        for line in cases:
            if line.strip():
                run_case(line.split())


if __name__ == "__main__":
    main()
