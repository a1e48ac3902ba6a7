"""Standing on a giant's shoulders: MobileNetV2, trained on ImageNet, as a ready-made base.

ImageNet is 1.3 million photos of 1,000 kinds of things (about 120 of them dog
breeds and a few cats). A model trained on it has learned features that help
with any photo. :func:`make_backbone` builds that model without its last
layer; :func:`make_transfer_model` puts a new, small ``head`` on top, so only
the head has to learn cats and dogs.

The ImageNet weights (a few MB) come from the Keras cache (``~/.keras/models``
or ``$KERAS_HOME/models``) or are downloaded once. Offline and not cached,
:func:`try_backbone` returns a reason instead of a model, so a notebook can say
so and carry on with our own model. Introduced in notebook 07 (and optional
in 04-06 on real photos).
"""

from __future__ import annotations

import os
import urllib.error
import urllib.request
from pathlib import Path

from .i18n import tr

WEIGHTS_URL = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v2/"
SIZES = (96, 128, 160, 192, 224)  # image sizes with published ImageNet weights
ALPHAS = (0.35, 0.5, 0.75, 1.0, 1.3, 1.4)  # network widths with published ImageNet weights
DEFAULT_SIZE = 96
DEFAULT_ALPHA = 0.35  # the narrowest MobileNetV2: 410k parameters without its top, quick on a CPU


class WeightsNotAvailable(Exception):
    """The ImageNet weights are neither in the Keras cache nor downloadable now.

    ``str(error)`` says why and how to get them; a notebook can ``print(error)``.
    Used by ``backbone``.
    """


def weights_name(alpha: float = DEFAULT_ALPHA, image_size: int = DEFAULT_SIZE) -> str:
    """The file name Keras uses for MobileNetV2's ImageNet weights without the top layer. Introduced in notebook 07."""
    return f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{float(alpha)}_{int(image_size)}_no_top.h5"


def weights_path(alpha: float = DEFAULT_ALPHA, image_size: int = DEFAULT_SIZE) -> Path:
    """Where the weights file sits in the Keras cache (``$KERAS_HOME/models`` or ``~/.keras/models``).

    Used by ``backbone``, ``sources``.
    """
    home = Path(os.environ.get("KERAS_HOME") or Path.home() / ".keras").expanduser()
    return home / "models" / weights_name(alpha, image_size)


def _download(url: str, target: Path, timeout: float) -> None:
    """Fetch ``url`` into ``target`` via ``target.part``; only a finished download gets the real name."""
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(target.name + ".part")
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, open(part, "wb") as out:
            while chunk := response.read(1 << 20):
                out.write(chunk)
        part.replace(target)
    finally:
        part.unlink(missing_ok=True)


def _check(image_size, alpha, weights) -> None:
    if weights not in ("imagenet", None):
        raise ValueError(tr("weights must be 'imagenet' or None (random start); got {value!r}.").format(value=weights))
    if weights == "imagenet":
        if image_size not in SIZES:
            raise ValueError(tr("ImageNet weights exist for image_size {sizes}; got {value!r}. "
                                "Load the photos at one of these sizes.").format(sizes=SIZES, value=image_size))
        if alpha not in ALPHAS:
            raise ValueError(tr("ImageNet weights exist for alpha {alphas}; got {value!r}.").format(alphas=ALPHAS, value=alpha))
    elif isinstance(image_size, bool) or not isinstance(image_size, int) or image_size < 32:
        raise ValueError(tr("image_size must be a whole number of pixels, at least 32; got {value!r}.").format(value=image_size))


def make_backbone(image_size: int = DEFAULT_SIZE, alpha: float = DEFAULT_ALPHA, weights: str | None = "imagenet",
                  allow_download: bool = True, timeout: float = 60, name: str = "backbone"):
    """MobileNetV2 without its top layer, with ImageNet weights (or random ones if ``weights=None``).

    Takes images scaled to -1..1 (see :func:`make_transfer_model`, which does
    that) and gives a grid of features per image. Uses the Keras cache; if the
    file is missing it is downloaded when ``allow_download``. Raises
    :class:`WeightsNotAvailable` when that fails. Used by ``backbone``.
    """
    _check(image_size, alpha, weights)
    path = None
    if weights == "imagenet":
        path = weights_path(alpha, image_size)
        if not path.is_file():
            url = WEIGHTS_URL + path.name
            how = tr(
                "To use them offline, download {url}\ninto {folder}/ (keep the file name), "
                "or run this once on a computer with a network and copy that folder."
            ).format(url=url, folder=path.parent)
            if not allow_download:
                raise WeightsNotAvailable(tr("The ImageNet weights for MobileNetV2 are not in the Keras cache.") + f"\n{how}")
            try:
                _download(url, path, timeout)
            except (OSError, ValueError) as e:  # no network, server error, timeout, disk full
                why = (tr("no connection ({reason})").format(reason=e.reason) if isinstance(e, urllib.error.URLError)
                       else str(e))
                raise WeightsNotAvailable(
                    tr("The ImageNet weights for MobileNetV2 are not in the Keras cache and could not be downloaded.")
                    + "\n" + tr("Reason: {reason}.").format(reason=why) + f"\n{how}"
                ) from None

    import keras

    try:
        base = keras.applications.MobileNetV2(
            input_tensor=keras.Input(shape=(image_size, image_size, 3), name=f"{name}_input"),
            alpha=alpha, include_top=False, weights=None if path is None else str(path),
        )
    except (OSError, ValueError) as e:  # e.g. a damaged file in the cache
        raise WeightsNotAvailable(
            tr("The weights file {path} could not be loaded ({error}). Delete it; it will be downloaded again.").format(
                path=path, error=e)
        ) from None
    # keras names it after alpha and size; rename so summaries and layer look-ups are stable
    return keras.Model(base.input, base.output, name=name)


def try_backbone(image_size: int = DEFAULT_SIZE, alpha: float = DEFAULT_ALPHA, allow_download: bool = True,
                 timeout: float = 60):
    """``(backbone, "")`` with ImageNet weights, or ``(None, reason)`` when they are not available.

    For notebooks: ``base, why = backbone.try_backbone(96)``; if ``base`` is
    None, print ``why`` and carry on with our own model. The first line of
    ``why`` is the same on every computer; the lines after it give details.
    Used by ``backbone``, ``recipes``.
    """
    try:
        return make_backbone(image_size, alpha, "imagenet", allow_download, timeout), ""
    except WeightsNotAvailable as e:
        return None, str(e)


def make_transfer_model(backbone, num_classes: int = 2, name: str = "imagenet_transfer", activation: str = "softmax"):
    """A frozen ``backbone`` with a new output layer named ``"head"`` for ``num_classes`` classes.

    Built like :func:`helpers.models.make_cnn` (input ``pixels`` with values
    0..255, ``rescale``, a base, ``features``, ``head``), so the same helpers
    copy, freeze and grow it. ``rescale`` maps 0..255 to -1..1, as MobileNetV2
    expects. The backbone is frozen (``trainable = False``) and always runs in
    inference mode, so its batch statistics stay as ImageNet taught them even
    when it is unfrozen later for fine-tuning. Used by ``backbone``, ``recipes``.
    """
    import keras

    size = backbone.input_shape[1:]
    backbone.trainable = False
    inputs = keras.Input(shape=size, name="pixels")
    x = keras.layers.Rescaling(1 / 127.5, offset=-1.0, name="rescale")(inputs)
    x = backbone(x, training=False)
    x = keras.layers.GlobalAveragePooling2D(name="features")(x)
    outputs = keras.layers.Dense(num_classes, activation=activation, name="head")(x)
    return keras.Model(inputs, outputs, name=name)
