"""A Trustpilot shop's widgets in Chromium: the platform's score leads and stays at every width.

The shops come through the real platform import (tests/trustpilot_shops.py). At every slot
width from the star snippet's narrowest (160 px) to desktop, the leading score, its total and
the platform's name must be wholly visible, and stand before ours.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.server import running_service
from tests.trustpilot_shops import open_loaded
from widget_server.core.widgets import WIDGETS

pytestmark = pytest.mark.browser
AS_OF = date(2026, 12, 3)
WIDTHS = (160, 175, 190, 200, 220, 240, 260, 280, 300, 320, 360, 390, 420, 480, 520, 600, 720, 1024, 1280)
# What a visitor must read in every width, per locale: the platform's score, its total and name.
MUST = {"nl": ("4,6", "1.234", "Trustpilot"), "en": ("4.6", "1,234", "Trustpilot")}

# The text a visitor can see: every text node wholly inside the visible box of its clipping
# ancestors and not display:none; a node cut across or ended with an ellipsis does not count.
VISIBLE_TEXT = """() => {
  const doc = document.documentElement, seen = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode());) {
    const el = node.parentElement, text = node.textContent.trim();
    if (!text || el.closest('.sr, script, style, svg') || !el.getClientRects().length) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const rects = [...range.getClientRects()].filter(r => r.width > 0.5);
    let whole = rects.length > 0;
    for (const r of rects) {
      for (let a = el; a && a !== doc; a = a.parentElement) {
        const s = getComputedStyle(a);
        if (s.textOverflow === 'ellipsis' && a.scrollWidth > a.clientWidth + 1) whole = false;
        if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
        const b = a.getBoundingClientRect();
        if (r.left < b.left - 0.5 || r.right > b.right + 0.5 || r.top < b.top - 0.5 || r.bottom > b.bottom + 0.5) whole = false;
      }
      if (r.right > doc.clientWidth + 0.5 || r.bottom > doc.clientHeight + 0.5) whole = false;
    }
    if (whole) seen.push(text);
  }
  return seen.join(' ');
}"""


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lead")
    open_loaded(folder / "data", AS_OF).close()
    with running_service(folder / "data", as_of=AS_OF.isoformat()) as base:
        yield base


@pytest.mark.parametrize("locale", ["nl", "en"])
@pytest.mark.parametrize("shop", ["groenhuis", "luchtwerk"])
@pytest.mark.parametrize("widget", list(WIDGETS))
def test_the_platform_score_leads_at_every_width(tab, host, service, shop, widget, locale):
    score, count, name = MUST[locale]
    faults = []
    widths = [w for w in WIDTHS if w >= WIDGETS[widget].narrowest]
    url = f"{service}/v1/{shop}/{locale}/{widget}.html"
    for width, frame in zip(
        widths, framed_at(tab, host, [(url, w, WIDGETS[widget].height) for w in widths]), strict=True
    ):
        text = frame.evaluate(VISIBLE_TEXT)
        missing = [part for part in (score, count, name) if part not in text]
        if missing:
            faults.append(f"{width}px: {missing} not wholly visible in {text[:120]!r}")
            continue
        ours = "4,26" if locale == "nl" else "4.26"
        if ours in text and text.index(ours) < text.index(score):
            faults.append(f"{width}px: ours stands before the platform's score")
    assert faults == [], "\n".join(faults)


def framed_at(page, host, slots: list[tuple[str, int, int]]) -> list:
    """Each (url, width, height) loaded in a frame of that size on one host page, as the loader
    embeds a widget; the frames, in that order, once all have loaded. A frame costs Chromium a
    third of what a page's own navigation does, and the sweeps here load some 600 documents."""
    frames = "".join(
        f'<iframe src="{url}" style="display:block;border:0;width:{width}px;height:{height}px"></iframe>'
        for url, width, height in slots
    )
    page.set_viewport_size({"width": 1300, "height": 900})
    page.goto(host.add_page(f"/frames-{len(host.pages)}.html", f"<!doctype html><body style='margin:0'>{frames}"))
    found = [element.content_frame() for element in page.query_selector_all("iframe")]
    for frame in found:
        frame.wait_for_load_state("load")
    return found


def open_at(page, url: str, width: int, height: int) -> None:
    page.set_viewport_size({"width": width, "height": height})
    page.goto(url, wait_until="load")


def test_the_badge_hugs_its_content(tab, service):
    page = tab
    for width in (200, 320, 390, 1280):
        open_at(page, f"{service}/v1/groenhuis/nl/badge.html", width, WIDGETS["badge"].height)
        above, below = page.evaluate(
            """() => { const b = document.querySelector('.badge').getBoundingClientRect();
            const kids = [...document.querySelector('.badge').children].map(k => k.getBoundingClientRect());
            return [kids[0].top - b.top, b.bottom - kids[kids.length - 1].bottom]; }"""
        )
        assert above <= 12 and below <= 12, f"{width}px: {above:.0f}px empty above, {below:.0f}px below"


# Every "·" of the source line, and whether it stands first on its line (where it reads as a stray).
SEPARATORS = """() => {
  const found = [];
  for (const p of document.querySelectorAll('.src')) {
    const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
    for (let node; (node = walker.nextNode());) {
      for (let i = node.textContent.indexOf('·'); i >= 0; i = node.textContent.indexOf('·', i + 1)) {
        const dot = document.createRange();
        dot.setStart(node, i);
        dot.setEnd(node, i + 1);
        const at = dot.getBoundingClientRect();
        if (!at.width) continue;
        const before = document.createRange();
        before.setStart(p, 0);
        before.setEnd(node, i);
        // Anything wider than a space on the dot's line, left of it: then the dot does not start the line.
        const led = [...before.getClientRects()].some(r => Math.abs(r.top - at.top) < 3 && r.width > 8 && r.right <= at.left + 1);
        found.push(!led);
      }
    }
  }
  return found;
}"""


# Whether each widget has a source line ("… · Trustpilot"), whose separators the next test checks.
HAS_SOURCE_LINE = {"badge": True, "stars": False, "carousel": True, "footer": True, "list": True}


def test_the_source_line_table_covers_every_widget():
    assert set(HAS_SOURCE_LINE) == set(WIDGETS)


@pytest.mark.parametrize("widget", [name for name, has in HAS_SOURCE_LINE.items() if has])
def test_a_separator_never_starts_a_line(tab, host, service, widget):
    slots = [
        (f"{service}/v1/luchtwerk/{locale}/{widget}.html", width, WIDGETS[widget].height)
        for width in WIDTHS
        if width >= WIDGETS[widget].narrowest
        for locale in ("nl", "en")
    ]
    for (url, width, _), frame in zip(slots, framed_at(tab, host, slots), strict=True):
        starts = frame.evaluate(SEPARATORS)
        assert starts and not any(starts), f"{url} {width}px: a '·' starts a line"


def test_a_shop_without_reviews_says_so_whole_or_with_an_ellipsis(tab, service):
    page = tab
    for width in (160, 200, 240):
        open_at(page, f"{service}/v1/nieuw/nl/stars.html", width, WIDGETS["stars"].height)
        cut = page.evaluate(
            """() => { const e = document.querySelector('.none'), s = getComputedStyle(e);
            const box = e.parentElement.getBoundingClientRect(), own = e.getBoundingClientRect();
            return own.right > box.right + 0.5 || (e.scrollWidth > e.clientWidth + 1 && s.textOverflow !== 'ellipsis'); }"""
        )
        assert not cut, f"{width}px: 'Nog geen beoordelingen' is cut without an ellipsis"


def test_the_next_card_shows_enough_to_be_read_as_a_card(tab, service):
    """At phone widths the row shows whole items and a clear part of the next, never a sliver."""
    page = tab
    for widget in (name for name, spec in WIDGETS.items() if spec.reviews and not spec.grows):  # a row of cards
        for width in (320, 360, 390, 414):
            open_at(page, f"{service}/v1/groenhuis/nl/{widget}.html", width, WIDGETS[widget].height)
            parts = page.evaluate(
                """() => { const t = document.querySelector('.track').getBoundingClientRect();
                return [...document.querySelectorAll('.track > *')].map(c => {
                  const r = c.getBoundingClientRect();
                  return Math.max(0, Math.min(r.right, t.right) - Math.max(r.left, t.left)); }); }"""
            )
            slivers = [round(p) for p in parts if 0 < p < 48]
            assert not slivers, f"{widget} {width}px: a sliver of {slivers}px of the next card"


def test_the_footer_summary_reads_in_whole_phrases_on_desktop(tab, service):
    page = tab
    for width in (1024, 1280):
        open_at(page, f"{service}/v1/luchtwerk/nl/footer.html", width, WIDGETS["footer"].height)
        lines = page.evaluate(
            """() => { const p = document.querySelector('.side .src'), tops = new Set();
            const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
            for (let n; (n = walker.nextNode());) { const r = document.createRange(); r.selectNodeContents(n);
              for (const box of r.getClientRects()) if (box.width > 1) tops.add(Math.round(box.top)); }
            return [tops.size, p.textContent.trim().split(/\\s+/).length]; }"""
        )
        assert lines[0] <= 3, f"{width}px: the source line takes {lines[0]} lines for {lines[1]} words"
