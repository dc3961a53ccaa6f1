"""Hostile text in a real browser: no payload ever runs, and every payload reads back as text."""

import json
from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.browser import CANARY, shop_record
from tests.server import running_service
from tests.snapshots import memory_snapshot
from tests.widgets import AS_OF, DATA, WIDGET_NAMES, fixture_store
from widget_server.core.models import PublicReview, Reply
from widget_server.core.options import Options
from widget_server.core.records import parse_shop
from widget_server.core.render import render_widget
from widget_server.http.preview import embed_snippet, iframe_snippet

pytestmark = pytest.mark.browser
PAYLOADS = json.loads((DATA / "hostile.json").read_text())
PER_SHOP = 40


def one_line(text, limit):
    return " ".join(text.split())[:limit] or "x"


def hostile_document():
    shops, reviews = [], []
    for n in range(0, len(PAYLOADS), PER_SHOP):
        shop_id = f"hostile-{n // PER_SHOP}"
        shops.append(
            {
                "id": shop_id,
                "name": one_line(PAYLOADS[n], 200),
                "locales": ["nl", "en"],
                "source": one_line(PAYLOADS[n + 1], 100),
                "policy_url": "https://www.example.nl/reviews",
                "carousel_count": 50,
            }
        )
        for m, payload in enumerate(PAYLOADS[n : n + PER_SHOP]):
            reviews.append(
                {
                    "id": f"{shop_id}-{m}",
                    "shop": shop_id,
                    "rating": 1 + m % 5,
                    "title": one_line(payload, 300),
                    "text": payload[:5000],
                    "author": one_line(payload, 100),
                    "email": "a@example.nl",
                    "language": "nl",
                    "created_at": f"2026-11-{1 + m % 20:02d}T10:00:00Z",
                    "verification": "verified" if m % 3 else "imported",
                    "reply": {"text": payload, "created_at": "2026-11-22T10:00:00Z"},
                }
            )
    return {"shops": shops, "reviews": reviews}


DOCUMENT = hostile_document()


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    data = tmp_path_factory.mktemp("hostile")
    fixture_store(data, DOCUMENT).close()
    with running_service(data) as base:
        yield base, data


def test_the_corpus_is_large_enough():
    assert len(PAYLOADS) >= 50


@pytest.mark.parametrize("embed", ["loader", "iframe"])
@pytest.mark.parametrize("locale", ["nl", "en"])
def test_no_payload_runs_and_every_payload_reads_back(browser, service, host, embed, locale):
    base, data = service
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    dialogs = []
    context.on("page", lambda p: p.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss())))
    page = context.new_page()  # one tab, a new document for each shop: the canary is set on every navigation
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.add_init_script(CANARY)
    for shop in DOCUMENT["shops"]:
        record = shop_record(data, shop["id"])
        make = embed_snippet if embed == "loader" else iframe_snippet
        snippet = "\n".join(make(base, record, widget, locale, {}) for widget in WIDGET_NAMES)
        url = host.add(f"/hostile-{embed}-{locale}-{shop['id']}.html", snippet)
        page.goto(url)
        for n in range(len(WIDGET_NAMES)):
            page.frame_locator(f"iframe >> nth={n}").locator(".w").wait_for()
        page.wait_for_timeout(300)
        frames = page.frames
        assert len(frames) == 1 + len(WIDGET_NAMES)
        for frame in frames:
            assert frame.evaluate("window.pwned") is None, frame.url
        carousel = next(f for f in frames if "/carousel.html" in f.url)
        titles = carousel.eval_on_selector_all(".card .title", "els => els.map(e => e.textContent)")
        texts = carousel.eval_on_selector_all(".card .text", "els => els.map(e => e.textContent)")
        expected = [r for r in DOCUMENT["reviews"] if r["shop"] == shop["id"]]
        assert sorted(titles) == sorted(r["title"] for r in expected)
        assert sorted(texts) == sorted(r["text"] for r in expected)
        badge = next(f for f in frames if "/badge.html" in f.url)
        assert shop["source"] in badge.locator(".w").text_content()
    assert dialogs == []
    context.close()


def stored(title, text, author, reply):
    return PublicReview(
        id="h",
        rating=4,
        title=title,
        text=text,
        author=author,
        language="nl",
        experienced_on=date(2026, 11, 1),
        created_at="2026-11-20T10:00:00.000000Z",
        created_on=date(2026, 11, 20),
        verification="verified",
        status="published",
        reply=Reply(reply, datetime(2026, 11, 21, tzinfo=UTC)),
    )


LINE = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60).filter(lambda s: s.strip())
BLOCK = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r\x0b\x0c"), min_size=1, max_size=200
).filter(lambda s: s.strip() and not any("\x00" <= c < " " and c not in "\t\n" for c in s))


@pytest.fixture(scope="module")
def one_page(browser):
    """One page for every generated example: a new document each time, the same tab.

    The canary is installed by a navigation (an init script does not run for set_content's
    document on a page that never navigated) and stays for every set_content after it.
    """
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script(CANARY)
    page.goto("about:blank")
    assert "pwned" in page.evaluate("String(window.alert)")
    yield page
    context.close()


@settings(max_examples=40, deadline=None)
@given(title=LINE, text=BLOCK, author=LINE, reply=BLOCK)
def test_generated_text_round_trips_as_visible_text(one_page, title, text, author, reply):
    from tests.factories import SHOP

    shop = parse_shop(SHOP, ("en", "nl"))
    options = Options().resolve(shop)
    data = memory_snapshot(
        shop,
        [stored(title, text, author, reply)],
        AS_OF,
        {
            "score": 4.0,
            "grade": "good",
            "review_count": 1,
            "source": "Trustpilot",
            "policy_url": shop.policy_url,
        },
    )
    html = render_widget(data, "carousel", "nl", options).decode()
    one_page.evaluate("delete window.pwned")  # a payload that ran in an earlier example is not counted twice
    one_page.set_content(html)
    read = one_page.evaluate("""() => ({
      title: document.querySelector('.title').textContent, text: document.querySelector('.text').textContent,
      author: document.querySelector('.author').textContent, reply: document.querySelector('.rt').textContent,
      pwned: window.pwned })""")
    assert read == {"title": title, "text": text, "author": author, "reply": reply, "pwned": None}
