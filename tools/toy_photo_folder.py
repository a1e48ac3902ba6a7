"""Write the toy pets as picture files, laid out like a teacher's photo folder.

    .venv/bin/python tools/toy_photo_folder.py data/toy-photos            # 30 pictures a breed
    .venv/bin/python tools/toy_photo_folder.py data/toy-photos --per-breed 8

Then set ``DATA_SOURCE = "folder"`` and ``DATA_DIR = "data/toy-photos/pets"``
(and ``RABBIT_DIR = "data/toy-photos/rabbits"``) in a notebook's parameters
cell to try the photo path before you have photos of your own. The folder
must not exist yet or be empty: nothing already there is overwritten.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv=None) -> int:
    from helpers import folder, toypets

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", type=Path, help="a new (or empty) folder")
    parser.add_argument("--per-breed", type=int, default=30, help="pictures per breed (default 30)")
    args = parser.parse_args(argv)
    pets = [b for b, breed in toypets.BREEDS.items() if breed.animal != "rabbit"]
    rabbits = [b for b, breed in toypets.BREEDS.items() if breed.animal == "rabbit"]
    try:
        folder.write_toy_folder(args.target / "pets", pets, n_per_breed=args.per_breed, formats=("jpg", "png"),
                                folder_names={"persian": "Persian"})
        folder.write_toy_folder(args.target / "rabbits", rabbits, n_per_breed=args.per_breed)
    except (ValueError, FileExistsError) as error:
        print(f"Nothing written: {error}", file=sys.stderr)
        return 1
    print(f"Wrote {args.target}/pets and {args.target}/rabbits: set DATA_SOURCE = \"folder\", "
          f"DATA_DIR = \"{args.target}/pets\" and RABBIT_DIR = \"{args.target}/rabbits\".")
    return 0


if __name__ == "__main__":
    sys.exit(main())
