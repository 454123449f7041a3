"""User agents are kept only as a class: bot, app, browser or other (R-61)."""

from __future__ import annotations

import polars as pl
import pytest

from hogo.accesslog.agents import agent_class


@pytest.mark.parametrize(
    ("agent", "expected"),
    [
        ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "bot"),
        ("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", "bot"),
        ("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.0)", "bot"),
        ("facebookexternalhit/1.1", "bot"),
        ("curl/8.4.0", "bot"),
        ("python-requests/2.32.3", "bot"),
        ("Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/120.0 Safari/537.36", "bot"),
        ("okhttp/4.12.0", "app"),
        ("ShopApp/3.2 CFNetwork/1408 Darwin/22.5.0", "app"),
        ("Mozilla/5.0 (Linux; Android 14; Pixel 8; wv) AppleWebKit/537.36", "app"),
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 Line/13.0", "app"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0 Safari/537.36", "browser"),
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Version/17.0 Safari", "browser"),
        ("Opera/9.80 (Windows NT 6.1) Presto/2.12", "browser"),
        ("SomethingElse", "other"),
        (None, "other"),
    ],
)
def test_R61_agents_are_classed(agent: str | None, expected: str) -> None:
    frame = pl.DataFrame({"agent": [agent]}, schema={"agent": pl.String})
    assert frame.select(agent_class(pl.col("agent")).alias("class"))["class"].to_list() == [
        expected
    ]
