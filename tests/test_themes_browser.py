"""The widget's colours on the page it sits on, in Chromium: every text's contrast with what is behind it.

`auto` follows the page behind the slot, not the visitor's colour-scheme preference; `light` and
`dark` force a palette, with a panel where the page would not carry its text. What is behind a
text is worked out here from computed styles, not by asking the code under test: the first
opaque background of its ancestors in the frame, else the host page's colour behind the slot.
"""

from __future__ import annotations

import pytest

from tests.server import running_service
from tests.widgets import AS_OF, WIDGET_NAMES, fixture_store
from widget_server.demo import demo_document

pytestmark = pytest.mark.browser
THEMES = ("auto", "light", "dark")
# light pages, dark pages, and a mid grey on which neither palette's text reaches 4.5:1
PAGE_COLOURS = ("#ffffff", "#eef2ef", "#10261c", "#0d1117", "#777777")

# Runs in the host page: the colour behind each slot (its ancestors' first background, over white).
HOST_COLOURS = """() => [...document.querySelectorAll('.trustwidget')].map(slot => {
  for (let el = slot; el; el = el.parentElement) {
    const c = getComputedStyle(el).backgroundColor.match(/[\\d.]+/g).map(Number);
    const a = c.length > 3 ? c[3] : 1;
    if (a > 0) return c.slice(0, 3).map(v => v * a + 255 * (1 - a));
  }
  return [255, 255, 255];
})"""

# Runs in a widget frame, given the host colour behind it: each visible text's contrast.
LOW_CONTRAST = """(host) => {
  const rgba = (text) => { const c = text.match(/[\\d.]+/g).map(Number); return [c[0], c[1], c[2], c.length > 3 ? c[3] : 1]; };
  const over = (top, below) => top.slice(0, 3).map((v, i) => v * top[3] + below[i] * (1 - top[3]));
  const lum = (c) => c.map(v => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const ratio = (a, b) => { const x = lum(a) + 0.05, y = lum(b) + 0.05; return x > y ? x / y : y / x; };
  const behind = (el) => {
    const layers = [];
    for (let a = el; a; a = a.parentElement) {
      const c = rgba(getComputedStyle(a).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    return layers.reverse().reduce((below, layer) => over(layer, below), host);
  };
  const faults = [], walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode());) {
    const text = node.textContent.trim(), el = node.parentElement;
    if (!text || el.closest('.sr, script, style, svg, [hidden]') || !el.getClientRects().length) continue;
    const s = getComputedStyle(el);
    if (s.visibility !== 'visible') continue;
    let opacity = 1;
    for (let a = el; a; a = a.parentElement) opacity *= Number(getComputedStyle(a).opacity);
    const back = behind(el), fore = rgba(s.color);
    fore[3] *= opacity;
    const size = parseFloat(s.fontSize), large = size >= 24 || (size >= 18.66 && Number(s.fontWeight) >= 700);
    const r = ratio(over(fore, back), back);
    if (r < (large ? 3 : 4.5)) faults.push(`"${text.slice(0, 30)}" ${s.color} on rgb(${back.map(Math.round)}): ${r.toFixed(2)}`);
  }
  return faults;
}"""


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    data = tmp_path_factory.mktemp("themes")
    fixture_store(data, demo_document(AS_OF)).close()
    with running_service(data) as base:
        yield base


def host_page(base: str, colour: str) -> str:
    slots = "".join(
        f'<div class="trustwidget" data-shop="wtw-winkel" data-widget="{widget}" data-locale="nl" '
        f'data-theme="{theme}" data-slot="{widget}/{theme}" style="margin:0 0 12px"></div>'
        for theme in THEMES
        for widget in WIDGET_NAMES
    )
    # the colour sits on a wrapper, not the body: the loader must look past the slot's parent
    return (
        "<!doctype html><html lang='nl'><head><meta charset='utf-8'><title>Thema</title>"
        "<link rel='icon' href='data:,'></head><body style='margin:0'>"
        f"<div style='background:{colour};padding:10px'><div>{slots}</div></div>"
        f"<script async src='{base}/v1/embed.js'></script></body></html>"
    )


@pytest.mark.parametrize("preference", ["light", "dark"])
@pytest.mark.parametrize("colour", PAGE_COLOURS)
def test_every_text_reads_on_what_is_behind_it(tab, host, service, colour, preference):
    path = f"/themes-{colour[1:]}.html"
    host.pages[path] = host_page(service, colour)
    faults = []
    page = tab
    page.emulate_media(color_scheme=preference)
    for width in (390, 1024):
        page.set_viewport_size({"width": width, "height": 4000})
        page.goto(host.base + path, wait_until="load")
        count = len(WIDGET_NAMES) * len(THEMES)
        page.wait_for_function(f"document.querySelectorAll('.trustwidget iframe').length === {count}")
        behind = page.evaluate(HOST_COLOURS)
        slots = page.query_selector_all(".trustwidget")
        for slot, host_colour in zip(slots, behind, strict=True):
            frame = slot.query_selector("iframe").content_frame()
            frame.wait_for_load_state("load")
            found = frame.evaluate(LOW_CONTRAST, host_colour)
            faults += [f"{width}px {slot.get_attribute('data-slot')}: {fault}" for fault in found]
    assert faults == [], "\n".join(faults[:60])
