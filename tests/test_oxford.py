"""The Oxford-IIIT Pet downloader and loader (helpers/oxford.py), on a miniature copy made here.

No network: the archives are served by file:// URLs, with checksums computed in the test.
"""

import hashlib
import io
import shutil
import tarfile
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from helpers import data, lesson, oxford, toypets
from helpers import images as imgs

# (file-name prefix, species) as in the real set: cats capitalised, dogs lower case
BREEDS = [("Persian", 1), ("Egyptian_Mau", 1), ("great_pyrenees", 2), ("pug", 2)]
PER_BREED = 8  # images 1..6 in trainval, 7..8 in test

LIST_HEADER = """#Image CLASS-ID SPECIES BREED ID
#ID: 1:37 Class ids
#SPECIES: 1:Cat 2:Dog
#BREED ID: 1-25:Cat 1:12:Dog
#All images with 1st letter as captial are cat images
#images with small first letter are dog images
"""


def _jpeg(pixels, **save) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "JPEG", quality=90, **save)
    return buffer.getvalue()


def _tar_gz(path: Path, members: dict) -> None:
    with tarfile.open(path, "w:gz") as tar:
        for name, payload in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))


def _archive(path: Path) -> oxford.Archive:
    return oxford.Archive(path.stat().st_size, hashlib.sha256(path.read_bytes()).hexdigest())


@pytest.fixture(scope="module")
def mirror(tmp_path_factory):
    """A folder holding images.tar.gz and annotations.tar.gz in the official layout, and their checksums."""
    where = tmp_path_factory.mktemp("mirror")
    files, lines, trainval, test = {}, [], [], []
    for class_id, (prefix, species) in enumerate(BREEDS, start=1):
        toy = "persian" if species == 1 else "pomeranian" if "pyrenees" in prefix else "pug"
        toy = toy if toy in toypets.BREEDS else next(iter(toypets.BREEDS))
        pictures = toypets.draw_many(toy, PER_BREED, seed=class_id, size=48)
        for i in range(1, PER_BREED + 1):
            name = f"{prefix}_{i}"
            wide = np.asarray(Image.fromarray(pictures[i - 1]).resize((72, 48)))  # photos are not square
            files[f"images/{name}.jpg"] = _jpeg(wide)
            line = f"{name} {class_id} {species} {class_id if species == 1 else class_id - 2}"
            lines.append(line)
            (trainval if i <= 6 else test).append(line)
    # the oddities of the real set
    png = io.BytesIO()
    Image.fromarray(np.full((40, 40, 3), 200, np.uint8)).save(png, "PNG")
    files["images/Egyptian_Mau_2.jpg"] = png.getvalue()  # PNG content behind a .jpg name
    files["images/pug_3.jpg"] = files["images/pug_3.jpg"][: len(files["images/pug_3.jpg"]) // 2]  # cut short
    files["images/Persian_1.mat"] = b"MATLAB 5.0 MAT-file"  # stray .mat files, not listed
    files["images/great_pyrenees_2.jpg"] = _jpeg(np.full((30, 50), 90, np.uint8))  # grey JPEG: fine
    cmyk = Image.fromarray(np.full((30, 50, 3), 120, np.uint8)).convert("CMYK")
    buffer = io.BytesIO()
    cmyk.save(buffer, "JPEG")
    files["images/great_pyrenees_3.jpg"] = buffer.getvalue()  # CMYK JPEG: fine
    del files["images/Persian_8.jpg"]  # listed in test.txt, but missing
    _tar_gz(where / "images.tar.gz", files)

    annotations = {
        "annotations/list.txt": (LIST_HEADER + "\n".join(lines) + "\n").encode(),
        "annotations/trainval.txt": ("\n".join(trainval) + "\n").encode(),
        "annotations/test.txt": ("\n".join(test) + "\n").encode(),
        "annotations/README": b"Oxford-IIIT Pet (miniature copy for tests)\n",
        "annotations/xmls/Persian_1.xml": b"<annotation/>",
    }
    _tar_gz(where / "annotations.tar.gz", annotations)
    archives = {name: _archive(where / name) for name in oxford.ARCHIVES}
    return where, archives


@pytest.fixture(scope="module")
def downloaded(mirror, tmp_path_factory):
    where, archives = mirror
    root = tmp_path_factory.mktemp("oxford")
    mirrors = ["file:///nonexistent/mirror/", where.as_uri() + "/"]  # the first mirror fails, the second works
    oxford.download(root, mirrors=mirrors, archives=archives, progress=False)
    return root, archives


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setattr(oxford, "CACHE_DIR", tmp_path / "oxford-cache")
    monkeypatch.setenv("PETS_PHOTO_SIZE", "32")


def test_download_verifies_and_unpacks(downloaded):
    root, archives = downloaded
    assert (root / "images" / "Persian_1.jpg").is_file()
    assert (root / "annotations" / "list.txt").is_file()
    assert oxford.has_tree(root) and oxford.check_archives(root, archives) == []
    assert not list(root.glob("*.part")) and not list(root.glob(".unpacking*"))
    assert sorted(p.name for p in root.iterdir()) == ["annotations", "annotations.tar.gz", "images", "images.tar.gz"]


def test_no_second_download(downloaded, monkeypatch, capsys):
    root, archives = downloaded

    def no_network(*args, **kwargs):
        raise AssertionError("tried to download again")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    assert oxford.download(root, mirrors=["https://example.invalid/"], archives=archives) == root
    assert "already" in capsys.readouterr().out


def test_progress_bar_is_plain_text(mirror, tmp_path, capsys):
    where, archives = mirror
    target = tmp_path / "annotations.tar.gz"
    oxford.download_file([where.as_uri() + "/annotations.tar.gz"], target, archives["annotations.tar.gz"])
    out = capsys.readouterr().out
    assert "annotations.tar.gz [" in out and "100%" in out and out.endswith("\n")
    assert target.read_bytes() == (where / "annotations.tar.gz").read_bytes()


@pytest.mark.parametrize("name, breed", [("Persian_12", "persian"), ("great_pyrenees_3", "great_pyrenees"),
                                         ("Egyptian_Mau_139.jpg", "egyptian_mau"), ("staffordshire_bull_terrier_1", "staffordshire_bull_terrier")])
def test_breed_from_file_name(name, breed):
    assert oxford.breed_of(name) == breed


def test_labels_come_from_annotation_files(downloaded):
    root, _ = downloaded
    assert oxford.breeds(root) == {"persian": "cat", "egyptian_mau": "cat", "great_pyrenees": "dog", "pug": "dog"}


def test_the_tree_is_checked_against_its_own_annotations(downloaded, capsys):
    root, _ = downloaded
    tree = oxford.read_tree(root)
    assert len(tree.rows) == PER_BREED * len(BREEDS) - 1  # Persian_8 is listed but missing
    assert len(tree.problems) == 1 and "1 photos listed in annotations/list.txt are not in" in tree.problems[0]
    assert "Persian_8.jpg" in tree.problems[0]
    pets, digests, names, parts, report = oxford.read_photos(tree, 32, cache=False)
    assert report.counts() == {"not JPEG": 1, imgs.CANNOT_DECODE: 1}
    assert report.reasons[imgs.CANNOT_DECODE] == ["pug_3.jpg"] and report.skipped[0].startswith("Egyptian_Mau_2.jpg")
    assert len(pets) == len(tree.rows) - 2 and report.read == len(pets) and len(set(digests)) == len(pets)
    assert pets.images.shape[1:] == (32, 32, 3) and pets.images.dtype == np.uint8 and pets.source == "oxford"
    assert set(pets.where(classes="cat").breeds) == {"persian", "egyptian_mau"}
    assert parts.count("test") == 2 * len(BREEDS) - 1 and set(parts) == {"trainval", "test"}


def test_annotations_that_disagree_are_named(downloaded, tmp_path):
    root, _ = downloaded
    copy = tmp_path / "tree"
    shutil.copytree(root / "annotations", copy / "annotations")
    (copy / "images").symlink_to(root / "images")
    lines = (copy / "annotations" / "list.txt").read_text().splitlines()
    lines = [ln.replace("pug_1 4 2", "pug_1 4 1") for ln in lines] + ["Sphynx_1 5 1 5"]  # a dog listed as a cat; an extra
    (copy / "annotations" / "list.txt").write_text("\n".join(lines) + "\n")
    problems = " | ".join(oxford.read_tree(copy).problems)
    assert "1 listed photos are in neither (e.g. Sphynx_1)" in problems
    assert "the breeds ['pug'] are listed both as cats and as dogs" in problems
    assert "1 photos have a species that does not fit their name" in problems


def test_an_unpacked_tree_is_used_as_it_is_without_downloading(downloaded, tmp_path, monkeypatch):
    root, _ = downloaded
    tree = tmp_path / "my-oxford"
    shutil.copytree(root / "annotations", tree / "annotations")
    shutil.copytree(root / "images", tree / "images")

    def no_network(*args, **kwargs):
        raise AssertionError("tried to download")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    course = lesson.Lesson("oxford", data_dir=tree)
    assert course.new_breed == "persian" and sorted(course.seen_breeds) == ["egyptian_mau", "great_pyrenees", "pug"]
    test = course.load("test", breeds=course.seen_breeds + [course.new_breed])
    assert test.breed_counts() == {"persian": 1, "egyptian_mau": 2, "great_pyrenees": 2, "pug": 2}  # test.txt
    assert len(course.load("train", breeds=course.new_breed)) == 6  # the held-out breed: all of trainval to learn from
    report = repr(course)
    assert "Oxford-IIIT Pet photos from" in report and "Persian_8.jpg" in report and "not JPEG" in report
    assert course.model_record()["data_dir"] == str(tree.resolve())
    (tree / "images.tar.gz").write_bytes(b"not the archive")  # an archive beside the tree is checked
    assert "images.tar.gz is there but it has 15 bytes" in repr(lesson.Lesson("oxford", data_dir=tree))


def test_no_tree_is_a_clear_message_and_never_a_download(tmp_path, monkeypatch, mirror):
    def no_network(*args, **kwargs):
        raise AssertionError("tried to download")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    with pytest.raises(ValueError, match=r"no unpacked Oxford-IIIT Pet tree .* Set DATA_DIR") as error:
        lesson.Lesson("oxford", data_dir=tmp_path)
    assert "python -m helpers.data download oxford-pets" in str(error.value)
    where, _ = mirror
    shutil.copy(where / "annotations.tar.gz", tmp_path)
    with pytest.raises(ValueError, match="holds annotations.tar.gz but not the unpacked photos"):
        lesson.Lesson("oxford", data_dir=tmp_path)


def test_the_cache_is_used(downloaded, monkeypatch):
    root, _ = downloaded
    first = oxford.read_photos(oxford.read_tree(root), 24)

    def no_decoding(*args, **kwargs):
        raise AssertionError("decoded again instead of using the cache")

    monkeypatch.setattr(imgs, "read_image", no_decoding)
    again = oxford.read_photos(oxford.read_tree(root), 24)
    assert np.array_equal(again[0].images, first[0].images) and again[1:4] == first[1:4]
    with pytest.raises(ValueError, match="image_size"):
        oxford.read_photos(oxford.read_tree(root), 4)


def _assert_clean(root: Path):
    """Nothing left that could pass for a complete download."""
    assert not (root / "images.tar.gz").exists()
    assert not list(root.glob("*.part"))
    assert not oxford.has_tree(root)


def test_checksum_mismatch_is_refused(mirror, tmp_path):
    where, archives = mirror
    wrong = dict(archives, **{"images.tar.gz": oxford.Archive(archives["images.tar.gz"].bytes, "0" * 64)})
    root = tmp_path / "oxford"
    with pytest.raises(oxford.DataNotAvailable) as error:
        oxford.download(root, mirrors=[where.as_uri() + "/"], archives=wrong, progress=False)
    message = str(error.value)
    assert "SHA-256" in message and "sha256sum" in message and "0" * 64 in message
    assert where.as_uri() + "/images.tar.gz" in message and str(root) in message
    _assert_clean(root)


def test_truncated_download_is_refused(mirror, tmp_path):
    where, archives = mirror
    short = tmp_path / "short"
    short.mkdir()
    shutil.copy(where / "annotations.tar.gz", short)
    (short / "images.tar.gz").write_bytes((where / "images.tar.gz").read_bytes()[:2000])
    root = tmp_path / "oxford"
    with pytest.raises(oxford.DataNotAvailable, match=r"stopped after 2,000 of") as error:
        oxford.download(root, mirrors=[short.as_uri() + "/"], archives=archives, progress=False)
    assert "Nothing incomplete was kept" in str(error.value)
    _assert_clean(root)


def test_offline_gives_instructions(mirror, tmp_path):
    _, archives = mirror
    root = tmp_path / "oxford"
    with pytest.raises(oxford.DataNotAvailable, match="Could not download annotations.tar.gz") as error:
        oxford.download(root, mirrors=[(tmp_path / "nowhere").as_uri() + "/"], archives=archives, progress=False)
    assert "no connection" in str(error.value)
    _assert_clean(root)


def test_files_placed_by_hand(mirror, tmp_path):
    where, archives = mirror
    root = tmp_path / "oxford"
    root.mkdir()
    (root / "images.tar.gz").write_bytes(b"not the archive")  # a wrong file the user put there
    with pytest.raises(oxford.DataNotAvailable, match="is there but it has 15 bytes"):
        oxford.download(root, mirrors=[], archives=archives, progress=False)
    assert (root / "images.tar.gz").read_bytes() == b"not the archive"  # left as it was
    for name in archives:
        shutil.copy(where / name, root / name)
    oxford.download(root, mirrors=[], archives=archives, progress=False)  # no mirror needed
    assert oxford.has_tree(root)


def test_archive_that_cannot_be_unpacked(tmp_path):
    where = tmp_path / "mirror"
    where.mkdir()
    (where / "images.tar.gz").write_bytes(b"\x1f\x8b" + b"broken" * 50)
    _tar_gz(where / "annotations.tar.gz", {"annotations/list.txt": b"Persian_1 1 1 1\n"})
    archives = {name: _archive(where / name) for name in oxford.ARCHIVES}
    root = tmp_path / "oxford"
    with pytest.raises(oxford.DataNotAvailable, match="could not be unpacked"):
        oxford.download(root, mirrors=[where.as_uri() + "/"], archives=archives, progress=False)
    assert not oxford.has_tree(root)


def test_command_line_check(tmp_path, capsys):
    assert oxford.main(["check", "--root", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "not there yet" in out and "sha256sum" in out


def test_data_module_command_line_usage():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "helpers.data", "download"], capture_output=True, text=True,
                          cwd=data.ROOT, timeout=60)
    assert done.returncode == 1 and "usage: python -m helpers.data download oxford-pets" in done.stderr


@pytest.fixture
def python_without_tar_filter(monkeypatch):
    """Python as on Debian 12 (3.11.2): no tarfile.data_filter, and extractall(filter=...) is a TypeError."""
    monkeypatch.delattr(tarfile, "data_filter", raising=False)
    original = tarfile.TarFile.extractall

    def extractall(self, path=".", members=None, *, numeric_owner=False, **kwargs):
        if kwargs:
            raise TypeError(f"extractall() got an unexpected keyword argument {next(iter(kwargs))!r}")
        return original(self, path, members, numeric_owner=numeric_owner)

    monkeypatch.setattr(tarfile.TarFile, "extractall", extractall)


def test_unpacks_where_python_has_no_tar_filter(mirror, tmp_path, python_without_tar_filter):
    """The probe: extractall(filter="data") raised TypeError on Python 3.11.2, after the whole download."""
    where, archives = mirror
    root = tmp_path / "oxford"
    oxford.download(root, mirrors=[where.as_uri() + "/"], archives=archives, progress=False)
    assert oxford.has_tree(root)


def _evil_tar(path: Path, kind: str) -> None:
    with tarfile.open(path, "w:gz") as tar:
        info = tarfile.TarInfo("annotations/list.txt")
        info.size = 4
        tar.addfile(info, io.BytesIO(b"x 1\n"))
        bad = tarfile.TarInfo({"dotdot": "annotations/../../escaped.txt", "absolute": "/tmp/escaped.txt"}.get(kind, "annotations/bad"))
        if kind == "symlink":
            bad.type, bad.linkname = tarfile.SYMTYPE, "../../../etc/passwd"
        elif kind == "hardlink":
            bad.type, bad.linkname = tarfile.LNKTYPE, "/etc/passwd"
        elif kind == "device":
            bad.type = tarfile.CHRTYPE
        else:
            bad.size = 4
        tar.addfile(bad, io.BytesIO(b"evil") if bad.isfile() else None)


@pytest.mark.parametrize("kind", ["dotdot", "absolute", "symlink", "hardlink", "device"])
@pytest.mark.parametrize("filter_available", [True, False], ids=["with-filter", "without-filter"])
def test_an_archive_that_writes_outside_its_folder_is_refused(tmp_path, monkeypatch, kind, filter_available):
    if not filter_available:
        python_without_tar_filter.__wrapped__(monkeypatch)
    archive = tmp_path / "annotations.tar.gz"
    _evil_tar(archive, kind)
    root = tmp_path / "deep" / "oxford"
    root.mkdir(parents=True)
    if kind == "absolute" and filter_available:  # Python's filter strips the leading "/": the file stays inside
        oxford._unpack(archive, root)
        assert (root / "tmp" / "escaped.txt").is_file()
        return
    with pytest.raises(oxford.DataNotAvailable, match="could not be unpacked"):
        oxford._unpack(archive, root)
    assert not (tmp_path / "deep" / "escaped.txt").exists() and not (tmp_path / "escaped.txt").exists()
    assert list(root.iterdir()) == []  # nothing of it kept
