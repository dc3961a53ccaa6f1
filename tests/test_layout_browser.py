"""The same layout on every load, in Chromium: review cards clamp to the same lines each time.

The host page is loaded 6 times from a fresh browser context, from the live service and from
the static build behind real nginx, at a phone's and a desktop's width; every card's rendered
lines of review text, its title and reply, and whether it offers "read more" must be the same
on every load, and the same in a slot the page sizes by script a varying moment after it loaded
(0 to 800 ms, spread evenly over the loads, so both orders of page script and loader occur).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from static_build.build import build
from tests.nginx import running_nginx
from tests.server import free_port, running_service
from tests.widgets import AS_OF, REVIEW_WIDGETS, fixture_store
from widget_server.demo import demo_document

pytestmark = pytest.mark.browser
LOADS = 6
LATE_MS = [round(800 * load / (LOADS - 1)) for load in range(LOADS)]  # 0, 160, …, 800

# Runs in a widget frame: each card's text lines (rendered height over line height), whether
# its title and reply show, and whether it offers "read more".
CARDS = """() => [...document.querySelectorAll('.card')].map(card => {
  const text = card.querySelector('.text'), more = card.querySelector('.more');
  const lines = text ? Math.round(text.getBoundingClientRect().height / parseFloat(getComputedStyle(text).lineHeight)) : 0;
  const shown = (selector) => { const el = card.querySelector(selector); return el ? el.getClientRects().length > 0 : null; };
  return [lines, shown('.title'), shown('.reply'), !more.hidden];
})"""


@pytest.fixture(scope="module")
def origins(tmp_path_factory) -> Iterator[dict[str, str]]:
    folder = tmp_path_factory.mktemp("layout")
    data, out = folder / "data", folder / "out"
    fixture_store(data, demo_document(AS_OF)).close()
    build(data, out, AS_OF)
    port = free_port()
    static = f"http://127.0.0.1:{port}"
    block = f"server {{ listen 127.0.0.1:{port}; root {out}; include {out}/nginx.conf; }}"
    with running_service(data) as service, running_nginx(folder / "nginx", block, static + "/v1/embed.js"):
        yield {"service": service, "static": static}


# Like many shop themes, the page sizes part of its layout by script once it has loaded, at a
# moment that varies from load to load (here ?late=MS): before or after the loader makes the frames.
LATE_LAYOUT = """<script>addEventListener('load', () => setTimeout(() => {
  document.getElementById('late').style.width = 'auto';
}, Number(new URLSearchParams(location.search).get('late'))));</script>"""


def host_page(base: str) -> str:
    slots = "".join(
        f'<div class="trustwidget" data-shop="wtw-winkel" data-widget="{widget}" data-locale="nl"></div>'
        for widget in REVIEW_WIDGETS  # the widgets with cards
    )
    return (
        "<!doctype html><html lang='nl'><head><meta charset='utf-8'><title>Lay-out</title>"
        "<link rel='icon' href='data:,'></head><body style='margin:0;padding:10px'>"
        f"{slots}<div id='late' style='width:0;overflow:hidden'>{slots}</div>{LATE_LAYOUT}"
        f"<script async src='{base}/v1/embed.js'></script></body></html>"
    )


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("kind", ["service", "static"])
def test_cards_clamp_the_same_on_every_load(browser, host, origins, kind, width):
    url = host.add(f"/layout-{kind}.html", "")
    host.pages[f"/layout-{kind}.html"] = host_page(origins[kind])
    seen: dict[str, list[int]] = {}
    for load in range(LOADS):
        context = browser.new_context(viewport={"width": width, "height": 4000})
        page = context.new_page()
        try:
            page.goto(f"{url}?late={LATE_MS[load]}", wait_until="load")
            page.wait_for_function(
                f"() => document.querySelectorAll('.trustwidget iframe').length === {2 * len(REVIEW_WIDGETS)}"
            )
            page.wait_for_function("() => document.getElementById('late').style.width === 'auto'")
            frames = [element.content_frame() for element in page.query_selector_all(".trustwidget iframe")]
            for frame in frames:
                frame.wait_for_load_state("load")
                frame.wait_for_function("() => document.fonts.status === 'loaded'")
            page.wait_for_timeout(150)  # every frame has had 150 ms since its fonts came to settle
            layout = [frame.evaluate(CARDS) for frame in frames]
            assert layout[: len(REVIEW_WIDGETS)] == layout[len(REVIEW_WIDGETS) :], (
                f"load {load}: a slot sized late clamps otherwise"
            )
            seen.setdefault(repr(layout), []).append(load)
        finally:
            context.close()
    assert len(seen) == 1, "\n".join(f"loads {loads}: {layout}" for layout, loads in seen.items())
