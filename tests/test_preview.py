import html
import re

import pytest
from starlette.testclient import TestClient

from tests.factories import SHOP
from tests.widgets import AS_OF, fixture_store
from widget_server.core.records import parse_shop
from widget_server.core.themes import PAGES
from widget_server.demo import demo_document
from widget_server.http.app import create_app
from widget_server.http.preview import (
    COUNTED_SHOWN,
    embed_snippet,
    iframe_snippet,
    plain_snippet,
    snippet_base,
    stages,
    static_base,
    widget_query,
    widget_src,
)
from widget_server.http.service import Service
from widget_templates import TEMPLATES_DIR

STATIC_PROBLEM = "the static files' address must be http(s)://host[/path], such as https://cdn.example.com"

SHOP_RECORD = parse_shop({**SHOP, "name": 'A "quoted" <shop>'}, ("en", "nl"))


def test_widget_query_keeps_only_changed_options():
    assert widget_query(SHOP_RECORD, {"theme": "auto", "accent": "#ff0000", "count": "10", "stars": "4,5"}) == {
        "accent": "#ff0000",
        "stars": "4,5",
    }


def test_embed_snippet_is_one_element_and_one_script_with_escaped_values():
    snippet = embed_snippet("https://w.example", SHOP_RECORD, "badge", "nl", {"stars": "4,5"})
    element, script = snippet.split("\n")
    assert element == (
        '<div class="trustwidget" data-shop="wtw-winkel" data-widget="badge" data-locale="nl" '
        'data-stars="4,5" style="min-height:184px"><a href="https://www.example.nl/reviews" '
        'style="display:block;line-height:24px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis">'
        "Beoordelingen van A &#34;quoted&#34; &lt;shop&gt; via Trustpilot</a></div>"
    )
    # the loader comes after the page has loaded: no request to the widget host before then
    assert script.startswith("<script>(function(w,d,u){") and script.endswith(
        '(window,document,"https://w.example/v1/embed.js")</script>'
    )
    assert "addEventListener('load',go)" in script
    assert plain_snippet("https://w.example", SHOP_RECORD, "badge", "nl", {}).endswith(
        '\n<script async src="https://w.example/v1/embed.js"></script>'
    )


def test_the_loader_url_cannot_end_the_snippets_script():
    snippet = embed_snippet("https://w.example/</script><script>x()", SHOP_RECORD, "badge", "nl", {})
    assert snippet.count("</script>") == 1
    assert '"https://w.example/\\u003c/script>\\u003cscript>x()/v1/embed.js"' in snippet


def test_iframe_snippet_encodes_the_query():
    snippet = iframe_snippet("https://w.example", SHOP_RECORD, "stars", "en", {"accent": "#ff0000"})
    assert 'src="https://w.example/v1/wtw-winkel/en/stars.html#accent=%23ff0000"' in snippet
    assert 'loading="lazy"' in snippet and "height:24px" in snippet
    assert "color-scheme:light" in snippet  # no opaque backdrop on a dark page


@pytest.mark.parametrize(
    ("query", "variant", "src"),
    [
        ({"theme": "dark", "stars": "5"}, "", "/v1/wtw-winkel/nl/carousel.html?stars=5#theme=dark"),
        ({"lang": "all"}, "", "/v1/wtw-winkel/nl/carousel.html?lang=all"),
        ({"background": "#10261c"}, "", "/v1/wtw-winkel/nl/carousel.html#background=%2310261c"),
        # a variant is a file: content options come with it, presentation still in the fragment
        ({"theme": "dark", "stars": "5"}, "dark-45", "/v1/wtw-winkel/nl/carousel--dark-45.html#theme=dark"),
    ],
)
def test_presentation_goes_in_the_fragment_and_content_in_the_query(query, variant, src):
    assert widget_src(SHOP_RECORD, "carousel", "nl", query, variant) == src


@pytest.mark.parametrize(
    ("typed", "base"),
    [
        ("https://cdn.groenhuis.nl", "https://cdn.groenhuis.nl"),
        ("  https://cdn.groenhuis.nl/widgets/ ", "https://cdn.groenhuis.nl/widgets"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("cdn.groenhuis.nl", None),  # no scheme
        ("ftp://cdn.groenhuis.nl", None),
        ('https://cdn.example.com/"><script>', None),
        ("https://cdn.example.com/?v=1", None),  # a query would land mid-URL
        ("https://cdn.example.com/#x", None),
        ("javascript:alert(1)", None),
    ],
)
def test_static_base_takes_an_http_address_and_nothing_else(typed, base):
    assert static_base(typed) == base


@pytest.mark.parametrize(
    ("static", "typed", "configured", "expected"),
    [
        (False, "https://cdn.x.nl", "https://cdn.y.nl", ("https://w.example", False, None)),
        (True, "https://cdn.x.nl/", "https://cdn.y.nl", ("https://cdn.x.nl", False, None)),
        (True, "", "https://cdn.y.nl", ("https://cdn.y.nl", False, None)),
        (True, "", "", ("https://cdn.example.com", True, None)),  # never the live service's address
        (True, "cdn.x.nl", "", ("https://cdn.example.com", True, STATIC_PROBLEM)),
        (True, "cdn.x.nl", "https://cdn.y.nl", ("https://cdn.y.nl", False, STATIC_PROBLEM)),
    ],
)
def test_snippet_base_for_static_files_is_their_address(static, typed, configured, expected):
    assert snippet_base("https://w.example", static, typed, configured) == expected


def preview_snippets(tmp_path, query, static_url=""):
    fixture_store(tmp_path / "data", demo_document(AS_OF)).close()
    app = create_app(tmp_path / "data", as_of=AS_OF, public_url="https://live.example", static_url=static_url)
    with TestClient(app) as client:
        page = client.get(f"/preview/wtw-winkel?{query}").text
    return [html.unescape(s) for s in re.findall(r'<pre id="[a-z-]*snippet" class="code">(.*?)</pre>', page, re.S)]


def test_the_static_choice_puts_the_static_address_in_every_snippet(tmp_path):
    snippets = preview_snippets(tmp_path, "widget=badge&origin=static&cdn=https://cdn.groenhuis.nl/w")
    assert len(snippets) == 4  # inline loader, plain tag, iframe, pinned loader
    assert '"https://cdn.groenhuis.nl/w/v1/embed.js")</script>' in snippets[0]
    assert '<script async src="https://cdn.groenhuis.nl/w/v1/embed.js"></script>' in snippets[1]
    assert 'src="https://cdn.groenhuis.nl/w/v1/wtw-winkel/nl/badge.html"' in snippets[2]
    assert 'src="https://cdn.groenhuis.nl/w/v1/embed.' in snippets[3]
    assert not any("live.example" in s for s in snippets)


@pytest.mark.parametrize(
    ("query", "static_url", "warned"),
    [
        ("origin=static&cdn=https://evil.example/x", "https://cdn.groenhuis.nl", "https://evil.example/x"),
        ("origin=static&cdn=https://evil.example/x", "", "https://evil.example/x"),
        ("origin=static&cdn=https://cdn.groenhuis.nl", "https://cdn.groenhuis.nl", None),  # its own
        ("origin=static", "https://cdn.groenhuis.nl", None),
        ("origin=live&cdn=https://evil.example/x", "", None),  # the live snippets ignore it
    ],
)
def test_snippets_loading_from_a_typed_address_say_so_before_a_copy(tmp_path, query, static_url, warned):
    """A link can fill in "Served at": staff who copy its snippets must see where they load from."""
    fixture_store(tmp_path / "data", demo_document(AS_OF)).close()
    app = create_app(tmp_path / "data", as_of=AS_OF, public_url="https://live.example", static_url=static_url)
    with TestClient(app) as client:
        page = client.get(f"/preview/wtw-winkel?widget=badge&{query}").text
    notes = re.findall(r"These snippets load from <code>([^<]*)</code>", page)
    assert notes == ([warned] if warned else [])


def test_a_static_variants_stages_show_it_as_its_snippet_does(tmp_path):
    fixture_store(tmp_path / "data", demo_document(AS_OF)).close()
    with TestClient(create_app(tmp_path / "data", as_of=AS_OF)) as client:
        page = client.get("/preview/wtw-winkel?origin=static&variant=dark-positive&widget=carousel").text
    assert "On a dark page" in page and "prefers light" not in page  # the variant is theme dark
    assert "#theme=light" not in page and "&amp;theme=light" not in page


def test_a_products_preview_lists_the_products_counted_reviews(tmp_path):
    fixture_store(tmp_path / "data", demo_document(AS_OF)).close()
    with TestClient(create_app(tmp_path / "data", as_of=AS_OF)) as client:
        page = client.get("/preview/wtw-winkel?product=ZEH-Q350").text
    counted = int(re.search(r"<dt>Counted reviews</dt><dd>(\d+)", page).group(1))
    listed = page[page.index('id="h-counted"') :]
    assert counted > 0 and "None in the window." not in listed
    assert listed.count("<tr><td>") == min(counted, COUNTED_SHOWN)


def test_the_static_choice_falls_back_to_the_configured_address_then_a_placeholder(tmp_path):
    configured = preview_snippets(tmp_path / "a", "origin=static", static_url="https://cdn.shop.nl")
    assert '"https://cdn.shop.nl/v1/embed.js")</script>' in configured[0]
    placeholder = preview_snippets(tmp_path / "b", "origin=static")
    assert '"https://cdn.example.com/v1/embed.js")</script>' in placeholder[0]
    live = preview_snippets(tmp_path / "c", "origin=live", static_url="https://cdn.shop.nl")
    assert '"https://live.example/v1/embed.js")</script>' in live[0]


@pytest.mark.parametrize(
    ("theme", "background", "expected"),
    [
        ("light", "", [("light", "")]),
        ("dark", "", [("dark", "")]),
        ("dark", "#10261c", [("dark", "")]),
        ("auto", "", [("light", "light"), ("dark", "dark")]),  # what each visitor sees
        ("auto", "#10261c", [("light", ""), ("dark", "")]),  # the panel decides, on either page
    ],
)
def test_stages_are_the_pages_a_theme_is_made_for(theme, background, expected):
    assert [(stage.page, stage.theme) for stage in stages(theme, background)] == expected


def test_the_stages_are_painted_in_page_colours_the_palettes_are_made_for():
    css = (TEMPLATES_DIR / "preview.css").read_text()
    for page in ("light", "dark"):
        colour = re.search(rf"\.stage\.{page}{{background:(#[0-9a-f]{{6}})", css)
        assert colour and colour[1] in PAGES[page]


def test_the_index_gives_each_shops_score_and_count_as_its_summary_says_without_reading_it_whole(tmp_path):
    """The index reads each shop's window counts, not its snapshot: it neither reads every shop
    whole on each load nor pushes the shops the widgets serve out of the service's memory."""
    fixture_store(tmp_path / "data", demo_document(AS_OF)).close()
    service = Service(tmp_path / "data", as_of=AS_OF)
    for shop, version in service.shops().values():
        standing = service.standing(shop, version, AS_OF)
        summary = service.store.snapshot(shop.id, AS_OF).summary
        assert standing == {"score": summary["score"], "review_count": summary["review_count"]}
        assert standing["review_count"] > 0
    assert len(service._snapshots) == 0  # noqa: SLF001 - what the service holds in memory
    app = create_app(tmp_path / "data", as_of=AS_OF)
    with TestClient(app) as client:
        index = client.get("/preview/").text
        rows = re.findall(r'href="/preview/([a-z-]+)">.*?<td>([0-9.–]+)</td><td>(\d+)</td></tr>', index, re.S)
        assert len(rows) == 2
        for shop, score, count in rows:
            summary = client.get(f"/v1/{shop}/summary.json").json()
            assert (float(score), int(count)) == (summary["score"], summary["review_count"])
