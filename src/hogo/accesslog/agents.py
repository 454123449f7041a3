"""User agents sorted into a few classes by ordered ``str.contains`` rules, column-wise.

Only the class is stored, never the user-agent string: the string plus a network can single
out one device, the class cannot. The first rule that matches wins, so a crawler that calls
itself ``Mozilla/5.0 (compatible; Googlebot/2.1)`` is a bot, not a browser.
"""

from __future__ import annotations

import polars as pl

BOT = (
    r"(?i)bot\b|bot/|crawl|spider|slurp|scrap|archiver|facebookexternalhit|embedly|"
    r"curl/|wget/|python-requests|python-urllib|aiohttp|httpx|go-http-client|java/|"
    r"libwww|okhttp-probe|headlesschrome|phantomjs|lighthouse|pingdom|uptime|monitor|"
    r"check_http|nagios|zgrab|masscan|nmap"
)
APP = (
    r"(?i)okhttp/|cfnetwork/|dalvik/|alamofire|\bapp/\d|mobileapp|; wv\)|"
    r"\b(?:fbav|instagram|line)/\d"
)
BROWSER = r"(?i)^mozilla/\d|^opera/\d"

RULES: tuple[tuple[str, str], ...] = (("bot", BOT), ("app", APP), ("browser", BROWSER))
CLASSES = ("bot", "app", "browser", "other")


def agent_class(agent: pl.Expr) -> pl.Expr:
    """``bot``, ``app``, ``browser`` or ``other`` for each user-agent string (null: other)."""
    text = agent.fill_null("")
    classed = pl.lit("other")
    for name, pattern in reversed(RULES):  # built inside out: the first rule is tried first
        classed = pl.when(text.str.contains(pattern)).then(pl.lit(name)).otherwise(classed)
    return classed
