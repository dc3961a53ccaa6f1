"""Every widget through the loader, at every width from its narrowest slot, nl/en/de, light and dark.

Fails on cut text, sideways scroll, a frame that grows past what its snippet reserved, and an
opaque box where the host page should show through. One shop has realistic data (the demo);
the other a long name, a five-digit count, long unbroken words and replies in every card.

Each locale is loaded once, each on another page scheme, so every locale's text is fitted and
every scheme's transparency is looked at. The fit does not depend on the scheme: a theme is a
palette of colour variables (themes.py, _base.html) and changes no size, font or margin.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.browser import full_page_shot
from tests.fit import FIT_FAULTS, WIDTHS, hex_rgb, host_page, pixels
from tests.server import running_service
from tests.widgets import AS_OF, fixture_store
from widget_server.core.widgets import HEIGHTS
from widget_server.demo import demo_document

pytestmark = pytest.mark.browser
LOCALES = ("nl", "en", "de")
SHOPS = ["wtw-winkel", "lange-naam"]
LONG_NAME = "Groothandel Warmteterugwinning & Ventilatietechniek Noord-Nederland en Omstreken B.V."
WORD = "Warmteterugwinningsventilatiesysteemonderhoudsabonnement"
COUNTED = 12_345
# (page colour, the browser's colour preference, the theme the snippet asks for or "" for the shop's auto)
SCHEMES = {
    "light-page": ("#ffffff", "light", "light"),
    "dark-page": ("#0d1117", "dark", "dark"),
    "dark-auto": ("#10261c", "dark", ""),
}


def long_shop_document() -> dict:
    given = datetime(2026, 11, 22, 12, tzinfo=UTC)
    reviews = []
    for n in range(COUNTED):
        language = ("nl", "en", "de")[n % 3]
        reviews.append(
            {
                "id": f"l-{n}",
                "shop": "lange-naam",
                "rating": 5 - n % 2,
                "title": f"{WORD} {WORD}" if n % 4 == 0 else "Goed",
                "text": f"{WORD}{WORD} " * (1 + n % 3) + "einde.",
                "email": f"klant{n}@example.nl",
                "author": "Maximiliaan-Alexander van Oldenbarnevelt-Wolfsburg" if n % 2 else "Jo",
                "language": language,
                "created_at": (given - timedelta(minutes=10 * n)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "verification": "verified",
                "status": "published",
                "reply": {"text": f"{WORD} " * 4, "created_at": "2026-11-23T00:00:00Z"},
            }
        )
    shop = {
        "id": "lange-naam",
        "name": LONG_NAME,
        "locales": list(LOCALES),
        "source": "Trusted Shops Kundenbewertungen",
        "policy_url": "https://example.nl/" + "beoordelingsbeleid/" * 5,
        # a platform score with long names and large numbers beside ours
        "platform": {
            "name": "Trusted Shops Kundenbewertungen",
            "score_name": "Kundenzufriedenheitsindex",
            "score": "4.87",
            "review_count": 1_234_567,
            "profile_url": "https://example.nl/" + "profiel/" * 5,
            "read_on": "2026-11-20",
        },
    }
    return {"shops": [shop], "reviews": reviews}


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fit")
    demo = demo_document(AS_OF)
    for shop in demo["shops"]:
        shop["locales"] = [*shop["locales"], "de"]  # German, the longest words, with the real catalog
    fixture_store(folder / "data", demo).close()
    fixture_store(folder / "data", long_shop_document()).close()
    with running_service(folder / "data", as_of=AS_OF.isoformat()) as base:
        yield base


def load_all(page, url: str, frames: int) -> None:
    page.goto(url, wait_until="load")
    page.wait_for_function(
        f"() => document.querySelectorAll('.trustwidget iframe').length === {frames} && "
        "[...document.querySelectorAll('.trustwidget iframe')].every(f => f.title.includes(' – '))",
        timeout=30_000,
    )
    for frame in page.frames[1:]:
        frame.wait_for_load_state("load")
    page.wait_for_timeout(300)


@pytest.mark.parametrize(("locale", "scheme"), list(zip(LOCALES, SCHEMES, strict=True)))
def test_every_widget_fits_every_width(browser, host, service, locale, scheme):
    colour, preference, theme = SCHEMES[scheme]
    url = host.add(f"/fit-{locale}-{scheme}", "")
    host.pages[f"/fit-{locale}-{scheme}"] = host_page(service, SHOPS, locale, colour, theme=theme)
    frames = sum(len(w) for w in WIDTHS.values()) * len(SHOPS)
    context = browser.new_context(viewport={"width": 1320, "height": 16_000}, color_scheme=preference)
    page = context.new_page()
    shot = None
    try:
        load_all(page, url, frames)
        faults = []
        for element in page.query_selector_all(".trustwidget"):
            slot = element.get_attribute("data-slot")
            widget = slot.split("/")[1]
            frame = element.query_selector("iframe")
            box = frame.bounding_box()
            if round(box["height"]) != HEIGHTS[widget]:
                faults.append(f"{slot}: frame is {box['height']}px high, the snippet reserved {HEIGHTS[widget]}px")
            faults += [f"{slot}: {fault}" for fault in frame.content_frame().evaluate(FIT_FAULTS)]
        shot = full_page_shot(page)
        image = pixels(shot)
        scroll = page.evaluate("[window.scrollX, window.scrollY]")
        for element in page.query_selector_all(".trustwidget iframe"):
            box = element.bounding_box()
            x, y = int(box["x"] + scroll[0]) + 1, int(box["y"] + scroll[1]) + 1
            if image.getpixel((x, y)) != hex_rgb(colour):
                slot = element.evaluate("f => f.parentElement.dataset.slot")
                faults.append(f"{slot}: paints {image.getpixel((x, y))} where the page ({colour}) should show through")
        assert faults == [], "\n".join(faults[:80])
    finally:
        folder = Path(__file__).parent / "screenshots"
        folder.mkdir(exist_ok=True)
        (folder / f"fit-{locale}-{scheme}.png").write_bytes(shot or full_page_shot(page))
        context.close()
