"""hogo: makes a privacy policy true in software.

Applications use :func:`hogo.open` (in :mod:`hogo.app`) to get the same services the API
exposes. This module imports nothing heavy, so ``hogo --help`` starts fast.
"""

from __future__ import annotations

__version__ = "0.1.0"
