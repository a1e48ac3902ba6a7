"""Draw a contact sheet of the toy pets: 8 samples of every breed, one labelled row each.

    .venv/bin/python tools/contact_sheet.py            # writes docs/toy_pets.png
    .venv/bin/python tools/contact_sheet.py --out x.png --size 96 --seed 0

The rows are drawn large (``--size`` px) so they read well; the last rows show
the same kind of pictures at the size the models actually learn from
(``DEFAULT_SIZE``), enlarged without smoothing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from helpers import toypets  # noqa: E402


def contact_sheet(size: int = 96, per_breed: int = 8, seed: int = 0, training_rows=("tabby", "golden_retriever", "persian")) -> Image.Image:
    """The sheet as a PIL image."""
    label_w, gap = 190, 4
    rows = [(f"{b}  ({toypets.BREEDS[b].animal}{', fluffy' if toypets.BREEDS[b].fluffy else ''})", toypets.draw_many(b, per_breed, seed, size))
            for b in toypets.BREEDS]
    small = toypets.DEFAULT_SIZE
    for b in training_rows:
        pics = toypets.draw_many(b, per_breed, seed, small)
        pics = np.stack([np.asarray(Image.fromarray(p).resize((size, size), Image.NEAREST)) for p in pics])
        rows.append((f"{b} at {small} px (as trained)", pics))
    width = label_w + per_breed * (size + gap)
    height = len(rows) * (size + gap) + gap
    sheet = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(sheet)
    for r, (label, pics) in enumerate(rows):
        y = gap + r * (size + gap)
        draw.text((6, y + size // 2 - 6), label, fill=(0, 0, 0))
        for i, pic in enumerate(pics):
            sheet.paste(Image.fromarray(pic), (label_w + i * (size + gap), y))
    return sheet


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "toy_pets.png"))
    parser.add_argument("--size", type=int, default=96)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    sheet = contact_sheet(args.size, seed=args.seed)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    sheet.save(args.out, optimize=True)
    print(f"wrote {args.out} ({sheet.width}x{sheet.height} px)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
