"""The one error of the de-identification engine."""

from __future__ import annotations

from hogo.errors import ValidationFailed


class DeidError(ValidationFailed):
    """Input the engine cannot anonymise: a bad hierarchy, a missing column, an unmet model."""

    code = "deid_invalid"
    title = "Cannot de-identify"
