"""The consent banner's weight on the wire: ``consent.js`` gzipped at level 9.

Compared with Klaro (about 69 KB gzipped, styles and translations included) and the 45 KB
budget Fides.js sets itself. The banner's texts and cookie uses come from
``/v1/consent/config`` and are not counted here; the config is measured alongside.
Writes bench/results/consent_size.json and consent_size.md.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from hogo.policy.load import load_policy
from hogo.services.cookie_notice import banner_config

ROOT = Path(__file__).parents[1]
SCRIPT = ROOT / "src" / "hogo" / "web" / "static" / "consent.js"
POLICY = ROOT / "examples" / "policy.yaml"
RESULTS = Path(__file__).parent / "results"
KLARO_GZIP = 69 * 1024
FIDES_BUDGET_GZIP = 45 * 1024
TARGET_GZIP = 12 * 1024


def gzipped(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def main() -> None:
    script = SCRIPT.read_bytes()
    config = json.dumps(banner_config(load_policy(POLICY)), ensure_ascii=False).encode()
    result = {
        "consent_js_bytes": len(script),
        "consent_js_gzip_bytes": gzipped(script),
        "config_json_gzip_bytes": gzipped(config),
        "target_gzip_bytes": TARGET_GZIP,
        "klaro_gzip_bytes": KLARO_GZIP,
        "fides_budget_gzip_bytes": FIDES_BUDGET_GZIP,
    }
    result["ratio_to_klaro"] = result["consent_js_gzip_bytes"] / KLARO_GZIP
    result["ratio_to_fides_budget"] = result["consent_js_gzip_bytes"] / FIDES_BUDGET_GZIP
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "consent_size.json").write_text(json.dumps(result, indent=2) + "\n")
    table = (
        "| what | gzip -9 |\n|---|---|\n"
        f"| `consent.js` (hogo, styles and both languages' code) | "
        f"{result['consent_js_gzip_bytes']:,} B |\n"
        f"| `/v1/consent/config` (texts, uses, tags; example policy) | "
        f"{result['config_json_gzip_bytes']:,} B |\n"
        f"| Klaro | {KLARO_GZIP:,} B |\n"
        f"| Fides.js budget | {FIDES_BUDGET_GZIP:,} B |\n"
        f"\n`consent.js` is {result['ratio_to_klaro']:.1%} of Klaro and "
        f"{result['ratio_to_fides_budget']:.1%} of the Fides.js budget; target ≤ "
        f"{TARGET_GZIP:,} B\n"
    )
    (RESULTS / "consent_size.md").write_text(table)
    print(table)


if __name__ == "__main__":
    main()
