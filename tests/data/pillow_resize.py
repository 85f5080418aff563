#!/usr/bin/env python3
"""Reference labels for image_test: writes test images and Pillow's resize of each, as GINN made its labels.

For every case it writes NAME.png and NAME.ref: the n x n grey levels (row-major from the top) of
Image.open(NAME.png).convert("L").resize((n, n), Image.BILINEAR). Usage: pillow_resize.py OUT_DIR.
Prints one line per case: NAME n.
"""
import random
import sys

try:
    from PIL import Image, ImageDraw
except ImportError:
    sys.stderr.write("python3-pil is missing: install it with `bash scripts/install-deps.sh` (Debian python3-pil)\n")
    sys.exit(2)

out = sys.argv[1]
rnd = random.Random(8)
BILINEAR = getattr(Image, "Resampling", Image).BILINEAR


def thin_lines(w, h):
    im = Image.new("RGB", (w, h), "white")
    d = ImageDraw.Draw(im)
    for _ in range(40):
        d.line([(rnd.uniform(0, w), rnd.uniform(0, h)), (rnd.uniform(0, w), rnd.uniform(0, h))],
               fill=(0, 0, 0), width=rnd.choice([1, 1, 2]))
    d.ellipse([w * 0.2, h * 0.3, w * 0.7, h * 0.9], outline=(0, 0, 0))
    return im


def gradient(w, h):
    im = Image.new("L", (w, h))
    im.putdata([(x * 255 // max(1, w - 1) + y * 97 // max(1, h - 1)) % 256 for y in range(h) for x in range(w)])
    return im


def colour_noise(w, h):
    im = Image.new("RGB", (w, h))
    im.putdata([(rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)) for _ in range(w * h)])
    return im


def blocks(w, h):  # mostly white with black blocks: many pixels exactly 255 after resizing
    im = Image.new("RGB", (w, h), (255, 255, 255))
    d = ImageDraw.Draw(im)
    for _ in range(12):
        x, y = rnd.uniform(0, w), rnd.uniform(0, h)
        d.rectangle([x, y, x + rnd.uniform(1, w / 5), y + rnd.uniform(1, h / 5)], fill=(20, 40, 60))
    return im


cases = [("lines_420_200", thin_lines(420, 420), 200),  # GINN's own sizes
         ("lines_333_97", thin_lines(333, 251), 97),    # odd scale factors, not square
         ("gradient_300_128", gradient(300, 170), 128),
         ("noise_123_50", colour_noise(123, 77), 50),
         ("noise_31_64", colour_noise(31, 17), 64),      # upscaling in both directions
         ("blocks_640_199", blocks(640, 480), 199),
         ("gradient_200_200", gradient(200, 200), 200)]  # same size: no resampling
for name, im, n in cases:
    im.save(f"{out}/{name}.png")
    ref = Image.open(f"{out}/{name}.png").convert("L").resize((n, n), BILINEAR)
    with open(f"{out}/{name}.ref", "wb") as f:
        f.write(ref.tobytes())
    print(name, n)
