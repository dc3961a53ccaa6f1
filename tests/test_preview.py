from tests.factories import SHOP
from widget_server.core.records import parse_shop
from widget_server.preview import embed_snippet, iframe_snippet, widget_query

SHOP_RECORD = parse_shop({**SHOP, "name": 'A "quoted" <shop>'}, ("en", "nl"))


def test_widget_query_keeps_only_changed_options():
    assert widget_query(SHOP_RECORD, {"theme": "auto", "accent": "#ff0000", "count": "10", "stars": "4,5"}) == {
        "accent": "#ff0000",
        "stars": "4,5",
    }


def test_embed_snippet_is_one_element_and_one_async_script_with_escaped_values():
    snippet = embed_snippet("https://w.example", SHOP_RECORD, "badge", "nl", {"stars": "4,5"})
    assert snippet == (
        '<div class="trustwidget" data-shop="wtw-winkel" data-widget="badge" data-locale="nl" '
        'data-stars="4,5" style="min-height:132px"><a href="https://www.example.nl/reviews">'
        "Beoordelingen van A &#34;quoted&#34; &lt;shop&gt; via Trustpilot</a></div>\n"
        '<script async src="https://w.example/v1/embed.js"></script>'
    )


def test_iframe_snippet_encodes_the_query():
    snippet = iframe_snippet("https://w.example", SHOP_RECORD, "stars", "en", {"accent": "#ff0000"})
    assert 'src="https://w.example/v1/wtw-winkel/en/stars.html?accent=%23ff0000"' in snippet
    assert 'loading="lazy"' in snippet and "height:24px" in snippet
