"""Any picture is read with bounded memory (helpers/images.py): decompression bombs, 16-bit PNGs, huge JPEGs.

The probes: a 691 kB PNG of 13,000 x 13,000 pixels took +3.9 GB, a 219 kB
16-bit PNG +2.7 GB; a Binder kernel has about 2 GB. Each file here is read in a
fresh process that reports how much its peak memory grew; it must stay under
300 MB, and the bombs must be refused with a message that says what to do.
"""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from helpers import folder, images, widgets

PEAK_LIMIT_MB = 300


def write_png(path: Path, width: int, height: int, bit_depth: int = 8, colour_type: int = 2) -> Path:
    """A valid PNG of plain grey, written row by row (so making it needs no memory): tiny file, huge picture."""
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour_type]

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)

    row = b"\0" + b"\x80" * (width * channels * bit_depth // 8)
    packer = zlib.compressobj(9)
    body = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b""))
    return path


_READER = """
import json, sys
from pathlib import Path
from helpers import images

def rss(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1]) / 1024

before = rss("VmRSS:")
try:
    pixels = images.read_image(sys.argv[1], 96)
    outcome = {"shape": list(pixels.shape)}
except images.UnreadableImage as error:
    outcome = {"refused": str(error), "reason": error.reason}
outcome["grew_mb"] = rss("VmHWM:") - before
print(json.dumps(outcome))
"""


def read_in_fresh_process(path: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", _READER, str(path)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def pictures(tmp_path_factory):
    where = tmp_path_factory.mktemp("pictures")
    made = {
        "bomb_13000px.png": write_png(where / "bomb_13000px.png", 13_000, 13_000),  # the probe: 691 kB then
        "grey16_9000px.png": write_png(where / "grey16_9000px.png", 9_000, 9_000, bit_depth=16, colour_type=0),
        "grey16_5400px.png": write_png(where / "grey16_5400px.png", 5_400, 5_400, bit_depth=16, colour_type=0),  # just under the limit
        "rgba16_4000px.png": write_png(where / "rgba16_4000px.png", 4_000, 4_000, bit_depth=16, colour_type=6),
    }
    Image.new("RGB", (8_000, 6_000), (90, 140, 200)).save(where / "photo_48mp.jpg", quality=80)  # a 48 MP phone photo
    made["photo_48mp.jpg"] = where / "photo_48mp.jpg"
    return made


@pytest.mark.parametrize("name, refused", [("bomb_13000px.png", True), ("grey16_9000px.png", True),
                                           ("grey16_5400px.png", False), ("rgba16_4000px.png", False),
                                           ("photo_48mp.jpg", False)])
def test_peak_memory_stays_bounded_for_any_picture(pictures, name, refused):
    outcome = read_in_fresh_process(pictures[name])
    assert outcome["grew_mb"] < PEAK_LIMIT_MB, f"{name}: peak memory grew by {outcome['grew_mb']:.0f} MB"
    if refused:
        assert outcome["reason"] == images.TOO_MANY_PIXELS
        assert "megapixels" in outcome["refused"] and "Save a smaller copy" in outcome["refused"]
    else:
        assert outcome == {"shape": [96, 96, 3], "grew_mb": outcome["grew_mb"]}


def test_a_16_bit_picture_keeps_its_grey_after_shrinking(pictures):
    pixels = images.read_image(pictures["grey16_5400px.png"], 32)
    assert pixels.shape == (32, 32, 3) and abs(int(pixels.mean()) - 128) <= 1  # 0x8080 of 65535 -> 128 of 255


def test_an_uploaded_bomb_gets_a_friendly_message(pictures):
    data = pictures["bomb_13000px.png"].read_bytes()
    assert len(data) < images.MAX_UPLOAD_BYTES  # small file: the byte limit alone let it through

    class Model:
        output_shape, input_shape = (None, 2), (None, 32, 32, 3)

        def predict_on_batch(self, x):
            return np.array([[0.5, 0.5]], np.float32)

    with pytest.raises(ValueError, match=r"13000 x 13000 pixels \(169 megapixels\).*Save a smaller copy"):
        widgets.predict_uploaded(Model(), ("cat", "dog"), None, data)


def test_pil_refuses_the_very_biggest_at_the_header_and_we_say_it_kindly(tmp_path):
    bomb = write_png(tmp_path / "giant.png", 20_000, 20_000)  # over twice PIL's limit: DecompressionBombError
    with pytest.raises(images.UnreadableImage, match="400 megapixels.*Save a smaller copy"):
        images.read_image(bomb)


def test_the_folder_loader_skips_a_bomb_and_reads_the_rest(tmp_path, pictures):
    photos = folder.write_toy_folder(tmp_path / "photos", breeds=["persian"], n_per_breed=3, image_size=48)
    (photos / "cat" / "persian" / "huge.png").write_bytes(pictures["bomb_13000px.png"].read_bytes())
    pets, _, _, report = folder.read_photos(folder.scan(photos), 32, cache=False)
    assert len(pets) == 3
    assert report.counts() == {images.TOO_MANY_PIXELS: 1}
