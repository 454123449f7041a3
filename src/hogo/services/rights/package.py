"""A disclosure as the person receives it (R-39, G-06, G-09).

Electronic: a zip holding ``data.json`` (everything, machine-readable), one CSV per table and
``index.html``, a page that reads on its own, in Japanese or English. Paper: the same page,
laid out for printing (the person prints it, or the office prints and posts it).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import zipfile
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from jinja2 import Environment, PackageLoader, select_autoescape

from hogo.services.rights.disclosure import DisclosedItem, Disclosure

Lang = Literal["ja", "en"]
LANGS: tuple[Lang, ...] = ("ja", "en")
_ENV = Environment(
    loader=PackageLoader("hogo.services.rights", "templates"),
    autoescape=select_autoescape(("html",)),
    trim_blocks=True,
    lstrip_blocks=True,
)
_FIXED_TIME = (2020, 1, 1, 0, 0, 0)  # zip entry times: the same package bytes for the same data


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    raise TypeError(f"cannot put {type(value).__name__} in a disclosure")


_ITEM_FIELDS = tuple(field.name for field in dataclasses.fields(DisclosedItem))
_FIELDS = tuple(field.name for field in dataclasses.fields(Disclosure))


def _item_rows(disclosure: Disclosure) -> list[dict[str, Any]]:
    return [{name: getattr(item, name) for name in _ITEM_FIELDS} for item in disclosure.items]


def as_json(disclosure: Disclosure) -> str:
    """Everything, machine-readable (shallow copies: the sections are plain data already)."""
    body = {name: getattr(disclosure, name) for name in _FIELDS}
    body["items"] = _item_rows(disclosure)
    # Compact: the C encoder runs only without indent; people read index.html instead.
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), default=_plain)


def _csv(rows: Iterable[Mapping[str, Any]]) -> str:
    listed = list(rows)
    out = io.StringIO()
    if listed:
        writer = csv.DictWriter(out, fieldnames=list(listed[0]), lineterminator="\r\n")
        writer.writeheader()
        for row in listed:
            writer.writerow({k: _cell(v) for k, v in row.items()})
    return out.getvalue()


def _cell(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return " ".join(map(str, value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def render_html(disclosure: Disclosure, lang: Lang, *, paper: bool = False) -> str:
    """The readable page; ``paper`` lays it out for printing."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}")
    template = _ENV.get_template("disclosure.html")
    return template.render(d=disclosure, lang=lang, paper=paper)


def render_zip(disclosure: Disclosure, lang: Lang) -> bytes:
    """The electronic package: JSON, CSV and a readable page."""
    items = _item_rows(disclosure)
    files = {
        "data.json": as_json(disclosure),
        "index.html": render_html(disclosure, lang),
        "items.csv": _csv(items),
        "consents.csv": _csv(disclosure.consents),
        "purposes.csv": _csv(disclosure.purposes),
        "recipients.csv": _csv(disclosure.recipients),
        "retention.csv": _csv(disclosure.retention),
        "reads.csv": _csv(disclosure.reads),
        "requests.csv": _csv(disclosure.requests),
        "provision_records.csv": _csv(disclosure.provision_records),
        "receipt_records.csv": _csv(disclosure.receipt_records),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as package:
        for name, text in files.items():
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            # A BOM lets spreadsheet programs read Japanese CSV as UTF-8.
            data = ("\ufeff" + text if name.endswith(".csv") else text).encode()
            # Level 1: the text still shrinks to under a third, in two thirds of the time.
            package.writestr(info, data, compresslevel=1)
    return out.getvalue()
