"""The widget's colours on the page it sits on, in Chromium: every text's contrast with what is behind it.

`auto` follows the page behind the slot, not the visitor's colour-scheme preference; `light` and
`dark` force a palette, with a panel where the page would not carry its text. What is behind a
text is worked out here from computed styles, not by asking the code under test: the first
opaque background of its ancestors in the frame, else the host page's colour behind the slot.
"""

from __future__ import annotations

import pytest

from tests.fit import LOW_CONTRAST
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


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    data = tmp_path_factory.mktemp("themes")
    fixture_store(data, demo_document(AS_OF)).close()
    with running_service(data) as base:
        yield base


def host_page(base: str, colour: str, themes: tuple[str, ...] = THEMES) -> str:
    slots = "".join(
        f'<div class="trustwidget" data-shop="wtw-winkel" data-widget="{widget}" data-locale="nl" '
        f'data-theme="{theme}" data-slot="{widget}/{theme}" style="margin:0 0 12px"></div>'
        for theme in themes
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
        page.set_viewport_size({"width": width, "height": 8000})  # every slot near enough to load
        page.goto(host.base + path, wait_until="load")
        count = len(WIDGET_NAMES) * len(THEMES)
        page.wait_for_function(f"() => document.querySelectorAll('.trustwidget iframe').length === {count}")
        behind = page.evaluate(HOST_COLOURS)
        slots = page.query_selector_all(".trustwidget")
        for slot, host_colour in zip(slots, behind, strict=True):
            frame = slot.query_selector("iframe").content_frame()
            frame.wait_for_load_state("load")
            found = frame.evaluate(LOW_CONTRAST, host_colour)
            faults += [f"{width}px {slot.get_attribute('data-slot')}: {fault}" for fault in found]
    assert faults == [], "\n".join(faults[:60])


# Colours in CSS Color 4's syntaxes, which Chromium's computed styles give back as written (not
# as rgb()), with what they are in sRGB, worked out by hand: Tailwind 4 writes its greys in oklch.
MODERN_COLOURS = {
    "oklch(0.985 0.002 247.839)": (249, 250, 251),  # Tailwind 4's gray-50
    "color(srgb 1 1 1)": (255, 255, 255),
    "color-mix(in srgb, white 95%, black)": (242, 242, 242),
    "oklch(0.21 0.034 264.665)": (16, 24, 40),  # Tailwind 4's gray-900
}


@pytest.mark.parametrize("colour", list(MODERN_COLOURS))
def test_auto_reads_a_page_colour_written_in_any_css_syntax(tab, host, service, colour):
    path = f"/themes-modern-{list(MODERN_COLOURS).index(colour)}.html"
    host.pages[path] = host_page(service, colour, themes=("auto",))
    page = tab
    page.set_viewport_size({"width": 1024, "height": 8000})
    page.goto(host.base + path, wait_until="load")
    page.wait_for_function(f"() => document.querySelectorAll('.trustwidget iframe').length === {len(WIDGET_NAMES)}")
    faults = []
    for slot in page.query_selector_all(".trustwidget"):
        frame = slot.query_selector("iframe").content_frame()
        frame.wait_for_load_state("load")
        found = frame.evaluate(LOW_CONTRAST, list(MODERN_COLOURS[colour]))
        faults += [f"{slot.get_attribute('data-slot')}: {fault}" for fault in found]
    assert faults == [], "\n".join(faults[:20])
