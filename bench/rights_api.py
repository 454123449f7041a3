"""The API section of ``bench/rights.py``: uvicorn servers over the bench database, built as
``hogo serve`` builds its app, and asyncio clients that drive verified disclosures through them.

uvicorn imports this module in each server process (``rights_api:serve_app --factory``, with
``--app-dir bench``), so it builds nothing at import time."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import os
import random
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import cycle
from pathlib import Path
from typing import Any

import httpx2
from fastapi import FastAPI

from hogo.auth.keys import KeyVerifier, create_key
from hogo.runtime import Hogo, open_hogo
from hogo.settings import Settings
from hogo.web.app import create_app
from rights_data import ACTOR, CACHE, HERE, Database, done, ids_of, settings_for
from rights_report import FIDES, latency

WARM_UP_SECONDS = 5.0  # the first seconds of each run are not counted


def serve_app() -> FastAPI:
    """What ``hogo serve`` builds (settings from HOGO_*), for uvicorn ``--factory``."""
    settings = Settings()
    hogo = open_hogo(settings.database_url, settings.policy_path, settings=settings)
    return create_app(hogo, KeyVerifier(hogo.engine))


def server_environment(database: Database) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOGO_")}
    settings = settings_for(database)
    env.update(
        HOGO_DATABASE_URL=settings.database_url,
        HOGO_POLICY_PATH=str(settings.policy_path),
        HOGO_KEY_FILE=str(settings.key_file),
        HOGO_SUPPRESSION_FILE=str(database.suppression),
        HOGO_MAIL_URL="memory://",
    )
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Layout:
    """How the API is served: ``processes`` uvicorn processes of ``workers`` workers each."""

    processes: int
    workers: int = 1

    @property
    def label(self) -> str:
        if self.workers > 1:
            return f"1 uvicorn --workers {self.workers}"
        each = "`hogo serve`" if self.processes == 1 else "`hogo serve` processes"
        return f"{self.processes} {each}"


@contextlib.contextmanager
def server(database: Database, workers: int, log_name: str) -> Iterator[tuple[str, int]]:
    """uvicorn on a free port, as ``hogo serve`` runs it; its base URL and process id."""
    port = free_port()
    log = (CACHE / f"{database.stem}-{log_name}.log").open("w")
    command = [sys.executable, "-m", "uvicorn", "rights_api:serve_app", "--factory"]
    command += ["--app-dir", str(HERE), "--host", "127.0.0.1", "--port", str(port)]
    command += ["--log-level", "info"]
    if workers > 1:
        command += ["--workers", str(workers)]
    process = subprocess.Popen(
        command, env=server_environment(database), stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, process)
        yield base, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@contextlib.contextmanager
def servers(database: Database, layout: Layout) -> Iterator[list[tuple[str, int]]]:
    with contextlib.ExitStack() as stack:
        yield [
            stack.enter_context(server(database, layout.workers, f"api-{layout.processes}-{n}"))
            for n in range(layout.processes)
        ]


def wait_ready(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server stopped (exit {process.returncode}); see bench/.cache")
        with contextlib.suppress(httpx2.HTTPError):
            if httpx2.get(f"{base}/health", timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    raise SystemExit("the server did not answer /health within 120 s")


def api_key(hogo: Hogo) -> str:
    with hogo.engine.begin() as connection:
        return create_key(
            connection,
            ACTOR.role,
            label="bench/rights.py",
            roles_known=list(hogo.policy.roles),
            now=dt.datetime.now(dt.UTC),
            actor=ACTOR.id,
        )


async def verified_disclosure(client: httpx2.AsyncClient, subject_id: int) -> None:
    """One request from receipt to the downloaded answer; raises on anything unexpected."""
    body = {"subject_id": subject_id, "kind": "disclosure", "regime": "appi"}
    submitted = (await client.post("/v1/requests", json=body)).raise_for_status()
    request_id = submitted.json()["id"]
    (await client.post(f"/v1/requests/{request_id}/verify")).raise_for_status()
    fulfilled = (await client.post(f"/v1/requests/{request_id}/fulfil")).raise_for_status()
    if fulfilled.json()["status"] != "fulfilled":
        raise RuntimeError(f"request {request_id} closed as {fulfilled.json()['status']}")
    answer = (await client.get(f"/v1/requests/{request_id}/answer")).raise_for_status()
    if not answer.content.startswith(b"PK"):
        raise RuntimeError(f"request {request_id}: the answer is not a zip")


@dataclass
class Drive:
    done: list[tuple[float, float]]  # (started, seconds) of each verified disclosure
    failures: list[str]


async def client_loop(
    client: httpx2.AsyncClient, subject_ids: Iterator[int], until: float, drive: Drive
) -> None:
    while time.perf_counter() < until:
        started = time.perf_counter()
        try:
            await verified_disclosure(client, next(subject_ids))
        except (httpx2.HTTPError, RuntimeError, KeyError, ValueError) as error:
            drive.failures.append(f"{type(error).__name__}: {error}"[:300])
            continue
        drive.done.append((started, time.perf_counter() - started))


def tree_cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of a process and its live descendants (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
    return total


async def cpu_mark(at: float, pids: Sequence[int], marks: list[tuple[float, float]]) -> None:
    """At ``at``, the servers' CPU seconds so far and this process's."""
    await asyncio.sleep(max(0.0, at - time.perf_counter()))
    marks.append((sum(tree_cpu_seconds(pid) for pid in pids), time.process_time()))


async def drive_server(
    running: Sequence[tuple[str, int]], key: str, ids: Sequence[int], args: argparse.Namespace
) -> dict[str, Any]:
    """``args.clients`` clients, spread evenly over the servers, each with its connection."""
    drive = Drive([], [])
    marks: list[tuple[float, float]] = []
    pids = [pid for _, pid in running]
    headers = {"Authorization": f"Bearer {key}"}
    async with contextlib.AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(
                httpx2.AsyncClient(
                    base_url=running[n % len(running)][0], headers=headers, timeout=60
                )
            )
            for n in range(args.clients)
        ]
        measured_from = time.perf_counter() + WARM_UP_SECONDS
        until = measured_from + args.api_seconds
        subject_ids = cycle(ids)
        await asyncio.gather(
            cpu_mark(measured_from, pids, marks),
            *(client_loop(client, subject_ids, until, drive) for client in clients),
        )
        window = time.perf_counter() - measured_from
        await cpu_mark(0.0, pids, marks)
    counted = [s for started, s in drive.done if started >= measured_from]
    (server_start, client_start), (server_end, client_end) = marks
    cpu = (server_end - server_start, client_end - client_start)
    return api_figures(args.clients, window, counted, drive.failures, cpu)


def api_figures(
    clients: int,
    window: float,
    counted: Sequence[float],
    failures: Sequence[str],
    cpu: tuple[float, float],
) -> dict[str, Any]:
    rate = len(counted) / window
    per = max(len(counted), 1)
    return {
        "clients": clients,
        "seconds": round(window, 2),
        "verified_disclosures": len(counted),
        "per_s": round(rate, 1),
        "http_requests_per_s": round(4 * rate, 1),
        "latency": latency(counted) if counted else {},
        "failures": len(failures),
        "first_failure": failures[0] if failures else None,
        "server_cpu_ms_per_disclosure": round(cpu[0] / per * 1000, 2),
        "client_cpu_ms_per_disclosure": round(cpu[1] / per * 1000, 2),
        "server_cores_busy": round(cpu[0] / window, 2),
        "client_cores_busy": round(cpu[1] / window, 2),
        "ratio_to_fides": round(rate / FIDES.requests_per_s, 1),
    }


def api_section(
    hogo: Hogo, database: Database, args: argparse.Namespace, seed: int
) -> list[dict[str, Any]]:
    key = api_key(hogo)
    numbers = random.Random(seed + 1).sample(range(database.subjects), 2_000)
    ids = ids_of(hogo.engine, numbers)
    layouts = [Layout(processes) for processes in args.processes]
    if args.uvicorn_workers > 1:
        layouts.append(Layout(1, args.uvicorn_workers))
    runs = []
    for layout in layouts:
        with servers(database, layout) as running:
            result = asyncio.run(drive_server(running, key, ids, args))
        result.update(processes=layout.processes, workers=layout.workers, layout=layout.label)
        runs.append(result)
        done(
            f"{database.name}: API, {layout.label}: {result['per_s']:.1f} verified "
            f"disclosures/s, {result['failures']} failures"
        )
    return runs
