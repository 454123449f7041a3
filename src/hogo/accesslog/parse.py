"""One log file to the rows that may be stored: fields found, addresses cut, agents classed.

The result holds nothing the policy does not allow: the address only as its network, the user
agent only as its class, no query strings, and a member reference only where linkage is
allowed (R-61, R-62). Lines that cannot be read are counted with their numbers, never fatal.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from hogo.accesslog.agents import agent_class
from hogo.accesslog.combined import parse_combined
from hogo.accesslog.jsonlines import parse_json
from hogo.accesslog.lines import Format, detect_format, numbered_lines, read_bytes
from hogo.accesslog.network import truncate_ip
from hogo.accesslog.rules import LogRules

STORED_COLUMNS = (
    "at",
    "ip",
    "method",
    "path",
    "status",
    "bytes",
    "referrer",
    "agent_class",
    "member",
    "retain_until",
)


@dataclass(frozen=True, slots=True)
class ParsedLog:
    """The rows of a file (:data:`STORED_COLUMNS`), how many lines it had, which were bad."""

    format: Format
    rows: pl.DataFrame
    lines: int
    rejected: tuple[int, ...]  # line numbers, in order


def parse_file(path: Path, rules: LogRules, format: Format | None = None) -> ParsedLog:
    """Read ``path`` (plain or gzip); raises ``OSError`` only if the file cannot be read."""
    return parse_bytes(read_bytes(path), rules, format)


def parse_bytes(data: bytes, rules: LogRules, format: Format | None = None) -> ParsedLog:
    lines = numbered_lines(data)
    chosen = format or detect_format(lines)
    cookie = rules.member_cookie if rules.linkage else None
    if chosen == "json":
        fields, undecodable = parse_json(lines, cookie)
    else:
        fields, undecodable = parse_combined(lines, cookie), []
    good = fields.filter(pl.col("at").is_not_null())
    unparsed = fields.filter(pl.col("at").is_null())["number"].to_list()
    return ParsedLog(
        format=chosen,
        rows=good.select(_stored(rules)),
        lines=lines.height,
        rejected=tuple(sorted([*undecodable, *unparsed])),
    )


def _stored(rules: LogRules) -> list[pl.Expr]:
    offset = rules.retention_offset
    retain = pl.col("at").dt.offset_by(offset) if offset else pl.lit(None, pl.Datetime("us", "UTC"))
    member = pl.col("member") if rules.linkage else pl.lit(None, dtype=pl.String)
    return [
        pl.col("at"),
        truncate_ip(pl.col("ip"), rules.ipv4_prefix, rules.ipv6_prefix).alias("ip"),
        pl.col("method"),
        pl.col("path"),
        pl.col("status"),
        pl.col("bytes"),
        pl.col("referrer"),
        agent_class(pl.col("agent")).alias("agent_class"),
        member.alias("member"),
        retain.alias("retain_until"),
    ]
