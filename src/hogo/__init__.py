"""hogo: makes a privacy policy true in software.

``hogo.open(database_url, policy_path)`` gives applications the services the API exposes. It is
resolved on first use (PEP 562), so importing ``hogo`` — and starting ``hogo --help`` — loads no
database or crypto library.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["open"]


def __getattr__(name: str) -> Any:
    if name == "open":
        # Deferred on purpose: hogo.runtime pulls in SQLAlchemy, numpy and cryptography.
        from hogo.runtime import open_hogo

        return open_hogo
    raise AttributeError(f"module 'hogo' has no attribute {name!r}")
