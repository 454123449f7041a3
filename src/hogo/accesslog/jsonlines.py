"""JSON lines logs (one object a line, as nginx ``escape=json`` or a CDN writes them).

Each field is looked for under the names common log shippers use (``remote_addr`` or ``ip``,
``request_uri`` or ``path`` …); a ``request`` such as ``GET /a HTTP/1.1`` stands in for a
missing method and path. Times are ISO 8601 (naive ones are UTC), the combined format's
``10/Oct/2024:13:55:36 +0900``, or seconds since the epoch. The member's reference is the
top-level field named by the policy's ``member_cookie``, that key of a ``cookies`` object, or
that cookie in a ``cookie`` header text.

Decoding is one ``str.json_decode`` over the column with a fixed schema of text fields (other
keys are ignored). Should a line be malformed the decoder fails for its whole batch; the batch
is then halved until the bad lines are alone, so only they are rejected, at a cost of a few
extra passes for each bad line.
"""

from __future__ import annotations

import polars as pl
from polars.exceptions import ComputeError, PolarsError

from hogo.accesslog.combined import TIME_FORMAT, cookie_pattern
from hogo.accesslog.fields import clean

ALIASES: dict[str, tuple[str, ...]] = {
    "time": ("time", "timestamp", "@timestamp", "time_iso8601", "time_local", "ts", "date"),
    "ip": ("remote_addr", "ip", "client_ip", "remote_ip", "clientip", "client"),
    "method": ("method", "request_method", "verb"),
    "path": ("path", "uri", "request_uri", "url"),
    "request": ("request",),
    "status": ("status", "status_code", "response"),
    "bytes": ("bytes", "body_bytes_sent", "bytes_sent", "size", "response_bytes"),
    "referrer": ("referrer", "referer", "http_referer", "http_referrer"),
    "agent": ("agent", "user_agent", "http_user_agent", "useragent"),
}
COOKIE_HEADERS = ("cookie", "http_cookie")
ISO_FORMATS = ("%Y-%m-%dT%H:%M:%S%.f%#z", "%Y-%m-%d %H:%M:%S%.f%#z")
NAIVE_FORMATS = ("%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f")
REQUEST = r"^(?P<m>[A-Za-z]+) (?P<p>[^ ]+)"


def schema(member_cookie: str | None) -> pl.Struct:
    names = [name for names in ALIASES.values() for name in names] + list(COOKIE_HEADERS)
    fields: dict[str, pl.DataType] = dict.fromkeys(names, pl.String())
    if member_cookie:
        fields[member_cookie] = pl.String()
        fields["cookies"] = pl.Struct({member_cookie: pl.String()})
    return pl.Struct(fields)


def decode(lines: pl.DataFrame, dtype: pl.Struct) -> tuple[pl.DataFrame, list[int]]:
    """The decoded objects (``number`` plus the schema's fields) and the numbers of bad lines."""
    objects = lines.filter(pl.col("line").str.strip_chars().str.starts_with("{"))
    bad = lines.join(objects, on="number", how="anti")["number"].to_list()
    parts: list[pl.DataFrame] = []
    pending = [objects]
    while pending:
        batch = pending.pop()
        try:
            parts.append(
                batch.select(pl.col("number"), pl.col("line").str.json_decode(dtype).alias("j"))
            )
        except (ComputeError, PolarsError):
            if batch.height == 1:
                bad.append(int(batch["number"][0]))
            else:
                half = batch.height // 2
                pending.extend((batch.slice(half), batch.slice(0, half)))
    empty = pl.DataFrame(schema={"number": pl.Int64, "j": dtype})
    decoded = pl.concat([empty, *parts]).unnest("j").sort("number")
    return decoded, sorted(bad)


def _first(names: tuple[str, ...]) -> pl.Expr:
    return pl.coalesce([pl.col(name) for name in names])


def _time(text: pl.Expr) -> pl.Expr:
    aware = [text.str.to_datetime(f, strict=False, time_zone="UTC") for f in ISO_FORMATS]
    naive = [
        text.str.to_datetime(f, strict=False).dt.replace_time_zone("UTC") for f in NAIVE_FORMATS
    ]
    clf = text.str.to_datetime(TIME_FORMAT, strict=False).dt.convert_time_zone("UTC")
    seconds = text.cast(pl.Float64, strict=False)
    epoch = pl.from_epoch((seconds * 1_000_000).cast(pl.Int64, strict=False), time_unit="us")
    return pl.coalesce([*aware, *naive, clf, epoch.dt.replace_time_zone("UTC")])


def _member(member_cookie: str | None) -> pl.Expr:
    if not member_cookie:
        return pl.lit(None, dtype=pl.String)
    header = _first(COOKIE_HEADERS).str.extract(cookie_pattern(member_cookie), 1)
    nested = pl.col("cookies").struct.field(member_cookie)
    return pl.coalesce(pl.col(member_cookie), nested, header)


def parse_json(lines: pl.DataFrame, member_cookie: str | None) -> tuple[pl.DataFrame, list[int]]:
    """Each decodable line's fields (null ``at`` where no time is found) and the bad lines."""
    decoded, bad = decode(lines, schema(member_cookie))
    request = _first(ALIASES["request"]).str.extract_groups(REQUEST)
    fields = decoded.select(
        pl.col("number"),
        _first(ALIASES["time"]).alias("time"),
        _first(ALIASES["ip"]).alias("ip"),
        pl.coalesce(_first(ALIASES["method"]), request.struct.field("m")).alias("method"),
        pl.coalesce(_first(ALIASES["path"]), request.struct.field("p")).alias("path"),
        _first(ALIASES["status"]).alias("status"),
        _first(ALIASES["bytes"]).alias("bytes"),
        _first(ALIASES["referrer"]).alias("referrer"),
        _first(ALIASES["agent"]).alias("agent"),
        _member(member_cookie).alias("member"),
    )
    status = pl.col("status").cast(pl.Float64, strict=False)
    size = pl.col("bytes").cast(pl.Float64, strict=False)
    return clean(fields, _time(pl.col("time")), status, size), bad
