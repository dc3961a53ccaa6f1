"""Helpers for browser tests: a second origin serving shop pages, and page-side observers."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.server import free_port
from widget_server.store.open import open_store

CLS_OBSERVER = """
window.__cls = 0; window.__shifts = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (!entry.hadRecentInput) { window.__cls += entry.value; window.__shifts.push(entry.value); }
  }
}).observe({type: 'layout-shift', buffered: true});
"""


# axe-core details only its violations (its `resultTypes`): every rule still runs and a violation is
# reported in full; the nodes of its passes, which nothing here reads, are left out.
AXE_OPTIONS = {"resultTypes": ["violations"]}


def serious_violations(page) -> list:
    """axe-core's serious and critical findings on the page, as (rule, targets)."""
    from axe_playwright_python.sync_playwright import Axe

    return [
        (v["id"], [n["target"] for n in v["nodes"]])
        for v in Axe().run(page, options=AXE_OPTIONS).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


NEXT_FRAME = "new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


def full_page_shot(page, **options) -> bytes:
    """The page's full-page screenshot, taken once it has drawn the frame after its last resize.

    Chromium answers "Unable to capture screenshot" when its compositor has no frame ready in time,
    which happens under load right after a viewport change. The picture is a record, not the
    behaviour under test, so one such refusal is met with one more frame and one more try.
    """
    from playwright.sync_api import Error

    page.evaluate(NEXT_FRAME)
    try:
        return page.screenshot(full_page=True, **options)
    except Error as error:
        if "Unable to capture screenshot" not in error.message:
            raise
        page.evaluate(NEXT_FRAME)
        return page.screenshot(full_page=True, **options)


CANARY = "window.pwned = undefined; window.alert = () => { window.pwned = 'alert'; };"


class Pages:
    """A second origin: serves host pages that paste the snippet."""

    def __init__(self):
        self.pages = {}
        self.files = {}
        pages, files = self.pages, self.files

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                path = self.path.split("?")[0]
                if path in files:
                    body, content_type, delay = files[path]
                    time.sleep(delay)
                else:
                    body, content_type = pages.get(path), "text/html; charset=utf-8"
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", content_type)
                self.end_headers()
                self.wfile.write((body or "not found").encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def add(self, path, snippet):
        self.pages[path] = (
            "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Shop page</title>"
            "<link rel='icon' href='data:,'></head><body style='font:16px sans-serif;margin:20px;max-width:900px'>"
            "<h1>Zehnder ComfoAir Q350</h1><p>Prijs: € 2.499</p>"
            f"{snippet}<p id='below'>Text below the widget that must not move.</p></body></html>"
        )
        return self.base + path

    def add_page(self, path, html):
        """A whole page as it is, not wrapped in the standard shop page."""
        self.pages[path] = html
        return self.base + path

    def add_file(self, path, body, content_type, delay=0.0):
        """Another file of the page (an image, say), answered after `delay` seconds."""
        self.files[path] = (body, content_type, delay)
        return self.base + path


def shop_record(data, shop_id):

    store = open_store(data)
    shop = store.shop(shop_id)
    store.close()
    return shop
