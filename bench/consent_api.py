"""Consent recording through ``hogo serve``: ``POST /v1/consent`` on loopback, on a fresh SQLite
database and a fresh PostgreSQL database, served by 1 and then 2 processes.

Each client is one keep-alive HTTP/1.1 connection written with asyncio streams (a load generator
that costs the shared cores little). hogo limits each client address to 120 choices an hour and
takes the address from the connection, so every connection binds its own loopback address
(127.0.0.0/8) and moves to a fresh one after ``PER_ADDRESS`` requests: the limit is never
weakened, and never reached. After the servers are killed (SIGKILL, as a crash would stop them)
the rows of ``cookie_consents`` are counted against the ``201`` answers received.

Writes bench/results/consent_api.json and consent_api.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import random
import secrets
import signal
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import SQLAlchemyError

from hogo.store.tables import cookie_consents
from hogo.vault.keys import create_key_file
from rights_api import WARM_UP_SECONDS, Layout, cpu_mark, servers
from rights_data import CACHE, HERE, Database, admin_engine, done, open_bench, reset
from rights_report import FIDES, environment, latency

TARGET_PER_S = 1_500.0
PEER_PER_S = 150.0  # the peer's consent endpoint, published figure on a comparable machine
PER_ADDRESS = 100  # requests per client address, under the 120 an hour hogo allows
PAGE = "https://shop.example.jp/products/42?utm_source=mail"


@dataclass(frozen=True)
class ConsentDatabase(Database):
    @property
    def stem(self) -> str:
        return f"consent-{self.name}"


def sqlite_database() -> ConsentDatabase:
    path = CACHE / "consent-sqlite.db"
    return ConsentDatabase("sqlite", f"sqlite:///{path}", str(path), 0)


def postgres_database() -> ConsentDatabase:
    """Its own database if the server lets us create one, else a schema of the admin database."""
    name, admin = "hogo_bench_consent", admin_engine()
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = admin.url.set(database=name).render_as_string(hide_password=False)
        return ConsentDatabase("postgresql", url, name, 0)
    except SQLAlchemyError:
        url = admin.url.update_query_dict({"options": f"-csearch_path={name}"})
        return ConsentDatabase("postgresql", url.render_as_string(False), f"schema {name}", 0)
    finally:
        admin.dispose()


def durability(engine: Engine) -> dict[str, str]:
    """The settings that decide what an acknowledged commit survives, as the servers see them."""
    if engine.dialect.name == "sqlite":
        names = ("journal_mode", "synchronous")
        with engine.connect() as connection:
            found = {n: str(connection.exec_driver_sql(f"PRAGMA {n}").scalar()) for n in names}
        found["synchronous"] = {"0": "OFF", "1": "NORMAL", "2": "FULL", "3": "EXTRA"}.get(
            found["synchronous"], found["synchronous"]
        )
        found["means"] = (
            f"WAL with synchronous={found['synchronous']}: a commit is in the WAL file before "
            "the 201; it survives a crash of the process (shown here by SIGKILL), but not "
            "necessarily a power loss or OS crash (the WAL is fsynced at checkpoints only)"
        )
        return found
    names = ("synchronous_commit", "fsync", "wal_sync_method")
    with engine.connect() as connection:
        found = {n: str(connection.execute(text(f"SHOW {n}")).scalar()) for n in names}
    flushed = found["synchronous_commit"] != "off" and found["fsync"] == "on"
    found["means"] = (
        f"synchronous_commit={found['synchronous_commit']}, fsync={found['fsync']}: "
        + (
            "each commit's WAL is flushed to disk before the 201: it survives a crash of hogo, "
            "of PostgreSQL and of the machine"
            if flushed
            else "commits are not flushed before the 201: a crash of PostgreSQL may lose the last"
        )
    )
    return found


def addresses() -> Iterator[str]:
    """Loopback addresses, each used by one connection for at most PER_ADDRESS requests."""
    for b, c, d in itertools.product(range(1, 255), range(256), range(1, 255)):
        yield f"127.{b}.{c}.{d}"


@dataclass
class Drive:
    port_of: list[int]
    notice: str
    sources: Iterator[str]
    measured_from: float = 0.0
    until: float = 0.0
    latencies: list[float] = field(default_factory=list)  # of 201s in the measured window
    acknowledged: int = 0  # every 201, the warm-up's too
    failures: list[str] = field(default_factory=list)


def consent_body(notice: str, rng: random.Random) -> bytes:
    body = {
        "visitor_id": secrets.token_urlsafe(16),
        "choices": {"continuity": True, "statistics": rng.random() < 0.6, "advertising": False},
        "gpc": rng.random() < 0.1,
        "page": PAGE,
        "notice_version": notice,
        "channel": "banner",
    }
    return json.dumps(body, separators=(",", ":")).encode()


async def exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, port: int, body: bytes
) -> tuple[int, bytes, bool]:
    """One request on the open connection: its status, body, and whether the server keeps it."""
    writer.write(
        b"POST /v1/consent HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: application/json\r\n"
        b"User-Agent: bench/consent_api.py\r\nContent-Length: %d\r\n\r\n%s"
        % (port, len(body), body)
    )
    head = (await reader.readuntil(b"\r\n\r\n")).lower()
    length = int(head.split(b"content-length:", 1)[1].split(b"\r\n", 1)[0])
    answer = await reader.readexactly(length)
    return int(head[9:12]), answer, b"connection: close" not in head


async def client_loop(drive: Drive, port: int, seed: int) -> None:
    rng = random.Random(seed)
    while time.perf_counter() < drive.until:
        reader, writer = await asyncio.open_connection(
            "127.0.0.1", port, local_addr=(next(drive.sources), 0)
        )
        try:
            for _ in range(PER_ADDRESS):
                if time.perf_counter() >= drive.until:
                    break
                started = time.perf_counter()
                try:
                    status, answer, keep = await exchange(
                        reader, writer, port, consent_body(drive.notice, rng)
                    )
                except (OSError, asyncio.IncompleteReadError, ValueError, IndexError) as error:
                    drive.failures.append(f"{type(error).__name__}: {error}"[:300])
                    break
                if status != 201:
                    drive.failures.append(f"{status}: {answer[:200].decode(errors='replace')}")
                else:
                    drive.acknowledged += 1
                    if started >= drive.measured_from:
                        drive.latencies.append(time.perf_counter() - started)
                if not keep:
                    break
        finally:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()


def machine_busy_seconds() -> float:
    """CPU seconds all cores spent busy since boot (/proc/stat), whoever spent them."""
    fields = [int(f) for f in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


async def run_drive(
    running: Sequence[tuple[str, int]], engine: Engine, drive: Drive, args: argparse.Namespace
) -> dict[str, Any]:
    marks: list[tuple[float, float]] = []
    machine: list[float] = []
    pids = [pid for _, pid in running]
    drive.measured_from = time.perf_counter() + args.warm_up
    drive.until = drive.measured_from + args.seconds

    async def machine_mark() -> None:
        await asyncio.sleep(max(0.0, drive.measured_from - time.perf_counter()))
        machine.append(machine_busy_seconds())
        await asyncio.sleep(max(0.0, drive.until - time.perf_counter()))
        machine.append(machine_busy_seconds())

    await asyncio.gather(
        cpu_mark(drive.measured_from, pids, marks),
        machine_mark(),
        *(client_loop(drive, drive.port_of[n % len(running)], n) for n in range(args.clients)),
    )
    window = time.perf_counter() - drive.measured_from
    await cpu_mark(0.0, pids, marks)
    (server_start, client_start), (server_end, client_end) = marks
    return figures(drive, window, server_end - server_start, client_end - client_start, machine)


def figures(
    drive: Drive, window: float, server: float, client: float, machine: Sequence[float]
) -> dict[str, Any]:
    counted = len(drive.latencies)
    per = max(counted, 1)
    rate = counted / window
    result = {
        "seconds": round(window, 2),
        "created_201": counted,
        "per_s": round(rate, 1),
        "latency": latency(drive.latencies) if counted else {},
        "failures": len(drive.failures),
        "first_failure": drive.failures[0] if drive.failures else None,
        "server_cpu_ms_per_request": round(server / per * 1000, 3),
        "server_cores_busy": round(server / window, 2),
        "load_generator_cpu_ms_per_request": round(client / per * 1000, 3),
        "load_generator_cores_busy": round(client / window, 2),
        "ratio_to_peer": round(rate / PEER_PER_S, 2),
        "target_met": rate >= TARGET_PER_S and not drive.failures,
    }
    if len(machine) == 2:
        result["machine_cores_busy"] = round((machine[1] - machine[0]) / window, 2)
    return result


def kill(running: Sequence[tuple[str, int]]) -> None:
    for _, pid in running:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def bench_database(database: ConsentDatabase, args: argparse.Namespace) -> dict[str, Any]:
    reset(database)
    runs = []
    with open_bench(database) as hogo:
        settings = durability(hogo.engine)
        sources = addresses()
        for processes in args.processes:
            layout = Layout(processes)
            with servers(database, layout) as running:
                config = httpx2.get(f"{running[0][0]}/v1/consent/config", timeout=10).json()
                ports = [int(base.rsplit(":", 1)[1]) for base, _ in running]
                drive = Drive(ports, str(config["notice_version"]), sources)
                result = asyncio.run(run_drive(running, hogo.engine, drive, args))
                kill(running)
            with hogo.engine.connect() as connection:
                rows = connection.execute(select(func.count()).select_from(cookie_consents))
                total = int(rows.scalar_one())
            before = sum(r["acknowledged_total"] for r in runs)
            result.update(layout=layout.label, processes=processes, clients=args.clients)
            result.update(acknowledged_total=drive.acknowledged, rows_added=total - before)
            result["durable"] = total - before == drive.acknowledged
            runs.append(result)
            done(
                f"{database.name}, {layout.label}: {result['per_s']:,.0f} consents/s, "
                f"{result['failures']} failures, {result['rows_added']:,} rows for "
                f"{drive.acknowledged:,} acknowledged"
            )
    return {"database": database.label, "durability": settings, "runs": runs}


def markdown(data: dict[str, Any]) -> str:
    lines = [
        "# Consent recording through `hogo serve`",
        "",
        f"`{data['command']}` — {data['clients']} keep-alive clients on loopback, "
        f"{data['warm_up_s']:.0f} s warm-up, then {data['seconds']:.0f} s counted. Target "
        f"≥ {TARGET_PER_S:,.0f} requests/s on 2 cores with every event durable. Peer: "
        f"{PEER_PER_S:.0f} requests/s, a published figure for {FIDES.name}'s consent endpoint "
        "on a comparable machine; the peer is not installed here, so the ratio is against that "
        "figure, not a side-by-side run.",
        "",
        "| database | servers | 201/s | p50 ms | p95 ms | failures | server CPU ms/req "
        "| load gen. CPU ms/req | cores busy (hogo, machine) | rows = 201s | × peer | target |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, found in data["databases"].items():
        for r in found["runs"]:
            lat = r["latency"] or {"p50_ms": None, "p95_ms": None}
            lines.append(
                f"| {name} | {r['layout']} | {r['per_s']:,.0f} | {lat['p50_ms']} | "
                f"{lat['p95_ms']} | {r['failures']} | {r['server_cpu_ms_per_request']} | "
                f"{r['load_generator_cpu_ms_per_request']} | "
                f"{r['server_cores_busy']}, {r.get('machine_cores_busy', '–')} | "
                f"{'yes' if r['durable'] else 'NO'} ({r['rows_added']:,}/"
                f"{r['acknowledged_total']:,}) | {r['ratio_to_peer']}× | "
                f"{'met' if r['target_met'] else 'not met'} |"
            )
    lines += ["", "Durable here means:"]
    lines += [
        f"- {name}: {found['durability']['means']}" for name, found in data["databases"].items()
    ]
    lines += [
        "",
        "Every client address stays under hogo's limit of 120 choices an hour: each connection "
        f"binds its own 127.x.y.z address for at most {PER_ADDRESS} requests. The servers are "
        "stopped with SIGKILL before the rows are counted; warm-up choices count in both the "
        "rows and the 201s. The load generator runs on the same 2 cores as the servers "
        "(and PostgreSQL).",
        "",
        f"Machine: {data['environment']['platform']}, {data['environment']['cpus']} CPUs, "
        f"load average {data['environment']['load_average_1min']} before the run.",
    ]
    return "\n".join(lines) + "\n"


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--warm-up", type=float, default=WARM_UP_SECONDS)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--out", type=Path, default=HERE / "results")
    return parser.parse_args()


def main() -> None:
    args = parse()
    CACHE.mkdir(parents=True, exist_ok=True)
    create_key_file(CACHE / "master.key")
    makers = {"sqlite": sqlite_database, "postgresql": postgres_database}
    data: dict[str, Any] = {
        "command": "python bench/consent_api.py --seconds " + f"{args.seconds:g}",
        "clients": args.clients,
        "seconds": args.seconds,
        "warm_up_s": args.warm_up,
        "target_per_s": TARGET_PER_S,
        "peer": {"name": FIDES.name, "consent_per_s": PEER_PER_S, "installed": False},
        "environment": environment(),
        "databases": {name: bench_database(makers[name](), args) for name in args.databases},
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "consent_api.json").write_text(json.dumps(data, indent=2, default=str) + "\n")
    (args.out / "consent_api.md").write_text(markdown(data))
    print(markdown(data))


if __name__ == "__main__":
    main()
