"""Helpers for the "Standing on a model's shoulders" transfer-learning notebooks.

Small modules, each introduced by a notebook:

- ``setup``      — quiet, repeatable TensorFlow (every notebook's first cell)
- ``data``       — pet images with a class and a breed; caches; a photo's split (01)
- ``sources``    — where the pictures come from: toy pets, a photo folder, an Oxford tree (01, 02)
- ``toypets``    — the procedural toy-pet drawings, the built-in data (01)
- ``evaluation`` — accuracy overall, per breed, per class; confusion matrix (01, 03, 06)
- ``plots``      — the figures the lessons show (01–07)
- ``models``     — the small CNN; copying, freezing, growing it (02, 05, 06)
- ``training``   — seeded, quiet training with one line per epoch (02)
- ``recipes``    — the lessons' default experiments in one place (02–06)
- ``widgets``    — interactive views that also read well when not live (01, 03, 07)
- ``oxford``, ``folder``, ``images``, ``backbone`` — real photos and a big pretrained model (02, 07)

Import what you need, e.g. ``from helpers import data``. Nothing heavy is
imported here, so ``helpers.setup`` can configure TensorFlow before it loads.
"""

__version__ = "0.1.0"
