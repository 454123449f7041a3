"""``/demo/shop``: a mock shop page that shows the consent banner at work (R-60, G-20).

The page carries ``/consent.js`` and two inert tags, one for statistics and one for
advertising, that run only once the visitor allows their use; each says on the page that it
ran. The page is served under a strict Content-Security-Policy (no inline scripts or styles),
as a site owner's page may be.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.templating import Jinja2Templates

from hogo.policy.model import Text
from hogo.web.api.deps import HogoDep

Lang = Literal["ja", "en"]
TEMPLATES = Jinja2Templates(directory=Path(__file__).parents[1] / "templates")
STATIC = Path(__file__).parents[1] / "static" / "demo"
FILES = {
    "tags/stats.js": "text/javascript; charset=utf-8",
    "tags/ads.js": "text/javascript; charset=utf-8",
    "static/shop.css": "text/css; charset=utf-8",
}
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
router = APIRouter(include_in_schema=False)

LABELS: dict[str, Text] = {
    "title": Text(ja="hogo ショップ（デモ）", en="hogo shop (demo)"),
    "lead": Text(
        ja="同意バナーのデモページです。統計と広告のタグは、選択するまで実行されません。",
        en="A demo page for the consent banner. The statistics and advertising tags do not "
        "run until you choose.",
    ),
    "log": Text(ja="実行されたタグ", en="Tags that ran"),
    "settings": Text(ja="Cookie 設定", en="Cookie settings"),
    "data_map": Text(ja="個人データの取扱い一覧", en="Data map"),
    "tax": Text(ja="税込", en="incl. tax"),
}
PRODUCTS = (
    (Text(ja="ステンレス製ボトル 500ml", en="Stainless steel bottle, 500 ml"), 2980),
    (Text(ja="木製カッティングボード", en="Wooden cutting board"), 4400),
    (Text(ja="ドリップコーヒーセット", en="Drip coffee set"), 6600),
)


@router.get("/demo/shop", response_class=HTMLResponse)
def shop(request: Request, hogo: HogoDep, lang: Annotated[Lang, Query()] = "ja") -> HTMLResponse:
    labels = {key: getattr(text, lang) for key, text in LABELS.items()}
    products = [(getattr(name, lang), f"¥{price:,}") for name, price in PRODUCTS]
    return TEMPLATES.TemplateResponse(
        request,
        "demo_shop.html",
        {"lang": lang, "labels": labels, "products": products, "version": hogo.policy.version},
        headers={"Content-Security-Policy": CSP, "Cache-Control": "no-store"},
    )


@router.get("/demo/{name:path}")
def demo_file(name: str) -> FileResponse:
    """The demo's tag scripts and style sheet."""
    if name not in FILES:
        raise HTTPException(404, f"no demo file {name}")
    return FileResponse(
        STATIC / Path(name).name,
        media_type=FILES[name],
        headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"},
    )
