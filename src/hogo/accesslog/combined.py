"""The common and combined log formats of Apache and nginx, by one regular expression.

``203.0.113.7 - - [10/Oct/2024:13:55:36 +0900] "GET /a?b HTTP/1.1" 200 2326 "https://ref/"
"Mozilla/5.0 …"`` — the referrer and user agent are optional (common format), and whatever
follows them (nginx formats often end with ``"$http_cookie"``) is searched for the member
cookie. A request that is not ``METHOD path …`` (a bare ``"-"`` of a dropped connection) is
kept with no method or path. The regex runs over the whole column at once
(``str.extract_groups``); a line it does not match, or whose time does not parse, is rejected.
"""

from __future__ import annotations

import re

import polars as pl

from hogo.accesslog.fields import clean

QUOTED = r'(?:[^"\\]|\\.)*'
LINE = (
    r"^(?P<ip>\S+) \S+ \S+ \[(?P<time>[^\]]+)\] "
    rf'"(?:(?P<method>[A-Za-z]+) (?P<path>[^ "]+)(?: [^"]*)?|{QUOTED})" '
    r"(?P<status>\d{3}) (?P<bytes>\d+|-)"
    rf'(?: "(?P<referrer>{QUOTED})" "(?P<agent>{QUOTED})")?'
    r"(?P<rest>.*)$"
)
TIME_FORMAT = "%d/%b/%Y:%H:%M:%S %z"


def cookie_pattern(name: str) -> str:
    """The value of cookie ``name`` in a ``Cookie:`` header text (``a=1; name=v; b=2``)."""
    return rf'(?:^|[\s";]){re.escape(name)}=([^;"\s]+)'


def parse_combined(lines: pl.DataFrame, member_cookie: str | None) -> pl.DataFrame:
    """Each line's fields, or null ``at`` where the line is not in the format."""
    fields = lines.select(
        pl.col("number"), pl.col("line").str.extract_groups(LINE).alias("f")
    ).unnest("f")
    member = (
        pl.col("rest").str.extract(cookie_pattern(member_cookie), 1)
        if member_cookie
        else pl.lit(None, dtype=pl.String)
    )
    at = pl.col("time").str.to_datetime(TIME_FORMAT, strict=False).dt.convert_time_zone("UTC")
    size = pl.col("bytes").replace("-", "0")
    return clean(fields.with_columns(member.alias("member")), at, pl.col("status"), size)
