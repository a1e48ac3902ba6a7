"""The widgets (helpers/widgets.py) without a browser: the functions behind them,
what they show by default, how they react, and their text/picture fallback.

The last tests run the fixture notebook ``tests/fixtures/widgets_demo.ipynb``
under strict nbval (every widget kind in one fast notebook). After changing the
widgets, store its outputs again, the way `make notebooks` stores notebooks:

    .venv/bin/python tools/run_notebooks.py tests/fixtures/widgets_demo.ipynb
"""

from __future__ import annotations

import base64
import datetime
import io
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from helpers import widgets
from helpers.data import PetImages

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "widgets_demo.ipynb"
PNG_START = b"\x89PNG\r\n\x1a\n"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
UPLOAD_TIME = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)


def make_pets() -> PetImages:
    """Nine 8x8 images: 3 persians (cats), 3 tabbies (cats), 3 beagles (dogs), each a plain colour."""
    colours = np.linspace(0, 255, 9).astype(np.uint8)
    images = np.stack([np.full((8, 8, 3), c, np.uint8) for c in colours])
    return PetImages(images, ["cat"] * 6 + ["dog"] * 3, ["persian"] * 3 + ["tabby"] * 3 + ["beagle"] * 3)


PETS = make_pets()
# The "model" calls every persian a dog (most confident first: image 1), tabby 5 a dog, the rest right.
PROBA = np.array(
    [[0.3, 0.7], [0.1, 0.9], [0.4, 0.6], [0.9, 0.1], [0.8, 0.2], [0.45, 0.55], [0.2, 0.8], [0.1, 0.9], [0.3, 0.7]]
)


class FakeModel:
    """Stands in for a Keras model: says "dog" with probability 0.75 for every picture, and keeps what it saw."""

    output_shape = (None, 2)

    def __init__(self):
        self.seen = []

    def predict_on_batch(self, x):
        self.seen.append(x)
        return np.tile(np.array([[0.25, 0.75]], np.float32), (len(x), 1))


def photo_bytes(size=(640, 480), mode="RGB", fmt="JPEG") -> bytes:
    picture = Image.new("RGB", size, (200, 120, 40)).convert(mode)
    buffer = io.BytesIO()
    picture.save(buffer, format=fmt)
    return buffer.getvalue()


def bundle_of(view) -> dict:
    return view._repr_mimebundle_()


# -- every view: a live widget, a picture and one line of text ----------------------------


def test_view_carries_widget_picture_and_text():
    view = widgets.data_browser(PETS, n=2)
    bundle = bundle_of(view)
    assert set(bundle) == {"text/plain", "text/html", "image/png", WIDGET_VIEW}
    assert bundle["text/plain"] == "Data browser — breed: persian (a picture: run this cell to use it)"
    assert base64.b64decode(bundle["image/png"]).startswith(PNG_START)
    assert bundle[WIDGET_VIEW]["model_id"] == view.model_id
    assert {"tl-widget", "tl-data-browser"} <= set(view._dom_classes)
    assert repr(view) == bundle["text/plain"]


def test_the_picture_and_its_line_as_html():
    """Where the widget cannot be live (a notebook opened again, GitHub, slides): the picture and one line."""
    view = widgets.data_browser(PETS, n=2)
    page = bundle_of(view)["text/html"]
    assert page.startswith('<div class="tl-widget-picture"><img src="data:image/png;base64,')
    embedded = page.split("base64,", 1)[1].split('"', 1)[0]
    assert base64.b64decode(embedded) == view.static_png
    assert page.endswith("<p><i>Data browser — breed: persian.</i> This is a picture: run this cell to use it.</p></div>")
    view.dropdown.value = "beagle"
    assert "breed: beagle" in bundle_of(view)["text/html"]
    assert widgets.picture_html(None, "a <b>label</b>") == (  # no picture: the line does not claim one
        '<div class="tl-widget-picture"><p><i>a &lt;b&gt;label&lt;/b&gt;.</i> Run this cell to use it.</p></div>'
    )


def test_pictures_are_the_same_bytes_every_time():
    assert widgets.breed_grid_png(PETS, "tabby") == widgets.breed_grid_png(PETS, "tabby")


# -- 1. data browser ------------------------------------------------------------------------


def test_data_browser_switches_breed():
    view = widgets.data_browser(PETS, n=2)
    assert list(view.dropdown.options) == ["persian", "tabby", "beagle"]
    first = view.image.value
    view.dropdown.value = "beagle"
    assert view.image.value != first
    assert view.static_png == view.image.value
    assert bundle_of(view)["text/plain"] == "Data browser — breed: beagle (a picture: run this cell to use it)"
    assert "3 images" in view.info.value


def test_data_browser_bad_input_is_friendly():
    with pytest.raises(ValueError, match="unknown breed 'sphynx'"):
        widgets.data_browser(PETS, breed="sphynx")
    with pytest.raises(ValueError, match="at least 1"):
        widgets.data_browser(PETS, n=0)


# -- 2. experience slider ---------------------------------------------------------------------


def curve_results():
    sizes = [10, 100, 1000]
    return {
        n: {
            "accuracy": acc,
            "images": PETS.images[:4],
            "predicted": predicted,
            "true": ["cat", "cat", "cat", "dog"],
        }
        for n, acc, predicted in zip(
            sizes,
            [0.55, 0.8, 0.95],
            [["dog", "dog", "cat", "cat"], ["cat", "dog", "cat", "dog"], ["cat", "cat", "cat", "dog"]],
        )
    }


def test_experience_slider_answers_at_once():
    view = widgets.experience_slider(curve_results())
    assert view.slider.value == 10
    assert bundle_of(view)["text/plain"] == "Experience slider — E = 10 images: P = 0.55 (a picture: run this cell to use it)"
    pictures = set()
    for n in (100, 1000):
        started = time.perf_counter()
        view.slider.value = n
        assert time.perf_counter() - started < 0.2
        pictures.add(bytes(view.image.value))
    assert len(pictures) == 2
    assert "P = 0.95" in view.readout.value
    assert bundle_of(view)["text/plain"].startswith("Experience slider — E = 1000 images: P = 0.95")
    assert {"tl-widget", "tl-experience-slider"} <= set(view._dom_classes)


def learner_results():
    """12 example pictures (all cats): 0-5 always right, 6-11 wrong with 10 images and right with 1000."""
    images = np.stack([np.full((8, 8, 3), 20 * k, np.uint8) for k in range(12)])
    true = ["cat"] * 12
    return {
        10: {"accuracy": 0.5, "images": images, "predicted": ["cat"] * 6 + ["dog"] * 6, "true": true},
        1000: {"accuracy": 1.0, "images": images, "predicted": ["cat"] * 12, "true": true},
    }


def test_slider_examples_are_chosen_to_show_the_change_with_experience():
    results = learner_results()
    chosen = widgets.telling_examples(results, 4)
    assert len(chosen) == 4 and chosen == sorted(chosen)
    assert sum(k >= 6 for k in chosen) == 2  # half wrong at E = 10 (P = 0.5), all right at E = 1000
    view = widgets.experience_slider(results, n_examples=4)
    first = bytes(view.image.value)
    view.slider.value = 1000
    assert bytes(view.image.value) != first
    # With no more pictures than it shows, or no predictions, it takes them in order.
    assert widgets.telling_examples(results, 12) == list(range(12))
    bare = {n: {"accuracy": r["accuracy"], "images": r["images"]} for n, r in results.items()}
    assert widgets.telling_examples(bare, 4) == [0, 1, 2, 3]


def test_experience_slider_needs_only_accuracy():
    view = widgets.experience_slider({50: {"accuracy": 0.7}, 5: {"accuracy": 0.5}}, start=50)
    assert [v for _, v in view.slider.options] == [5, 50]
    assert view.static_png.startswith(PNG_START)


def test_experience_slider_bad_input_is_friendly():
    with pytest.raises(ValueError, match="empty"):
        widgets.experience_slider({})
    with pytest.raises(ValueError, match="no 'accuracy'"):
        widgets.experience_slider({10: {"images": PETS.images}})
    with pytest.raises(ValueError, match="start must be one of"):
        widgets.experience_slider(curve_results(), start=7)


# -- 3. mistakes gallery ------------------------------------------------------------------------


def test_gallery_items_most_confident_mistakes_first():
    assert widgets.gallery_items(PROBA, PETS, ("cat", "dog")).tolist() == [1, 0, 2, 5]
    assert widgets.gallery_items(PROBA, PETS, ("cat", "dog"), order="closest").tolist() == [5, 2, 0, 1]
    with pytest.raises(ValueError, match="order must be one of"):
        widgets.gallery_items(PROBA, PETS, ("cat", "dog"), order="random")
    assert widgets.gallery_items(PROBA, PETS, ("cat", "dog"), breed="tabby").tolist() == [5]
    assert widgets.gallery_items(PROBA, PETS, ("cat", "dog"), breed="beagle").tolist() == []
    everything = widgets.gallery_items(PROBA, PETS, ("cat", "dog"), only_mistakes=False)
    assert sorted(everything.tolist()) == list(range(9))


def test_gallery_filters_and_pages():
    view = widgets.mistakes_gallery(PROBA, PETS, ("cat", "dog"), per_page=3)
    assert bundle_of(view)["text/plain"] == (
        "Mistakes gallery — 4 of 9 images wrong; showing all breeds, surest first, page 1 of 2 (a picture: run this cell to use it)"
    )
    assert view.previous.disabled and not view.next.disabled
    first = view.image.value
    view.next.click()
    assert "page 2 of 2" in view.page_label.value and view.next.disabled
    assert view.image.value != first
    view.dropdown.value = "persian"
    assert "breed persian, surest first, page 1 of 1" in view.static_text
    view.dropdown.value = "beagle"  # no mistakes: a message picture, no error
    assert "0 mistakes" in view.page_label.value and bytes(view.image.value).startswith(PNG_START)
    assert [label for label, _ in view.dropdown.options] == [
        "all breeds (4 mistakes)", "persian (3)", "tabby (1)", "beagle (0)"
    ]


def test_gallery_can_show_the_closest_calls_first():
    view = widgets.mistakes_gallery(PROBA, PETS, ("cat", "dog"), per_page=1)
    surest = bytes(view.image.value)  # image 1: persian called dog with 0.90
    view.next.click()
    assert "page 2 of 4" in view.page_label.value
    view.order.value = "closest"  # back to page 1, now image 5: tabby called dog with 0.55
    assert "page 1 of 4" in view.page_label.value and "closest calls first" in view.static_text
    assert bytes(view.image.value) not in (surest, b"")
    assert bytes(view.image.value) == widgets.gallery_page_png(PROBA, PETS, ("cat", "dog"), [5])
    started = widgets.mistakes_gallery(PROBA, PETS, ("cat", "dog"), per_page=1, order="closest")
    assert bytes(started.image.value) == bytes(view.image.value)
    with pytest.raises(ValueError, match="order must be one of"):
        widgets.mistakes_gallery(PROBA, PETS, ("cat", "dog"), order="random")


def test_gallery_starts_at_a_breed_and_takes_a_model():
    class Model(FakeModel):
        input_shape = (None, 8, 8, 3)

        def predict_on_batch(self, x):
            return PROBA[: len(x)].astype("float32")

    view = widgets.mistakes_gallery(Model(), PETS, ("cat", "dog"), breed="persian")
    assert view.dropdown.value == "persian"
    assert "3 mistakes" in view.page_label.value


def test_gallery_bad_input_is_friendly():
    with pytest.raises(ValueError, match="shape"):
        widgets.mistakes_gallery(PROBA[:3], PETS, ("cat", "dog"))
    with pytest.raises(ValueError, match="unknown breed"):
        widgets.mistakes_gallery(PROBA, PETS, ("cat", "dog"), breed="sphynx")


# -- 4. upload your photo -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "size, mode, fmt",
    [((640, 480), "RGB", "JPEG"), ((33, 200), "RGBA", "PNG"), ((3000, 2000), "L", "JPEG"), ((50, 50), "P", "GIF"),
     ((120, 80), "CMYK", "JPEG"), ((64, 64), "I;16", "PNG")],
)
def test_predict_uploaded_takes_any_photo(size, mode, fmt):
    model = FakeModel()
    label, confidence, image, probabilities = widgets.predict_uploaded(model, ("cat", "dog"), 32, photo_bytes(size, mode, fmt))
    assert (label, confidence) == ("dog", 0.75)
    assert image.shape == (32, 32, 3) and image.dtype == np.uint8
    assert model.seen[0].shape == (1, 32, 32, 3)


@pytest.mark.parametrize(
    "data, message",
    [(b"", "empty"), (b"just some text, not a picture", "not a picture"),
     (photo_bytes()[:200], "cannot be decoded"), (b"\0" * (20 * 1024 * 1024 + 1), "smaller")],
)
def test_predict_uploaded_bad_files_are_friendly(data, message):
    with pytest.raises(ValueError, match=message):
        widgets.predict_uploaded(FakeModel(), ("cat", "dog"), 32, data)


def test_predict_uploaded_refuses_wrong_class_names():
    with pytest.raises(ValueError, match="2 outputs but 3 class names"):
        widgets.predict_uploaded(FakeModel(), ("cat", "dog", "rabbit"), 32, photo_bytes())


def upload(view, name, data):
    """Do what the browser does when a file is picked (ipywidgets 8: a tuple of dicts)."""
    view.upload.value = ({"name": name, "type": "", "size": len(data), "content": memoryview(data), "last_modified": UPLOAD_TIME},)


def test_upload_predictor_shows_prediction_and_forgets_the_file():
    view = widgets.upload_predictor(FakeModel(), ("cat", "dog"), 32)
    assert bundle_of(view)["text/plain"] == "Photo upload — the model says what your photo shows (run this cell to use it)"
    assert "image/png" not in bundle_of(view) and "This is a picture" not in bundle_of(view)["text/html"]
    assert "No photo yet" in view.result.value and "up to 20 MB" in view.result.value
    assert view.upload.tooltip == "Upload a photo (up to 20 MB)"
    seen = []
    view.result.observe(lambda change: seen.append(change["new"]), names="value")
    assert view.image.layout.display == "none"
    upload(view, "my cat.jpg", photo_bytes())
    assert "the model says <b>dog</b> with confidence 0.75" in view.result.value
    assert seen[0].endswith("Reading my cat.jpg (0.0 MB) and asking the model…</span>")  # while it works
    assert bytes(view.image.value).startswith(PNG_START) and view.image.layout.display is None
    assert view.upload.value == ()  # not kept, so not saved in the notebook
    assert {"tl-widget", "tl-upload"} <= set(view._dom_classes)


def test_upload_button_reads_its_label_not_a_file_count():
    """ipywidgets writes "Upload a photo (0)" on the button; the view's CSS shows the label instead."""
    view = widgets.upload_predictor(FakeModel(), ("cat", "dog"), 32)
    css = view.children[0].value
    assert view.children[0].layout.display == "none"
    assert ".tl-upload-button { font-size: 0 !important; }" in css
    assert '.tl-upload-button::after { content: "Upload a photo (up to 20 MB)";' in css
    assert "tl-upload-button" in view.upload._dom_classes
    assert widgets._upload_button_css('say "hi"') .count('\\"') == 2


def test_upload_over_the_limit_says_so():
    view = widgets.upload_predictor(FakeModel(), ("cat", "dog"), 32)
    upload(view, "huge.jpg", b"\xff\xd8" + b"\0" * 25_000_000)
    assert "huge.jpg: the uploaded file is 25.0 MB; the limit is 20 MB" in view.result.value
    assert view.image.layout.display == "none" and view.upload.value == ()


@pytest.mark.parametrize("data, message", [(b"", "empty"), (b"%PDF-1.4 not a photo", "not a picture")])
def test_upload_predictor_bad_file_gives_a_message_not_a_traceback(data, message):
    model = FakeModel()
    model.input_shape = (None, 32, 32, 3)
    view = widgets.upload_predictor(model, ("cat", "dog"))  # image size from the model
    upload(view, "notes.pdf", data)
    assert message in view.result.value and "notes.pdf" in view.result.value
    assert view.image.layout.display == "none"


# -- 5. live training plot ------------------------------------------------------------------------


def test_history_png_with_and_without_validation():
    assert widgets.history_png({}, epochs=3).startswith(PNG_START)
    both = widgets.history_png({"loss": [0.7, 0.5], "accuracy": [0.5, 0.8], "val_loss": [0.6, 0.5], "val_accuracy": [0.6, 0.7]})
    assert both.startswith(PNG_START)


def test_widgets_load_without_tensorflow():
    code = "import sys, helpers.widgets; print('tensorflow' in sys.modules, 'keras' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_live_training_plot_updates_one_picture():
    from helpers import setup

    keras = setup.setup_tensorflow(0)
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (32, 8, 8, 3)).astype("float32")
    y = rng.integers(0, 2, 32)
    model = keras.Sequential(
        [keras.Input((8, 8, 3), name="pixels"), keras.layers.Rescaling(1 / 255, name="scale"),
         keras.layers.Flatten(name="flat"), keras.layers.Dense(2, activation="softmax", name="head")],
        name="tiny",
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    plot = widgets.LiveTrainingPlot()
    pictures = []
    model.fit(x, y, epochs=3, batch_size=16, validation_split=0.25, verbose=0,
              callbacks=[plot, keras.callbacks.LambdaCallback(on_epoch_end=lambda e, logs: pictures.append(bytes(plot.image.value)))])
    assert [len(plot.history[k]) for k in ("loss", "accuracy", "val_loss", "val_accuracy")] == [3, 3, 3, 3]
    assert len(set(pictures)) == 3  # redrawn after every epoch
    bundle = bundle_of(plot.view)
    assert bundle["text/plain"] == "Live training plot — loss and accuracy over 3 epochs (a picture: run this cell to use it)"
    assert base64.b64decode(bundle["image/png"]) == pictures[-1]  # the stored picture is the final one
    assert "epoch 3 of 3" in plot.status.value
    assert {"tl-widget", "tl-live-training"} <= set(plot.view._dom_classes)


def test_live_training_plot_with_the_lessons_trainer():
    """helpers.training.train calls the callback's methods itself (no Keras fit loop)."""
    from helpers import setup, training

    keras = setup.setup_tensorflow(0)
    model = keras.Sequential(
        [keras.Input((8, 8, 3), name="pixels"), keras.layers.Rescaling(1 / 255, name="scale"),
         keras.layers.Flatten(name="flat"), keras.layers.Dense(2, activation="softmax", name="head")],
        name="tiny",
    )
    plot = widgets.LiveTrainingPlot(epochs=2)
    training.train(model, PETS, PETS, epochs=2, batch_size=4, quiet=True, callbacks=[plot])
    assert len(plot.history["val_accuracy"]) == 2
    assert "epoch 2 of 2" in plot.status.value
    assert plot.view.static_text == "Live training plot — loss and accuracy over 2 epochs (a picture: run this cell to use it)"


# -- the fixture notebook: stored right, and strict nbval passes -----------------------------------


def test_fixture_notebook_is_stored_executed_with_widget_pictures():
    """Stored as `make notebooks` stores: each widget as its picture and line, no widget view or state."""
    notebook = json.loads(FIXTURE.read_text())
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1))
    outputs = [o for c in code for o in c["outputs"]]
    assert not [o for o in outputs if o["output_type"] == "error" or o.get("name") == "stderr"]
    assert not [o for o in outputs if WIDGET_VIEW in o.get("data", {})] and "widgets" not in notebook["metadata"]
    pictures = [o for o in outputs if widgets.PICTURE_CLASS in "".join(o.get("data", {}).get("text/html", ""))]
    assert len(pictures) >= 5
    assert all(widgets.RUN_TO_USE in "".join(o["data"]["text/plain"]) for o in pictures)
    assert all("image/png" in o["data"] for o in pictures if "upload" not in "".join(o["data"]["text/plain"]).lower())


@pytest.mark.slow
def test_fixture_notebook_passes_strict_nbval():
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval", "--nbval-current-env",
         "--nbval-kernel-startup-timeout=120", "--nbval-sanitize-with", "tests/nbval_sanitize.cfg", str(FIXTURE)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_the_upload_predictor_takes_its_size_from_the_model():
    """The probe: another image_size than the model's was silently used; now it is refused, and left out it is the model's."""
    model = FakeModel()
    model.input_shape = (None, 48, 48, 3)
    label, _, image, _ = widgets.predict_uploaded(model, ("cat", "dog"), None, photo_bytes())
    assert image.shape == (48, 48, 3) and model.seen[0].shape == (1, 48, 48, 3)
    with pytest.raises(ValueError, match="takes pictures of 48x48 px but image_size=32"):
        widgets.upload_predictor(model, ("cat", "dog"), 32)
    with pytest.raises(ValueError, match="takes pictures of 48x48 px"):
        widgets.predict_uploaded(model, ("cat", "dog"), 32, photo_bytes())
    assert widgets.upload_predictor(model, ("cat", "dog"), 48) is not None
