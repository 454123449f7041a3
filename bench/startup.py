"""How long ``hogo --help`` takes to start, next to a bare ``python -c pass``.

Target: under 0.5 s. Writes bench/results/startup.json and startup.md.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "results"
RUNS = 15


def wall_times(command: list[str]) -> list[float]:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    hogo = shutil.which("hogo") or str(Path(sys.executable).with_name("hogo"))
    hogo_times = wall_times([hogo, "--help"])
    bare_times = wall_times([sys.executable, "-c", "pass"])
    result = {
        "runs": RUNS,
        "hogo_help_median_s": statistics.median(hogo_times),
        "python_bare_median_s": statistics.median(bare_times),
        "target_s": 0.5,
    }
    result["ratio_to_bare_python"] = result["hogo_help_median_s"] / result["python_bare_median_s"]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "startup.json").write_text(json.dumps(result, indent=2) + "\n")
    table = (
        "| command | median wall time |\n|---|---|\n"
        f"| `hogo --help` | {result['hogo_help_median_s'] * 1000:.0f} ms |\n"
        f"| `python -c pass` | {result['python_bare_median_s'] * 1000:.0f} ms |\n"
        f"\nratio {result['ratio_to_bare_python']:.1f}× bare Python; target < 500 ms\n"
    )
    (RESULTS / "startup.md").write_text(table)
    print(table)


if __name__ == "__main__":
    main()
