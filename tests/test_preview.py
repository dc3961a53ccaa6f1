import pytest

from tests.factories import SHOP
from widget_server.core.records import parse_shop
from widget_server.preview import embed_snippet, iframe_snippet, plain_snippet, widget_query, widget_src

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
