"""What ``bench/rights.py`` reports: latency figures, targets, the peer, the tables, and the
JSON and markdown files under ``bench/results/`` (merged with an earlier run of the same size)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import sqlite3
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from hogo import __version__
from rights_data import ITEMS_PER_SUBJECT, admin_engine

TARGET_P95_MS = 50.0
TARGET_ERASURES = 10_000
TARGET_ERASURE_SECONDS = 60.0
TARGET_API_PER_S = 300.0
TARGETS = {
    "disclosure_p95_ms": TARGET_P95_MS,
    "erasures": TARGET_ERASURES,
    "erasure_seconds": TARGET_ERASURE_SECONDS,
    "api_verified_disclosures_per_s": TARGET_API_PER_S,
}
ERASURE_PATHS = (
    ("erasure", "one at a time (submit → verify → fulfil)"),
    ("erasure_batch", "batch (fulfil_erasures), intake timed apart"),
)


@dataclass(frozen=True)
class Peer:
    name: str
    requests_per_s: float
    access_request_s: float  # one access request over two tables
    erasure_s: float
    source: str


FIDES = Peer(
    name="Fides 2.78",
    requests_per_s=3.0,
    access_request_s=0.72,
    erasure_s=1.4,
    source="published figures measured by others on a comparable machine; Fides is not "
    "installed here, so these are ratios against those figures, not a side-by-side run",
)


# -- figures ---------------------------------------------------------------------------------


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def latency(seconds: Sequence[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "p50_ms": round(percentile(ms, 50), 2),
        "p95_ms": round(percentile(ms, 95), 2),
        "p99_ms": round(percentile(ms, 99), 2),
        "mean_ms": round(sum(ms) / len(ms), 2),
        "max_ms": round(max(ms), 2),
    }


def postgres_version() -> str | None:
    try:
        admin = admin_engine()
        with admin.connect() as connection:
            found = connection.execute(text("SHOW server_version")).scalar_one()
        admin.dispose()
        return str(found)
    except SQLAlchemyError:
        return None


def git_commit() -> str | None:
    found = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    )
    return found.stdout.strip() or None


def environment() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": postgres_version(),
        "hogo": __version__,
        "commit": git_commit(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "date": dt.date.today().isoformat(),
    }


def targets(results: dict[str, Any]) -> dict[str, bool]:
    met: dict[str, bool] = {}
    for name, figures in results.items():
        if "disclosure" in figures:
            disclosure = figures["disclosure"]
            met[f"{name}.disclosure_request_p95"] = disclosure["request"]["p95_ms"] <= TARGET_P95_MS
            met[f"{name}.disclosure_fulfil_p95"] = disclosure["fulfil"]["p95_ms"] <= TARGET_P95_MS
        for key, _ in ERASURE_PATHS:
            if key in figures:
                per_10000 = figures[key]["seconds_per_10000"]
                met[f"{name}.{key}_10000"] = per_10000 <= TARGET_ERASURE_SECONDS
        for run in figures.get("api", []):
            layout = f"{run['processes']}x{run['workers']}"
            met[f"{name}.api_{layout}"] = run["per_s"] >= TARGET_API_PER_S
    return met


# -- tables ----------------------------------------------------------------------------------


def disclosure_table(results: dict[str, Any]) -> list[str]:
    lines = [
        "| database | timed | n | p50 ms | p95 ms | p99 ms | mean ms | ≤ 50 ms p95 |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    notes = [
        "",
        "Python CPU time of this process per request (database server time not included): "
        + ", ".join(
            f"{name} {figures['disclosure'].get('bench_cpu_ms_per_request')} ms"
            for name, figures in results.items()
            if "disclosure" in figures
        )
        + ".",
    ]
    paths = (
        ("request", "submit → verify → fulfil → answer"),
        ("fulfil", "fulfil alone (the disclosure)"),
    )
    for name, figures in results.items():
        if "disclosure" not in figures:
            continue
        for key, label in paths:
            f = figures["disclosure"][key]
            met = "yes" if f["p95_ms"] <= TARGET_P95_MS else "**no**"
            lines.append(
                f"| {name} | {label} | {f['n']} | {f['p50_ms']:.1f} | {f['p95_ms']:.1f} | "
                f"{f['p99_ms']:.1f} | {f['mean_ms']:.1f} | {met} |"
            )
    return lines + notes


def erasure_row(name: str, label: str, e: dict[str, Any]) -> str:
    met = "yes" if e["seconds_per_10000"] <= TARGET_ERASURE_SECONDS else "**no**"
    speedup = FIDES.erasure_s / (e["mean_ms"] / 1000)
    return (
        f"| {name} | {label} | {e['erasures']:,} | {e['seconds']:.1f} | "
        f"{e['erasures_per_s']:,.0f} | {e['seconds_per_10000']:.1f} | {e['mean_ms']:.2f} | "
        f"{e.get('bench_cpu_ms_per_erasure')} | {e['verified_gone']:,} | "
        f"{met} | {speedup:,.0f}× |"
    )


def intake_notes(results: dict[str, Any]) -> list[str]:
    """The batch's intake (submit → verify of each), which its erasure seconds leave out."""
    parts = []
    for name, figures in results.items():
        if "erasure_batch" not in figures:
            continue
        batch = figures["erasure_batch"]
        intake = batch["intake"]
        parts.append(
            f"{name} {intake['seconds']:.1f} s for {batch['erasures']:,} "
            f"({intake['mean_ms']:.2f} ms each, {intake['seconds_per_10000']:.1f} s per 10,000; "
            f"with the erasure {batch['with_intake_seconds_per_10000']:.1f} s per 10,000)"
        )
    if not parts:
        return []
    return [
        "",
        "Batch intake, timed apart (submit → verify of each request, one at a time, before "
        "`fulfil_erasures` takes them all): " + "; ".join(parts) + ".",
    ]


def erasure_table(results: dict[str, Any]) -> list[str]:
    lines = [
        "| database | path | erasures | seconds | erasures/s | s per 10,000 | mean ms | "
        "Python CPU ms each | verified gone | ≤ 60 s | Fides 1.4 s ÷ hogo mean |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for name, figures in results.items():
        lines += [
            erasure_row(name, label, figures[key]) for key, label in ERASURE_PATHS if key in figures
        ]
    return lines + intake_notes(results)


def api_table(results: dict[str, Any]) -> list[str]:
    lines = [
        "| database | served by | clients | verified disclosures | disclosures/s | "
        "HTTP requests/s | p50 ms | p95 ms | failures | server CPU ms each | server cores busy | "
        "client cores busy | ≥ 300/s | ÷ Fides 3/s |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for name, figures in results.items():
        for run in figures.get("api", []):
            met = "yes" if run["per_s"] >= TARGET_API_PER_S else "**no**"
            lat = run["latency"] or {"p50_ms": float("nan"), "p95_ms": float("nan")}
            lines.append(
                f"| {name} | {run['layout']} | {run['clients']} | "
                f"{run['verified_disclosures']:,} | {run['per_s']:.1f} | "
                f"{run['http_requests_per_s']:.0f} | "
                f"{lat['p50_ms']:.0f} | {lat['p95_ms']:.0f} | {run['failures']} | "
                f"{run['server_cpu_ms_per_disclosure']:.1f} | {run['server_cores_busy']:.2f} | "
                f"{run['client_cores_busy']:.2f} | {met} | {run['ratio_to_fides']:.1f}× |"
            )
    return lines


def peer_lines(results: dict[str, Any]) -> list[str]:
    lines = [
        f"Peer: {FIDES.name} — about {FIDES.requests_per_s:.0f} requests/s, "
        f"{FIDES.access_request_s} s for one access request over two tables, "
        f"{FIDES.erasure_s} s for one erasure ({FIDES.source})."
    ]
    for name, figures in results.items():
        if "disclosure" in figures:
            p50 = figures["disclosure"]["request"]["p50_ms"] / 1000
            speedup = FIDES.access_request_s / p50
            lines.append(
                f"- {name}: one disclosure request (service path, p50) {p50 * 1000:.1f} ms, "
                f"{speedup:,.0f}× faster than {FIDES.name}'s {FIDES.access_request_s} s"
            )
    return lines


API_NOTES = [
    "`hogo serve` runs one uvicorn process with one worker (it hands uvicorn an app object, "
    "so it cannot fork workers). *2 `hogo serve` processes* are two such processes on two "
    "ports, the clients spread evenly over them, as two instances behind a load balancer. "
    "*uvicorn --workers N* (only with `--uvicorn-workers N`) binds the socket without "
    "IPPROTO_TCP, so accepted connections miss TCP_NODELAY and every keep-alive request waits "
    "about 43 ms for a delayed ACK (uvicorn issue #3149). Server CPU is user + system time of "
    "the server processes over the measured window, per verified disclosure (four HTTP "
    "requests); 2 CPUs can give at most 2,000 ms / that figure per second.",
]


# -- files -----------------------------------------------------------------------------------


def markdown(data: dict[str, Any]) -> str:
    results = data["results"]
    env = data["environment"]
    header = [
        f"# Rights requests: {data['subjects']:,} subjects × {ITEMS_PER_SUBJECT} items",
        "",
        f"`{data['command']}` — Python {env['python']}, SQLite {env['sqlite']}, "
        f"PostgreSQL {env['postgresql']}, {env['cpus']} CPUs, load {env['load_average_1min']}, "
        f"{env['date']}, commit {env['commit']}",
        "",
        "Load average before each database: "
        + ", ".join(
            f"{name} {figures.get('load_average_1min_before')}" for name, figures in results.items()
        )
        + " (other work on the machine shares the CPUs).",
        "",
    ]
    sections = []
    if any("disclosure" in f for f in results.values()):
        sections += ["## Disclosure of one subject", "", *disclosure_table(results), ""]
    if any(key in f for f in results.values() for key, _ in ERASURE_PATHS):
        sections += ["## Erasures (ground no_longer_needed)", "", *erasure_table(results), ""]
    if any(f.get("api") for f in results.values()):
        sections += [
            "## API throughput (uvicorn over HTTP, API key; client on the same CPUs)",
            "",
            *api_table(results),
            "",
            *API_NOTES,
            "",
        ]
    return "\n".join([*header, *sections, *peer_lines(results)]) + "\n"


def merged(path: Path, data: dict[str, Any]) -> dict[str, Any]:
    """Keep sections of an earlier run of the same size that this run did not repeat."""
    if not path.exists():
        return data
    earlier = json.loads(path.read_text())
    if earlier.get("subjects") != data["subjects"]:
        return data
    results = earlier.get("results", {})
    for name, figures in data["results"].items():
        results[name] = {**results.get(name, {}), **figures}
    return {**data, "results": results, "targets_met": targets(results)}


def write_results(args: argparse.Namespace, data: dict[str, Any]) -> str:
    name = "rights-quick" if args.quick else "rights"
    args.out.mkdir(parents=True, exist_ok=True)
    data = merged(args.out / f"{name}.json", data)
    (args.out / f"{name}.json").write_text(json.dumps(data, indent=2, default=str) + "\n")
    text_ = markdown(data)
    (args.out / f"{name}.md").write_text(text_)
    return text_
