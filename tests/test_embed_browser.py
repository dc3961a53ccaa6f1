"""Embedding in real Chromium: the snippet on a page of another origin, layout shift, safety."""

import io
import json

import pytest
from playwright.sync_api import expect

from tests.browser import CANARY, CLS_OBSERVER, shop_record
from tests.hostile import HOSTILE
from tests.server import running_service
from tests.widgets import AS_OF, DATA, REVIEW_WIDGETS, WIDGET_NAMES, fixture_store, widgets_fitting
from widget_server.demo import demo_document
from widget_server.http.preview import embed_snippet, iframe_snippet

pytestmark = pytest.mark.browser
# Each widget's label in Dutch, as its frame's title names it.
DUTCH_LABELS = {
    "badge": "Beoordelingsbadge",
    "stars": "Sterrenscore",
    "carousel": "Beoordelingencarrousel",
    "footer": "Beoordelingenfooter",
    "list": "Beoordelingenlijst",
}


def hostile_shop():
    document = json.loads((DATA / "widgets.json").read_text())
    shop = {**document["shops"][0], "id": "hostile", "name": 'Evil <script>window.pwned=1</script> "shop"'}
    reviews = []
    for n, payload in enumerate(
        [
            HOSTILE["title"],
            HOSTILE["author"],
            "<img src=x onerror=alert(1)>",
            "javascript:alert(1)",
            "</script><script>alert(1)</script>",
        ]
    ):
        reviews.append(
            {
                **document["reviews"][0],
                "id": f"h{n}",
                "shop": "hostile",
                "title": payload[:300],
                "text": payload,
                "author": payload[:100],
                "reply": {"text": payload, "created_at": "2026-11-21T00:00:00Z"},
            }
        )
    return {"shops": [shop], "reviews": reviews}


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    data = tmp_path_factory.mktemp("embed")
    fixture_store(data, demo_document(AS_OF)).close()
    fixture_store(data, hostile_shop()).close()
    with running_service(data) as base:
        yield base, data


def test_the_dutch_labels_cover_every_widget():
    assert set(DUTCH_LABELS) == set(WIDGET_NAMES)


def open_page(browser, url, **context_options):
    context = browser.new_context(viewport={"width": 1024, "height": 900}, **context_options)
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.add_init_script(CLS_OBSERVER + CANARY)
    page.goto(url)
    return context, page, errors


@pytest.mark.parametrize("widget", WIDGET_NAMES)
def test_snippet_embeds_from_another_origin_without_layout_shift(browser, service, host, widget):
    base, data = service
    shop = shop_record(data, "wtw-winkel")
    url = host.add(f"/{widget}.html", embed_snippet(base, shop, widget, "nl", {}))
    context, page, errors = open_page(browser, url)
    frame = page.frame_locator("iframe")
    frame.locator(".w").wait_for()
    assert "Trustpilot" in frame.locator(".w").inner_text()
    # the widget's own title (named after the shop and the widget) replaces the loader's first guess
    expect(page.locator("iframe")).to_have_attribute("title", f"{DUTCH_LABELS[widget]} – Beoordelingen van WTW Winkel")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__cls") == 0, page.evaluate("window.__shifts")
    assert errors == []
    assert context.cookies() == []
    context.close()


def test_iframe_only_snippet(browser, service, host):
    base, data = service
    url = host.add("/iframe.html", iframe_snippet(base, shop_record(data, "wtw-winkel"), "badge", "en", {}))
    context, page, errors = open_page(browser, url)
    page.frame_locator("iframe").get_by_text("How reviews are checked").wait_for()
    assert page.evaluate("window.__cls") == 0 and errors == []
    context.close()


def test_without_javascript_a_plain_policy_link_remains(browser, service, host):
    base, data = service
    url = host.add("/nojs.html", embed_snippet(base, shop_record(data, "wtw-winkel"), "badge", "nl", {}))
    context, page, _ = open_page(browser, url, java_script_enabled=False)
    link = page.get_by_role("link", name="Beoordelingen van WTW Winkel via Trustpilot")
    assert link.get_attribute("href") == "https://www.example.nl/reviews-en-klantbeoordelingen"
    context.close()


def test_elements_added_later_and_load_for_single_page_apps(browser, service, host):
    base, data = service
    url = host.add("/spa.html", embed_snippet(base, shop_record(data, "wtw-winkel"), "stars", "en", {}))
    context, page, errors = open_page(browser, url)
    page.frame_locator("iframe").locator(".w").wait_for()
    page.evaluate("""() => {
      const late = document.createElement('div');
      late.className = 'trustwidget'; late.dataset.shop = 'greenvent'; late.dataset.widget = 'badge'; late.dataset.locale = 'en';
      document.body.append(late);
      const manual = document.createElement('section');
      manual.dataset.shop = 'wtw-winkel'; manual.dataset.widget = 'carousel'; manual.dataset.locale = 'nl'; manual.dataset.theme = 'dark';
      document.body.append(manual);
      window.trustwidgets.load(manual);
    }""")
    page.wait_for_function("() => document.querySelectorAll('iframe').length === 3")
    page.frame_locator("iframe >> nth=1").get_by_text("via Trusted Shops").wait_for()
    assert "theme=dark" in page.locator("iframe").nth(2).get_attribute("src")
    assert errors == []
    context.close()


HOSTILE_HOST_PAGE = """
<div id="trustwidgets">a shop's own element named like our global</div>
<script>
  // A host page that breaks what it does not own: every Array method we might call throws,
  // until the page restores them (after the loader has run, so the test harness works again).
  const broken = ["forEach", "push", "join", "map", "filter", "indexOf", "slice"];
  const saved = {};
  for (const name of broken) {
    saved[name] = Array.prototype[name];
    Array.prototype[name] = function () { throw new Error("host page broke Array." + name); };
  }
  const savedForEach = NodeList.prototype.forEach;
  NodeList.prototype.forEach = function () { throw new Error("host page broke NodeList.forEach"); };
  window.addEventListener("load", () => {
    const late = document.createElement("div");  // loaded by the MutationObserver, still broken
    late.className = "trustwidget"; late.dataset.shop = "greenvent"; late.dataset.widget = "badge";
    late.dataset.locale = "en"; document.body.append(late);
    setTimeout(() => {
      for (const name in saved) Array.prototype[name] = saved[name];
      NodeList.prototype.forEach = savedForEach;
      window.__restored = true;
    }, 300);
  });
</script>
"""


def test_the_loader_survives_a_host_page_that_breaks_what_it_does_not_own(browser, service, host):
    base, data = service
    shop = shop_record(data, "wtw-winkel")
    snippet = embed_snippet(base, shop, "badge", "nl", {"theme": "dark"}) + embed_snippet(base, shop, "stars", "en", {})
    url = host.add("/hostile-host.html", HOSTILE_HOST_PAGE + snippet + snippet)  # the loader twice
    context, page, errors = open_page(browser, url)
    page.wait_for_timeout(600)
    page.wait_for_function("() => window.__restored === true && document.querySelectorAll('iframe').length === 5")
    page.frame_locator("iframe >> nth=0").locator(".w.badge").wait_for()
    page.frame_locator("iframe >> nth=1").get_by_text("on Trustpilot").first.wait_for()
    page.frame_locator("iframe >> nth=4").get_by_text("via Trusted Shops").wait_for()
    assert "theme=dark" in page.locator("iframe").nth(0).get_attribute("src")
    assert page.evaluate("document.getElementById('trustwidgets').textContent").startswith("a shop's own")
    assert page.evaluate("typeof window.__trustwidgets.load") == "function"
    assert errors == []
    context.close()


@pytest.mark.parametrize("widget", WIDGET_NAMES)
def test_hostile_reviews_never_run(browser, service, host, widget):
    base, data = service
    url = host.add(f"/hostile-{widget}.html", embed_snippet(base, shop_record(data, "hostile"), widget, "en", {}))
    context, page, errors = open_page(browser, url)
    frame = page.frame_locator("iframe")
    frame.locator(".w").wait_for()
    page.wait_for_timeout(200)
    assert page.evaluate("window.pwned") is None
    inner = page.frames[1]
    assert inner.evaluate("window.pwned") is None
    if widget in REVIEW_WIDGETS:
        assert "<img src=x onerror=alert(1)>" in frame.locator(".w").inner_text()
    assert errors == []
    context.close()


def test_preview_copies_a_snippet_that_works(browser, service, host):
    base, _ = service
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(base + "/preview/wtw-winkel")
    page.get_by_label("Widget", exact=True).select_option("carousel")
    expect(page.locator("#snippet")).to_contain_text('data-widget="carousel"')
    page.get_by_label("Theme").select_option("dark")
    expect(page.locator("#snippet")).to_contain_text('data-theme="dark"')
    page.frame_locator("iframe.desktop").locator(".w.carousel").wait_for()
    page.get_by_role("button", name="Copy snippet").click()
    page.get_by_text("Copied.").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.locator("#snippet").inner_text()
    assert "theme=dark" in page.url
    assert errors == []
    context.close()

    url = host.add("/copied.html", copied)
    context, shop_page, shop_errors = open_page(browser, url)
    shop_page.frame_locator("iframe").locator(".w.carousel").wait_for()
    assert "dark" in shop_page.frame_locator("iframe").locator("html").get_attribute("class")
    assert shop_page.evaluate("window.__cls") == 0 and shop_errors == []
    context.close()


def test_preview_lists_shops_and_shows_the_counted_reviews(browser, service):
    base, _ = service
    page = browser.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(base + "/preview/")
    page.get_by_role("link", name="WTW Winkel").click()
    page.get_by_role("heading", name="The score behind the widget").wait_for()
    rows = page.locator("table.reviews tbody tr").count()
    shown = int(page.locator("dt:has-text('Counted reviews') + dd").inner_text().split()[0])
    assert rows == shown > 0
    assert errors == []
    page.close()


@pytest.fixture(scope="module")
def static_origin(service, tmp_path_factory):
    """The static build of the same data, served as plain files from another port."""
    import functools
    import subprocess
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    from tests.server import cli_args

    _, data = service
    out = tmp_path_factory.mktemp("static") / "out"
    assert subprocess.run(cli_args(data, "build", "--out", str(out), "--as-of", AS_OF.isoformat())).returncode == 0

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def settled_shot(page, tries: int = 20) -> bytes:
    """The frame's picture once two in a row agree (its cards clamp after the fonts are in and
    the frame has its width, which a busy machine may take a while to get to)."""
    before = page.locator("iframe").screenshot()
    for _ in range(tries):
        page.wait_for_timeout(150)
        after = page.locator("iframe").screenshot()
        if after == before:
            return after
        before = after
    return before


@pytest.mark.parametrize(
    ("widget", "query", "variant"),
    [
        ("badge", {"theme": "dark", "accent": "#ff3366", "background": "#10261c"}, ""),
        ("carousel", {"theme": "light", "background": "#fff8e7"}, ""),
        ("footer", {"accent": "#ff3366"}, "dark-positive"),
    ],
)
def test_a_preview_snippet_renders_the_same_live_and_from_static_files(
    browser, service, static_origin, host, widget, query, variant
):
    from PIL import Image, ImageChops

    base, data = service
    shop = shop_record(data, "wtw-winkel")
    shots = []
    for origin in (base, static_origin):
        snippet = embed_snippet(origin, shop, widget, "nl", query, variant)
        url = host.add(f"/same-{widget}-{origin.rsplit(':', 1)[1]}.html", snippet)
        context, page, errors = open_page(browser, url)
        page.frame_locator("iframe").locator(".w").wait_for()
        shots.append(Image.open(io.BytesIO(settled_shot(page))).convert("RGB"))
        assert errors == []
        context.close()
    live, static = shots
    assert live.size == static.size
    # Pixel for pixel; a rounded corner's anti-aliasing may differ by a level or two between two
    # rasterisations of the same bytes (seen: 1 of 255 on 14 corner pixels), nothing more.
    assert max(high for _, high in ImageChops.difference(live, static).getextrema()) <= 2


@pytest.mark.parametrize("widget", widgets_fitting(200))
def test_a_narrow_slot_does_not_shift_when_the_widget_replaces_its_fallback_link(browser, service, host, widget):
    base, data = service
    snippet = embed_snippet(base, shop_record(data, "wtw-winkel"), widget, "nl", {})
    url = host.add(f"/narrow-{widget}.html", f'<div style="width:200px">{snippet}</div>')
    context, page, errors = open_page(browser, url)
    page.frame_locator("iframe").locator(".w").wait_for()
    page.wait_for_timeout(300)
    assert page.evaluate("window.__cls") == 0, page.evaluate("window.__shifts")
    assert errors == []
    context.close()
