"""Read any common picture file into a small, square RGB array.

Photos come in many shapes: JPEG, PNG, WebP, BMP, GIF, TIFF; grey, palette,
transparent, CMYK or 16-bit pixels; phones store them sideways and record the
rotation in EXIF. :func:`read_image` turns all of these into the one thing a
model takes: a ``(size, size, 3)`` array of ``uint8`` RGB values, cropped to
the centre square. The file's *content* decides how it is read, never its
extension.

Used by :mod:`helpers.oxford` and :mod:`helpers.folder`. Introduced in notebook 07.
"""

from __future__ import annotations

import io
import re
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from .i18n import tr, tr_noop

MAX_UPLOAD_BYTES = 20_000_000  # 20 MB: bigger than any phone photo
MAX_PIXELS = 30_000_000  # 30 megapixels once decoded (JPEGs are decoded at a reduced size first): under 300 MB of memory
MIN_SIZE, MAX_SIZE = 16, 512  # allowed image_size (pixels per side)
READER_VERSION = "1"  # bump when the pixels that read_image returns change (cached arrays are then re-made)


# the reasons a file is skipped: kept in English (as keys, also in caches), shown with tr(reason)
NOT_A_PICTURE = tr_noop("not a picture")
CANNOT_DECODE = tr_noop("unreadable or cut short")
TOO_MANY_PIXELS = tr_noop("too many pixels")


class UnreadableImage(ValueError):
    """A file that is not a picture, or a picture that cannot be decoded (e.g. cut short).

    ``reason`` is :data:`NOT_A_PICTURE`, :data:`CANNOT_DECODE` or
    :data:`TOO_MANY_PIXELS`; the message
    says the same in words. Used by ``images``, ``folder``, ``oxford``.
    """

    def __init__(self, message: str, reason: str = CANNOT_DECODE):
        super().__init__(message)
        self.reason = reason


def check_image_size(image_size) -> int:
    """``image_size`` as an int, or a friendly ValueError. Used by ``images``, ``folder``, ``oxford``."""
    if isinstance(image_size, bool) or not isinstance(image_size, (int, np.integer)) or not MIN_SIZE <= image_size <= MAX_SIZE:
        raise ValueError(
            tr("image_size must be a whole number of pixels from {low} to {high} (e.g. 96); got {value!r}.").format(
                low=MIN_SIZE, high=MAX_SIZE, value=image_size)
        )
    return int(image_size)


def to_rgb(img: Image.Image) -> Image.Image:
    """Any PIL image mode as 8-bit RGB; transparent parts become white.

    Handles grey (``L``, ``1``), palette (``P``), transparency (``RGBA``, ``LA``,
    ``PA``), ``CMYK``, ``YCbCr`` and 16/32-bit or floating-point grey (``I;16``,
    ``I``, ``F``), which are scaled down to 0..255 rather than clipped.
    Used by ``images``.
    """
    if img.mode == "RGB":
        return img
    if img.mode == "P" or img.mode == "PA":
        img = img.convert("RGBA")  # keeps a palette's transparent colour as alpha
    if img.mode in ("RGBA", "LA", "La", "RGBa"):
        rgba = img.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    if img.mode.startswith("I") or img.mode == "F":
        values = np.asarray(img, dtype=np.float64)
        top = values.max() if values.size else 0.0
        if img.mode == "F" and top <= 1.0:
            values = values * 255.0  # floats in 0..1
        elif top > 255:
            values = values / (257.0 if top <= 65535 else top / 255.0)  # 16-bit (or wider) to 8-bit
        grey = np.clip(np.rint(values), 0, 255).astype(np.uint8)
        return Image.fromarray(grey).convert("RGB")
    return img.convert("RGB")  # L, 1, CMYK, YCbCr, LAB, HSV, RGBX, ...


def fit_square(img: Image.Image, image_size: int) -> np.ndarray:
    """The centre square of an RGB image, resized to ``image_size``, as a uint8 array.

    Cropping (not squashing) keeps the animal's proportions. Used by ``images``.
    """
    width, height = img.size
    side = min(width, height)
    left, top = (width - side) // 2, (height - side) // 2
    square = img.resize((image_size, image_size), Image.Resampling.BILINEAR,
                        box=(left, top, left + side, top + side), reducing_gap=2.0)
    return np.asarray(square, dtype=np.uint8).copy()


def _too_many_pixels(name: str, width: int, height: int) -> UnreadableImage:
    return UnreadableImage(
        tr("{name}: the picture is {width} x {height} pixels ({megapixels:.0f} megapixels); at most "
           "{limit:.0f} megapixels can be read without running out of memory. "
           "Save a smaller copy of it (e.g. 4000 pixels wide) and use that").format(
            name=name, width=width, height=height, megapixels=width * height / 1e6, limit=MAX_PIXELS / 1e6),
        TOO_MANY_PIXELS,
    )


def _shrink(img: Image.Image, image_size: int) -> Image.Image:
    """A large picture cut down to about twice ``image_size`` per side right after decoding, so later steps stay small."""
    factor = min(img.size) // (2 * image_size)
    if factor < 2:
        return img
    if img.mode in ("I;16", "I;16B", "I;16L", "I;16N"):
        img = img.convert("I")  # 16-bit grey: Image.reduce works on 32-bit numbers
    elif img.mode in ("P", "PA", "1"):
        img = img.convert("RGBA" if img.mode != "1" else "L")
    return img.reduce(factor)


def _open(source, image_size: int) -> np.ndarray:
    """Decode ``source`` (a path or a binary file object) into a square RGB array, with bounded memory.

    The picture's size is read from its header before any pixel is decoded:
    JPEGs are decoded at a reduced scale (``draft``), anything that would
    still be over :data:`MAX_PIXELS` is refused, and a large picture is
    shrunk right after decoding, before it is converted or cropped.
    """
    name = getattr(source, "name", None) or str(source)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # odd EXIF/TIFF tags; huge pictures are refused below, not by a warning
        try:
            with Image.open(source) as img:
                stored = img.size
                img.draft(None, (image_size, image_size))  # JPEG only: decode at a smaller scale (much faster)
                if img.size[0] * img.size[1] > MAX_PIXELS:
                    raise _too_many_pixels(name, *stored)
                img.load()
                img = _shrink(img, image_size)
                try:
                    img = ImageOps.exif_transpose(img)  # phone photos: turn upright
                except Exception:  # a broken EXIF block: keep the picture as stored
                    pass
                return fit_square(to_rgb(img), image_size)
        except UnreadableImage:
            raise
        except UnidentifiedImageError:
            raise UnreadableImage(tr("{name}: not a picture file (its content is not a known image format)").format(name=name),
                                  NOT_A_PICTURE) from None
        except Image.DecompressionBombError as e:  # over twice PIL's own limit: refused while reading the header
            found = re.search(r"\((\d+) pixels\)", str(e))
            megapixels = (tr("{megapixels:.0f} megapixels").format(megapixels=int(found.group(1)) / 1e6) if found
                          else tr(TOO_MANY_PIXELS))
            raise UnreadableImage(
                tr("{name}: the picture has {megapixels}; at most {limit:.0f} megapixels can be read without "
                   "running out of memory. Save a smaller copy of it (e.g. 4000 pixels wide) and use that").format(
                    name=name, megapixels=megapixels, limit=MAX_PIXELS / 1e6),
                TOO_MANY_PIXELS,
            ) from None
        except (OSError, ValueError, SyntaxError, EOFError, IndexError, KeyError) as e:
            raise UnreadableImage(tr("{name}: a picture that cannot be decoded ({error})").format(name=name, error=e),
                                  CANNOT_DECODE) from None


def image_format(path) -> str | None:
    """The format a file's content has (e.g. ``"JPEG"``, ``"PNG"``), or None if it is no picture.

    Only the file's first bytes are read. Used by ``oxford``.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(path) as img:
                return img.format
    except Exception:
        return None


def read_image(path, image_size: int = 96) -> np.ndarray:
    """One picture file as a ``(image_size, image_size, 3)`` uint8 RGB array.

    Raises :class:`UnreadableImage` (a ValueError) for files that are not
    pictures or cannot be decoded. Used by ``images``, ``data``, ``folder``, ``oxford``.
    """
    image_size = check_image_size(image_size)
    return _open(Path(path), image_size)


def read_image_bytes(data: bytes, image_size: int = 96) -> np.ndarray:
    """An uploaded picture (its raw bytes) as a ``(image_size, image_size, 3)`` uint8 RGB array.

    For the upload widget: ``read_image_bytes(upload.value[0].content.tobytes())``.
    Raises ValueError with a message for the user when the upload is empty,
    larger than 20 MB, over 30 megapixels, or not a picture. Used by ``images``, ``widgets``.
    """
    image_size = check_image_size(image_size)
    if isinstance(data, memoryview):
        data = data.tobytes()
    if not isinstance(data, (bytes, bytearray)):
        raise ValueError(tr("expected the file's bytes, got {kind}; pass upload.value[0].content.tobytes().").format(
            kind=type(data).__name__))
    if len(data) == 0:
        raise ValueError(tr("the uploaded file is empty (0 bytes); choose a photo file and upload it again."))
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValueError(
            tr("the uploaded file is {size:.1f} MB; the limit is {limit:.0f} MB. "
               "Upload a smaller copy of the photo (e.g. saved at a lower resolution).").format(
                size=len(data) / 1e6, limit=MAX_UPLOAD_BYTES / 1e6)
        )
    buffer = io.BytesIO(bytes(data))
    buffer.name = tr("the uploaded file")
    try:
        return _open(buffer, image_size)
    except UnreadableImage as e:
        raise ValueError(tr("{problem}. Upload a photo (JPEG, PNG, WebP, BMP, GIF or TIFF).").format(problem=e)) from None


class SkipReport:
    """Which files a loader skipped, and why: ``reasons`` maps a reason to a list of file names.

    ``str(report)`` is a one-line summary such as
    ``"read 118 of 120 files; skipped 2: 1 unreadable, 1 not JPEG"``.
    Used by ``images``, ``folder``, ``oxford``, ``sources``.
    """

    def __init__(self, where: str = "", read: int = 0, reasons: dict[str, list[str]] | None = None):
        self.where = where
        self.read = read
        self.reasons = {k: list(v) for k, v in (reasons or {}).items()}

    def skip(self, reason: str, name: str) -> None:
        """Record that file ``name`` was skipped for ``reason``."""
        self.reasons.setdefault(reason, []).append(str(name))

    @property
    def skipped(self) -> list[str]:
        """Every skipped file name, in the order they were met."""
        return [name for names in self.reasons.values() for name in names]

    def counts(self) -> dict[str, int]:
        """How many files were skipped for each reason."""
        return {reason: len(names) for reason, names in self.reasons.items()}

    def __str__(self) -> str:
        total = self.read + len(self.skipped)
        if not self.skipped:
            if self.where:
                return tr("read {read} of {total} files in {where}; none skipped").format(
                    read=self.read, total=total, where=self.where)
            return tr("read {read} of {total} files; none skipped").format(read=self.read, total=total)
        why = ", ".join(tr("{n} {reason}").format(n=n, reason=tr(reason)) for reason, n in self.counts().items())
        if self.where:
            return tr("read {read} of {total} files in {where}; skipped {skipped}: {reasons}").format(
                read=self.read, total=total, where=self.where, skipped=len(self.skipped), reasons=why)
        return tr("read {read} of {total} files; skipped {skipped}: {reasons}").format(
            read=self.read, total=total, skipped=len(self.skipped), reasons=why)

    def __repr__(self) -> str:
        return f"SkipReport({self})"

    def listing(self, limit: int = 20) -> str:
        """The skipped files, one per line (at most ``limit`` lines per reason)."""
        lines = []
        for reason, names in self.reasons.items():
            lines.append(f"{tr(reason)} ({len(names)}):")
            lines += [f"  {n}" for n in names[:limit]]
            if len(names) > limit:
                lines.append("  " + tr("... and {n} more").format(n=len(names) - limit))
        return "\n".join(lines)
