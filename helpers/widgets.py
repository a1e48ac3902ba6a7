"""Interactive views for the notebooks: browse, slide, page through, upload.

Each function returns a widget you can show by making it the last line of a
cell. In JupyterLab you can click and slide. Each view also carries a picture
of what it shows now and one line of text, "run this cell to use it": that is
what a reader sees where widgets cannot run (GitHub, a notebook that is not
trusted, an automatic test run, the offline slides) and in a notebook that was
saved and opened again (the extension :mod:`helpers.lab` makes JupyterLab keep
the picture when it saves; ``make notebooks`` stores notebooks that way).

Pictures are drawn with matplotlib into PNG bytes and shown in an
``ipywidgets.Image``; text goes into ``ipywidgets.HTML``. Nothing is printed
from inside a widget, so every output stays the same from run to run.

Introduced in notebook 01 (data browser, experience slider); the mistakes
gallery in 03, the live training plot in 02, upload-your-photo in 07.
"""

from __future__ import annotations

import base64
import html
import io

import numpy as np
import ipywidgets as widgets
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from PIL import Image

from .i18n import tr, tr_noop
from .images import MAX_UPLOAD_BYTES, read_image_bytes

WRONG = "crimson"  # colour of a wrong prediction, as in helpers.plots
RUN_TO_USE = tr_noop("run this cell to use it")
# Shown with tr(): the text of a view where it cannot be live ends in one of these (in brackets: the slides cut it off).
PICTURE_NOTE = tr_noop("(a picture: run this cell to use it)")
NO_PICTURE_NOTE = tr_noop("(run this cell to use it)")  # the same for a view without a picture (the photo upload before a photo)
PICTURE_CLASS = "tl-widget-picture"  # CSS class of the picture-and-line output (tests and slides find it)


# -- the building blocks ------------------------------------------------------------


class WidgetView(widgets.VBox):
    """A column of widgets that also shows as a picture and a line of text.

    JupyterLab draws the live widgets. Anything that cannot run them shows
    ``static_png`` (a picture of the current view, may be None) above one
    line: ``label`` (what the view shows now) and "run this cell to use it".
    Each view gets the CSS class ``tl-widget`` plus its own ``css_class``, so
    tests can find it on the page. Used by ``widgets``.
    """

    def __init__(self, children, css_class: str, label: str, static_png: bytes | None = None, **kwargs):
        kwargs.setdefault("layout", widgets.Layout(align_items="flex-start"))  # pictures at their own size
        super().__init__(children, **kwargs)
        self.add_class("tl-widget")
        self.add_class(css_class)
        self.label = label  # e.g. "Data browser — breed: tabby"
        self.static_png = static_png  # PNG bytes of the current view, or None

    @property
    def static_text(self) -> str:
        """The one line shown where the widget cannot be live: what it shows, and how to use it."""
        return f"{self.label} {tr(PICTURE_NOTE) if self.static_png else tr(NO_PICTURE_NOTE)}"

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = self.static_text
        bundle["text/html"] = picture_html(self.static_png, self.label)
        if self.static_png:
            bundle["image/png"] = base64.b64encode(self.static_png).decode("ascii")
        return bundle

    def __repr__(self) -> str:
        return self.static_text


def picture_html(png: bytes | None, label: str) -> str:
    """The picture of a view with one line under it, as HTML (the data is inside, nothing is fetched).

    This is what JupyterLab shows of a widget in a notebook opened again, and
    what GitHub and the slides show. Without a picture only the line is there.
    Used by ``widgets``.
    """
    note = tr("This is a picture: run this cell to use it.") if png else tr("Run this cell to use it.")
    picture = ""
    if png:
        data = base64.b64encode(png).decode("ascii")
        picture = f'<img src="data:image/png;base64,{data}" alt="{html.escape(label)}"/>'
    line = f"<p><i>{html.escape(label)}.</i> {html.escape(note)}</p>"
    return f'<div class="{PICTURE_CLASS}">{picture}{line}</div>'


def figure_to_png(fig: Figure, dpi: int = 100) -> bytes:
    """The figure as PNG bytes (the same pixels give the same bytes). Used by ``widgets``.

    The picture is reduced to 256 colours, which looks the same here and makes
    the file (and so the saved notebook) about 2.5 times smaller.
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    with Image.open(buffer) as picture:
        small = picture.convert("RGB").quantize(256)
    buffer = io.BytesIO()
    small.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def image_grid_png(images, titles=None, colours=None, ncols: int = 8, title: str | None = None) -> bytes:
    """A grid of small pictures, each with an optional title, as PNG bytes.

    Drawn on a matplotlib ``Figure`` of its own (not through ``pyplot``), so no
    figure pops up in the notebook and nothing needs closing. Used by ``widgets``.
    """
    images = list(images)
    if not images:
        return message_png(tr("Nothing to show here."))
    ncols = max(1, min(ncols, len(images)))
    nrows = int(np.ceil(len(images) / ncols))
    line_count = max((str(t).count("\n") + 1 for t in titles), default=0) if titles is not None else 0
    fig = Figure(figsize=(1.25 * ncols, (1.2 + 0.2 * line_count) * nrows + (0.35 if title else 0.0)))
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for k, (ax, image) in enumerate(zip(axes.flat, images)):
        ax.imshow(image, interpolation="nearest")
        if titles is not None:
            ax.set_title(str(titles[k]), fontsize=8, color=colours[k] if colours is not None else "black")
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return figure_to_png(fig)


def message_png(message: str, width: float = 5.0, height: float = 0.8) -> bytes:
    """A small picture that only holds a line of text, e.g. "No mistakes here". Used by ``widgets``."""
    fig = Figure(figsize=(width, height))
    fig.text(0.5, 0.5, message, ha="center", va="center", fontsize=11, color="dimgrey")
    return figure_to_png(fig)


def _html(text: str, colour: str | None = None) -> str:
    style = f' style="color: {colour}"' if colour else ""
    return f"<span{style}>{html.escape(text)}</span>"


# -- 1. data browser ------------------------------------------------------------------


def breed_grid_png(pets, breed: str, n: int = 16, ncols: int = 8) -> bytes:
    """The first ``n`` images of one breed as a PNG grid. Used by ``widgets``."""
    index = np.flatnonzero(pets.breeds == breed)
    if len(index) == 0:
        raise ValueError(tr("there are no images of breed {breed!r}; pick one of {breeds}.").format(
            breed=breed, breeds=list(pets.breed_counts())))
    shown = index[:n]
    animal = pets.classes[shown[0]]
    title = tr("{breed} ({animal}): {shown} of {total} images").format(
        breed=tr(breed), animal=tr(str(animal)), shown=len(shown), total=len(index))
    return image_grid_png(pets.images[shown], ncols=ncols, title=title)


def data_browser(pets, n: int = 16, breed: str | None = None, ncols: int = 8) -> WidgetView:
    """Pick a breed from a list and see a grid of its images.

    ``pets`` is a :class:`helpers.data.PetImages`; ``breed`` is the one shown
    first (default: the first breed in ``pets``). Introduced in notebook 01.
    """
    counts = pets.breed_counts()
    if not counts:
        raise ValueError(tr("there are no images to browse; check the data you passed in."))
    if n < 1:
        raise ValueError(tr("n is the number of images to show and must be at least 1; got {n}.").format(n=n))
    breed = next(iter(counts)) if breed is None else breed
    if breed not in counts:
        raise ValueError(tr("unknown breed {breed!r}; this set has: {breeds}.").format(breed=breed, breeds=list(counts)))

    pictures = {}  # breed -> PNG bytes, drawn the first time a breed is picked

    def picture(name):
        if name not in pictures:
            pictures[name] = breed_grid_png(pets, name, n=n, ncols=ncols)
        return pictures[name]

    shown_as = [(tr(b), b) for b in counts]  # each breed's name in the notebook's language
    options = list(counts) if all(label == b for label, b in shown_as) else shown_as
    dropdown = widgets.Dropdown(options=options, value=breed, description=tr("breed"))
    info = widgets.HTML()
    image = widgets.Image(value=picture(breed), format="png")
    view = WidgetView([widgets.HBox([dropdown, info]), image], "tl-data-browser", "")

    def show(name):
        info.value = _html(tr("{n} images of this breed").format(n=counts[name]))
        image.value = view.static_png = picture(name)
        view.label = tr("Data browser — breed: {breed}").format(breed=tr(name))

    dropdown.observe(lambda change: show(change["new"]), names="value")
    show(breed)
    view.dropdown, view.image, view.info = dropdown, image, info
    return view


# -- 2. experience slider -------------------------------------------------------------


def experience_png(results: dict, n_images, n_examples: int = 8) -> bytes:
    """The picture for one position of the experience slider.

    Left: the learning curve with the chosen amount of experience marked.
    Right: a few test images with the prediction of the model trained on
    ``n_images`` images (red when wrong). Used by ``widgets``.
    """
    sizes = list(results)
    accuracies = [float(results[s]["accuracy"]) for s in sizes]
    entry = results[n_images]
    images = entry.get("images")
    has_examples = images is not None and len(images) > 0 and n_examples > 0
    fig = Figure(figsize=(10.5 if has_examples else 4.5, 3.0))
    if has_examples:
        grid = fig.add_gridspec(2, 7)
        curve_ax = fig.add_subplot(grid[:, :3])
    else:
        curve_ax = fig.add_subplot(1, 1, 1)
    curve_ax.plot(sizes, accuracies, "o-", color="tab:blue")
    curve_ax.plot([n_images], [entry["accuracy"]], "o", color=WRONG, markersize=11)
    if all(float(s) > 0 for s in sizes):
        curve_ax.set_xscale("log")
        curve_ax.minorticks_off()
    curve_ax.set_xticks(sizes, [str(s) for s in sizes], fontsize=8)
    curve_ax.set_ylim(0, 1.02)
    curve_ax.set_xlabel(tr("E: training images"))
    curve_ax.set_ylabel(tr("P: accuracy"))
    curve_ax.set_title(tr("E = {n} images → P = {accuracy:.2f}").format(n=n_images, accuracy=float(entry["accuracy"])), fontsize=10)
    if has_examples:
        predicted = entry.get("predicted")
        true = entry.get("true")
        confidence = entry.get("confidence")
        for k in range(min(n_examples, 8, len(images))):
            ax = fig.add_subplot(grid[k // 4, 3 + k % 4])
            ax.imshow(images[k], interpolation="nearest")
            ax.axis("off")
            if predicted is not None:
                label = f"→ {tr(str(predicted[k]))}" + (f" {float(confidence[k]):.2f}" if confidence is not None else "")
                wrong = true is not None and predicted[k] != true[k]
                ax.set_title(label, fontsize=9, color=WRONG if wrong else "black")
    fig.tight_layout()
    return figure_to_png(fig)


def telling_examples(results: dict, n_examples: int = 8) -> list[int]:
    """Which of the example pictures in ``results`` show best how the answers change with E.

    ``results`` is what :func:`experience_slider` takes. The examples are
    chosen so that at every E about as many of them are answered right as the
    accuracy there says (``round(P * n_examples)``), preferring pictures that
    go from wrong to right as E grows: the grid then changes as P does.
    Without predictions the first ``n_examples`` are taken. Returns their
    positions, in the given order. Used by ``widgets``.
    """
    sizes = sorted(results)
    first = results[sizes[0]]
    count = len(first.get("images") if first.get("images") is not None else [])
    if count <= n_examples or any(results[n].get("predicted") is None or results[n].get("true") is None for n in sizes):
        return list(range(min(count, n_examples)))
    right = np.array([[p == t for p, t in zip(results[n]["predicted"], results[n]["true"])] for n in sizes], dtype=int)
    targets = np.array([round(float(results[n]["accuracy"]) * n_examples) for n in sizes])
    learned = (right[0] == 0) & (right[-1] == 1)  # wrong with the least experience, right with the most
    chosen: list[int] = []
    for _ in range(n_examples):
        left = [i for i in range(count) if i not in chosen]
        shown = right[:, chosen].sum(axis=1) if chosen else np.zeros(len(sizes), dtype=int)
        size_after = len(chosen) + 1

        def miss(i):  # how far the share right would be from P, over all E, with picture i added
            wanted = targets * size_after / n_examples
            return float(np.abs(shown + right[:, i] - wanted).sum())

        chosen.append(min(left, key=lambda i: (miss(i), not learned[i], i)))
    return sorted(chosen)


def _examples_only(entry: dict, positions: list[int]) -> dict:
    """One entry of the slider's results with only the example pictures at ``positions``."""
    picked = dict(entry)
    for key in ("images", "predicted", "true", "confidence"):
        if entry.get(key) is not None and len(entry[key]) > 0:
            values = entry[key]
            picked[key] = values[positions] if isinstance(values, np.ndarray) else [values[i] for i in positions]
    return picked


def experience_slider(results: dict, start=None, n_examples: int = 8) -> WidgetView:
    """Slide over the amount of experience E and see the performance P.

    ``results`` maps a number of training images to what the model trained on
    that many images did, e.g. ``{20: {"accuracy": 0.61, "images": test_images,
    "predicted": ["dog", ...], "true": ["cat", ...]}, 100: {...}}``
    ("images", "predicted", "true" and "confidence" are optional). All
    pictures are drawn up front, so moving the slider answers at once.
    ``start`` is the position shown first (default: the smallest E). When the
    results hold more example pictures than ``n_examples``, the ones shown are
    those that show the change with E (:func:`telling_examples`).
    Introduced in notebook 01.
    """
    if not results:
        raise ValueError(tr("results is empty; run the learning-curve experiment first, then pass its results."))
    missing = [n for n, r in results.items() if "accuracy" not in r]
    if missing:
        raise ValueError(tr("the results for {missing} images have no 'accuracy'; each entry needs at least that.").format(
            missing=missing))
    sizes = sorted(results)
    start = sizes[0] if start is None else start
    if start not in results:
        raise ValueError(tr("start must be one of the sizes in results {sizes}; got {start!r}.").format(sizes=sizes, start=start))
    shown = telling_examples(results, n_examples)
    ordered = {n: _examples_only(results[n], shown) for n in sizes}
    pictures = {n: experience_png(ordered, n, n_examples) for n in sizes}

    slider = widgets.SelectionSlider(
        options=[(str(n), n) for n in sizes],
        value=start,
        description=tr("E (images)"),
        continuous_update=True,
        style={"description_width": "initial"},
        layout=widgets.Layout(width="420px"),
    )
    readout = widgets.HTML()
    image = widgets.Image(value=pictures[start], format="png")
    view = WidgetView([widgets.HBox([slider, readout]), image], "tl-experience-slider", "")

    def show(n):
        accuracy = float(ordered[n]["accuracy"])
        readout.value = _html(tr("E = {n} training images → P = {accuracy:.2f} accuracy on test images").format(n=n, accuracy=accuracy))
        image.value = view.static_png = pictures[n]
        view.label = tr("Experience slider — E = {n} images: P = {accuracy:.2f}").format(n=n, accuracy=accuracy)

    slider.observe(lambda change: show(change["new"]), names="value")
    show(start)
    view.slider, view.image, view.readout = slider, image, readout
    return view


# -- 3. mistakes gallery ----------------------------------------------------------------

ORDERS = {  # shown with tr()
    "surest": tr_noop("surest first"),  # the mistakes the model was most confident about
    "closest": tr_noop("closest calls first"),  # the ones it nearly got right (or wrong): least confident first
}


def gallery_items(
    probabilities, pets, class_names, breed: str = "all", only_mistakes: bool = True, order: str = "surest"
) -> np.ndarray:
    """Indexes of the images the gallery shows, in the gallery's order.

    ``breed="all"`` keeps every breed; ``only_mistakes`` keeps only wrong
    predictions. ``order="surest"`` puts the most confident predictions first,
    ``order="closest"`` the least confident (the close calls). Used by ``widgets``.
    """
    if order not in ORDERS:
        raise ValueError(tr("order must be one of {orders}; got {order!r}.").format(orders=list(ORDERS), order=order))
    probabilities = np.asarray(probabilities)
    predicted = np.asarray(class_names)[np.argmax(probabilities, axis=1)]
    keep = np.ones(len(pets), dtype=bool)
    if breed != "all":
        keep &= pets.breeds == breed
    if only_mistakes:
        keep &= predicted != pets.classes
    index = np.flatnonzero(keep)
    confidence = probabilities.max(axis=1)
    key = -confidence[index] if order == "surest" else confidence[index]
    return index[np.argsort(key, kind="stable")]


def gallery_page_png(probabilities, pets, class_names, index, ncols: int = 6) -> bytes:
    """One page of the gallery: each image titled with breed, prediction and confidence. Used by ``widgets``."""
    probabilities = np.asarray(probabilities)
    titles, colours = [], []
    for i in index:
        k = int(np.argmax(probabilities[i]))
        titles.append(f"{tr(str(pets.breeds[i]))}\n→ {tr(str(class_names[k]))} {probabilities[i, k]:.2f}")
        colours.append("black" if class_names[k] == pets.classes[i] else WRONG)
    return image_grid_png(pets.images[np.asarray(index, dtype=int)], titles, colours, ncols=ncols)


def mistakes_gallery(
    model_or_probabilities,
    pets,
    class_names=("cat", "dog"),
    per_page: int = 12,
    breed: str = "all",
    only_mistakes: bool = True,
    order: str = "surest",
) -> WidgetView:
    """Page through the images the model gets wrong, filtered by breed.

    Pass a trained model, or its probabilities (``evaluation.predict_proba``,
    one row per image of ``pets``) so nothing has to be predicted again. Each
    picture says the breed and "→ predicted class, confidence". ``order``
    (also a choice in the widget): ``"surest"`` shows the most confident
    mistakes first, ``"closest"`` the close calls first. ``only_mistakes=False``
    shows every image (wrong ones in red). Introduced in notebook 03.
    """
    class_names = tuple(class_names)
    if isinstance(model_or_probabilities, np.ndarray):
        probabilities = model_or_probabilities
        if probabilities.shape != (len(pets), len(class_names)):
            raise ValueError(
                tr("probabilities have shape {shape} but {images} images and {classes} classes "
                   "need shape (images, classes); compute them with evaluation.predict_proba on the same images.").format(
                    shape=probabilities.shape, images=len(pets), classes=len(class_names))
            )
    else:
        from .evaluation import predict_proba

        probabilities = predict_proba(model_or_probabilities, pets, class_names)
    if per_page < 1:
        raise ValueError(tr("per_page must be at least 1; got {per_page}.").format(per_page=per_page))
    counts = pets.breed_counts()
    if breed != "all" and breed not in counts:
        raise ValueError(tr("unknown breed {breed!r}; use 'all' or one of {breeds}.").format(breed=breed, breeds=list(counts)))
    if order not in ORDERS:
        raise ValueError(tr("order must be one of {orders}; got {order!r}.").format(orders=list(ORDERS), order=order))

    items = {
        (b, o): gallery_items(probabilities, pets, class_names, b, only_mistakes, o) for b in ["all", *counts] for o in ORDERS
    }
    total = {b: len(items[b, "surest"]) for b in ["all", *counts]}
    every = tr("all breeds ({n} mistakes)") if only_mistakes else tr("all breeds ({n} images)")
    options = [(every.format(n=total["all"]), "all")] + [(f"{tr(b)} ({total[b]})", b) for b in counts]
    pictures = {}  # (breed, order, page) -> PNG bytes, drawn when first shown

    dropdown = widgets.Dropdown(options=options, value=breed, description=tr("breed"))
    sorting = widgets.Dropdown(
        options=[(tr(text), key) for key, text in ORDERS.items()], value=order, description=tr("order"),
        layout=widgets.Layout(width="240px")
    )
    previous = widgets.Button(description=tr("◀ previous"), layout=widgets.Layout(width="110px"))
    following = widgets.Button(description=tr("next ▶"), layout=widgets.Layout(width="110px"))
    page_label = widgets.HTML()
    image = widgets.Image(format="png")
    controls = widgets.HBox([dropdown, sorting, previous, following, page_label])
    view = WidgetView([controls, image], "tl-mistakes-gallery", "")
    state = {"breed": breed, "order": order, "page": 0}

    def pages(name):
        return max(1, int(np.ceil(total[name] / per_page)))

    def picture(name, sort, page):
        if (name, sort, page) not in pictures:
            chosen = items[name, sort][page * per_page : (page + 1) * per_page]
            if len(chosen) == 0:
                if name == "all":
                    nothing = tr("No mistakes.") if only_mistakes else tr("No images.")
                else:
                    nothing = tr("No mistakes for {breed}.") if only_mistakes else tr("No images for {breed}.")
                pictures[name, sort, page] = message_png(nothing.format(breed=tr(name)))
            else:
                pictures[name, sort, page] = gallery_page_png(probabilities, pets, class_names, chosen)
        return pictures[name, sort, page]

    def show():
        name, sort, page = state["breed"], state["order"], state["page"]
        where = tr("page {page} of {pages} — {n} mistakes") if only_mistakes else tr("page {page} of {pages} — {n} images")
        page_label.value = _html(where.format(page=page + 1, pages=pages(name), n=total[name]))
        previous.disabled = page == 0
        following.disabled = page + 1 >= pages(name)
        image.value = view.static_png = picture(name, sort, page)
        if name == "all":
            where = tr("showing all breeds, {order}, page {page} of {pages}")
        else:
            where = tr("showing breed {breed}, {order}, page {page} of {pages}")
        where = where.format(breed=tr(name), order=tr(ORDERS[sort]), page=page + 1, pages=pages(name))
        view.label = (
            tr("Mistakes gallery — {wrong} of {n} images wrong; {where}").format(wrong=total["all"], n=len(pets), where=where)
            if only_mistakes
            else tr("Gallery — {n} images; {where}").format(n=len(pets), where=where)
        )

    def pick_breed(change):
        state["breed"], state["page"] = change["new"], 0
        show()

    def pick_order(change):
        state["order"], state["page"] = change["new"], 0
        show()

    def turn(step):
        state["page"] = min(max(state["page"] + step, 0), pages(state["breed"]) - 1)
        show()

    dropdown.observe(pick_breed, names="value")
    sorting.observe(pick_order, names="value")
    previous.on_click(lambda _: turn(-1))
    following.on_click(lambda _: turn(+1))
    show()
    view.dropdown, view.order, view.previous, view.next = dropdown, sorting, previous, following
    view.image, view.page_label = image, page_label
    return view


# -- 4. upload your photo ----------------------------------------------------------------


def _probabilities(model, class_names, image: np.ndarray) -> np.ndarray:
    outputs = getattr(model, "output_shape", None)
    if outputs is not None and outputs[-1] != len(class_names):
        raise ValueError(
            tr("the model has {outputs} outputs but {n} class names {names} were given; "
               "pass the class names the model was trained with.").format(
                outputs=outputs[-1], n=len(class_names), names=tuple(class_names))
        )
    return np.asarray(model.predict_on_batch(image[None].astype("float32")))[0]


def model_image_size(model, image_size: int | None = None) -> int:
    """The picture size (pixels per side) ``model`` takes, from its input shape.

    ``image_size``, when given, must agree with it: a picture of another size
    would be predicted wrongly or not at all, so that is a ValueError that
    says so. A stand-in model without an input shape needs ``image_size``.
    Used by ``widgets``.
    """
    shape = getattr(model, "input_shape", None)
    size = shape[1] if shape is not None and len(shape) == 4 and shape[1] == shape[2] and shape[1] else None
    if size is None:
        if image_size is None:
            raise ValueError(tr("this model does not say which picture size it takes; pass image_size (pixels per side)."))
        return int(image_size)
    if image_size is not None and int(image_size) != int(size):
        raise ValueError(
            tr("the model takes pictures of {size}x{size} px but image_size={image_size!r} was given; "
               "leave image_size out (it is taken from the model) or pass the model that was trained at that size.").format(
                size=size, image_size=image_size)
        )
    return int(size)


def predict_uploaded(model, class_names, image_size: int | None, data: bytes):
    """Predict the class of a photo given as the bytes of its file.

    Returns ``(label, confidence, image, probabilities)``: the predicted class
    name, its probability (0..1), the picture the model saw, at the model's own
    size (:func:`model_image_size`; ``image_size`` may be None), and every
    class's probability. A file that is empty, not a picture or too big raises
    a ``ValueError`` that says what to do. Used by ``upload_predictor``.

    Used by ``widgets``.
    """
    image = read_image_bytes(bytes(data), model_image_size(model, image_size))
    probabilities = _probabilities(model, class_names, image)
    k = int(np.argmax(probabilities))
    return class_names[k], float(probabilities[k]), image, probabilities


def prediction_png(image: np.ndarray, probabilities, class_names) -> bytes:
    """The photo as the model sees it, next to a bar per class. Used by ``upload_predictor``."""
    fig = Figure(figsize=(6.0, 2.6))
    photo_ax, bar_ax = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.4]})
    photo_ax.imshow(image, interpolation="nearest")
    photo_ax.axis("off")
    photo_ax.set_title(tr("what the model sees"), fontsize=9)
    bar_ax.barh([tr(str(c)) for c in class_names], probabilities, color="tab:blue")
    bar_ax.set_xlim(0, 1)
    bar_ax.invert_yaxis()
    bar_ax.set_xlabel(tr("probability"))
    for y, p in enumerate(probabilities):
        bar_ax.text(min(p + 0.02, 0.8), y, f"{p:.2f}", va="center", fontsize=9)
    fig.tight_layout()
    return figure_to_png(fig)


def _upload_button_css(label: str) -> str:
    """CSS that makes the upload button read ``label``, without the file count ipywidgets adds.

    ipywidgets 8 labels the button "description (number of files)", which
    reads "(0)" again as soon as the widget has taken a photo and let it go.
    The count is hidden (font size 0) and ``label`` shown in its place.
    """
    text = label.replace("\\", "\\\\").replace('"', '\\"')
    return (
        "<style>"
        ".tl-upload-button { font-size: 0 !important; }"
        ".tl-upload-button > i { font-size: var(--jp-widgets-font-size, 13px); margin-right: 6px; }"
        f'.tl-upload-button::after {{ content: "{text}"; font-size: var(--jp-widgets-font-size, 13px); }}'
        "</style>"
    )


def upload_predictor(model, class_names=("cat", "dog"), image_size: int | None = None) -> WidgetView:
    """Upload your own photo and see what the model thinks it is.

    Any photo up to 20 MB works (``images.MAX_UPLOAD_BYTES``; the widget says
    so): it is cropped to a square and scaled to the size the model takes
    (its input shape; ``image_size`` may be left out, and if given must agree,
    see :func:`model_image_size`). While a photo is read the widget says
    "Reading ...". An empty file, a file that is not a picture or one over the
    limit gives a message in the widget instead of an error. The uploaded file
    is not kept (so it is not saved inside the notebook). A photo over 10 MB
    reaches the kernel only if JupyterLab allows such messages, as
    :mod:`helpers.lab` makes it do. Introduced in notebook 07.
    """
    class_names = tuple(class_names)
    image_size = model_image_size(model, image_size)
    limit = f"{MAX_UPLOAD_BYTES / 1e6:.0f} MB"
    label = tr("Upload a photo (up to {limit})").format(limit=limit)
    upload = widgets.FileUpload(
        accept="image/*", multiple=False, description=tr("Upload a photo"), icon="upload", tooltip=label,
        layout=widgets.Layout(width="auto"),
    )
    upload.add_class("tl-upload-button")
    style = widgets.HTML(_upload_button_css(label), layout=widgets.Layout(display="none"))
    animals = tr(" or a ").join(tr(c) for c in class_names)  # "cat or a dog"
    waiting = _html(tr("No photo yet: click the button and pick a photo of a {animals} (a file up to {limit}).").format(
        animals=animals, limit=limit))
    result = widgets.HTML(waiting)
    result.add_class("tl-upload-result")
    image = widgets.Image(format="png", layout=widgets.Layout(display="none"))
    view = WidgetView([style, upload, result, image], "tl-upload", tr("Photo upload — the model says what your photo shows"))

    def handle(file):
        name = file.get("name", tr("your file"))
        size = len(file.get("content") or b"")
        result.value = _html(tr("Reading {name} ({size:.1f} MB) and asking the model…").format(name=name, size=size / 1e6))
        try:
            _, _, picture, probabilities = predict_uploaded(model, class_names, image_size, file["content"])
        except ValueError as error:  # a file we cannot use: say why, in the widget
            result.value = _html(f"{name}: {error}", WRONG)
            image.layout.display = "none"
            return
        except Exception as error:  # anything else: still no traceback, but say what broke
            result.value = _html(tr("{name}: could not make a prediction ({kind}: {error}).").format(
                name=name, kind=type(error).__name__, error=error), WRONG)
            image.layout.display = "none"
            return
        k = int(np.argmax(probabilities))
        image.value = prediction_png(picture, probabilities, class_names)
        image.layout.display = None
        result.value = tr("{name}: the model says <b>{answer}</b> with confidence {confidence:.2f}. "
                          "Pick another photo with the button.").format(
            name=html.escape(name), answer=html.escape(tr(class_names[k])), confidence=probabilities[k])

    def on_upload(change):
        files = change["new"]
        if not files:
            return  # the reset below
        handle(files[-1])
        upload.value = ()  # forget the file: it would otherwise be saved in the notebook

    upload.observe(on_upload, names="value")
    view.upload, view.result, view.image = upload, result, image
    return view


# -- 5. live training plot ------------------------------------------------------------------


def history_png(history: dict, epochs: int | None = None, title: str | None = None) -> bytes:
    """Loss and accuracy per epoch (training, and validation if present), as PNG bytes.

    ``history`` maps a metric name to its list of values, like Keras'
    ``History.history``. ``title`` defaults to "Training". Used by ``LiveTrainingPlot``.
    """
    fig = Figure(figsize=(8.0, 2.8))
    loss_ax, acc_ax = fig.subplots(1, 2)
    for ax, metric, label in ((loss_ax, "loss", tr("loss (lower is better)")), (acc_ax, "accuracy", tr("accuracy (higher is better)"))):
        for prefix, name in (("", tr("training")), ("val_", tr("validation"))):
            values = history.get(prefix + metric)
            if values:
                ax.plot(np.arange(1, len(values) + 1), values, "o-", label=name)
        ax.set_title(label, fontsize=10)
        ax.set_xlabel(tr("epoch"))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if epochs:
            ax.set_xlim(0.5, max(epochs, 1) + 0.5)
        if any(history.get(p + metric) for p in ("", "val_")):
            ax.legend(fontsize=8, loc="best")
    acc_ax.set_ylim(0, 1.02)
    fig.suptitle(tr("Training") if title is None else title, fontsize=10)
    fig.tight_layout()
    return figure_to_png(fig)


def _live_training_plot_class():
    import keras
    from IPython.display import display

    class LiveTrainingPlot(keras.callbacks.Callback):
        """A Keras callback: one plot of loss and accuracy that updates after every epoch.

        Use it as ``model.fit(..., callbacks=[widgets.LiveTrainingPlot()])``
        or ``training.train(..., callbacks=[widgets.LiveTrainingPlot()])``.
        The plot is drawn once and then redrawn in place, so a long training
        leaves one picture (the final one), not a line per step. The values
        are in ``.history``. ``epochs`` fixes the x axis when the trainer
        does not say how many epochs it will run; ``title`` defaults to "Training". Introduced in notebook 02.
        """

        def __init__(self, title: str | None = None, epochs: int | None = None):
            super().__init__()
            self.title = title
            self.epochs = epochs
            self.history: dict[str, list[float]] = {}
            self.view = None
            self._handle = None

        def on_train_begin(self, logs=None):
            self.history = {}
            epochs = (self.params or {}).get("epochs") or self.epochs
            self.epochs = epochs
            self.status = widgets.HTML(_html(tr("waiting for the first epoch…")))
            first = history_png({}, epochs, self.title)
            self.image = widgets.Image(value=first, format="png")
            label = (tr("Live training plot — loss and accuracy over {epochs} epochs").format(epochs=epochs) if epochs
                     else tr("Live training plot — loss and accuracy"))
            self.view = WidgetView([self.status, self.image], "tl-live-training", label, first)
            self._handle = display(self.view, display_id=True)

        def on_epoch_end(self, epoch, logs=None):
            for name, value in (logs or {}).items():
                self.history.setdefault(name, []).append(float(value))
            self.image.value = self.view.static_png = history_png(self.history, self.epochs, self.title)
            shown = ", ".join(f"{k} {v[-1]:.3f}" for k, v in self.history.items() if k in ("loss", "accuracy", "val_loss", "val_accuracy"))
            line = tr("epoch {epoch} of {epochs}: {values}") if self.epochs else tr("epoch {epoch}: {values}")
            self.status.value = _html(line.format(epoch=epoch + 1, epochs=self.epochs, values=shown))

        def on_train_end(self, logs=None):
            if self._handle is not None:
                self._handle.update(self.view)  # the stored output now holds the final picture

    return LiveTrainingPlot


def __getattr__(name):
    # LiveTrainingPlot needs Keras (and so TensorFlow), which takes seconds to load.
    # It is made the first time someone asks for it, so the other widgets load fast.
    if name == "LiveTrainingPlot":
        cls = _live_training_plot_class()
        globals()[name] = cls
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
