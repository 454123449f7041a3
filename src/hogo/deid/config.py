"""The anonymisation config (YAML): quasi-identifiers and their hierarchies, model, limit."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import polars as pl
import pydantic
import yaml
from pydantic import BaseModel, ConfigDict, Field

from hogo.deid.errors import DeidError
from hogo.deid.hierarchies import Hierarchy, birth_dates, intervals, load_arx, masking
from hogo.deid.japan import japanese_addresses
from hogo.deid.models import Distance, Diversity, PrivacyModel


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ArxFile(Strict):
    type: Literal["arx"] = "arx"
    path: str


class Intervals(Strict):
    type: Literal["intervals"]
    widths: list[Annotated[int, Field(ge=1)]] = [5, 10, 20]


class Masking(Strict):
    type: Literal["mask"]


class BirthDates(Strict):
    type: Literal["birth_date"]


class JapaneseAddresses(Strict):
    type: Literal["jp_address"]


Spec = Annotated[
    ArxFile | Intervals | Masking | BirthDates | JapaneseAddresses, Field(discriminator="type")
]


class ModelConfig(Strict):
    k: Annotated[int, Field(ge=1)]
    l: Annotated[int, Field(ge=2)] | None = None  # noqa: E741 (the model's name)
    diversity: Diversity = "distinct"
    t: Annotated[float, Field(ge=0, le=1)] | None = None
    distance: Distance = "equal"


class AnonConfig(Strict):
    """``quasi_identifiers`` maps a column to an ARX file (relative to the config) or a spec."""

    quasi_identifiers: dict[str, str | Spec]
    sensitive: list[str] = []
    insensitive: list[str] = []
    model: ModelConfig
    suppression_limit: Annotated[float, Field(ge=0, le=1)] = 0.0
    algorithm: Literal["full_domain"] = "full_domain"

    def privacy_model(self) -> PrivacyModel:
        model = self.model
        return PrivacyModel(model.k, model.l, model.diversity, model.t, model.distance)


def load_config(path: Path) -> AnonConfig:
    """Read and check a config file; errors name the file and the key."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise DeidError(f"{path}: cannot read config ({str(error).splitlines()[0]})") from error
    try:
        return AnonConfig.model_validate(raw)
    except pydantic.ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise DeidError(f"{path}: {where}: {first['msg']}") from error


def hierarchies(config: AnonConfig, base: Path, frame: pl.DataFrame) -> dict[str, Hierarchy]:
    """Each quasi-identifier's hierarchy; files are found relative to ``base``."""
    found: dict[str, Hierarchy] = {}
    for column, spec in config.quasi_identifiers.items():
        if column not in frame.columns:
            raise DeidError(f"quasi-identifier {column!r} is not a column of the data")
        chosen = ArxFile(path=spec) if isinstance(spec, str) else spec
        values = frame.get_column(column)
        if isinstance(chosen, ArxFile):
            found[column] = load_arx(base / chosen.path)
        elif isinstance(chosen, Intervals):
            found[column] = intervals(values, chosen.widths)
        elif isinstance(chosen, Masking):
            found[column] = masking(values)
        elif isinstance(chosen, JapaneseAddresses):
            found[column] = japanese_addresses(values)
        else:
            found[column] = birth_dates(values)
    return found
