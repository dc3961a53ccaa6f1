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
def test_the_platform_score_leads_at_every_width(browser, service, shop, widget, locale):
    score, count, name = MUST[locale]
    page = browser.new_page()
    faults = []
    try:
        for width in (w for w in WIDTHS if w >= WIDGETS[widget].narrowest):
            page.set_viewport_size({"width": width, "height": WIDGETS[widget].height})
            page.goto(f"{service}/v1/{shop}/{locale}/{widget}.html", wait_until="load")
            text = page.evaluate(VISIBLE_TEXT)
            missing = [part for part in (score, count, name) if part not in text]
            if missing:
                faults.append(f"{width}px: {missing} not wholly visible in {text[:120]!r}")
                continue
            ours = "4,26" if locale == "nl" else "4.26"
            if ours in text and text.index(ours) < text.index(score):
                faults.append(f"{width}px: ours stands before the platform's score")
    finally:
        page.close()
    assert faults == [], "\n".join(faults)


def open_at(page, url: str, width: int, height: int) -> None:
    page.set_viewport_size({"width": width, "height": height})
    page.goto(url, wait_until="load")


def test_the_badge_hugs_its_content(browser, service):
    page = browser.new_page()
    try:
        for width in (200, 320, 390, 1280):
            open_at(page, f"{service}/v1/groenhuis/nl/badge.html", width, WIDGETS["badge"].height)
            above, below = page.evaluate(
                """() => { const b = document.querySelector('.badge').getBoundingClientRect();
                const kids = [...document.querySelector('.badge').children].map(k => k.getBoundingClientRect());
                return [kids[0].top - b.top, b.bottom - kids[kids.length - 1].bottom]; }"""
            )
            assert above <= 12 and below <= 12, f"{width}px: {above:.0f}px empty above, {below:.0f}px below"
    finally:
        page.close()


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
HAS_SOURCE_LINE = {"badge": True, "stars": False, "carousel": True, "footer": True}


def test_the_source_line_table_covers_every_widget():
    assert set(HAS_SOURCE_LINE) == set(WIDGETS)


@pytest.mark.parametrize("widget", [name for name, has in HAS_SOURCE_LINE.items() if has])
def test_a_separator_never_starts_a_line(browser, service, widget):
    page = browser.new_page()
    try:
        for width in (w for w in WIDTHS if w >= WIDGETS[widget].narrowest):
            for locale in ("nl", "en"):
                open_at(page, f"{service}/v1/luchtwerk/{locale}/{widget}.html", width, WIDGETS[widget].height)
                starts = page.evaluate(SEPARATORS)
                assert starts and not any(starts), f"{locale} {width}px: a '·' starts a line"
    finally:
        page.close()


def test_a_shop_without_reviews_says_so_whole_or_with_an_ellipsis(browser, service):
    page = browser.new_page()
    try:
        for width in (160, 200, 240):
            open_at(page, f"{service}/v1/nieuw/nl/stars.html", width, WIDGETS["stars"].height)
            cut = page.evaluate(
                """() => { const e = document.querySelector('.none'), s = getComputedStyle(e);
                const box = e.parentElement.getBoundingClientRect(), own = e.getBoundingClientRect();
                return own.right > box.right + 0.5 || (e.scrollWidth > e.clientWidth + 1 && s.textOverflow !== 'ellipsis'); }"""
            )
            assert not cut, f"{width}px: 'Nog geen beoordelingen' is cut without an ellipsis"
    finally:
        page.close()


def test_the_next_card_shows_enough_to_be_read_as_a_card(browser, service):
    """At phone widths the row shows whole items and a clear part of the next, never a sliver."""
    page = browser.new_page()
    try:
        for widget in (name for name, spec in WIDGETS.items() if spec.reviews):  # those with a row of cards
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
    finally:
        page.close()


def test_the_footer_summary_reads_in_whole_phrases_on_desktop(browser, service):
    page = browser.new_page()
    try:
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
    finally:
        page.close()
