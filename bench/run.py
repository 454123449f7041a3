"""``make bench``: every benchmark, one after the other, each writing to bench/results/."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCHES = [
    "startup.py",
    "guard.py",
    "ingest.py",
    "rights.py",
    "consent_size.py",
    "accesslog.py",
    "consent_api.py",
    "provide.py",
    "sweep.py",
    "deid_pseudonymise.py",
]


def main() -> int:
    here = Path(__file__).parent
    failed = []
    for name in BENCHES:
        print(f"== {name}", flush=True)
        if subprocess.run([sys.executable, str(here / name)], check=False).returncode:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
