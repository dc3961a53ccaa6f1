"""The list widget in Chromium, on the live service and on a static build behind nginx.

It fits and reads (WCAG contrast against what is behind it) from 280 px to 1280 px in nl, en
and de with its frame as high as its content; its bars filter, its sort orders and its pages
page, reading the files of reviews.json (a shop of more than a page has a file per rating,
a small one is filtered in the frame); review text stays text; without script it shows its
first page and the links to the policy and the method page.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from static_build.build import build
from tests.browser import serious_violations
from tests.fit import FIT_FAULTS, LOW_CONTRAST, hex_rgb, slot_widths
from tests.nginx import running_nginx
from tests.server import free_port, running_service
from tests.widgets import AS_OF, fixture_store
from widget_server.core.widgets import HEIGHTS, WIDGETS
from widget_server.demo import demo_document

pytestmark = pytest.mark.browser
RATINGS = (5, 5, 4, 5, 3, 5, 4, 1, 5, 2, 5, 4, 5)  # 260 reviews: 140 fives, 60 fours, 20 each of 3, 2, 1
COUNTS = {5: 140, 4: 60, 3: 20, 2: 20, 1: 20}
TOTAL = 260  # more than four pages of reviews.json: the list reads each rating's own files
HOSTILE = '<img src=x onerror="window.pwned=1">&amp; {{ 7*7 }}'
PAGE_COLOURS = {"nl": "#ffffff", "en": "#0d1117", "de": "#eef2ef"}


def big_shop() -> dict:
    given = datetime(2026, 11, 22, 12, tzinfo=UTC)
    reviews = []
    for n in range(TOTAL):
        rating = RATINGS[n % len(RATINGS)]
        reviews.append(
            {
                "id": f"g-{n:03d}",
                "shop": "groot",
                "rating": rating,
                "title": f"Beoordeling {n}" if n % 3 else "",
                "text": HOSTILE if n == 256 else f"Tekst van beoordeling {n}. " * (1 + n % 7),
                "email": f"k{n}@example.nl",
                "author": f"Klant {n}",
                "language": "nl",
                "created_at": (given - timedelta(hours=30 * n)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "verification": "verified",
                "status": "published",
                "platform": "Trustpilot",
            }
        )
    shop = {
        "id": "groot",
        "name": "Groot & Zonen",
        "locales": ["nl", "en", "de"],
        "source": "Trustpilot",
        "policy_url": "https://example.nl/beleid",
    }
    return {"shops": [shop], "reviews": reviews}


def mixed_shop(shop_id: str, stars: int, tens: int) -> dict:
    """A shop of `stars` star reviews and `tens` scored out of 10 (Kiyoh's), all shown, newest
    first alternating in bands: the star reviews first, then the out-of-10 ones."""
    given = datetime(2026, 11, 22, 12, tzinfo=UTC)
    reviews = []
    for n in range(stars + tens):
        ten = n >= stars
        reviews.append(
            {
                "id": f"{shop_id}-{n:03d}",
                "shop": shop_id,
                "rating": 1 + n % 10 if ten else 1 + n % 5,
                **({"scale": 10} if ten else {}),
                "text": f"Tekst {n}.",
                "email": f"m{n}@example.nl",
                "author": f"Klant {n}",
                "language": "nl",
                "created_at": (given - timedelta(hours=7 * n)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "verification": "verified",
                "status": "published",
                "platform": "Kiyoh" if ten else "Trustpilot",
            }
        )
    shop = {
        "id": shop_id,
        "name": f"Winkel {shop_id}",
        "locales": ["nl", "en"],
        "source": "Trustpilot",
        "policy_url": "https://example.nl/beleid",
    }
    return {"shops": [shop], "reviews": reviews}


@pytest.fixture(scope="module")
def origins(tmp_path_factory) -> Iterator[dict[str, str]]:
    folder = tmp_path_factory.mktemp("list")
    data, out = folder / "data", folder / "out"
    demo = demo_document(AS_OF)
    for shop in demo["shops"]:
        shop["locales"] = [*shop["locales"], "de"]
    fixture_store(data, demo).close()
    fixture_store(data, big_shop()).close()
    fixture_store(data, mixed_shop("gemengd", 8, 4)).close()  # one file: sorted in the frame
    fixture_store(data, mixed_shop("groot-gemengd", 201, 3)).close()  # five files: a file per rating
    fixture_store(data, mixed_shop("alleen-tien", 0, 6)).close()  # no stars at all
    build(data, out, AS_OF)
    port = free_port()
    static = f"http://127.0.0.1:{port}"
    block = f"server {{ listen 127.0.0.1:{port}; root {out}; include {out}/nginx.conf; }}"
    with (
        running_service(data, as_of=AS_OF.isoformat()) as service,
        running_nginx(folder / "nginx", block, static + "/v1/embed.js"),
    ):
        yield {"service": service, "static": static}


def host_page(base: str, locale: str, colour: str) -> str:
    slots = "".join(
        f'<div style="width:{width}px;margin:0 0 14px"><div class="trustwidget" data-shop="{shop}" '
        f'data-widget="list" data-locale="{locale}" data-slot="{shop}/{width}"></div></div>'
        for shop in ("groot", "wtw-winkel")
        for width in slot_widths(WIDGETS["list"].narrowest)
    )
    return (
        f"<!doctype html><html lang='{locale}'><head><meta charset='utf-8'><title>Lijst</title>"
        f"<link rel='icon' href='data:,'></head><body style='margin:0;padding:10px;background:{colour}'>"
        f"{slots}<script async src='{base}/v1/embed.js'></script></body></html>"
    )


@pytest.mark.parametrize("locale", ["nl", "en", "de"])
@pytest.mark.parametrize("origin", ["service", "static"])
def test_the_list_fits_and_reads_at_every_width_with_its_frame_as_high_as_it(browser, host, origins, origin, locale):
    colour = PAGE_COLOURS[locale]
    path = f"/list-{origin}-{locale}.html"
    host.pages[path] = host_page(origins[origin], locale, colour)
    slots = 2 * len(slot_widths(WIDGETS["list"].narrowest))
    context = browser.new_context(viewport={"width": 1320, "height": 20_000})
    page = context.new_page()
    try:
        page.goto(host.base + path, wait_until="load")
        page.wait_for_function(
            f"() => [...document.querySelectorAll('.trustwidget iframe')].filter(f => f.title.includes(' – ')).length === {slots}"
        )
        page.wait_for_timeout(300)
        faults = []
        for element in page.query_selector_all(".trustwidget"):
            slot, frame = element.get_attribute("data-slot"), element.query_selector("iframe")
            inside = frame.content_frame()
            # The list's script shows its tools and pager once it runs, which makes the document
            # higher: measure after that (under load it ran after a first, shorter height held).
            inside.wait_for_function(
                "() => !document.querySelector('.tools') || !document.querySelector('.tools').hidden"
            )
            frame_high, high = followed(page, frame, inside)
            if abs(frame_high - high) > 1:
                faults.append(f"{slot}: frame {frame_high}px high, its document {high}px")
            faults += [f"{slot}: {fault}" for fault in inside.evaluate(FIT_FAULTS)]
            faults += [f"{slot}: {fault}" for fault in inside.evaluate(LOW_CONTRAST, list(hex_rgb(colour)))]
            if inside.evaluate("document.querySelectorAll('.feed article').length") != 5:
                faults.append(f"{slot}: not 5 reviews on its first page")
        assert faults == [], "\n".join(faults[:40])
    finally:
        context.close()


# The document's own height: its root element's box (scrollHeight is never less than the
# frame's, so it would hide a frame left higher than its list).
DOCUMENT_HEIGHT = "document.documentElement.getBoundingClientRect().height"


# The frame's own view of its height: the document lays out in it a frame after the iframe
# element is resized, so a check of what shows must wait for this too (on a busy machine the
# element had its new height while the document still laid out in the old one).
VIEWPORT_HEIGHT = "document.documentElement.clientHeight"


def followed(page, element, inside) -> tuple[float, float]:
    """(the frame's height, its document's) once they agree and the document lays out in that
    height, or as they are after 5 s: the loader follows each change of the list's height, a
    message later (a busy machine may lag)."""
    for _ in range(50):
        high, frame_high = inside.evaluate(DOCUMENT_HEIGHT), element.bounding_box()["height"]
        if abs(frame_high - high) <= 1 and abs(inside.evaluate(VIEWPORT_HEIGHT) - frame_high) <= 1:
            break
        page.wait_for_timeout(100)
    return frame_high, high


def list_frame(browser, host, base: str, shop: str = "groot", width: int = 760, product: str = "", style: str = ""):
    path = f"/one-{shop}-{free_port()}.html"
    sku = f" data-product='{product}'" if product else ""
    sku += f" style='{style}'" if style else ""
    host.pages[path] = (
        "<!doctype html><html lang='nl'><head><meta charset='utf-8'><title>Een</title>"
        "<link rel='icon' href='data:,'></head><body style='margin:0'>"
        f"<div style='width:{width}px'><div class='trustwidget' data-shop='{shop}' data-widget='list' "
        f"data-locale='nl'{sku}></div></div><script async src='{base}/v1/embed.js'></script></body></html>"
    )
    context = browser.new_context(viewport={"width": 900, "height": 3000})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(host.base + path, wait_until="load")
    page.wait_for_function("() => document.querySelector('.trustwidget iframe')?.title.includes(' – ')")
    frame = page.query_selector(".trustwidget iframe").content_frame()
    frame.wait_for_function("() => !document.querySelector('.tools').hidden")
    return context, page, frame, errors


# Each card's stars as its image says them ("4 van 5 sterren"), and its author.
CARDS = """() => [...document.querySelectorAll('.feed article')].map(a => [
  Number(a.querySelector('.top [role=img]').getAttribute('aria-label').match(/\\d+/)[0]),
  a.querySelector('.author').textContent])"""


def settle(frame) -> list:
    frame.wait_for_function("() => document.querySelector('.feed').getAttribute('aria-busy') !== 'true'")
    return frame.evaluate(CARDS)


def walk(frame) -> list:
    """Every card from this page to the last, clicking "next"."""
    seen = settle(frame)
    while frame.evaluate("!document.querySelector('.next').disabled"):
        before = frame.evaluate("document.querySelector('.pos').textContent")
        frame.click(".next")
        frame.wait_for_function(f"() => document.querySelector('.pos').textContent !== {before!r}")
        seen += settle(frame)
    return seen


@pytest.mark.parametrize("origin", ["service", "static"])
def test_bars_filter_sort_orders_and_pages_page(browser, host, origins, origin):
    context, page, frame, errors = list_frame(browser, host, origins[origin])
    try:
        # the bars count what each filter lists, and say so to a screen reader
        assert frame.locator(".bars button[data-stars='3']").text_content() == "3 sterren20 beoordelingen"
        assert frame.get_by_role("button", name="3 sterren 20 beoordelingen").is_enabled()
        assert frame.inner_text(".pos") == "1–5 van 260"
        frame.get_by_role("button", name="3 sterren 20 beoordelingen").click()
        assert [stars for stars, _ in walk(frame)] == [3] * 20
        assert frame.locator(".bars button[data-stars='3']").get_attribute("aria-pressed") == "true"
        assert re.sub(r"\s+", " ", frame.inner_text(".filt")) == "Filter: 3 sterren · wissen"
        frame.click(".clear")
        settle(frame)
        assert frame.is_hidden(".filt") and frame.inner_text(".pos") == "1–5 van 260"
        assert frame.evaluate("document.activeElement.className") == "feed"  # the clear button went away
        # highest first: the fives newest first, then the fours, ... across the files of each rating
        frame.select_option(".sort select", "highest")
        ordered = walk(frame)
        assert [stars for stars, _ in ordered] == [s for s in (5, 4, 3, 2, 1) for _ in range(COUNTS[s])]
        assert len({author for _, author in ordered}) == TOTAL
        fives = [author for stars, author in ordered if stars == 5]
        assert fives == [f"Klant {n}" for n in range(TOTAL) if RATINGS[n % len(RATINGS)] == 5]  # newest first
        frame.select_option(".sort select", "lowest")
        assert [stars for stars, _ in settle(frame)] == [1] * 5
        # a page change moves the focus to the list and says where the visitor is
        frame.click(".next")
        frame.wait_for_function("() => document.querySelector('.pos').textContent === '6–10 van 260'")
        assert frame.evaluate("document.activeElement.className") == "feed"
        assert frame.inner_text("[aria-live]") == "Pagina 2 van 52, 6–10 van 260"
        assert frame.evaluate("document.querySelector('.feed article').getAttribute('aria-posinset')") == "6"
        # the frame follows the list's height as it pages, down as well as up
        element, heights = page.query_selector(".trustwidget iframe"), []
        for _ in range(4):
            frame_high, high = followed(page, element, frame)
            assert abs(frame_high - high) <= 1, (frame_high, high)
            heights.append(high)
            before = frame.evaluate("document.querySelector('.pos').textContent")
            frame.click(".next")
            frame.wait_for_function(f"() => document.querySelector('.pos').textContent !== {before!r}")
            settle(frame)
        assert any(later < earlier - 20 for earlier, later in itertools.pairwise(heights)), heights
        assert errors == []
    finally:
        context.close()


def test_the_slot_follows_its_list_below_the_height_the_snippet_reserved(browser, host, origins):
    # The preview's snippet reserves the list's first height on the slot itself (min-height).
    reserved = f"min-height:{HEIGHTS['list']}px"
    context, page, frame, errors = list_frame(browser, host, origins["service"], shop="gemengd", style=reserved)
    try:
        frame.locator(".bars button[data-stars='1']").click()  # the one-star reviews: two cards
        settle(frame)
        element = page.query_selector(".trustwidget iframe")
        frame_high, _ = followed(page, element, frame)
        assert frame_high < HEIGHTS["list"] / 2, frame_high
        assert abs(page.query_selector(".trustwidget").bounding_box()["height"] - frame_high) <= 1
        assert errors == []
    finally:
        context.close()


def test_review_text_from_a_later_page_stays_text(browser, host, origins):
    context, page, frame, errors = list_frame(browser, host, origins["static"])
    try:
        frame.get_by_role("button", name="2 sterren 20 beoordelingen").click()
        cards = walk(frame)
        assert cards[-1][1] == "Klant 256"  # the oldest two-star review
        assert HOSTILE in frame.inner_text(".feed")
        assert frame.evaluate("document.querySelectorAll('.feed img').length") == 0
        assert frame.evaluate("window.pwned") is None
        assert errors == []
    finally:
        context.close()


@pytest.mark.parametrize(
    ("shop", "product", "files"),
    [("wtw-winkel", "ZEH-Q350", 1), ("greenvent", "", 3)],  # a product's 26 reviews; a shop's 120
)
def test_a_list_of_up_to_four_files_is_filtered_and_sorted_in_the_frame(browser, host, origins, shop, product, files):
    """No file per rating is asked for (the build makes none): the frame reads reviews.json's
    files, each once, and sorts them itself."""
    context, page, frame, errors = list_frame(browser, host, origins["static"], shop, product=product)
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url.rsplit("/", 1)[1]))
    try:
        stars = frame.evaluate("JSON.parse(document.querySelector('.list').dataset.list).stars")
        frame.select_option(".sort select", "lowest")
        ratings = [rating for rating, _ in walk(frame)]
        assert ratings == sorted(ratings) and len(ratings) == sum(stars.values())
        expected = ["reviews.json", *(f"reviews-{n}.json" for n in range(2, files + 1))]
        assert sorted(name for name in asked if name.startswith("reviews")) == sorted(expected)
        assert errors == []
    finally:
        context.close()


@pytest.mark.parametrize("origin", ["service", "static"])
def test_without_script_the_first_page_and_the_links_show(browser, origins, origin):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 2000})
    page = context.new_page()
    try:
        page.goto(f"{origins[origin]}/v1/groot/nl/list.html")
        assert page.locator(".feed article").count() == 5
        assert page.is_hidden(".tools") and page.is_hidden(".pager")
        assert page.get_by_role("link", name="Hoe reviews worden gecontroleerd").get_attribute("href") == (
            "https://example.nl/beleid"
        )
        assert page.get_by_role("link", name="Hoe berekend?").get_attribute("href") == "method.html"
        assert "Klant 0" in page.inner_text(".feed")
        # in the iframe-only snippet's 900 px, what passes them can still be read: the frame scrolls
        page.set_viewport_size({"width": WIDGETS["list"].narrowest, "height": WIDGETS["list"].height})
        assert page.evaluate("document.documentElement.scrollHeight - innerHeight") > 0
        page.mouse.move(200, 300)
        page.mouse.wheel(0, 3000)
        for _ in range(50):
            if page.evaluate("scrollY > 0 && scrollY === document.documentElement.scrollHeight - innerHeight"):
                break
            page.wait_for_timeout(100)
        assert page.evaluate("scrollY") == page.evaluate("document.documentElement.scrollHeight - innerHeight") > 0
    finally:
        context.close()


def test_in_a_bare_iframe_the_list_scrolls_inside_its_frame(browser, origins):
    """The iframe-only snippet has no loader to follow the list's height: what passes the
    reserved height can still be read by scrolling the frame. Under the loader nothing scrolls."""
    context = browser.new_context(viewport={"width": 390, "height": WIDGETS["list"].height})
    page = context.new_page()
    try:
        page.goto(f"{origins['static']}/v1/groot/nl/list.html")
        page.wait_for_function("() => !document.querySelector('.tools').hidden")
        page.mouse.move(200, 300)
        page.mouse.wheel(0, 2000)  # a visitor's wheel brings the last review and the links into view
        page.wait_for_function(
            "() => scrollY > 0 && scrollY === document.documentElement.scrollHeight - innerHeight", timeout=5000
        )
        page.goto("about:blank")  # a reload would restore the scroll position
        page.goto(f"{origins['static']}/v1/groot/nl/list.html#tw=tw1")
        page.wait_for_function("() => !document.querySelector('.tools').hidden")
        page.mouse.move(200, 300)
        page.mouse.wheel(0, 2000)
        page.wait_for_timeout(300)
        assert page.evaluate("scrollY") == 0  # the loader makes the frame as high as the list
    finally:
        context.close()


@pytest.mark.parametrize("locale", ["nl", "en", "de"])
@pytest.mark.parametrize("origin", ["service", "static"])
def test_no_serious_accessibility_violation_with_a_filter_on_and_a_later_page(browser, origins, origin, locale):
    # axe-core is injected as a script, which the widgets' CSP forbids: this context bypasses it
    context = browser.new_context(bypass_csp=True, viewport={"width": 390, "height": 1600})
    page = context.new_page()
    try:
        page.goto(f"{origins[origin]}/v1/groot/{locale}/list.html")
        page.wait_for_function("() => !document.querySelector('.tools').hidden")
        assert serious_violations(page) == []
        page.click(".bars button[data-stars='4']")
        page.wait_for_function("() => !document.querySelector('.filt').hidden")
        page.click(".next")
        page.wait_for_function("() => document.querySelector('[aria-live]').textContent.length > 0")
        assert serious_violations(page) == []
    finally:
        context.close()


def test_a_ratings_newest_thousand_are_listed_and_the_list_says_so(browser, host, origins):
    """Sorted or filtered by stars, a long list reads each rating's files, which hold its newest
    1,000 reviews. The cap is made 20 here (the document's own number, rewritten on its way),
    so that the 140 five-star reviews pass it."""
    base = origins["static"]

    def smaller_cap(route):
        body = route.fetch().text().replace("&#34;cap&#34;:1000", "&#34;cap&#34;:20")
        route.fulfill(body=body, headers={"Content-Type": "text/html; charset=utf-8"})

    context = browser.new_context(viewport={"width": 900, "height": 3000})
    context.route("**/v1/groot/nl/list.html*", smaller_cap)
    try:
        page = context.new_page()
        page.goto(f"{base}/v1/groot/nl/list.html#tw=tw1")
        page.wait_for_function("() => !document.querySelector('.tools').hidden")
        page.click(".bars button[data-stars='5']")
        page.wait_for_function("() => document.querySelector('[aria-live]').textContent.length > 0")
        assert page.inner_text(".pos") == "1–5 van 20 · de nieuwste 1.000 per aantal sterren"
        assert [stars for stars, _ in walk(page)] == [5] * 20
        page.click(".clear")
        page.select_option(".sort select", "highest")
        # each rating's newest 20 (the fours' 60 too), highest first
        page.wait_for_function("() => document.querySelector('.pos').textContent.startsWith('1–5 van 100 ')")
        assert [stars for stars, _ in walk(page)] == [s for s in (5, 4, 3, 2, 1) for _ in range(20)]
    finally:
        context.close()


# Each card's mark as its image says it: "4 van 5 sterren" or "8 van 10".
MARKS = """() => [...document.querySelectorAll('.feed article')].map(a =>
  a.querySelector('.top [role=img]').getAttribute('aria-label'))"""


def every_mark(frame) -> list:
    settle(frame)
    seen = frame.evaluate(MARKS)
    while frame.evaluate("!document.querySelector('.next').disabled"):
        before = frame.evaluate("document.querySelector('.pos').textContent")
        frame.click(".next")
        frame.wait_for_function(f"() => document.querySelector('.pos').textContent !== {before!r}")
        settle(frame)
        seen += frame.evaluate(MARKS)
    return seen


@pytest.mark.parametrize("origin", ["service", "static"])
def test_a_sort_by_stars_lists_the_reviews_scored_out_of_10_after_them_or_says_it_leaves_them_out(
    browser, host, origins, origin
):
    """The sort by stars walked the five star ratings only: a shop's reviews scored out of 10
    went missing from the list ("1–5 of 8" where it had 12) without a word."""
    context, page, frame, errors = list_frame(browser, host, origins[origin], "gemengd")
    try:
        assert frame.inner_text(".pos") == "1–5 van 12"
        frame.select_option(".sort select", "highest")
        marks = every_mark(frame)
        assert frame.inner_text(".pos") == "11–12 van 12"
        stars = [int(m.split()[0]) for m in marks[:8]]
        assert stars == sorted(stars, reverse=True) and all(m.endswith("sterren") for m in marks[:8])
        assert [m.endswith("van 10") for m in marks[8:]] == [True] * 4
        assert errors == []
    finally:
        context.close()
    context, page, frame, errors = list_frame(browser, host, origins[origin], "groot-gemengd")
    try:  # a list read a rating's file at a time has no file of the reviews out of 10: it says so
        frame.select_option(".sort select", "lowest")
        settle(frame)
        assert frame.inner_text(".pos") == "1–5 van 201 · zonder 3 op een schaal van 10"
        frame.select_option(".sort select", "newest")
        settle(frame)
        assert frame.inner_text(".pos") == "1–5 van 204"
        assert errors == []
    finally:
        context.close()


def test_a_list_without_stars_offers_no_sort_by_stars(browser, host, origins):
    context, page, frame, errors = list_frame(browser, host, origins["static"], "alleen-tien")
    try:
        assert frame.is_hidden(".sort") and frame.inner_text(".pos") == "1–5 van 6"
        assert errors == []
    finally:
        context.close()


@pytest.mark.parametrize("change", ["next", "bar", "sort"])
def test_a_failed_load_changes_nothing_and_the_same_click_asks_again(browser, host, origins, change):
    """The page, filter or sort used to change before its reviews came: after a failed load the
    next click skipped a page, undid the filter it meant to set, or left the wrong sort shown."""
    context, page, frame, errors = list_frame(browser, host, origins["static"])
    blocked = {"on": True}
    page.route("**/reviews*.json", lambda route: route.abort() if blocked["on"] else route.continue_())
    clicks = {
        "next": lambda: frame.click(".next"),
        "bar": lambda: frame.get_by_role("button", name="3 sterren 20 beoordelingen").click(),
        "sort": lambda: frame.select_option(".sort select", "lowest"),
    }
    try:
        clicks[change]()
        frame.wait_for_function("() => document.querySelector('.pos').textContent.includes('niet worden geladen')")
        settle(frame)
        assert frame.evaluate(CARDS)[0][1] == "Klant 0"  # the first page still shows
        assert frame.locator(".bars button[aria-pressed=true]").count() == 0
        assert frame.evaluate("document.querySelector('.sort select').value") == "newest"
        blocked["on"] = False
        clicks[change]()
        expected = {"next": "6–10 van 260", "bar": "1–5 van 20", "sort": "1–5 van 260"}[change]
        frame.wait_for_function(f"() => document.querySelector('.pos').textContent === {expected!r}")
        if change == "bar":
            assert frame.locator(".bars button[data-stars='3']").get_attribute("aria-pressed") == "true"
        if change == "sort":
            assert [stars for stars, _ in settle(frame)] == [1] * 5
    finally:
        context.close()
