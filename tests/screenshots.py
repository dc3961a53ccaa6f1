"""docs/screenshots/: the Trustpilot shops' widgets as shoppers see them (python -m tests.screenshots).

Each shop of tests/trustpilot_shops.py is pasted with the preview's snippets on a product page,
light and dark, at phone and desktop width, and seen by a visitor whose own preference is the
opposite of the page's (the widgets must follow the page, not the visitor).
"""

from __future__ import annotations

import functools
import sys
import tempfile
import threading
from datetime import date
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.server import running_service
from tests.trustpilot_shops import open_loaded
from widget_server.http.preview import embed_snippet
from widget_server.store.open import open_store

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
AS_OF = date(2026, 12, 3)
PAGES = {"light": ("#ffffff", "#1f2328", "dark"), "dark": ("#0d1117", "#e6edf3", "light")}  # page, text, visitor
WIDTHS = {"phone": 390, "desktop": 1280}
SHOPS = {"groenhuis": "Trustpilot", "luchtwerk": "Trustpilot and Google"}


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def product_page(service: str, shop_id: str, page: str) -> str:
    store = open_store(Path(service.split("#", 1)[1]))
    shop = store.shop(shop_id)
    store.close()
    assert shop is not None
    base = service.split("#", 1)[0]
    snippet = {w: embed_snippet(base, shop, w, "nl", {}) for w in ("stars", "badge", "carousel", "list", "footer")}
    background, text, _ = PAGES[page]
    return f"""<!doctype html><html lang="nl"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>{shop.name}</title>
<style>body{{margin:0;font:16px/1.5 system-ui,sans-serif;background:{background};color:{text}}}
main{{max-width:1200px;margin:0 auto;padding:16px}}.buy{{display:flex;gap:16px;align-items:center;flex-wrap:wrap}}
.price{{font-size:1.5em;font-weight:700}}.row{{display:flex;gap:24px;flex-wrap:wrap;align-items:flex-start}}
.row>div{{flex:1 1 300px}}h2{{font-size:1em;margin:24px 0 8px}}</style></head>
<body><main><h1>Brink Flair 325 warmteterugwinunit</h1>
<div class="buy"><span class="price">€ 2.349</span><div style="flex:1 1 200px;max-width:560px">{snippet["stars"]}</div></div>
<div class="row"><div><p>Stil, zuinig en met bypass voor zomernachten.</p></div><div style="max-width:360px">{snippet["badge"]}</div></div>
<h2>Wat klanten zeggen</h2>{snippet["carousel"]}
<h2>Alle beoordelingen</h2><div style="max-width:760px">{snippet["list"]}</div>
<h2>Footer</h2>{snippet["footer"]}</main></body></html>"""


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tw-shots-") as temp:
        folder = Path(temp)
        open_loaded(folder / "data", AS_OF).close()
        site = folder / "site"
        site.mkdir()
        with running_service(folder / "data", as_of=AS_OF.isoformat()) as base:
            for shop in SHOPS:
                for page in PAGES:
                    (site / f"{shop}-{page}.html").write_text(product_page(f"{base}#{folder / 'data'}", shop, page))
            handler = functools.partial(Quiet, directory=str(site))
            host = ThreadingHTTPServer(("127.0.0.1", 0), handler)
            threading.Thread(target=host.serve_forever, daemon=True).start()
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for shop in SHOPS:
                    for page, (_, _, visitor) in PAGES.items():
                        for name, width in WIDTHS.items():
                            context = browser.new_context(
                                viewport={"width": width, "height": 3000}, color_scheme=visitor
                            )
                            tab = context.new_page()
                            tab.goto(f"http://localhost:{host.server_port}/{shop}-{page}.html", wait_until="load")
                            tab.wait_for_function("() => document.querySelectorAll('.trustwidget iframe').length === 5")
                            tab.wait_for_timeout(1500)
                            height = tab.evaluate("document.documentElement.scrollHeight")
                            tab.set_viewport_size({"width": width, "height": height})
                            tab.wait_for_timeout(500)
                            path = OUT / f"{shop}-{page}-{name}.png"
                            tab.screenshot(path=str(path))
                            print(path.relative_to(OUT.parent.parent), file=sys.stderr)
                            context.close()
                browser.close()
            host.shutdown()


if __name__ == "__main__":
    main()
