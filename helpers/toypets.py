"""Toy pets: small drawings of cats, dogs and rabbits, made up on the spot.

Each picture is drawn from a handful of random choices (pose, size, place,
colours, background, light, noise) with Pillow's ``ImageDraw``. The same breed,
seed and index always give the same pixels, no download is needed, and a
thousand pictures take about a second.

What tells a cat from a dog here is what tells them apart in life: cats have
upright, pointed ears and a flat face; dogs have floppy ears and a snout with a
big nose. But the breeds are chosen with a catch: every cat the first model
trains on is short-haired with big pointed ears, and some dogs are fluffy,
in black, red, cream and chocolate. The **Persian**, never shown in the first
training, is a flat-faced cat with a long coat, a collar of fur and small ears,
in exactly those dog colours: every cue that separated the training cats from
the training dogs, except its face, points to "dog". Notebook 03 shows that on
purpose, and redraws the same animals one change at a time (:func:`looks`):
short fur, cat ears, cat-only colours, a cat's size, and known cats with long fur.
``make bench`` checks on seeds 0-9 that the first model then calls most
Persians dogs, and that a few Persians fix it.

Introduced in notebook 01.
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from .i18n import tr, tr_noop

GENERATOR_VERSION = "5"  # bump whenever the drawings change (cached images are then drawn again)
DEFAULT_SIZE = 40  # pixels per side of the pictures the models learn from

_SUPERSAMPLE = 2  # draw at twice the size, then shrink: smoother edges

# How strongly each look is drawn. These values were tuned so that the first model takes the
# "fluffy means dog" shortcut, yet a few Persians are enough to teach it better (see tools/bench.py).
_KNOBS = dict(
    back=0.2,  # share of pets seen from behind (no face)
    persian_ear=0.07,  # Persian ear length: small rounded ears, set wide apart, just poking out of the fur
    persian_inner_ear=1,  # 1: pink inside of the Persian's ears
    persian_face_fur=5,  # fur strands on the Persian's face (few: its flat face stays visible)
    persian_ruff=1,  # 1: a big collar of fur around the Persian's face
    persian_ruff_light=0.0,  # how much lighter the collar is than the rest of the coat
    persian_ruff_strands=20,  # locks of hair drawn on the collar
    persian_fur_len=0.065,  # length of the Persian's outer fur
    persian_cat_colours=0,  # 1: the Persian in colours no training dog wears (notebook 03)
    persian_cat_size=0,  # 1: the Persian with an ordinary cat's head and body size (notebook 03's control)
    fur_len=0.05,  # length of the other fluffy breeds' outer fur
    body_strands=40,  # fur strands drawn over a fluffy body
    face_fur=14,  # fur strands on a fluffy face
    face_fur_heavy=26,  # ... on the sheepdog's face (fur over the eyes)
    fluffy_ear_shade=0.72,  # how dark a fluffy dog's floppy ears are next to its fur (1 = same colour)
    fluffy_nose=1.0,  # nose size of fluffy dogs, relative to short-haired dogs
    fluffy_muzzle_mix=0.5,  # how light a fluffy dog's muzzle is (0 = fur colour)
)


@dataclass(frozen=True)
class Breed:
    """What a breed is: its animal (``"cat"``, ``"dog"`` or ``"rabbit"``), whether it is fluffy, and a description.

    Used by ``toypets`` and ``folder``.
    """

    animal: str
    fluffy: bool
    description: str


BREEDS: dict[str, Breed] = {
    "tabby": Breed("cat", False, "short-haired cat, grey or ginger with dark stripes"),
    "siamese": Breed("cat", False, "short-haired cream cat with a dark face, ears, paws and tail"),
    "tuxedo": Breed("cat", False, "short-haired black cat with a white chest and white paws"),
    "russian_blue": Breed("cat", False, "short-haired cat, plain blue-grey"),
    "beagle": Breed("dog", False, "short-haired dog, white, tan and black, long floppy ears"),
    "labrador": Breed("dog", False, "short-haired dog, plain yellow, black or chocolate"),
    "sheepdog": Breed("dog", True, "big fluffy dog, grey and white, fur over the eyes"),
    "golden_retriever": Breed("dog", True, "fluffy dog with long golden, cream or red fur"),
    "newfoundland": Breed("dog", True, "big fluffy dog, black or brown"),
    "persian": Breed("cat", True, "fluffy cat with a flat round face, big round eyes and small ears; black, red, cream or chocolate"),
    "dutch": Breed("rabbit", False, "rabbit with a white band, long upright ears"),
    "himalayan": Breed("rabbit", False, "white rabbit with dark ears, nose and feet, long upright ears"),
}

# The animals' and breeds' names as charts, tables and widgets show them (``tr(name)``); the data keep the English names.
SHOWN_NAMES = (
    tr_noop("cat"), tr_noop("dog"), tr_noop("rabbit"),
    tr_noop("tabby"), tr_noop("siamese"), tr_noop("tuxedo"), tr_noop("russian_blue"),
    tr_noop("beagle"), tr_noop("labrador"), tr_noop("sheepdog"), tr_noop("golden_retriever"), tr_noop("newfoundland"),
    tr_noop("persian"), tr_noop("dutch"), tr_noop("himalayan"),
)

PERSIAN = "persian"
TRAIN_BREEDS = [b for b, info in BREEDS.items() if info.animal in ("cat", "dog") and b != PERSIAN]
RABBIT_BREEDS = [b for b, info in BREEDS.items() if info.animal == "rabbit"]

# ---------------------------------------------------------------------------------------------
# How each breed looks. Colours are RGB; several colours mean "one of these, picked at random".
# Cats and dogs share their fur colours on purpose: colour alone never tells the animal.
# ---------------------------------------------------------------------------------------------

_LOOKS = {
    "tabby": dict(fur=[(150, 150, 150), (210, 130, 60), (170, 140, 110)], pattern="stripes", eyes=[(120, 170, 60), (200, 170, 40)]),
    "siamese": dict(fur=[(235, 220, 190), (225, 210, 180)], pattern="points", points=(75, 50, 40), eyes=[(90, 150, 230)]),
    "tuxedo": dict(fur=[(30, 30, 32)], pattern="bib", bib=(240, 240, 235), eyes=[(120, 170, 60), (200, 170, 40)]),
    "russian_blue": dict(fur=[(125, 135, 150), (110, 118, 132)], pattern="plain", eyes=[(110, 180, 80)]),
    "beagle": dict(fur=[(250, 248, 240)], pattern="saddle", saddle=[(35, 30, 28)], patches=[(190, 120, 60)], eyes=[(110, 70, 35), (200, 150, 60)]),
    "labrador": dict(fur=[(225, 185, 110), (35, 32, 30), (110, 70, 45)], pattern="plain", eyes=[(110, 70, 35), (200, 170, 40), (120, 170, 60)]),
    "sheepdog": dict(fur=[(150, 152, 160), (175, 175, 182), (120, 122, 130)], pattern="sheepdog", patches=[(110, 112, 122), (238, 238, 232)], eyes=[(90, 150, 230), (110, 70, 35)]),
    "golden_retriever": dict(fur=[(215, 160, 80), (235, 205, 150), (210, 130, 60), (240, 230, 210)], pattern="plain", eyes=[(110, 70, 35), (210, 120, 40), (200, 170, 40)]),
    "newfoundland": dict(fur=[(40, 38, 38), (90, 60, 40), (45, 42, 42)], pattern="plain", eyes=[(110, 70, 35), (200, 170, 40)]),
    # black, red, cream and chocolate: real Persian colours, and all of them also the colours of our dogs
    # (notebook 03 also draws them in _CAT_ONLY_COLOURS, to see how much the colours matter)
    "persian": dict(fur=[(40, 38, 38), (210, 130, 60), (235, 205, 150), (90, 60, 40)], pattern="plain", eyes=[(210, 120, 40), (90, 150, 230), (110, 180, 80)]),
    "dutch": dict(fur=[(40, 38, 38), (120, 80, 50), (140, 140, 145)], pattern="band", bib=(245, 245, 240), eyes=[(40, 25, 20)]),
    "himalayan": dict(fur=[(245, 245, 240)], pattern="points", points=(60, 55, 55), eyes=[(200, 60, 70)]),
}

# Blue-grey and brown-grey coats, like the short-haired training cats' and worn by no training dog: one for each Persian colour.
_CAT_ONLY_COLOURS = [(125, 135, 150), (170, 140, 110), (110, 118, 132), (150, 140, 125)]

_BACKGROUNDS = [(200, 190, 170), (170, 200, 160), (160, 180, 210), (210, 200, 200), (140, 150, 120), (230, 220, 200), (120, 130, 150), (190, 170, 140)]


def _check_breed(breed: str) -> str:
    if breed not in BREEDS:
        raise ValueError(tr("unknown breed {breed!r}; choose one of {breeds} (names are lower case).").format(
            breed=breed, breeds=sorted(BREEDS)))
    return breed


def _check_size(size) -> int:
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or not 16 <= size <= 512:
        raise ValueError(tr("size must be a whole number of pixels from 16 to 512; got {size!r}.").format(size=size))
    return int(size)


def _rng(seed):
    """``np.random.default_rng(seed)``: the very same generator (numpy documents it as ``Generator(PCG64(seed))``), made quicker."""
    return np.random.Generator(np.random.PCG64(seed))


def _uniform(rng, low, high, size=None):
    """``rng.uniform(low, high, size)``: the very same numbers, from the same draws of ``rng``, only quicker.

    numpy's ``uniform`` works out ``low + (high - low) * rng.random()`` (its documentation
    says so), after checks of its arguments that take most of its time; a pet needs dozens.
    """
    return low + (high - low) * rng.random(size)


# -- small geometry helpers ------------------------------------------------------------------

_CIRCLES: dict = {}  # n -> (cos, sin) of n angles around the circle, worked out once for each n


def _unit_circle(n):
    """Cosines and sines of ``n`` evenly spaced angles (``n`` points around a circle of radius 1)."""
    if n not in _CIRCLES:
        t = np.linspace(0, 2 * np.pi, n, endpoint=False)
        _CIRCLES[n] = (np.cos(t), np.sin(t))
    return _CIRCLES[n]


def _ellipse(cx, cy, rx, ry, angle=0.0, n=20):
    """Points around an ellipse (rotated by ``angle`` radians), as an (n, 2) array."""
    cos_t, sin_t = _unit_circle(n)
    x, y = rx * cos_t, ry * sin_t
    points = np.empty((n, 2))
    if angle:
        c, s = math.cos(angle), math.sin(angle)
        points[:, 0] = cx + c * x - s * y
        points[:, 1] = cy + s * x + c * y
    else:  # not rotated: the same numbers as above with c = 1 and s = 0, without the work
        points[:, 0] = cx + x
        points[:, 1] = cy + y
    return points


def _fluff(points, center, length, rng):
    """Turn a smooth outline into a furry one: every other point becomes a lock of hair sticking out."""
    following = np.concatenate((points[1:], points[:1]))  # the next point around the outline (np.roll, quicker)
    mid = (points + following) / 2  # a point between each pair
    out = mid - center
    out /= np.sqrt(np.add.reduce(out * out, axis=1, keepdims=True)) + 1e-9  # length 1 (what np.linalg.norm does, quicker)
    along = following - points
    n = len(points)
    tips = mid + out * (length * _uniform(rng, 0.5, 1.3, size=(n, 1))) + along * _uniform(rng, -0.6, 0.6, size=(n, 1))
    result = np.empty((2 * n, 2))
    result[::2] = points - (points - center) * 0.04
    result[1::2] = tips
    return result


def _poly(draw, points, fill):
    draw.polygon(np.asarray(points).ravel().tolist(), fill=fill)


def _shade(colour, factor):
    return tuple(int(max(0, min(255, c * factor))) for c in colour)


def _mix(a, b, t):
    return tuple(int(a[i] * (1 - t) + b[i] * t) for i in range(3))


# -- the drawing ---------------------------------------------------------------------------------

def draw_pet(breed: str, rng: np.random.Generator, size: int = DEFAULT_SIZE, fluffy: bool | None = None) -> np.ndarray:
    """Draw one pet of ``breed`` as a ``(size, size, 3)`` uint8 RGB array.

    All random choices come from ``rng`` (a ``numpy.random.Generator``).
    ``fluffy`` overrides the breed's coat: ``draw_pet("tabby", rng, fluffy=True)``
    draws the very same tabby with long fur (notebook 03 uses it).
    Used by ``draw_many``.
    """
    _check_breed(breed)
    size = _check_size(size)
    info, look = BREEDS[breed], _LOOKS[breed]
    fluffy = info.fluffy if fluffy is None else bool(fluffy)

    # Every random choice about the scene is made here, in a fixed order, so the
    # same rng gives the same animal at any size and with or without fur.
    p = {
        "back": rng.random() < _KNOBS["back"],  # seen from behind: no face, only ears, tail and coat
        "scale": _uniform(rng, 0.62, 0.9),
        "cx": _uniform(rng, -0.1, 0.1),
        "cy": _uniform(rng, -0.06, 0.06),
        "flip": 1 if rng.random() < 0.5 else -1,
        "turn": _uniform(rng, -1, 1),  # head turned left/right: face features shift sideways
        "tilt": _uniform(rng, -0.25, 0.25),
        "lean": _uniform(rng, -0.04, 0.04),
        "fur": look["fur"][rng.integers(len(look["fur"]))],  # (the Persian's may be swapped for a cat-only colour below)
        "fur_jitter": _uniform(rng, 0.85, 1.12),
        "eye": look["eyes"][rng.integers(len(look["eyes"]))],
        "nose": [(230, 140, 150), (40, 30, 30), (150, 90, 70)][rng.integers(3)],
        "bg": _BACKGROUNDS[rng.integers(len(_BACKGROUNDS))],
        "floor": _uniform(rng, 0.55, 0.85),
        "light_dir": _uniform(rng, 0, 2 * np.pi),
        "light": _uniform(rng, 0.0, 0.35),
        "brightness": _uniform(rng, 0.8, 1.15),
        "noise": _uniform(rng, 2, 9),
        "ear_jitter": _uniform(rng, 0.85, 1.15),
        "tail_side": _uniform(rng, 0.6, 1.0),
        "sub_seed": int(rng.integers(2**31)),
    }
    sub = _rng(p["sub_seed"])  # clutter, stripes, fur strands, noise
    clutter_rng, detail_rng, fur_rng, noise_rng = (_rng(s) for s in sub.integers(2**31, size=4))

    big = size * _SUPERSAMPLE
    img = Image.new("RGB", (big, big), p["bg"])
    draw = ImageDraw.Draw(img)
    _background(draw, big, p, clutter_rng)

    a = p["scale"] * big  # animal height in pixels
    ox, oy = big * (0.5 + p["cx"]), big * (0.52 + p["cy"])
    flip = p["flip"]

    def P(x, y):  # animal coordinates (about -0.5..0.5, y down) -> pixels
        return (ox + flip * x * a, oy + y * a)

    # pts does what P does, for many points at once: x * (flip * a) is the same number as
    # flip * x * a, because multiplying by flip (1 or -1) only ever changes the sign.
    scale, offset = np.array([flip * a, a]), np.array([ox, oy])

    def pts(arr):  # an (n, 2) array of animal coordinates -> an (n, 2) array of pixels
        return np.asarray(arr, dtype=float) * scale + offset

    def xy(points):  # a few (x, y) written out by hand -> [x0, y0, x1, y1, ...] in pixels, as Pillow takes them
        return [c for x, y in points for c in P(x, y)]  # (plain Python: quicker than numpy for 2 or 3 points)

    if breed == "persian" and _KNOBS["persian_cat_colours"]:
        p["fur"] = _CAT_ONLY_COLOURS[look["fur"].index(p["fur"])]
    fur = _shade(p["fur"], p["fur_jitter"])
    dark, light = _shade(fur, 0.72), _mix(fur, (255, 255, 255), 0.35)
    animal = info.animal
    persian = breed == "persian"
    fur_len = _KNOBS["persian_fur_len"] if persian else _KNOBS["fur_len"]

    # body and head geometry (animal units)
    if animal == "rabbit":
        head = (p["lean"], -0.1, 0.15, 0.13)
        body = (0.0, 0.2, 0.25, 0.24)
    elif persian and not _KNOBS["persian_cat_size"]:
        head = (p["lean"], -0.2, 0.2, 0.18)
        body = (0.0, 0.2, 0.27, 0.27)
    else:
        head = (p["lean"], -0.2, 0.17, 0.16)
        body = (0.0, 0.2, 0.24, 0.27)
    hx, hy, hrx, hry = head
    tilt = p["tilt"]

    def blob(cx, cy, rx, ry, colour, angle=0.0, n=22, furry=fluffy, strands=0):
        if furry:
            n = int(n * 1.6)
        outline = pts(_ellipse(cx, cy, rx, ry, angle, n))
        if furry:
            outline = _fluff(outline, np.array(P(cx, cy)), fur_len * a, fur_rng)
        _poly(draw, outline, colour)
        if furry and strands:  # locks of hair inside the coat
            _strands(draw, pts, (cx, cy, rx * 0.85, ry * 0.85), a, fur_rng, colour, strands)

    # tail (behind the body in front view)
    side = p["tail_side"]
    if animal == "cat":
        tail = [(0.2 * side, 0.42), (0.34, 0.35), (0.4, 0.15), (0.36, -0.02)]
        width = 0.05 if not fluffy else 0.1
    elif animal == "dog":
        tail = [(0.2 * side, 0.4), (0.33, 0.3), (0.38, 0.18)]
        width = 0.06 if not fluffy else 0.11
    else:
        tail = None
    tail_colour = look.get("points", fur) if look["pattern"] == "points" else fur
    if tail is not None and not p["back"]:
        _tail(draw, pts(tail), width * a, tail_colour, fluffy, fur_rng)

    # body
    blob(*body, fur, strands=_KNOBS["body_strands"])
    _body_pattern(draw, look, p, pts, xy, body, a, detail_rng, fur, dark, light)
    # paws (front view) / haunches (back view)
    paw_colour = look.get("points") if look["pattern"] == "points" else (look.get("bib", fur) if look["pattern"] in ("bib",) else fur)
    if animal == "rabbit":
        paw_colour = look.get("points", fur)
    if not p["back"]:
        for sx in (-1, 1):
            blob(sx * 0.1, 0.45, 0.06, 0.04, paw_colour, n=12, furry=False)
    if tail is not None and p["back"]:
        _tail(draw, pts(tail), width * a, tail_colour, fluffy, fur_rng)
    if animal == "rabbit" and p["back"]:
        blob(0.0, 0.42, 0.06, 0.05, (245, 245, 240), n=12, furry=True)

    # a Persian's collar of long fur frames its face (below and beside the head, not above it)
    if persian and fluffy and _KNOBS["persian_ruff"]:
        blob(hx, hy + 0.08, hrx * 1.3, hry * 0.95, _mix(fur, (255, 255, 255), _KNOBS["persian_ruff_light"]), n=26,
             strands=_KNOBS["persian_ruff_strands"])

    # ears behind the head: cats and rabbits
    ear_colour = look.get("points", fur) if look["pattern"] == "points" else fur
    if animal == "cat":
        if persian:  # small ears, set wide apart
            size_e, spread, width_e = _KNOBS["persian_ear"], 0.8, 0.3
        else:
            size_e, spread, width_e = 0.17, 0.7, 0.3
        size_e *= p["ear_jitter"]
        for sx in (-1, 1):
            ang = sx * spread + tilt
            base1 = (hx + hrx * math.sin(ang - width_e), hy - hry * math.cos(ang - width_e))
            base2 = (hx + hrx * math.sin(ang + width_e), hy - hry * math.cos(ang + width_e))
            tip = (hx + (hrx + size_e) * math.sin(ang), hy - (hry + size_e) * math.cos(ang))
            draw.polygon(xy([base1, tip, base2]), fill=ear_colour)
            if not p["back"] and not (persian and not _KNOBS["persian_inner_ear"]):
                inner = [(0.55 * base1[0] + 0.45 * tip[0], 0.55 * base1[1] + 0.45 * tip[1] + 0.02),
                         (0.2 * base1[0] + 0.2 * base2[0] + 0.6 * tip[0], 0.2 * base1[1] + 0.2 * base2[1] + 0.6 * tip[1]),
                         (0.55 * base2[0] + 0.45 * tip[0], 0.55 * base2[1] + 0.45 * tip[1] + 0.02)]
                draw.polygon(xy(inner), fill=(225, 160, 160))
    elif animal == "rabbit":
        length = 0.3 * p["ear_jitter"]
        for sx in (-1, 1):
            ang = sx * 0.2 + tilt
            ex, ey = hx + sx * 0.06 + math.sin(ang) * length * 0.8, hy - hry - math.cos(ang) * length * 0.75
            _poly(draw, pts(_ellipse(ex, ey, 0.045, length * 0.6, ang, 16)), ear_colour)
            if not p["back"]:
                _poly(draw, pts(_ellipse(ex, ey + 0.01, 0.022, length * 0.48, ang, 12)), (225, 160, 160))

    # head
    head_colour = look["patches"][1] if look["pattern"] == "sheepdog" else fur
    # a Persian's face is a flat, round disc inside its collar of fur
    blob(hx, hy, hrx, hry, head_colour, angle=tilt * 0.5, furry=fluffy and not (persian and _KNOBS["persian_ruff"]))
    if not p["back"]:
        _face(draw, breed, look, p, pts, xy, head, a, detail_rng, fur, dark, light, fluffy)
        if fluffy:
            if breed == "sheepdog":
                strands = _KNOBS["face_fur_heavy"]
            else:
                strands = _KNOBS["persian_face_fur"] if persian else _KNOBS["face_fur"]
            _face_fur(draw, pts, head, a, fur_rng, fur, strands)
    else:
        if look["pattern"] == "stripes":
            for k in range(3):
                y = hy - hry * 0.5 + k * 0.05
                draw.line(xy([(hx - 0.06, y), (hx, y + 0.02), (hx + 0.06, y)]), fill=dark, width=max(1, int(0.02 * a)))
        if fluffy:
            _face_fur(draw, pts, head, a, fur_rng, fur, _KNOBS["face_fur_heavy"])

    # floppy ears hang over the side of the head: dogs
    if animal == "dog":
        if look["pattern"] == "saddle":
            ear_c = (150, 90, 45)
        elif look["pattern"] == "sheepdog":
            ear_c = look["patches"][0]
        else:
            ear_c = _shade(fur, _KNOBS["fluffy_ear_shade"] if fluffy else 0.72)
        length = 0.2 * p["ear_jitter"] + (0.04 if breed == "beagle" else 0.0) + (0.03 if fluffy else 0.0)
        for sx in (-1, 1):
            ang = sx * (0.85 + 0.15 * sx * tilt)
            top = (hx + hrx * math.sin(ang) * 0.95, hy - hry * math.cos(ang) * 0.95)
            ex, ey = top[0] + sx * 0.045, top[1] + length * 0.5
            blob(ex, ey, 0.06, length * 0.55, ear_c, angle=-sx * 0.25 + tilt * 0.3, n=16)

    arr = np.asarray(img.resize((size, size), Image.BOX), dtype=np.float32)
    return _light_and_noise(arr, p, noise_rng)


def _background(draw, big, p, rng):
    floor_y = p["floor"] * big
    floor_colour = _shade(p["bg"], _uniform(rng, 0.65, 0.9))
    draw.rectangle([0, floor_y, big, big], fill=floor_colour)
    for _ in range(rng.integers(2, 6)):  # clutter: boxes, balls, sticks, rugs
        colour = tuple(int(c) for c in rng.integers(40, 230, size=3))
        x, y = _uniform(rng, -0.1, 1.0) * big, _uniform(rng, -0.1, 1.0) * big
        w, h = _uniform(rng, 0.05, 0.35) * big, _uniform(rng, 0.05, 0.35) * big
        kind = rng.integers(4)
        if kind == 0:
            draw.rectangle([x, y, x + w, y + h], fill=colour)
        elif kind == 1:
            draw.ellipse([x, y, x + w * 0.6, y + w * 0.6], fill=colour)
        elif kind == 2:
            draw.line([x, y, x + w, y + h], fill=colour, width=max(1, int(big * 0.02)))
        else:
            draw.rectangle([x, y, x + w * 1.5, y + h * 0.3], fill=colour)


def _tail(draw, points, width, colour, fluffy, rng):
    flat = points.ravel().tolist()
    draw.line(flat, fill=colour, width=max(1, int(width)), joint="curve")
    end = points[-1]
    r = width / 2
    draw.ellipse([end[0] - r, end[1] - r, end[0] + r, end[1] + r], fill=colour)
    if fluffy:  # a bushy tail: tufts of hair along it
        for k in range(len(points) - 1):
            for t in (0.25, 0.75):
                c = points[k] * (1 - t) + points[k + 1] * t
                outline = _fluff(_ellipse(c[0], c[1], width * 0.6, width * 0.6, 0, 8), c, width * 0.45, rng)
                _poly(draw, outline, colour)


def _body_pattern(draw, look, p, pts, xy, body, a, rng, fur, dark, light):
    bx, by, brx, bry = body
    pattern = look["pattern"]
    lw = max(1, int(0.025 * a))
    if pattern == "stripes":
        for k in range(5):
            y = by - bry * 0.6 + k * bry * 0.3
            w = brx * math.sqrt(max(0.05, 1 - ((y - by) / bry) ** 2)) * 0.9
            draw.line(xy([(bx - w, y), (bx - w * 0.4, y + 0.03), (bx, y + 0.01)]), fill=dark, width=lw)
            draw.line(xy([(bx + w, y), (bx + w * 0.4, y + 0.03), (bx, y + 0.01)]), fill=dark, width=lw)
    elif pattern == "bib" and not p["back"]:
        _poly(draw, pts(_ellipse(bx, by - bry * 0.25, brx * 0.4, bry * 0.55, 0, 14)), look["bib"])
    elif pattern == "band":
        _poly(draw, pts(_ellipse(bx, by - bry * 0.55, brx * 0.85, bry * 0.3, 0, 16)), look["bib"])
    elif pattern == "saddle":
        _poly(draw, pts(_ellipse(bx + 0.02, by - bry * 0.1, brx * (0.9 if p["back"] else 0.6), bry * 0.55, 0.3, 14)), look["saddle"][0])
        if not p["back"]:
            _poly(draw, pts(_ellipse(bx, by - bry * 0.1, brx * 0.35, bry * 0.6, 0, 14)), fur)
    elif pattern == "sheepdog" and not p["back"]:  # grey back and sides, white chest and front legs
        _poly(draw, pts(_fluff(_ellipse(bx, by - bry * 0.05, brx * 0.5, bry * 0.85, 0, 18), np.array([bx, by]), 0.04, rng)), look["patches"][1])


def _face(draw, breed, look, p, pts, xy, head, a, rng, fur, dark, light, fluffy):
    hx, hy, hrx, hry = head
    animal = BREEDS[breed].animal
    persian = breed == "persian"
    fx = hx + p["turn"] * hrx * 0.3  # the face moves to the side when the head turns
    lw = max(1, int(0.018 * a))
    pattern = look["pattern"]
    if pattern == "points":
        _poly(draw, pts(_ellipse(fx, hy + hry * 0.25, hrx * 0.55, hry * 0.6, 0, 14)), look["points"])
    elif pattern == "bib":
        _poly(draw, pts(_ellipse(fx, hy + hry * 0.5, hrx * 0.45, hry * 0.4, 0, 12)), look["bib"])
    elif pattern == "stripes":
        for k in range(3):
            y = hy - hry * 0.75 + k * 0.035
            draw.line(xy([(fx - 0.04, y), (fx, y + 0.015), (fx + 0.04, y)]), fill=dark, width=lw)
    elif pattern == "saddle":
        _poly(draw, pts(_ellipse(fx, hy - hry * 0.1, hrx * 0.85, hry * 0.7, 0, 14)), look["patches"][0])
        _poly(draw, pts(_ellipse(fx, hy + 0.03, hrx * 0.18, hry * 1.0, 0, 12)), (250, 248, 240))
    elif pattern == "band":
        _poly(draw, pts(_ellipse(fx, hy + hry * 0.2, hrx * 0.25, hry * 0.7, 0, 12)), look["bib"])

    eye = p["eye"]
    if animal == "dog":
        ey, sep, er = hy - 0.03, 0.075, 0.028
        for sx in (-1, 1):
            _poly(draw, pts(_ellipse(fx + sx * sep, ey, er, er, 0, 10)), eye)
            _poly(draw, pts(_ellipse(fx + sx * sep, ey, er * 0.6, er * 0.6, 0, 8)), (15, 12, 12))
            _poly(draw, pts(_ellipse(fx + sx * sep - 0.008, ey - 0.008, er * 0.3, er * 0.3, 0, 6)), (240, 240, 240))
        # the snout: a light muzzle pushed forward, with a big dark nose on top
        mz = (fx + p["turn"] * 0.05, hy + hry * 0.55)
        _poly(draw, pts(_ellipse(mz[0], mz[1], hrx * 0.55, hry * 0.42, 0, 16)), _mix(fur, (240, 230, 215), _KNOBS["fluffy_muzzle_mix"] if fluffy else 0.5))
        nk = _KNOBS["fluffy_nose"] if fluffy else 1.0
        _poly(draw, pts(_ellipse(mz[0], mz[1] - hry * 0.18, 0.045 * nk, 0.032 * nk, 0, 12)), (20, 18, 18))
        draw.line(xy([(mz[0], mz[1] - hry * 0.1), (mz[0], mz[1] + hry * 0.2)]), fill=(40, 30, 30), width=lw)
        if rng.random() < 0.4:  # tongue
            _poly(draw, pts(_ellipse(mz[0], mz[1] + hry * 0.38, 0.03, 0.04, 0, 10)), (225, 100, 120))
    elif animal == "cat":
        if persian:  # big round eyes, a tiny nose high up between them: a flat face
            ey, sep, erx, ery, pupil = hy + 0.0, 0.085, 0.04, 0.04, (0.022, 0.022)
        else:  # almond eyes with slit pupils
            ey, sep, erx, ery, pupil = hy - 0.03, 0.075, 0.038, 0.026, (0.012, 0.023)
        for sx in (-1, 1):
            _poly(draw, pts(_ellipse(fx + sx * sep, ey, erx, ery, 0 if persian else sx * 0.2, 12)), eye)
            _poly(draw, pts(_ellipse(fx + sx * sep, ey, pupil[0], pupil[1], 0, 8)), (15, 12, 12))
        ny = hy + (0.05 if persian else 0.06)
        nose_w = 0.016 if persian else 0.025
        draw.polygon(xy([(fx - nose_w, ny - 0.012), (fx + nose_w, ny - 0.012), (fx, ny + 0.012)]), fill=p["nose"])
        draw.line(xy([(fx - 0.03, ny + 0.035), (fx, ny + 0.018), (fx + 0.03, ny + 0.035)]), fill=(60, 40, 40), width=lw)
        if not persian:  # a Persian's whiskers are lost in its fur
            wc = (230, 230, 230) if sum(fur) < 400 else (60, 55, 55)
            for sx in (-1, 1):
                for dy in (-0.015, 0.01):
                    draw.line(xy([(fx + sx * 0.05, ny + 0.01), (fx + sx * 0.17, ny + dy)]), fill=wc, width=max(1, lw // 2))
    else:  # rabbit
        ey, sep, er = hy - 0.01, 0.07, 0.025
        for sx in (-1, 1):
            _poly(draw, pts(_ellipse(fx + sx * sep, ey, er, er, 0, 10)), eye)
        ny = hy + 0.06
        _poly(draw, pts(_ellipse(fx, ny, 0.02, 0.014, 0, 8)), (220, 130, 150))
        draw.line(xy([(fx, ny), (fx, ny + 0.03)]), fill=(60, 40, 40), width=lw)
        for sx in (-1, 1):
            draw.line(xy([(fx + sx * 0.03, ny + 0.01), (fx + sx * 0.14, ny - 0.01)]), fill=(90, 80, 80), width=max(1, lw // 2))


def _strands(draw, pts, region, a, rng, colour, n, top=1.0, bottom=1.0):
    """``n`` short locks of hair (lighter and darker than ``colour``) inside an elliptic region."""
    cx, cy, rx, ry = region
    t = _uniform(rng, 0, 2 * np.pi, size=n)
    r = np.sqrt(_uniform(rng, 0, 1, size=n))
    x0 = cx + rx * r * np.cos(t)
    y0 = cy + ry * r * np.sin(t)
    y0 = np.clip(y0, cy - ry * top, cy + ry * bottom)
    x1 = x0 + rng.normal(0, 0.02, size=n) + (x0 - cx) * 0.25
    y1 = y0 + _uniform(rng, 0.03, 0.08, size=n)
    # one row [x0, y0, x1, y1] of pixels per strand, turned into Python numbers at once (quicker than one by one)
    lines = pts(np.stack([x0, y0, x1, y1], 1).reshape(2 * n, 2)).reshape(n, 4).tolist()
    width = max(1, int(0.018 * a))
    colours = (_shade(colour, 0.75), _mix(colour, (255, 255, 255), 0.4), _shade(colour, 0.88))
    for k, line in enumerate(lines):
        draw.line(line, fill=colours[k % 3], width=width)


def _face_fur(draw, pts, head, a, rng, fur, n):
    """``n`` long strands of hair drawn over the face of a fluffy animal."""
    hx, hy, hrx, hry = head
    _strands(draw, pts, (hx, hy - hry * 0.2, hrx * 0.95, hry * 0.8), a, rng, fur, n, bottom=0.6)


_RAMPS: dict = {}  # size -> numbers from -1 to 1 across the picture (float32), worked out once for each size


def _light_and_noise(arr, p, rng):
    size = arr.shape[0]
    if size not in _RAMPS:
        _RAMPS[size] = np.linspace(-1, 1, size, dtype=np.float32)
    ramp = _RAMPS[size]
    light = 1.0 + p["light"] * (math.cos(p["light_dir"]) * ramp[None, :] + math.sin(p["light_dir"]) * ramp[:, None])
    arr = arr * (light[:, :, None] * p["brightness"])
    arr += (rng.standard_normal(arr.shape) * p["noise"]).astype(np.float32)  # rng.normal(0, noise): the same numbers
    return arr.clip(0, 255).astype(np.uint8)  # (the array's own clip: the same as np.clip, with less to do first)


def breed_index(breed: str) -> int:
    """The position of ``breed`` in :data:`BREEDS` (part of each picture's random seed). Used by ``toypets``."""
    return list(BREEDS).index(_check_breed(breed))


@contextmanager
def looks(**changes):
    """Temporarily draw with other looks, e.g. ``with looks(persian_ear=0.17): ...`` (Persians with ordinary cat ears).

    The names are those of ``_KNOBS``; everything is back as before after the
    ``with`` block. Used by notebook 03's experiment.
    """
    unknown = sorted(set(changes) - set(_KNOBS))
    if unknown:
        raise ValueError(tr("unknown look(s) {unknown}; the looks that can be changed are {looks}.").format(
            unknown=unknown, looks=sorted(_KNOBS)))
    saved = dict(_KNOBS)
    _KNOBS.update(changes)
    try:
        yield
    finally:
        _KNOBS.clear()
        _KNOBS.update(saved)


def draw_many(breed: str, n: int, seed: int = 0, size: int = DEFAULT_SIZE, fluffy: bool | None = None) -> np.ndarray:
    """Draw ``n`` pets of one breed as an ``(n, size, size, 3)`` uint8 array.

    Picture ``i`` depends only on ``(breed, seed, i)`` and ``size``, so asking
    for more pictures never changes the first ones. ``fluffy`` as in
    :func:`draw_pet`. Used by ``data`` (the toy pets of every notebook), ``recipes`` and ``tools/contact_sheet.py``.
    """
    _check_breed(breed)
    size = _check_size(size)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError(tr("n must be a whole number of pictures, 0 or more; got {n!r}.").format(n=n))
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(tr("seed must be a whole number, 0 or more; got {seed!r}.").format(seed=seed))
    out = np.empty((int(n), size, size, 3), dtype=np.uint8)
    k = breed_index(breed)
    for i in range(int(n)):
        out[i] = draw_pet(breed, _rng([int(seed), k, i]), size, fluffy=fluffy)
    return out
