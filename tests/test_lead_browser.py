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
@pytest.mark.parametrize("widget", ["stars", "badge", "carousel", "footer"])
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
