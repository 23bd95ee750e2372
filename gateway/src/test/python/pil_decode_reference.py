#!/usr/bin/python3
"""PIL reference for the gateway's image decoding (ImageDecoderPilParityTest).

torchvision's classification weights were trained on images loaded with PIL and converted
with Image.convert("RGB") (or "L"), so that is what the Java ImageDecoder imitates. For every
case this writes PIL's pixels as raw uint8 bytes, row-major HWC.

Usage: pil_decode_reference.py CASES_FILE
CASES_FILE has one case per line, whitespace-separated:

    encoded.img RGB|L out.u8
"""
import sys

from PIL import Image


def main():
    with open(sys.argv[1]) as cases:
        for line in cases:
            if not line.strip():
                continue
            encoded, mode, out = line.split()
            with Image.open(encoded) as image:
                converted = image.convert(mode)
            with open(out, "wb") as f:
                f.write(converted.tobytes())


if __name__ == "__main__":
    main()
