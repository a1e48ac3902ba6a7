"""The toy pets keep their exact pixels (helpers/toypets.py): a guard for speed-ups of the generator.

The lesson's numbers were calibrated on these very drawings (seeds 0-9), so
making the generator faster must not change a single pixel. Each case below
draws pets with ``draw_many`` (every breed, a few seeds and sizes, with and
without fur, and notebook 03's variants with other ``looks(...)``) and
compares the SHA-256 of the pixels with the digest the generator gave before
it was optimised (generator version 5).

Exact digests are fine here because numpy and Pillow are pinned in
requirements.txt; a new numpy or Pillow may in principle change a few pixels,
and then these digests (not the lesson) need recomputing. A change to the
drawings themselves must bump ``toypets.GENERATOR_VERSION`` and recompute
them too. To print the digests of the current code:

    .venv/bin/python tests/test_toypets_speed_identity.py
"""

from __future__ import annotations

import functools
import hashlib
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from helpers import recipes, toypets  # noqa: E402

SEEDS, SIZES, N = (0, 1, 7), (40, 64), 50

# One non-default value (or two) of every look, as notebook 03 and the bench change them.
KNOB_SETTINGS = [
    ("back", 0.0), ("back", 1.0),
    ("fur_len", 0.08), ("body_strands", 0), ("body_strands", 10), ("face_fur", 0), ("face_fur", 20),
    ("face_fur_heavy", 10), ("fluffy_ear_shade", 1.0), ("fluffy_nose", 1.5), ("fluffy_muzzle_mix", 0.2),
]
PERSIAN_KNOB_SETTINGS = [
    ("persian_ear", recipes.CAT_EARS["persian_ear"]), ("persian_inner_ear", 0), ("persian_face_fur", 0),
    ("persian_face_fur", 12), ("persian_ruff", 0), ("persian_ruff_light", 0.3), ("persian_ruff_strands", 0),
    ("persian_ruff_strands", 40), ("persian_fur_len", 0.05), ("persian_cat_colours", 1), ("persian_cat_size", 1),
]


VARIANTS = ["as drawn", "short fur", "cat ears", "short fur and cat ears", "cat colours", "cat-sized head and body"]


class _ToyCourse:  # what recipes.persian_variants and recipes.long_haired_cats read of a lesson.Lesson("toy")
    source, seed, new_breed, image_size = "toy", 0, toypets.PERSIAN, toypets.DEFAULT_SIZE
    cat_breeds = [b for b in toypets.TRAIN_BREEDS if toypets.BREEDS[b].animal == "cat"]


def _cases() -> dict:
    """``{name: function drawing a list of image arrays}``: what the digests are taken of."""
    cases = {}
    for breed in toypets.BREEDS:
        cases[f"breed {breed}"] = lambda breed=breed: [toypets.draw_many(breed, N, seed=s, size=z) for s in SEEDS for z in SIZES]
        cases[f"breed {breed}, other coat"] = lambda breed=breed: [
            toypets.draw_many(breed, 20, seed=s, size=z, fluffy=not toypets.BREEDS[breed].fluffy) for s in (0, 7) for z in SIZES]
    cases["odd sizes"] = lambda: [toypets.draw_many(b, 3, seed=5, size=z) for b in toypets.BREEDS for z in (16, 33, 101)]

    def with_looks(settings, breeds, n, fluffies):
        with toypets.looks(**settings):
            return [toypets.draw_many(b, n, seed=3, fluffy=f) for b in breeds for f in fluffies]

    for knob, value in KNOB_SETTINGS:
        cases[f"looks {knob}={value}"] = lambda s={knob: value}: with_looks(s, toypets.BREEDS, 6, (None, True, False))
    for knob, value in PERSIAN_KNOB_SETTINGS:
        cases[f"looks {knob}={value}"] = lambda s={knob: value}: with_looks(s, [toypets.PERSIAN], 30, (None, False))
    cases["looks back=1.0, persian_ruff=0"] = lambda: with_looks(dict(back=1.0, persian_ruff=0), [toypets.PERSIAN], 30, (None,))

    # notebook 03's experiments, drawn by the recipes themselves
    variants = functools.cache(lambda: recipes.persian_variants(_ToyCourse(), n=N))  # drawn once for all six cases
    for name in VARIANTS:
        cases[f"notebook 03: {name}"] = lambda name=name: [variants()[name].images]
    cases["notebook 03: long-haired cats"] = lambda: [p.images for p in recipes.long_haired_cats(_ToyCourse(), n=N)]
    return cases


CASES = _cases()


def digest(arrays) -> str:
    """SHA-256 of the shapes and pixels of ``arrays``, in order."""
    h = hashlib.sha256()
    for arr in arrays:
        assert arr.dtype == np.uint8
        h.update(repr(arr.shape).encode())
        h.update(np.ascontiguousarray(arr).tobytes())
    return h.hexdigest()


# Computed with generator version 5 before the speed-ups (numpy 2.4.6, Pillow 13.0.0).
GOLDEN = {
    'breed tabby': 'bb376886d623f552d1ce3d16234ec3aa2b4a1ad39ea8285b13b08a0c355e2588',
    'breed tabby, other coat': '1a4587880fcf69bc2e59c367b0afca162adf2cca62e9e0319625c05788785d51',
    'breed siamese': '92e4657c16a47ee25af955bd5742647ce3a37795a331a4986e91849b72754825',
    'breed siamese, other coat': 'ade0980255cd48c44e63dcd0fbe6fb277e74b14e435379a057a115eb1e7ee138',
    'breed tuxedo': '3302aedc6dc0ba5c9876f67f3cc11977e4c8799e934c36f56a299e6c618a8946',
    'breed tuxedo, other coat': '6cf38a104b9bd1b46446c7273e06ef909fe63fe094fa023d5e05ee46551c85a9',
    'breed russian_blue': 'd0f66b9c4ea4c0b45021ecfc7e675f58be127a905acde750cbbda4b99c0a30d7',
    'breed russian_blue, other coat': 'c3e211bc1a8c62ddef53b5d8e55b54742b1c44a4cf22b376d4b0fad16fd033b4',
    'breed beagle': 'f0147be546b8cbf3d838f699f0fa687348e49086c180debc35a8fbc5f53624f7',
    'breed beagle, other coat': 'ee1ce73b5883e956e604f64ebb1489e386fbacd086ee60b25b3644fb02a9dc41',
    'breed labrador': '51aa87692cafaf1a15c8cfd183e8ba8ebb8a4c352824e63f1cf89685e036bec8',
    'breed labrador, other coat': '750ad0d3f0fff2db2b36c2686173d5210196a015340c97fdad3437de14dc91f4',
    'breed sheepdog': '612de7a5f47770c5d9a758d1599afb5eb3d1504b45798208ad6d46c2a8fc6936',
    'breed sheepdog, other coat': 'b0a4349d4df68aa86408982a86b5fcc16a242f1cac70a2da34a221ece0bd8943',
    'breed golden_retriever': 'a097936b9feb16d6a206162e6baff61156b5f051e539617dc6abbf2a654a4dae',
    'breed golden_retriever, other coat': '4e07fb6becf7cf570e23b1a2cc7c827e6257724217918768bc81d1f0393cddb8',
    'breed newfoundland': '61127191273dfc99144d151295c076e36137d11bda11eba6f1ecbf7bed0f2a14',
    'breed newfoundland, other coat': '430dfdb8e27bc0fa4afc27cc2434cf099f8eb8650d86bbbdc3a6b8213cb7b71a',
    'breed persian': '48334b7869b0ab237160d456f40a60972d2b14611401157eec57036496a6abc2',
    'breed persian, other coat': '25590cfdca759b96c1af445ff121a1b60c5b0b103846d52789953d4fa50d86fd',
    'breed dutch': '15528f5ffea52dbac58adcbf7b87f21b1109662634632fc02e00dcda8c88d565',
    'breed dutch, other coat': 'd2b0379979ed30da322adae083777964f84e69e62ffd37baf6e8dce02318b36e',
    'breed himalayan': '2d1c9f7ac644f0c7e8e78eb94ff3dfb73ad2b3b8c5b0dbf74e98ea1b06fa3881',
    'breed himalayan, other coat': '3665e807f2997c52cd3e37c1d7cebb2d516537c63a3e71aec54f936c2fd582a4',
    'odd sizes': 'b6758b53078fe5ea3adc35f34993f6250b2644a5baea7c743a4a9a9181701ab9',
    'looks back=0.0': '5144678a405d98155cff7026eca151491cd5476fc2f354bdf682210bfe31b49c',
    'looks back=1.0': '97979f9b97bdc16e0e1db87a01d019b462c0bc1a60a3c0133ae27f9ff4ef4725',
    'looks fur_len=0.08': 'de218a8416f81f0fa19e423695c40fa481601a1eb32f3ab959a3959b7935eb21',
    'looks body_strands=0': 'b8c43cc19aaf6228ea5eccd26d6fe3fdc9b9720084f4661f078e42138c6d89aa',
    'looks body_strands=10': 'e3696cfa0d3e5d7cb248fb0f70e30de5dd59e7df2751e85ec284e6badbeb0a0a',
    'looks face_fur=0': '9591621a15f98fa9ffed2b17adb42545d340981b38c45de7a2c5b72005b4b539',
    'looks face_fur=20': 'f99cf118b3325b03ec456626314a093e8696a27346c917f26b00dd67135827b1',
    'looks face_fur_heavy=10': '3c89ce6dfdf3c57b6bfca170486cbde87e100785d0d6ae149f75b5f0e0df5ec4',
    'looks fluffy_ear_shade=1.0': '7375ba5f4807ff8e935c67ae800d055a1eefb1a8a4cb1f752ed8de5f173f8749',
    'looks fluffy_nose=1.5': '702cd413e75d1dae64bf3ed61617841ddff93074359f60f6d7e54fc4955f93f8',
    'looks fluffy_muzzle_mix=0.2': '700f2da17ac0de1373608c88619bf40706e02b7363deaf55b069ac1b8acee8eb',
    'looks persian_ear=0.17': '3d61bb7a3078a857b38e5b7acdeb58ec7a9644715aa2674a549e86f093d70d91',
    'looks persian_inner_ear=0': '6538ab2cc08c045354254f55909fe94e5a35cde02f885108c34c5bbe0974bb99',
    'looks persian_face_fur=0': '9c7e527f9f386f7c83d65db84a5ac896de0ca6edcc8e418716df4996295d80bb',
    'looks persian_face_fur=12': 'f682578ce65f7d9d5160c5dd0e61f5ce58a958f317469e059ba310e079cfc012',
    'looks persian_ruff=0': 'bfa9e2c97251e0701032d6945427078f9dac26fc7659fe2a2d6bb5dfacdade01',
    'looks persian_ruff_light=0.3': 'd2ec478091c67bf41541ffacce78216e1b343b94942ce8e9ad550e8d3ffee53f',
    'looks persian_ruff_strands=0': '1322aafd61ceb335abfed08cb22b8937e5ffeef6981f8944a72d2faeb979f5cc',
    'looks persian_ruff_strands=40': 'a135790fce50353356342c280a591f84bacf78a6ea2c82d10f778f378fd18c4e',
    'looks persian_fur_len=0.05': 'fe1fad36b5147bc37fc9689a9b9016fc8d4d5b18d853d0424c48aeb5ffb5fa31',
    'looks persian_cat_colours=1': '222e58d6418bb44b6bddc489bae90c1b88efec01fb57e6196cfedd5a8535a036',
    'looks persian_cat_size=1': 'e66815bd909bff00df0e8962573105e24711369a54670f1711b13974f8bd56d7',
    'looks back=1.0, persian_ruff=0': '391fb986b5529d13b2b4d6468ba900630cc1307259413f2e7077c41060fd2472',
    'notebook 03: as drawn': '126ac44cf7686f1013ad472d6d27fb4143c2a8c028c27b955526ce3cfe1eda8c',
    'notebook 03: short fur': 'be825bcd66606ba4edcb7b6f019952220e9c2e13de96ebb340e45433c5e582a0',
    'notebook 03: cat ears': '6d1ccdd27f8d730fac61fb6b115651dfab727a841d15b0253e4f70319f6d095d',
    'notebook 03: short fur and cat ears': 'e67bfd3e4109cb056bcd5ff7152ffe4db929ce8ea2a5a23013dd4f2d3ea44b75',
    'notebook 03: cat colours': '67e26e8759ed3d758476b4c5a31a0d4a922e864b8e6ad4c2521426cfc28d13e0',
    'notebook 03: cat-sized head and body': 'c78e424b56bbaa5de358fe60e88e737372083f86ac31b81bc06644d33900b4f8',
    'notebook 03: long-haired cats': 'ecdcb36aa6ac0637c1ba23f790e8dcdf23e2f8fa6a5dbf281e8df96a517aecea',
}


@pytest.mark.parametrize("name", list(CASES))
def test_pixels_are_unchanged(name):
    assert digest(CASES[name]()) == GOLDEN[name], (
        f"the toy pets of case {name!r} are no longer the same pixels; "
        "a speed-up must keep them identical (see this file's docstring)")


def test_every_case_has_a_digest():
    assert sorted(GOLDEN) == sorted(CASES)
    assert sorted(recipes.persian_variants(_ToyCourse(), n=1)) == sorted(VARIANTS)  # notebook 03 draws no other variant


if __name__ == "__main__":  # print the digests of the current code, ready to paste into GOLDEN
    for name, draw in CASES.items():
        print(f"    {name!r}: {digest(draw())!r},")
