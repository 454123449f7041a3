"""Access-log parsing throughput: Polars column expressions against a per-line ``re`` loop.

A deterministic combined-format file of ``--lines`` lines (1,000,000 by default; a realistic
mix: IPv4, about a tenth IPv6 and some IPv4-mapped addresses, about a sixth bots, apps,
member cookies on a fifth of the lines, one line in two hundred malformed) is generated once
into bench/.cache/. Then, on ONE core (``POLARS_MAX_THREADS=1`` is set before Polars loads):

- parse: read + parse + cut addresses + class agents + member field + retention
  (:func:`hogo.accesslog.parse.parse_file`), best of ``--runs``;
- the peer baseline: the same work in a plain Python loop, one ``re`` match a line,
  ``datetime.strptime``, :mod:`ipaddress` for the network, ``re.search`` for the agent class;
- parse + store: :meth:`AccessLogService.ingest` into a fresh, migrated SQLite file (one
  transaction, driver ``executemany``, one audit entry).

    .venv/bin/python bench/accesslog.py                 # 1,000,000 lines
    .venv/bin/python bench/accesslog.py --lines 100000  # a quick run

Writes bench/results/accesslog.json and bench/results/accesslog.md and prints the table.
"""

from __future__ import annotations

import os

os.environ["POLARS_MAX_THREADS"] = "1"  # before Polars is imported: one core

import argparse
import datetime as dt
import ipaddress
import json
import platform
import random
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import polars as pl

from hogo.accesslog.agents import RULES
from hogo.accesslog.parse import parse_file
from hogo.accesslog.rules import log_rules
from hogo.policy.load import load_policy
from hogo.services.access_logs import AccessLogService
from hogo.services.actor import Actor
from hogo.store import migrate
from hogo.store.engine import make_engine

HERE = Path(__file__).parent
RESULTS = HERE / "results"
CACHE = HERE / ".cache"
POLICY = HERE.parent / "examples" / "policy.yaml"
TARGET_LINES_PER_SECOND = 200_000
SEED = 20241010
START = dt.datetime(2024, 10, 1, tzinfo=dt.timezone(dt.timedelta(hours=9)))

BROWSERS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
]
BOTS = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "curl/8.4.0",
    "python-requests/2.32.3",
]
APPS = ["ShopApp/3.2 CFNetwork/1408 Darwin/22.5.0", "okhttp/4.12.0"]
PAGES = ["/", "/products/42", "/products/7?color=red", "/cart", "/search?q=shoes", "/about"]
REFERRERS = ["-", "https://www.example.jp/", "https://www.google.com/", "https://t.co/abc"]


def _address(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.10:
        hextets = [f"{rng.randrange(65536):x}" for _ in range(4)]
        return f"2001:db8:{hextets[0]}:{hextets[1]}::{hextets[2]}"
    if roll < 0.12:
        return f"::ffff:192.0.2.{rng.randrange(256)}"
    return ".".join(str(rng.randrange(1, 255)) for _ in range(4))


def _line(rng: random.Random, index: int) -> str:
    if rng.random() < 0.005:
        return f"garbage line {index} [no time]"
    at = START + dt.timedelta(seconds=index * 2)
    roll = rng.random()
    agent = rng.choice(BOTS if roll < 0.16 else APPS if roll < 0.26 else BROWSERS)
    cookie = f' "member_id=C-{rng.randrange(5000)}"' if rng.random() < 0.2 else ""
    status = rng.choice((200, 200, 200, 200, 304, 404, 500))
    return (
        f"{_address(rng)} - - [{at.strftime('%d/%b/%Y:%H:%M:%S %z')}] "
        f'"GET {rng.choice(PAGES)} HTTP/1.1" {status} {rng.randrange(50_000)} '
        f'"{rng.choice(REFERRERS)}" "{agent}"{cookie}'
    )


def log_file(lines: int) -> Path:
    """The generated file for ``lines`` lines, made once and reused."""
    path = CACHE / f"access-{lines}.log"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        rng = random.Random(SEED)
        part = path.with_suffix(".part")
        with part.open("w", encoding="utf-8") as out:
            for index in range(lines):
                out.write(_line(rng, index) + "\n")
        part.rename(path)
    return path


BASELINE_LINE = re.compile(
    r'^(\S+) \S+ \S+ \[([^\]]+)\] "(?:([A-Za-z]+) ([^ "]+)[^"]*|[^"]*)" (\d{3}) (\d+|-)'
    r'(?: "([^"]*)" "([^"]*)")?(.*)$'
)
BASELINE_RULES = [(name, re.compile(pattern.replace("(?i)", ""), re.I)) for name, pattern in RULES]
BASELINE_COOKIE = re.compile(r'(?:^|[\s";])member_id=([^;"\s]+)')


def baseline(path: Path) -> tuple[int, int]:
    """The peer: the same work one line at a time in plain Python; (stored, rejected)."""
    kept, rejected = [], 0
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            match = BASELINE_LINE.match(line.rstrip("\n"))
            if match is None:
                rejected += 1
                continue
            ip, when, method, page, status, size, referrer, agent, rest = match.groups()
            at = dt.datetime.strptime(when, "%d/%b/%Y:%H:%M:%S %z").astimezone(dt.UTC)
            address = ipaddress.ip_address(ip)
            if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
                address = address.ipv4_mapped
            prefix = 24 if address.version == 4 else 48
            network = str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))
            klass = next((n for n, rule in BASELINE_RULES if rule.search(agent or "")), "other")
            cookie = BASELINE_COOKIE.search(rest)
            kept.append(
                (
                    at,
                    network,
                    method,
                    page.split("?")[0] if page else None,
                    int(status),
                    0 if size == "-" else int(size),
                    referrer,
                    klass,
                    cookie and cookie.group(1),
                )
            )
    return len(kept), rejected


def timed(function: Any, *args: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    value = function(*args)
    return time.perf_counter() - started, value


def store_once(path: Path) -> tuple[float, int]:
    """Seconds to parse and store ``path`` into a fresh SQLite file; rows stored."""
    policy = load_policy(POLICY)
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        migrate.upgrade(engine)
        service = AccessLogService(engine, policy)
        seconds, report = timed(service.ingest, [path], Actor(id="bench", role="privacy_office"))
        engine.dispose()
    return seconds, report.stored


def measure(lines: int, runs: int) -> dict[str, Any]:
    path = log_file(lines)
    rules = log_rules(load_policy(POLICY))
    parse_times, parsed = [], None
    for _ in range(runs):
        seconds, parsed = timed(parse_file, path, rules)
        parse_times.append(seconds)
    assert parsed is not None
    baseline_seconds, (baseline_kept, _rejected) = timed(baseline, path)
    store_seconds, stored = store_once(path)
    best = min(parse_times)
    return {
        "lines": lines,
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "polars_version": pl.__version__,
        "polars_threads": pl.thread_pool_size(),
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores (one used)",
        "parse_seconds_best": best,
        "parse_seconds_all": parse_times,
        "parse_lines_per_second": lines / best,
        "rows": parsed.rows.height,
        "rejected": len(parsed.rejected),
        "baseline_seconds": baseline_seconds,
        "baseline_lines_per_second": lines / baseline_seconds,
        "baseline_rows": baseline_kept,
        "ratio_to_baseline": baseline_seconds / best,
        "parse_and_store_sqlite_seconds": store_seconds,
        "parse_and_store_lines_per_second": lines / store_seconds,
        "stored": stored,
        "target_lines_per_second": TARGET_LINES_PER_SECOND,
    }


def report(result: dict[str, Any]) -> str:
    met = "met" if result["parse_lines_per_second"] >= TARGET_LINES_PER_SECOND else "NOT met"
    return (
        f"{result['lines']:,} combined-format lines ({result['file_mb']} MB), one core "
        f"(POLARS_MAX_THREADS=1; Polars {result['polars_version']}), {result['machine']}\n\n"
        "| step | seconds | lines/s |\n|---|---|---|\n"
        f"| parse + cut + class (Polars, best of {len(result['parse_seconds_all'])}) | "
        f"{result['parse_seconds_best']:.2f} | {result['parse_lines_per_second']:,.0f} |\n"
        f"| same work, per-line Python `re` loop (peer) | {result['baseline_seconds']:.2f} | "
        f"{result['baseline_lines_per_second']:,.0f} |\n"
        f"| parse + store into SQLite (one transaction, audited) | "
        f"{result['parse_and_store_sqlite_seconds']:.2f} | "
        f"{result['parse_and_store_lines_per_second']:,.0f} |\n"
        f"\nPolars is {result['ratio_to_baseline']:.1f}× the per-line loop; "
        f"{result['rows']:,} rows kept, {result['rejected']:,} lines rejected "
        f"(loop: {result['baseline_rows']:,} kept). "
        f"Target ≥ {TARGET_LINES_PER_SECOND:,} lines/s for the parse: {met}.\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    result = measure(args.lines, args.runs)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "accesslog.json").write_text(json.dumps(result, indent=2) + "\n")
    text = report(result)
    (RESULTS / "accesslog.md").write_text(text)
    print(text)


if __name__ == "__main__":
    sys.exit(main())
