"""Why a decision allowed or denied one category.

The numeric order of :class:`Reason` is the order in which the guard checks: when several
reasons apply to one category, the lowest non-zero value is the one reported. The vectorised
evaluation in :mod:`hogo.guard.batch` relies on that order (it takes a minimum).
"""

from __future__ import annotations

import enum


class Reason(enum.IntEnum):
    """The outcome of one category in a decision; ``ALLOWED`` is the only permissive value."""

    ALLOWED = 0
    PURPOSE_NOT_DECLARED = 1  # the purpose is not in the policy
    OUTSIDE_PURPOSE = 2  # the subject's group or the category is not covered by the purpose
    ROLE_SCOPE = 3  # the role's groups x categories x purposes do not cover it
    ERASED = 4  # the subject has been erased
    SUSPENDED = 5  # R-42, G-08: use of the subject's data is suspended (restricted)
    RETENTION_EXPIRED = 6  # every item of the category is past its retention
    GUARDIAN_CONSENT_REQUIRED = 7  # R-10, G-03: a minor; only a guardian's consent counts
    NO_CONSENT = 8  # R-03, G-02: consent is required and not (or no longer) given
    OPTED_OUT = 9  # G-10: the subject objected to an opt-out purpose

    @property
    def code(self) -> str:
        """The stable code used in API responses and audit entries, e.g. ``"no_consent"``."""
        return _CODES[self]


_CODES: tuple[str, ...] = tuple(reason.name.lower() for reason in Reason)
