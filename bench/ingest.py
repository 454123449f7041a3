"""Ingest throughput: the vault against plain ``sqlite3.executemany`` of the same rows.

Both sides write ``--subjects`` subjects with ten items each, ``--batch`` subjects per
transaction, into fresh SQLite files migrated with hogo's own migrations (the same tables and
indexes) and opened with the same PRAGMAs (hogo.store.engine.SQLITE_PRAGMAS). The vault
side encrypts every value under a per-subject data key, wraps the data keys, and
blind-indexes the e-mail and phone items; the raw side stores the values as they are.
Inputs are generated before each timed transaction, outside the timing.

    .venv/bin/python bench/ingest.py                  # 1,000,000 subjects, 10,000,000 items
    .venv/bin/python bench/ingest.py --subjects 50000  # a quick run

Writes bench/results/ingest.json and bench/results/ingest.md and prints the table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hogo.policy.model import Policy
from hogo.store import migrate
from hogo.store.engine import SQLITE_PRAGMAS, make_engine
from hogo.vault.items import NewItem, NewSubject
from hogo.vault.keys import KeyRing, ensure_keyring
from hogo.vault.vault import Vault

RESULTS = Path(__file__).parent / "results"
TARGET_ITEMS_PER_SECOND = 100_000
TARGET_RATIO = 0.35
NOW = dt.datetime(2025, 4, 1, 9, 0, tzinfo=dt.UTC)
GROUP = "customers"
PURPOSES = ("orders",)
LOOKUPS = {"email": "email", "phone": "phone"}
CATEGORIES = (
    "name",
    "kana",
    "email",
    "phone",
    "address",
    "postcode",
    "birth_date",
    "gender",
    "member_id",
    "note",
)


@dataclass(frozen=True)
class Run:
    name: str
    items: int
    seconds: float

    @property
    def items_per_second(self) -> float:
        return self.items / self.seconds


def policy() -> Policy:
    text = {"ja": "x", "en": "x"}
    person = {"name": text, "address": text, "representative": text}
    categories = {
        name: {"title": text, "deid": "other", "lookup": LOOKUPS.get(name)} for name in CATEGORIES
    }
    purpose = {
        "title": text,
        "description": text,
        "section": "2",
        "groups": [GROUP],
        "categories": list(CATEGORIES),
        "legal_basis": {"appi": "A17(1)", "gdpr": "contract"},
    }
    return Policy.model_validate(
        {
            "version": "bench",
            "effective_from": dt.date(2025, 4, 1),
            "controller": person,
            "subject_groups": {
                GROUP: {"title": text, "section": "1", "collects": list(CATEGORIES)}
            },
            "categories": categories,
            "purposes": {PURPOSES[0]: purpose},
            "recipients": {},
            "provision_exceptions": {},
            "storage_locations": [],
            "roles": {},
            "rights": {"offered": ["disclosure"], "identity_check": ["id"]},
            "inquiry_desk": {"name": text, "form_url": "https://x", "channels": ["form"]},
            "retention": {},
            "cookies": {},
            "access_logs": {"categories": [], "uses": {}},
            "minors": {"thresholds": {"JP": 18}},
        }
    )


def birth_date(n: int) -> dt.date:
    return dt.date(1950, 1, 1) + dt.timedelta(days=n % 20_000)


def values(n: int) -> tuple[str, ...]:
    """Ten cheap, deterministic, distinct-per-subject values in CATEGORIES order."""
    return (
        f"山田 太郎{n}",
        f"ヤマダ タロウ{n}",
        f"user{n}@example.jp",
        f"090-{n // 10_000:04d}-{n % 10_000:04d}",
        f"東京都千代田区千代田{n % 999}-{n % 97} ハイツ{n % 31}号",
        f"{100 + n % 900:03d}-{n % 10_000:04d}",
        birth_date(n).isoformat(),
        ("female", "male", "other")[n % 3],
        f"M{n:09d}",
        f"配送は午前中にお願いします ({n})",
    )


def batches(subjects: int, size: int) -> Iterator[range]:
    for start in range(0, subjects, size):
        yield range(start, min(start + size, subjects))


def fresh_database(path: Path) -> None:
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()


def vault_batch(numbers: range) -> list[NewSubject]:
    return [
        NewSubject(
            GROUP,
            f"c-{n:07d}",
            birth_date(n),
            "JP",
            [NewItem(c, v, PURPOSES) for c, v in zip(CATEGORIES, values(n), strict=True)],
        )
        for n in numbers
    ]


def bench_vault(path: Path, subjects: int, size: int, report: Callable[[str], None]) -> Run:
    fresh_database(path)
    engine = make_engine(f"sqlite:///{path}")
    keyring = KeyRing(os.urandom(32))
    vault = Vault(policy(), keyring)
    with engine.begin() as connection:
        ensure_keyring(connection, keyring)
    seconds = 0.0
    for numbers in batches(subjects, size):
        batch = vault_batch(numbers)
        started = time.perf_counter()
        with engine.begin() as connection:
            vault.ingest(connection, batch, now=NOW)
        seconds += time.perf_counter() - started
        report(f"vault {numbers.stop:,}/{subjects:,}")
    engine.dispose()
    return Run("vault (encrypted, blind-indexed)", subjects * len(CATEGORIES), seconds)


RAW_SUBJECTS = (
    "INSERT INTO subjects (id, subject_group, ref, birth_date, jurisdiction, status, "
    "wrapped_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
RAW_ITEMS = (
    "INSERT INTO items (subject_id, category, ciphertext, display, blind_index, purposes, "
    "source, collected_at, retain_until, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def raw_rows(numbers: range) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    now = NOW.replace(tzinfo=None).isoformat(sep=" ")
    purposes = json.dumps(list(PURPOSES))
    subject_rows = [
        (n + 1, GROUP, f"c-{n:07d}", birth_date(n).isoformat(), "JP", "active", b"", now, now)
        for n in numbers
    ]
    item_rows = [
        (n + 1, c, v.encode(), None, None, purposes, "direct", now, None, "active")
        for n in numbers
        for c, v in zip(CATEGORIES, values(n), strict=True)
    ]
    return subject_rows, item_rows


def bench_raw(path: Path, subjects: int, size: int, report: Callable[[str], None]) -> Run:
    fresh_database(path)
    connection = sqlite3.connect(path)
    for pragma in SQLITE_PRAGMAS:
        connection.execute(pragma)
    seconds = 0.0
    for numbers in batches(subjects, size):
        subject_rows, item_rows = raw_rows(numbers)
        started = time.perf_counter()
        with connection:
            connection.executemany(RAW_SUBJECTS, subject_rows)
            connection.executemany(RAW_ITEMS, item_rows)
        seconds += time.perf_counter() - started
        report(f"raw {numbers.stop:,}/{subjects:,}")
    connection.close()
    return Run("raw sqlite3.executemany (plain)", subjects * len(CATEGORIES), seconds)


def table(runs: list[Run], ratio: float) -> str:
    lines = [
        "| path | items | seconds | items/s |",
        "|---|---:|---:|---:|",
        *(
            f"| {r.name} | {r.items:,} | {r.seconds:.1f} | {r.items_per_second:,.0f} |"
            for r in runs
        ),
    ]
    lines.append(
        f"\nvault / raw = **{ratio:.2f}×** (targets: ≥ {TARGET_ITEMS_PER_SECOND:,} items/s "
        f"and ≥ {TARGET_RATIO}× raw)"
    )
    return "\n".join(lines)


def write_results(args: argparse.Namespace, vault: Run, raw: Run) -> str:
    ratio = vault.items_per_second / raw.items_per_second
    met = vault.items_per_second >= TARGET_ITEMS_PER_SECOND and ratio >= TARGET_RATIO
    environment = {
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "date": dt.date.today().isoformat(),
    }
    data = {
        "command": " ".join(["python bench/ingest.py", *sys.argv[1:]]),
        "subjects": args.subjects,
        "items_per_subject": len(CATEGORIES),
        "subjects_per_transaction": args.batch,
        "runs": {
            key: {
                "items": r.items,
                "seconds": round(r.seconds, 3),
                "items_per_second": round(r.items_per_second),
            }
            for key, r in (("vault", vault), ("raw", raw))
        },
        "ratio": round(ratio, 3),
        "targets": {"items_per_second": TARGET_ITEMS_PER_SECOND, "ratio": TARGET_RATIO},
        "targets_met": met,
        "environment": environment,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "ingest.json").write_text(json.dumps(data, indent=2) + "\n")
    text = table([vault, raw], ratio)
    header = (
        f"# Ingest: {args.subjects:,} subjects × {len(CATEGORIES)} items, "
        f"{args.batch:,} subjects per transaction\n\n"
        f"`{data['command']}` — Python {environment['python']}, SQLite {environment['sqlite']}, "
        f"{environment['cpus']} CPUs, {environment['date']}\n\n"
    )
    (args.out / "ingest.md").write_text(header + text + "\n")
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=10_000, help="subjects per transaction")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--workdir", type=Path, default=None, help="where the SQLite files go")
    args = parser.parse_args()

    def report(line: str) -> None:
        print(f"\r{line}", end="", file=sys.stderr, flush=True)

    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=args.workdir) as work:
        vault = bench_vault(Path(work) / "vault.db", args.subjects, args.batch, report)
        raw = bench_raw(Path(work) / "raw.db", args.subjects, args.batch, report)
    print(file=sys.stderr)
    print(write_results(args, vault, raw))


if __name__ == "__main__":
    main()
