"""Access-log files to storable rows: formats, gzip, bad lines, linkage, retention.

R-61: addresses only as their network, no query strings, a member reference only under the
``member_linkage`` use. R-62: only what the declared uses need. R-12: every row carries the end
of its retention.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from hogo.accesslog.parse import STORED_COLUMNS, parse_bytes, parse_file
from hogo.accesslog.rules import LogRules, log_rules
from hogo.policy.durations import add_duration
from hogo.policy.model import Policy

DATA = Path(__file__).parent / "data"
LINKED = LogRules(member_cookie="member_id", member_groups=("customers",), retention="P13M")
UTC = dt.UTC


def test_R61_combined_format_lines_are_cut_and_classed() -> None:
    parsed = parse_file(DATA / "combined.log", LINKED)
    assert parsed.format == "combined"
    assert parsed.lines == 8  # the blank line is not counted, but keeps its number
    assert parsed.rows.columns == list(STORED_COLUMNS)
    rows = parsed.rows.to_dicts()
    assert [row["ip"] for row in rows] == [
        "203.0.113.0/24",
        "198.51.100.0/24",
        "2001:db8:abcd::/48",
        "::/48",
        "192.0.2.0/24",
        "192.0.2.0/24",
    ]
    assert [row["agent_class"] for row in rows] == [
        "browser",
        "bot",
        "app",
        "bot",
        "browser",
        "other",
    ]
    first = rows[0]
    assert first["at"] == dt.datetime(2024, 10, 10, 4, 55, 36, tzinfo=UTC)
    assert (first["method"], first["path"], first["status"], first["bytes"]) == (
        "GET",
        "/products/42",
        200,
        2326,
    )
    assert first["referrer"] == "https://www.example.jp/search"  # no query string, no "taro"
    assert rows[-1]["method"] is None
    assert rows[-1]["path"] is None
    assert rows[-1]["status"] == 400


def test_malformed_lines_are_counted_with_their_numbers_never_fatal() -> None:
    parsed = parse_file(DATA / "combined.log", LINKED)
    assert parsed.rejected == (3, 8)  # not a log line; day 99
    assert parsed.rows.height == 6


def test_gzip_is_read_like_the_plain_file() -> None:
    plain = parse_file(DATA / "combined.log", LINKED)
    packed = parse_file(DATA / "combined.log.gz", LINKED)
    assert packed.rows.equals(plain.rows)
    assert packed.rejected == plain.rejected


def test_R61_json_lines_with_the_usual_field_names() -> None:
    parsed = parse_file(DATA / "access.jsonl", LINKED)
    assert parsed.format == "json"
    assert parsed.lines == 7
    assert parsed.rejected == (4, 5, 6)  # no time; cut-off object; an array
    rows = parsed.rows.to_dicts()
    assert [row["at"] for row in rows] == [
        dt.datetime(2024, 10, 10, 4, 55, 36, tzinfo=UTC),
        dt.datetime(2024, 10, 10, 5, 0, 0, tzinfo=UTC),  # naive: UTC
        dt.datetime(2024, 10, 10, 5, 0, 0, tzinfo=UTC),
        dt.datetime(2024, 10, 10, 5, 0, 0, tzinfo=UTC),  # epoch seconds
    ]
    assert [row["ip"] for row in rows] == [
        "203.0.113.0/24",
        "2001:db8::/48",
        "198.51.100.0/24",
        "10.1.2.0/24",
    ]
    assert [row["path"] for row in rows] == ["/products/42", "/about", "/cart", "/epoch"]
    assert [row["method"] for row in rows] == ["GET", "GET", "GET", None]
    assert [row["status"] for row in rows] == [200, 200, 500, 204]
    assert [row["agent_class"] for row in rows] == ["browser", "bot", "other", "other"]
    assert [row["member"] for row in rows] == ["C-1001", None, "C-1001", "C-2002"]


def test_R61_member_reference_kept_with_the_linkage_use() -> None:
    parsed = parse_file(DATA / "combined.log", LINKED)
    assert parsed.rows["member"].to_list() == ["C-1001", None, "C-9999", None, None, None]


@pytest.mark.parametrize(
    "rules",
    [
        LogRules(member_cookie="member_id", member_groups=()),  # no member_linkage use
        LogRules(member_cookie=None, member_groups=("customers",)),  # no member field
    ],
)
def test_R61_R62_no_member_reference_without_linkage(rules: LogRules) -> None:
    for name in ("combined.log", "access.jsonl"):
        parsed = parse_file(DATA / name, rules)
        assert parsed.rows["member"].null_count() == parsed.rows.height


def test_R12_retain_until_is_the_line_time_plus_the_rule() -> None:
    parsed = parse_file(DATA / "combined.log", LINKED)
    for at, until in parsed.rows.select("at", "retain_until").iter_rows():
        assert until == add_duration(at, "P13M")
    month_end = b'192.0.2.1 - - [31/Jan/2024:23:00:00 +0000] "GET / HTTP/1.1" 200 1\n'
    row = parse_bytes(month_end, LINKED).rows.row(0, named=True)
    assert row["retain_until"] == dt.datetime(2025, 2, 28, 23, 0, tzinfo=UTC)


def test_R12_without_a_retention_rule_nothing_is_dated() -> None:
    parsed = parse_file(DATA / "combined.log", LogRules())
    assert parsed.rows["retain_until"].null_count() == parsed.rows.height


def test_R61_R62_R12_rules_from_the_example_policy(example_policy: Policy) -> None:
    rules = log_rules(example_policy)
    assert (rules.ipv4_prefix, rules.ipv6_prefix) == (24, 48)
    assert rules.member_cookie == "member_id"
    assert rules.member_groups == ("customers",)
    assert rules.linkage
    assert (rules.retention_rule, rules.retention, rules.retention_offset) == (
        "web_logs",
        "P13M",
        "13mo",
    )


def test_R62_without_the_member_linkage_use_no_line_is_linked(example_policy: Policy) -> None:
    logs = example_policy.access_logs
    uses = {name: use for name, use in logs.uses.items() if name != "member_linkage"}
    policy = example_policy.model_copy(
        update={"access_logs": logs.model_copy(update={"uses": uses})}
    )
    rules = log_rules(policy)
    assert not rules.linkage
    assert parse_file(DATA / "combined.log", rules).rows["member"].null_count() == 6


def test_a_file_forced_to_the_wrong_format_rejects_every_line() -> None:
    parsed = parse_file(DATA / "access.jsonl", LINKED, "combined")
    assert parsed.rows.height == 0
    assert parsed.rejected == tuple(range(1, 8))


def test_empty_and_crlf_input() -> None:
    assert parse_bytes(b"", LINKED).lines == 0
    crlf = b'192.0.2.1 - - [31/Jan/2024:23:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "curl/8"\r\n'
    parsed = parse_bytes(crlf * 3, LINKED)
    assert (parsed.lines, parsed.rows.height, parsed.rejected) == (3, 3, ())
    assert parsed.rows["agent_class"].to_list() == ["bot"] * 3


def test_the_rows_are_a_polars_frame_of_the_stored_types() -> None:
    schema = parse_file(DATA / "combined.log", LINKED).rows.schema
    assert schema["at"] == pl.Datetime("us", "UTC")
    assert schema["retain_until"] == pl.Datetime("us", "UTC")
    assert schema["status"] == pl.Int32
    assert schema["bytes"] == pl.Int64


def test_bytes_that_are_not_utf8_or_nul_reject_only_their_line() -> None:
    good = b'192.0.2.1 - - [31/Jan/2024:23:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "curl/8"'
    data = b"\n".join([good, b"\xff\xfe\x00junk", good.replace(b"GET", b"G\x00T"), good])
    parsed = parse_bytes(data, LINKED)
    assert (parsed.lines, parsed.rows.height, parsed.rejected) == (4, 2, (2, 3))
