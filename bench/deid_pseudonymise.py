"""Pseudonymisation at scale: 1,000,000 rows × 5 direct-identifier columns tokenised by hogo
(``hogo.deid.pseudonymise``: AES-256-CMAC over whole columns), beside a plain keyed hash in a
Python loop (``hmac.digest`` SHA-256 per value, truncated to 16 bytes, hex), the peer.

Target (issue 7): 1M rows × 5 identifier columns ≤ 3 s. The rows are synthetic and
deterministic (seeded): names and addresses repeat as real ones do, e-mail addresses and
telephone numbers are unique. Two kept columns and one deleted card column ride along.

    python bench/deid_pseudonymise.py [--rows 1000000] [--repeat 3]

Writes bench/results/deid_pseudonymise.json and deid_pseudonymise.md. Not part of bench/run.py.
"""

from __future__ import annotations

import argparse
import hmac
import json
import os
import random
import time
from pathlib import Path
from typing import Any

import polars as pl

from hogo.deid.pseudonymise import pseudonymise
from rights_report import environment

HERE = Path(__file__).parent
RESULTS = HERE / "results"
TARGET_SECONDS = 3.0
IDENTIFIERS = ("name", "name_kana", "address", "phone", "email")
ROLES = {
    **dict.fromkeys(IDENTIFIERS, "direct_identifier"),
    "card_number": "property_damage",
    "age": "quasi_identifier",
    "amount": "other",
}
SURNAMES = ["山田", "佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "中村", "小林", "加藤"]
GIVEN = ["太郎", "花子", "一郎", "美咲", "翔", "陽菜", "蓮", "結衣", "大輝", "さくら"]
KANA = ["ヤマダ", "サトウ", "スズキ", "タカハシ", "タナカ", "イトウ", "ワタナベ", "ナカムラ"]
PREFECTURES = ["東京都", "大阪府", "北海道", "福岡県", "愛知県", "京都府", "沖縄県", "宮城県"]


def synthetic(rows: int, seed: int = 7) -> pl.DataFrame:
    """``rows`` customers, the same for the same seed."""
    rng = random.Random(seed)
    first = [rng.randrange(10_000) for _ in range(rows)]
    return pl.DataFrame(
        {
            "name": [f"{SURNAMES[n % 10]} {GIVEN[n // 10 % 10]}{n // 100}" for n in first],
            "name_kana": [f"{KANA[n % 8]} {n % 997}" for n in first],
            "address": [f"{PREFECTURES[n % 8]}中央区{n % 50}-{n % 7}-{n}" for n in first],
            "phone": [f"090-{n // 10_000:04d}-{n % 10_000:04d}" for n in range(rows)],
            "email": [f"customer{n:07d}@example.jp" for n in range(rows)],
            "card_number": [f"4{n:015d}" for n in range(rows)],
            "age": [str(18 + n % 70) for n in first],
            "amount": [str(n % 30_000) for n in range(rows)],
        }
    )


def all_distinct(frame: pl.DataFrame) -> pl.DataFrame:
    """The worst case: every identifier value distinct (no value tokenised once for many)."""
    row = pl.int_range(pl.len()).cast(pl.String)
    return frame.with_columns(pl.concat_str([pl.col(n), pl.lit("#"), row]) for n in IDENTIFIERS)


def time_hogo(frame: pl.DataFrame, secret: bytes, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        pseudonymise(frame, ROLES, secret)
        times.append(time.perf_counter() - start)
    return times


def time_peer(frame: pl.DataFrame, secret: bytes) -> float:
    """Per value in Python: HMAC-SHA-256, 16 bytes, hex; then the same columns replaced."""
    digest = hmac.digest
    start = time.perf_counter()
    columns = []
    for name in IDENTIFIERS:
        values = frame.get_column(name).to_list()
        tokens = [digest(secret, v.encode(), "sha256")[:16].hex() for v in values]
        columns.append(pl.Series(name, tokens))
    frame.with_columns(columns).drop("card_number")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    frame = synthetic(args.rows)
    secret = os.urandom(32)
    distinct = {name: frame.get_column(name).n_unique() for name in IDENTIFIERS}
    hogo_times = time_hogo(frame, secret, args.repeat)
    worst_times = time_hogo(all_distinct(frame), secret, args.repeat)
    peer = time_peer(frame, secret)
    best = min(hogo_times)
    results: dict[str, Any] = {
        "rows": args.rows,
        "identifier_columns": list(IDENTIFIERS),
        "distinct_values": distinct,
        "hogo_seconds": [round(t, 3) for t in hogo_times],
        "hogo_best_seconds": round(best, 3),
        "hogo_microseconds_per_value": round(best / (args.rows * len(IDENTIFIERS)) * 1e6, 3),
        "hogo_all_distinct_seconds": [round(t, 3) for t in worst_times],
        "hogo_all_distinct_best_seconds": round(min(worst_times), 3),
        "peer_hmac_loop_seconds": round(peer, 3),
        "peer_microseconds_per_value": round(peer / (args.rows * len(IDENTIFIERS)) * 1e6, 3),
        "speedup_vs_peer": round(peer / best, 2),
        "target_seconds": TARGET_SECONDS,
        "target_met": best <= TARGET_SECONDS,
        "environment": environment(),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "deid_pseudonymise.json").write_text(json.dumps(results, indent=2) + "\n")
    (RESULTS / "deid_pseudonymise.md").write_text(markdown(results))
    print(markdown(results))


def markdown(results: dict[str, Any]) -> str:
    env = results["environment"]
    rows = f"{results['rows']:,}"
    met = "met" if results["target_met"] else "not met"
    return "\n".join(
        [
            "# Pseudonymisation at scale",
            "",
            f"`python bench/deid_pseudonymise.py` — {rows} synthetic rows, 5 direct-identifier "
            f"columns ({', '.join(results['identifier_columns'])}) tokenised, a card column "
            "deleted, two columns kept. hogo: `hogo.deid.pseudonymise` (AES-256-CMAC over whole "
            "columns), best of "
            f"{len(results['hogo_seconds'])}. Peer, in the same run: `hmac.digest` (HMAC-SHA-256) "
            "per value in a Python loop, truncated to 16 bytes, hex.",
            "",
            "| rows × columns | hogo s | µs/value | peer s | µs/value | speed-up | ≤ 3 s |",
            "|---|---|---|---|---|---|---|",
            f"| {rows} × 5 | {results['hogo_best_seconds']} | "
            f"{results['hogo_microseconds_per_value']} | {results['peer_hmac_loop_seconds']} | "
            f"{results['peer_microseconds_per_value']} | {results['speedup_vs_peer']}× | {met} |",
            "",
            "Worst case, the same rows with every identifier value made distinct (nothing to "
            f"tokenise once for many): hogo best {results['hogo_all_distinct_best_seconds']} s, "
            f"all runs {results['hogo_all_distinct_seconds']}.",
            "",
            f"All hogo runs (s): {results['hogo_seconds']}. Distinct values per column: "
            f"{results['distinct_values']}.",
            "",
            f"Machine: {env['platform']}, {env['cpus']} CPUs, load average "
            f"{env['load_average_1min']} at the start of the report.",
            "",
        ]
    )


if __name__ == "__main__":
    main()
