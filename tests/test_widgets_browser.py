"""Every widget, locale, theme and width in real Chromium: screenshots, element boxes, axe-core."""

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser import full_page_shot
from tests.hostile import hostile_document
from tests.widgets import AS_OF, fixture_store, render
from widget_server.core.catalogue import WIDGET_SCRIPT_KIND, DocumentRef
from widget_server.core.csp import SCRIPTS
from widget_server.core.documents import site_document
from widget_server.core.options import Options
from widget_server.core.render import WIDGETS
from widget_server.demo import demo_document

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).parent / "screenshots"
WIDTHS = {"phone": 360, "desktop": 1024}

# Finds layout faults: content overflowing the document, its widget or its card; text clamped
# with no "read more"; siblings drawn over each other. Returns a list of plain descriptions.
LAYOUT_FAULTS = """() => {
  const faults = [];
  const name = (el) => el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '');
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth + 1) faults.push(`document is ${doc.scrollWidth}px wide in a ${doc.clientWidth}px viewport`);
  const main = document.querySelector('.w');
  if (main.scrollHeight > main.clientHeight + 1) faults.push(`main content is ${main.scrollHeight}px high in ${main.clientHeight}px`);
  if (main.getBoundingClientRect().bottom > doc.clientHeight + 1 && doc.scrollHeight > window.innerHeight) faults.push('main overflows the document');
  for (const card of document.querySelectorAll('.card')) {
    if (card.scrollHeight > card.clientHeight + 1) faults.push(`card ${card.querySelector('.title')?.textContent} overflows (${card.scrollHeight} > ${card.clientHeight})`);
    const clamped = [...card.querySelectorAll('.title,.text,.rt')].filter(e => e.scrollHeight > e.clientHeight + 1);
    const offered = card.querySelector('.more:not([hidden])');
    if (clamped.length && !offered) faults.push(`clamped text without "read more": ${clamped.map(name)}`);
    if (!clamped.length && offered) faults.push('"read more" where nothing is cut');
  }
  for (const el of document.querySelectorAll('.w *')) {
    if (el.closest('svg') && el.tagName.toLowerCase() !== 'svg') continue;
    const style = getComputedStyle(el);
    if (style.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth + 1) faults.push(`${name(el)} is cut off: ${el.textContent.trim()}`);
  }
  const containers = document.querySelectorAll('.w, .badge, .head, .side, .card, .top, .snippet, .score, .footer');
  for (const box of containers) {
    const kids = [...box.children].filter(k => getComputedStyle(k).display !== 'none' && !k.classList.contains('sr'));
    for (let i = 0; i < kids.length; i++) for (let j = i + 1; j < kids.length; j++) {
      const a = kids[i].getBoundingClientRect(), b = kids[j].getBoundingClientRect();
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left), h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (w > 1 && h > 1) faults.push(`${name(kids[i])} overlaps ${name(kids[j])} in ${name(box)}`);
    }
  }
  return faults;
}"""


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """Rendered widget documents of the demo data (realistic lengths), written to files."""
    folder = tmp_path_factory.mktemp("pages")
    (folder / "v1").mkdir()
    for digest in SCRIPTS:  # the widgets' script, and the list's own
        script = DocumentRef(WIDGET_SCRIPT_KIND, digest=digest)
        (folder / script.path.lstrip("/")).write_bytes(site_document(script))
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_port}"
    store = fixture_store(folder / "store", demo_document(AS_OF))
    hostile = fixture_store(folder / "hostile", hostile_document())
    files = {}
    for widget in WIDGETS:
        for locale in ("nl", "en"):
            for theme in ("light", "dark"):
                path = folder / f"{widget}-{locale}-{theme}.html"
                # alone in a page, a transparent widget sits on white: give the dark one its page
                panel = {"light": "", "dark": "#0d1117"}[theme]
                path.write_text(render(store, "wtw-winkel", widget, locale, Options(theme=theme, background=panel)))
                files[widget, locale, theme] = f"{origin}/{path.name}"
            path = folder / f"hostile-{widget}-{locale}.html"
            path.write_text(render(hostile, "wtw-winkel", widget, locale))
            files["hostile", widget, locale] = f"{origin}/{path.name}"
    store.close()
    hostile.close()
    yield files
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("locale", ["nl", "en"])
@pytest.mark.parametrize("widget", WIDGETS)
def test_layout_and_screenshot(tab, pages, widget, locale, theme, width):
    tab.set_viewport_size({"width": WIDTHS[width], "height": 800})
    tab.emulate_media(color_scheme=theme)
    errors = []

    def said(message):
        if message.type == "error":
            errors.append(message.text)

    tab.on("console", said)
    try:
        tab.goto(pages[widget, locale, theme])
        if WIDGETS[widget].grows:  # as high as its content: the loader makes its frame so
            # and follows it while its layout settles (a new height can wrap its lines anew)
            for _ in range(10):
                high = tab.evaluate("document.fonts.ready.then(() => document.body.scrollHeight)")
                tab.set_viewport_size({"width": WIDTHS[width], "height": high})
                if tab.evaluate("document.body.scrollHeight") == high:
                    break
        SCREENSHOTS.mkdir(exist_ok=True)
        full_page_shot(tab, path=str(SCREENSHOTS / f"{widget}-{locale}-{theme}-{width}.png"))
        assert tab.evaluate(LAYOUT_FAULTS) == []
        assert errors == []
    finally:
        tab.remove_listener("console", said)


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("widget", WIDGETS)
def test_accessibility_has_no_serious_violation(csp_free_page, pages, widget, theme):
    page = csp_free_page
    page.goto(pages[widget, "nl", theme])
    results = Axe().run(page)
    serious = [
        (v["id"], v["help"], [n["target"] for n in v["nodes"]])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []


@pytest.fixture(scope="module")
def csp_free_page(browser):
    """One page for axe's runs: axe-core is injected as a script, which the widgets' CSP forbids."""
    context = browser.new_context(bypass_csp=True, viewport={"width": 1024, "height": 800})
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("locale", ["nl", "en"])
@pytest.mark.parametrize("widget", [name for name, spec in WIDGETS.items() if spec.reviews])
def test_hostile_text_shows_as_text_and_never_runs(browser, pages, widget, locale):
    from tests.hostile import HOSTILE

    page = browser.new_page()  # a page of its own: the canary is an init script
    page.add_init_script("window.pwned = undefined; window.alert = () => { window.pwned = 'alert'; };")
    page.goto(pages["hostile", widget, locale])
    text = page.inner_text(".w")
    assert HOSTILE["title"] in text
    assert HOSTILE["author"] in text
    assert "{{ 7*7 }}" in text and "<b>bold</b>" in text
    assert page.evaluate("window.pwned") is None
    page.close()


def test_read_more_shows_everything_and_keeps_the_author_and_date_in_view(tab, pages):
    page = tab
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(pages["carousel", "nl", "light"])
    card = page.locator("article.card:has(.more:not([hidden]))").first
    button = card.locator(".more")
    text = card.locator(".text")
    assert text.evaluate("e => e.scrollHeight > e.clientHeight + 1")  # cut before
    author = card.locator(".author").inner_text()
    button.click()
    assert button.get_attribute("aria-expanded") == "true"
    assert " ".join(button.inner_text().split()) == f"lees minder – beoordeling van {author}"  # a name of its own
    assert text.evaluate("e => e.scrollHeight <= e.clientHeight + 1")  # nothing hidden in the text
    inside = "(e) => { const c = e.closest('.card').getBoundingClientRect(), r = e.getBoundingClientRect();"
    inside += " return r.top >= c.top && r.bottom <= c.bottom; }"
    assert card.locator(".by").evaluate(inside)  # the author and date stay in the card
    assert button.evaluate(inside)
    button.click()
    assert " ".join(button.inner_text().split()) == f"lees meer – beoordeling van {author}"


def test_without_script_text_ends_in_an_ellipsis_and_no_dead_button(browser, pages):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(pages["carousel", "nl", "light"])
    assert page.locator(".more:visible").count() == 0
    assert page.locator(".nav:visible").count() == 0
    assert page.locator(".text").first.evaluate("e => getComputedStyle(e).webkitLineClamp") == "4"
    context.close()


def test_previous_and_next_buttons_step_through_the_reviews(tab, pages):
    page = tab
    page.set_viewport_size({"width": 360, "height": 800})
    page.emulate_media(reduced_motion="reduce")
    page.goto(pages["carousel", "nl", "light"])
    previous, following = page.locator(".nav button").nth(0), page.locator(".nav button").nth(1)
    assert previous.get_attribute("aria-label") == "Vorige beoordelingen"
    # the script sets the buttons' state once the fonts are in and a frame is drawn, after load
    for _ in range(50):
        if following.get_attribute("aria-disabled") is not None:
            break
        page.wait_for_timeout(100)
    # aria-disabled, not disabled: a button at its end stays in the tab order
    assert previous.get_attribute("aria-disabled") == "true" and following.get_attribute("aria-disabled") == "false"
    assert previous.evaluate("b => b.disabled") is False
    start = page.evaluate("document.querySelector('.track').scrollLeft")  # snapping may leave it a few px in
    previous.focus()
    page.keyboard.press("Enter")  # at the start: nothing moves
    page.wait_for_timeout(200)
    assert page.evaluate("document.querySelector('.track').scrollLeft") == start
    following.focus()
    page.keyboard.press("Enter")
    page.wait_for_timeout(200)
    assert page.evaluate("document.querySelector('.track').scrollLeft") > 0
    assert previous.get_attribute("aria-disabled") == "false"
    for _ in range(30):
        if following.get_attribute("aria-disabled") == "true":
            break
        page.keyboard.press("Enter")
        page.wait_for_timeout(50)
    assert following.get_attribute("aria-disabled") == "true"  # at the end
    # focus stays where the keyboard put it: on "Volgende", never moved by the script
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Volgende beoordelingen"


def test_carousel_scrolls_with_the_keyboard(tab, pages):
    page = tab
    page.set_viewport_size({"width": 360, "height": 800})
    page.emulate_media(reduced_motion="reduce")
    page.goto(pages["carousel", "en", "light"])
    track = page.locator(".track")
    track.focus()
    page.keyboard.press("ArrowRight")
    # wait_for_function compiles its predicate, which the widget's CSP forbids: poll instead
    for _ in range(50):
        if page.evaluate("() => document.querySelector('.track').scrollLeft") > 0:
            break
        page.wait_for_timeout(20)
    assert page.evaluate("() => document.querySelector('.track').scrollLeft") > 0
    assert page.evaluate("getComputedStyle(document.querySelector('.track')).scrollBehavior") == "auto"


@pytest.mark.parametrize(
    ("fragment", "theme", "background", "accent"),
    [
        ("", "light", "rgba(0, 0, 0, 0)", "#00b67a"),  # as rendered; no panel: the host page shows through
        # opened alone, a page is white: the dark palette's text gets its card colour as a panel
        ("#theme=dark&accent=%23ff0000", "dark", "rgb(22, 27, 34)", "#ff0000"),
        ("#theme=dark&page=0d1117", "dark", "rgba(0, 0, 0, 0)", "#00b67a"),  # on a dark page: none
        ("#theme=auto&page=10261c", "dark", "rgba(0, 0, 0, 0)", "#00b67a"),  # auto follows the page
        ("#theme=auto&page=eef2ef", "light", "rgba(0, 0, 0, 0)", "#00b67a"),
        ("#theme=auto&page=777777", "light", "rgb(255, 255, 255)", "#00b67a"),  # mid grey: a panel
        ("#theme=light&page=10261c", "light", "rgb(255, 255, 255)", "#00b67a"),
        ("#background=10261c&theme=auto", "dark", "rgb(16, 38, 28)", "#00b67a"),  # auto follows the panel
        ("#background=%23eef2ef&theme=auto", "light", "rgb(238, 242, 239)", "#00b67a"),
        ("#background=10261c", "light", "rgb(16, 38, 28)", "#00b67a"),  # the theme asked for stays
        ("#theme=neon&accent=red&background=url(x)", "light", "rgba(0, 0, 0, 0)", "#00b67a"),  # ignored
    ],
)
def test_presentation_options_in_the_fragment_apply_without_the_server(tab, pages, fragment, theme, background, accent):
    page = tab
    page.goto(pages["badge", "nl", "light"] + fragment)
    html = page.locator("html")
    assert theme in html.get_attribute("class").split()
    assert html.evaluate("e => getComputedStyle(e).backgroundColor") == background
    assert html.evaluate("e => getComputedStyle(e).getPropertyValue('--accent').trim()") == accent
