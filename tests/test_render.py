import gzip
import json
import os
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from jinja2 import Environment, UndefinedError
from markupsafe import Markup

from tests.factories import SHOP, review
from tests.hostile import HOSTILE, hostile_document
from tests.widgets import AS_OF, DATA, fixture_store, render
from widget_server.core.i18n import locales_dir, translations
from widget_server.core.options import Options
from widget_server.core.render import environment, render_method
from widget_server.core.widgets import WIDGETS

GOLDEN = os.path.join(os.path.dirname(__file__), "golden")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    opened = fixture_store(tmp_path_factory.mktemp("widgets"))
    yield opened
    opened.close()


class Text(HTMLParser):
    """The visible text of a document (not style or script), whitespace folded."""

    def __init__(self):
        super().__init__()
        self.parts, self.skip = [], 0
        self.tags, self.attrs = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend(attrs)
        self.skip += tag in ("style", "script", "title")

    def handle_endtag(self, tag):
        self.skip -= tag in ("style", "script", "title")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)

    @property
    def text(self):
        return re.sub(r"\s+", " ", "".join(self.parts)).strip()


def parse(html):
    parser = Text()
    parser.feed(html)
    return parser


@pytest.mark.parametrize("locale", ["nl", "en"])
@pytest.mark.parametrize("widget", WIDGETS)
def test_golden(store, widget, locale):
    html = render(store, "wtw-winkel", widget, locale)
    path = os.path.join(GOLDEN, f"{widget}-{locale}.html")
    if os.environ.get("UPDATE_GOLDEN"):
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(html)
    with open(path, encoding="utf-8") as handle:
        assert html == handle.read(), f"{path} differs; look at the change, then UPDATE_GOLDEN=1"


# The fixture counts r-1 (5) and r-2 (4, flagged): 4.50, "zeer goed", 2 reviews.
TEXTS = [
    (
        "badge",
        "nl",
        [
            "zeer goed",
            "4,50",
            "2 beoordelingen",
            "afgelopen 12 maanden",
            "via Trustpilot",
            "Hoe reviews worden gecontroleerd",
        ],
    ),
    (
        "badge",
        "en",
        ["Excellent", "4.50", "2 reviews", "last 12 months", "via Trustpilot", "How reviews are checked"],
    ),
    ("stars", "nl", ["4,50", "2 beoordelingen via Trustpilot"]),
    (
        "carousel",
        "nl",
        [
            "geverifieerd",
            "geïmporteerde beoordeling",
            "Reactie van WTW Winkel",
            "Dank u wel!",
            "20 nov 2026",  # the script says "3 dagen geleden" (tests/test_dates_browser.py)
            "23 nov 2026",
            "lees meer",
        ],
    ),
    (
        "carousel",
        "en",
        ["verified", "imported review", "Reply from WTW Winkel", "Nov 20, 2026", "Nov 23, 2026", "read more"],
    ),
    ("footer", "nl", ["zeer goed", "4,50", "Snel geleverd en goed advies", "Goede filters", "Overgenomen review"]),
    # the bars count the reviews each filter lists (4 shown: one each of 5, 4, 3 and 2 stars)
    (
        "list",
        "nl",
        ["5 sterren1 beoordeling", "1 ster0 beoordelingen", "Sorteren", "Nieuwste", "Hoogste score", "Goede filters"],
    ),
    ("list", "de", ["5 Sterne1 Bewertung", "1 Stern0 Bewertungen", "Sortieren", "Neueste", "Schlechteste Bewertung"]),
]


def test_the_text_table_covers_every_widget():
    assert {widget for widget, _, _ in TEXTS} == set(WIDGETS)


@pytest.mark.parametrize(("widget", "locale", "expected"), TEXTS)
def test_widget_text(store, widget, locale, expected):
    text = parse(render(store, "wtw-winkel", widget, locale)).text
    for phrase in expected:
        assert phrase in text, (phrase, text)


def test_carousel_shows_shown_reviews_newest_first_and_nothing_else(store):
    text = parse(render(store, "wtw-winkel", "carousel", "en")).text
    order = [text.index(t) for t in ("Goede filters", "Snel geleverd", "Overgenomen review", "Old but shown")]
    assert order == sorted(order)
    assert "Verwijderd" not in text and "Not yet" not in text  # removed; given after as_of


def test_footer_shows_three_reviews(store):
    html = render(store, "wtw-winkel", "footer", "nl")
    assert html.count('<article class="card') == 3


def test_star_filter_is_said_in_visible_text(store):
    nl = parse(render(store, "wtw-winkel", "carousel", "nl", Options(stars=(4, 5)))).text
    assert "Alleen beoordelingen met 4 en 5 sterren" in nl
    assert "Overgenomen review" not in nl  # a 2-star review
    en = parse(render(store, "wtw-winkel", "footer", "en", Options(lang=("en",)))).text
    assert "Showing only reviews in English" in en


def test_stars_are_one_image_with_one_name(store):
    html = render(store, "wtw-winkel", "badge", "nl")
    images = re.findall(r'<svg class="stars"[^>]*role="img" aria-label="([^"]*)"', html)
    assert images == ["4,50 van 5 sterren"]
    assert re.search(r'<svg width="98\.00" height="20">', html)  # 4.50 fills 4.5 stars


@pytest.mark.parametrize("widget", WIDGETS)
@pytest.mark.parametrize("locale", ["nl", "en"])
def test_no_reviews_is_a_calm_state(store, widget, locale):
    text = parse(render(store, "empty-shop", widget, locale)).text
    assert {"nl": "Nog geen beoordelingen", "en": "No reviews yet"}[locale] in text
    for bad in ("None", "NaN", "null", "0,00", "0.00"):
        assert bad not in text
    assert "via Trusted Shops" in text


@pytest.mark.parametrize("widget", WIDGETS)
def test_every_widget_names_its_source_and_links_the_policy(store, widget):
    parser = parse(render(store, "wtw-winkel", widget, "nl"))
    assert ("href", "https://www.example.nl/reviews") in parser.attrs
    assert "Trustpilot" in parser.text


@pytest.mark.parametrize("widget", WIDGETS)
@pytest.mark.parametrize("locale", ["nl", "en"])
def test_hostile_text_is_escaped(tmp_path, widget, locale):
    store = fixture_store(tmp_path / "hostile", hostile_document())
    html = render(store, "wtw-winkel", widget, locale)
    parser = parse(html)
    # only the widgets' script, and the list's own beside it
    assert parser.tags.count("script") == (2 if WIDGETS[widget].grows else 1)
    assert not [name for name, _ in parser.attrs if name.startswith("on")]
    assert "<b>" not in html and "<img" not in html and "<svg onload" not in html
    assert "49" not in parser.text  # template syntax is not evaluated
    if WIDGETS[widget].reviews:
        for value in (HOSTILE["title"], HOSTILE["author"], HOSTILE["reply"]["text"]):
            assert value in parser.text
        assert "{{ 7*7 }}" in parser.text and "\u202eevil\u202c" in parser.text
    store.close()


def test_no_widget_ever_marks_the_shops_own_rating_up(tmp_path):
    """Google treats a business's reviews on its own site as self-serving: no shop-level markup."""
    document = json.loads((DATA / "widgets.json").read_text())
    document["shops"][0].update(jsonld=True, source="Trusted Shops")
    store = fixture_store(tmp_path / "ts", document)
    for widget in WIDGETS:
        html = render(store, "wtw-winkel", widget, "nl")
        assert "ld+json" not in html and "schema.org" not in html, widget


# Each widget's gzipped weight limit with count=10, and the cards it then shows.
WEIGHTS = {
    "badge": (6 * 1024, 0),
    "stars": (6 * 1024, 0),
    "carousel": (16 * 1024, 10),
    "footer": (16 * 1024, 3),
    "list": (16 * 1024, 5),
}


def test_the_weight_table_covers_every_widget():
    assert set(WEIGHTS) == set(WIDGETS)


@pytest.mark.parametrize(("widget", "limit", "cards"), [(name, *row) for name, row in WEIGHTS.items()])
def test_weight(tmp_path, widget, limit, cards):
    from widget_server.demo import demo_document

    store = fixture_store(tmp_path / "demo", demo_document(AS_OF))
    html = render(store, "wtw-winkel", widget, "nl", Options(count=10))
    assert html.count('<article class="card') == cards
    assert len(gzip.compress(html.encode(), 9)) <= limit


@pytest.mark.parametrize(("locale", "shown"), [("nl", {"nl"}), ("en", {"en"})])
def test_a_widget_shows_its_own_language_by_default_and_says_so(tmp_path, locale, shown):
    store = fixture_store(tmp_path)
    html = render(store, "wtw-winkel", "carousel", locale, Options())
    assert {m for m in re.findall(r'<article class="card" lang="([^"]+)"', html)} == shown
    said = {"nl": "Alleen beoordelingen in het Nederlands", "en": "Showing only reviews in English"}[locale]
    assert said in html
    everything = render(store, "wtw-winkel", "carousel", locale, Options(lang=()))
    assert set(re.findall(r'<article class="card" lang="([^"]+)"', everything)) == {"nl", "en"}
    # the score never moves with the language shown
    score = re.search(r'aria-label="([^"]+)"', html).group(1)
    assert score == re.search(r'aria-label="([^"]+)"', everything).group(1)


def test_a_filter_that_matches_nothing_says_so_calmly(tmp_path):
    html = render(fixture_store(tmp_path), "wtw-winkel", "carousel", "en", Options(stars=(1,), lang=()))
    assert "No reviews match this selection yet." in html
    assert '<section class="track"' not in html


@pytest.mark.parametrize(
    ("locale", "stars", "said"),
    [
        ("en", (1,), "Showing only reviews with 1 star<"),
        ("en", (4,), "Showing only reviews with 4 stars<"),
        ("en", (1, 2), "Showing only reviews with 1 and 2 stars<"),
        ("nl", (1,), "Alleen beoordelingen met 1 ster<"),
        ("nl", (4, 5), "Alleen beoordelingen met 4 en 5 sterren<"),
    ],
)
def test_a_star_filter_says_star_or_stars_as_the_number_wants(tmp_path, locale, stars, said):
    html = render(fixture_store(tmp_path), "wtw-winkel", "carousel", locale, Options(stars=stars, lang=()))
    assert said in html


@pytest.mark.parametrize("widget", ["carousel", "list"])
def test_a_shop_that_lists_some_stars_and_languages_says_so_in_every_widget_that_lists(tmp_path, widget):
    document = json.loads((DATA / "widgets.json").read_text())
    for shop in document["shops"]:
        shop.update(star_filter=[4, 5], language_filter=["nl"])
    html = render(fixture_store(tmp_path, document), "wtw-winkel", widget, "en", Options())
    assert "Showing only reviews with 4 and 5 stars<" in html
    assert "Showing only reviews in Dutch<" in html
    assert set(re.findall(r'<article class="card" lang="([^"]+)"', html)) == {"nl"}


def test_template_names_read_dict_keys_then_attributes():
    nl = environment("nl", locales_dir())
    template = '{{ view.items }}|{{ view.text }}|{{ day.year }}|{{ _("verified") }}'
    values = {"view": {"items": "sleutel", "text": "<b>"}, "day": date(2026, 11, 29)}
    assert nl.from_string(template).render(values) == "sleutel|&lt;b&gt;|2026|geverifieerd"
    with pytest.raises(UndefinedError):
        nl.from_string("{{ view.missing }}").render(values)


@pytest.mark.parametrize("value", ['<a href="x">&\'', Markup("<b>ok</b>"), 5, 2.5, Decimal("4.50"), None, True, ["<"]])
def test_output_translations_and_macros_write_what_stock_jinja_writes(value):
    # render.py's own escaping, translation formatting and macro calls against Jinja's
    template = (
        "{% macro m(x) %}[{{ x }}]{% endmacro %}{% macro d(x, y=1) %}{{ x }}{{ y }}{% endmacro %}"
        "{{ v }}|{% trans name=v %}Reviews of {{ name }}{% endtrans %}|{{ m(v) }}|{{ d(v) }}|"
        "{% for x in [v] %}{{ m(x) }}{% endfor %}|{% set s %}<i>{{ v }}</i>{% endset %}"
        "{% trans name=s %}Reviews of {{ name }}{% endtrans %}|{{ _('verified') }}|"
        "{% for n in [1, 2] %}{% trans count=n, num=v %}{{ num }} review{% pluralize %}{{ num }} reviews{% endtrans %}{% endfor %}"
    )
    stock = Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    stock.install_gettext_translations(translations("nl", locales_dir()), newstyle=False)
    ours = environment("nl", locales_dir()).from_string(template).render(v=value)
    assert ours == stock.from_string(template).render(v=value)
    assert "Beoordelingen van" in ours and "geverifieerd" in ours and "beoordelingen" in ours


def test_locales_share_compiled_templates_and_keep_their_own_words():
    view = {"filter_stars": None, "filter_languages": None}
    nl = environment("nl", locales_dir()).get_template("_macros.html").module.empty(view)
    en = environment("en", locales_dir()).get_template("_macros.html").module.empty(view)
    assert str(nl) == '<p class="empty">Nog geen beoordelingen om te tonen.</p>'
    assert str(en) == '<p class="empty">No reviews to show yet.</p>'


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ({"b": 1, "a": {"d": [1, 2.5], "c": None}}, b'{"a":{"c":null,"d":[1,2.5]},"b":1}\n'),
        ({"text": 'é "q" \\ \n \u2028 \x01'}, b'{"text":"\xc3\xa9 \\"q\\" \\\\ \\n \xe2\x80\xa8 \\u0001"}\n'),
        ((True, False), b"[true,false]\n"),
    ],
)
def test_json_documents_are_written_as_json_dumps_writes_them(value, written):
    from widget_server.core.render import render_json

    assert render_json(value) == written
    assert (
        render_json(value)
        == (json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
    )


@pytest.mark.parametrize(
    "value", [{"day": date(2026, 11, 29)}, {"moment": datetime(2026, 11, 29, tzinfo=UTC)}, {"options": Options()}]
)
def test_json_documents_refuse_what_json_cannot_hold(value):
    from widget_server.core.render import render_json

    with pytest.raises(TypeError):
        render_json(value)


@pytest.fixture(scope="module")
def uncounted(tmp_path_factory):
    """A shop whose three shown reviews all count for nothing: two imported, one unverified."""
    shop = {**SHOP, "id": "alleen-import", "name": "Import Winkel"}
    reviews = [
        review(
            id=f"i-{n}",
            shop="alleen-import",
            verification="unverified" if n == 0 else "imported",
            created_at=f"{AS_OF - timedelta(days=10 + n)}T12:00:00Z",
            experienced_at=f"{AS_OF - timedelta(days=20 + n)}",
        )
        for n in range(3)
    ]
    opened = fixture_store(tmp_path_factory.mktemp("uncounted"), {"shops": [shop], "reviews": reviews})
    yield opened
    opened.close()


@pytest.mark.parametrize("widget", WIDGETS)
@pytest.mark.parametrize(("locale", "words"), [("nl", "Nog geen score"), ("en", "No score yet")])
def test_reviews_shown_of_which_none_counts_have_no_score_yet_never_no_reviews(uncounted, widget, locale, words):
    """It used to say "no reviews yet" above the very reviews it showed."""
    text = parse(render(uncounted, "alleen-import", widget, locale)).text
    assert words in text
    assert {"nl": "Nog geen beoordelingen", "en": "No reviews yet"}[locale] not in text


def test_the_method_page_says_no_score_yet_where_reviews_are_shown_and_no_reviews_where_none(uncounted, store):
    shown = render_method(uncounted.snapshot("alleen-import", AS_OF), "en").decode()
    assert "<strong>No score yet</strong>" in shown and "No reviews yet" not in shown
    empty = render_method(store.snapshot("empty-shop", AS_OF), "en").decode()
    assert "<strong>No reviews yet</strong>" in empty
