"""Your own photos (helpers/folder.py) and robust picture reading (helpers/images.py).

Every odd kind of picture file is made here, in a temporary folder.
"""

import io

import numpy as np
import pytest
from PIL import Image

from helpers import folder
from helpers import images as imgs

SIZE = 32
RED, BLUE, WHITE = (255, 0, 0), (0, 0, 255), (255, 255, 255)


def _rgb(w=60, h=40, colour=(200, 120, 40)):
    return Image.fromarray(np.full((h, w, 3), colour, np.uint8))


def _bytes(img: Image.Image, fmt: str, **save) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, fmt, **save)
    return buffer.getvalue()


def _left_red_right_blue(w=60, h=40):
    pixels = np.zeros((h, w, 3), np.uint8)
    pixels[:, : w // 2] = RED
    pixels[:, w // 2 :] = BLUE
    return Image.fromarray(pixels)


def _odd_files() -> dict[str, bytes]:
    """file name -> content: one file for every kind of picture a user may have."""
    transparent = Image.new("RGBA", (40, 40), (0, 0, 0, 0))
    transparent.paste((0, 128, 0, 255), (10, 10, 30, 30))
    palette = Image.new("P", (40, 40), 0)  # colour 0 (black) is marked transparent, colour 1 is blue
    palette.putpalette([0, 0, 0, *BLUE])
    palette.paste(1, (10, 10, 30, 30))
    grey16 = Image.fromarray(np.tile(np.linspace(0, 65535, 40).astype(np.uint16), (40, 1)))  # mode I;16
    frames = [_rgb(40, 40, (250, 0, 0)), _rgb(40, 40, (0, 250, 0))]
    gif = io.BytesIO()
    frames[0].save(gif, "GIF", save_all=True, append_images=frames[1:])
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: turn 90 degrees clockwise to show upright
    return {
        "plain.jpg": _bytes(_rgb(), "JPEG"),
        "rgba.png": _bytes(transparent, "PNG"),
        "palette.png": _bytes(palette, "PNG", transparency=0),
        "grey.jpg": _bytes(_rgb().convert("L"), "JPEG"),
        "bilevel.bmp": _bytes(_rgb().convert("1"), "BMP"),
        "cmyk.jpg": _bytes(_rgb().convert("CMYK"), "JPEG"),
        "cmyk.tif": _bytes(_rgb().convert("CMYK"), "TIFF"),
        "grey16.png": _bytes(grey16, "PNG"),
        "grey16.tif": _bytes(grey16, "TIFF"),
        "photo.webp": _bytes(_rgb(), "WEBP"),
        "photo.bmp": _bytes(_rgb(), "BMP"),
        "animated.gif": gif.getvalue(),
        "rotated.jpg": _bytes(_left_red_right_blue(), "JPEG", exif=exif.tobytes(), quality=95),
        "png_named.jpg": _bytes(_rgb(), "PNG"),  # the extension lies
        "jpeg_named.png": _bytes(_rgb(), "JPEG"),
        "no_extension": _bytes(_rgb(), "PNG"),
        "tiny.png": _bytes(_rgb(3, 2), "PNG"),
    }


def _write(folder_path, files):
    folder_path.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (folder_path / name).write_bytes(content)


@pytest.fixture()
def photos(tmp_path):
    """DIR/Rabbits/<odd files and broken ones>, DIR/cat/persian/, DIR/cat/tabby/, DIR/dog/<loose files>."""
    root = tmp_path / "my-pets"
    broken = _bytes(_rgb(200, 150), "JPEG")
    _write(root / "Rabbits", {**_odd_files(), "cut_short.jpg": broken[: len(broken) // 2], "junk.jpg": b"\x00" * 500,
                              "notes.txt": b"rabbits from the garden", ".DS_Store": b"\x00\x01"})
    for breed, colour in [("persian", (240, 240, 240)), ("tabby", (150, 100, 50))]:
        _write(root / "cat" / breed, {f"{breed}{i}.jpg": _bytes(_rgb(50, 50, colour), "JPEG") for i in range(10)})
    _write(root / "dog", {f"dog{i}.png": _bytes(_rgb(30, 50, (60, 60, 60)), "PNG") for i in range(10)})
    (root / "stray.jpg").write_bytes(_bytes(_rgb(), "JPEG"))  # not inside a class folder
    return root


def _read(root, size=SIZE, **kw):
    pets, digests, names, report = folder.read_photos(folder.scan(root, **kw), size, cache=False)
    return pets, report


def test_every_kind_of_picture_is_read(photos):
    pets, report = _read(photos)
    rabbits = pets.where(classes="rabbit")
    assert len(rabbits) == len(_odd_files())
    assert pets.images.shape[1:] == (SIZE, SIZE, 3) and pets.images.dtype == np.uint8
    assert sorted(report.skipped) == sorted(["Rabbits/cut_short.jpg", "Rabbits/junk.jpg", "stray.jpg"])
    assert report.counts() == {folder.OUTSIDE: 1, imgs.CANNOT_DECODE: 1, imgs.NOT_A_PICTURE: 1}
    assert "read 47 of 50 files" in str(report) and "skipped 3" in str(report)


def test_classes_and_breeds_come_from_folder_names(photos):
    pets, _ = _read(photos)
    assert pets.class_of_breed() == {"persian": "cat", "tabby": "cat", "dog": "dog", "rabbit": "rabbit"}
    assert pets.breed_counts()["persian"] == 10 and pets.source == "folder"


@pytest.mark.parametrize("name, animal", [("cat", "cat"), ("Cats", "cat"), ("RABBITS", "rabbit"), ("dog", "dog"),
                                          ("hamster", None), ("pets", None), ("catalogue", None)])
def test_class_folders(name, animal):
    assert folder.class_name(name) == animal


@pytest.mark.parametrize("name, breed", [("Persian", "persian"), ("persian cats", "persian"), ("Persians", "persian"),
                                         ("Persian-Cat", "persian"), ("Great Pyrenees", "great_pyrenees"),
                                         ("basset_hounds", "basset_hound"), ("Siamese", "siamese"), ("Bombay", "bombay")])
def test_breed_folders_ignore_case_spaces_class_words_and_plurals(name, breed):
    assert folder.breed_name(name) == breed


@pytest.mark.parametrize(
    "name, check",
    [
        ("rgba.png", lambda a: (a[0, 0] == WHITE).all() and a[SIZE // 2, SIZE // 2, 1] == 128),  # white behind
        ("palette.png", lambda a: (a[0, 0] == WHITE).all() and (a[SIZE // 2, SIZE // 2] == BLUE).all()),
        ("grey16.png", lambda a: 0 < a.mean() < 255 and a[0, 0, 0] < 20 and a[0, -1, 0] > 235),  # scaled, not clipped
        ("grey16.tif", lambda a: 0 < a.mean() < 255 and a[0, 0, 0] < 20),
        ("grey.jpg", lambda a: np.ptp(a.astype(int), axis=-1).max() <= 1),  # grey stays grey
        ("cmyk.jpg", lambda a: abs(int(a[..., 0].mean()) - 200) < 40),
        ("animated.gif", lambda a: a[..., 0].mean() > 200 and a[..., 1].mean() < 40),  # the first frame
        ("png_named.jpg", lambda a: abs(int(a[..., 0].mean()) - 200) < 3),
        ("jpeg_named.png", lambda a: abs(int(a[..., 0].mean()) - 200) < 3),
        ("tiny.png", lambda a: a.shape == (SIZE, SIZE, 3)),
    ],
)
def test_odd_pictures_come_out_right(tmp_path, name, check):
    path = tmp_path / name
    path.write_bytes(_odd_files()[name])
    pixels = imgs.read_image(path, SIZE)
    assert pixels.shape == (SIZE, SIZE, 3) and pixels.dtype == np.uint8
    assert check(pixels)


def test_exif_rotated_photo_comes_out_upright(tmp_path):
    path = tmp_path / "rotated.jpg"
    path.write_bytes(_odd_files()["rotated.jpg"])
    pixels = imgs.read_image(path, SIZE).astype(int)
    # stored: red left, blue right; shown upright (turned clockwise): red on top, blue below
    top, bottom = pixels[: SIZE // 2 - 2].mean(axis=(0, 1)), pixels[SIZE // 2 + 2 :].mean(axis=(0, 1))
    assert top[0] > 200 and top[2] < 50 and bottom[2] > 200 and bottom[0] < 50


def test_cache_is_used_and_renewed_when_a_file_changes(photos, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    first = folder.read_photos(folder.scan(photos), SIZE, cache_dir=cache)
    real_read = imgs.read_image

    def no_decoding(*args, **kwargs):
        raise AssertionError("decoded again instead of using the cache")

    monkeypatch.setattr(imgs, "read_image", no_decoding)
    again = folder.read_photos(folder.scan(photos), SIZE, cache_dir=cache)
    assert np.array_equal(first[0].images, again[0].images) and first[1:3] == again[1:3]
    assert again[3].counts() == {folder.OUTSIDE: 1, imgs.CANNOT_DECODE: 1, imgs.NOT_A_PICTURE: 1}
    monkeypatch.setattr(imgs, "read_image", real_read)
    (photos / "dog" / "dog10.png").write_bytes(_bytes(_rgb(), "PNG"))
    assert len(folder.read_photos(folder.scan(photos), SIZE, cache_dir=cache)[0]) == len(first[0]) + 1


def test_a_missing_folder_is_an_error_and_empty_or_unknown_folders_are_reported(tmp_path):
    with pytest.raises(ValueError, match="does not exist.*DATA_DIR"):
        folder.scan(tmp_path / "nothing")
    _write(tmp_path / "pets" / "cat", {"a.jpg": _bytes(_rgb(), "JPEG")})
    (tmp_path / "pets" / "rabbit" / "lop").mkdir(parents=True)
    (tmp_path / "pets" / "dog").mkdir()
    _write(tmp_path / "pets" / "hamsters", {"h.jpg": _bytes(_rgb(), "JPEG")})
    found = folder.scan(tmp_path / "pets")
    assert [(p.name, c, b) for p, c, b in found.photos] == [("a.jpg", "cat", "cat")]
    assert [p.name for p in found.unknown] == ["hamsters"]
    assert sorted(p.relative_to(found.root).as_posix() for p in found.empty) == ["dog", "rabbit/lop"]


def test_loose_photos_of_the_rabbit_folder_are_rabbits(tmp_path):
    _write(tmp_path / "rabbits", {"r1.jpg": _bytes(_rgb(), "JPEG"), "r2.png": _bytes(_rgb(), "PNG")})
    found = folder.scan(tmp_path / "rabbits", loose_class="rabbit")
    assert [(c, b) for _, c, b in found.photos] == [("rabbit", "rabbit")] * 2 and not found.outside


def test_read_image_bytes_for_uploads():
    png = _bytes(_rgb(), "PNG")
    assert imgs.read_image_bytes(png, SIZE).shape == (SIZE, SIZE, 3)
    assert imgs.read_image_bytes(memoryview(png), SIZE).shape == (SIZE, SIZE, 3)
    with pytest.raises(ValueError, match="empty"):
        imgs.read_image_bytes(b"", SIZE)
    with pytest.raises(ValueError, match="limit is 20 MB"):
        imgs.read_image_bytes(b"\x00" * (imgs.MAX_UPLOAD_BYTES + 1), SIZE)
    with pytest.raises(ValueError, match="not a picture.*Upload a photo"):
        imgs.read_image_bytes(b"%PDF-1.4 not a photo", SIZE)
    with pytest.raises(ValueError, match="cannot be decoded"):
        imgs.read_image_bytes(_bytes(_rgb(200, 150), "JPEG")[:400], SIZE)
    with pytest.raises(ValueError, match="image_size"):
        imgs.read_image_bytes(png, 2)


def test_toy_folder_round_trip(tmp_path):
    from helpers import toypets

    breeds = [toypets.PERSIAN, toypets.RABBIT_BREEDS[0]]
    root = folder.write_toy_folder(tmp_path / "toy", breeds, n_per_breed=4, image_size=SIZE, formats=("jpg", "png"))
    assert sorted(p.suffix for p in (root / "cat" / breeds[0]).iterdir()) == [".jpg", ".jpg", ".png", ".png"]
    pets, _ = _read(root)
    assert pets.breed_counts() == {b: 4 for b in breeds}
    assert pets.class_of_breed() == {b: toypets.BREEDS[b].animal for b in breeds}
    original = toypets.draw_many(breeds[0], 4, seed=0, size=SIZE)
    assert np.abs(pets.where(breeds=breeds[0]).images.astype(int) - original).mean() < 6  # only JPEG loss
    with pytest.raises(ValueError, match="not empty"):
        folder.write_toy_folder(root, breeds)
