"""The photo set of the scaled-decoding agreement benchmark (docs/benchmarks.md).

Writes to OUT every image of scikit-image's data set listed below and every image of the
wallpaper folder, as a JPEG as shipped (other formats written at quality 90), plus each scaled
to cover 1920x1080 and 640x480 and center-cropped (Lanczos, quality 90). CONTROL gets the
1920x1080 files decoded and written again at quality 95.

Usage: /usr/bin/python3 agreement_photos.py WALLPAPER_DIR OUT CONTROL
"""

import glob
import os
import sys

from PIL import Image
import skimage

SKIMAGE = ["astronaut.png", "chelsea.png", "coffee.png", "motorcycle_left.png",
           "motorcycle_right.png", "rocket.jpg", "hubble_deep_field.jpg", "retina.jpg", "ihc.png",
           "camera.png", "moon.png", "grass.png", "gravel.png", "brick.png"]


def main():
    wallpapers, out, control = sys.argv[1:4]
    os.makedirs(out, exist_ok=True)
    os.makedirs(control, exist_ok=True)
    data = os.path.join(os.path.dirname(skimage.__file__), "data")
    sources = [os.path.join(data, n) for n in SKIMAGE] + sorted(glob.glob(os.path.join(wallpapers, "*")))
    for source in sources:
        base = os.path.splitext(os.path.basename(source))[0]
        image = Image.open(source)
        image = image.convert("L") if image.mode in ("L", "I;16") else image.convert("RGB")
        if source.endswith(".jpg"):
            with open(source, "rb") as src, open(os.path.join(out, base + ".orig.jpg"), "wb") as dst:
                dst.write(src.read())
        else:
            image.save(os.path.join(out, base + ".orig.jpg"), quality=90)
        for width, height in [(1920, 1080), (640, 480)]:
            scale = max(width / image.width, height / image.height)
            scaled = image.resize((round(image.width * scale), round(image.height * scale)),
                                  Image.LANCZOS)
            left = (scaled.width - width) // 2
            top = (scaled.height - height) // 2
            name = f"{base}.{width}x{height}.jpg"
            scaled.crop((left, top, left + width, top + height)).save(os.path.join(out, name),
                                                                       quality=90)
            if width == 1920:
                again = Image.open(os.path.join(out, name))
                again.load()
                again.save(os.path.join(control, name), quality=95)
    return 0


if __name__ == "__main__":
    sys.exit(main())
