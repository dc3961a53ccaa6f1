"""reviews.json pages: fields, order, paging, and no email, rendered from a store's snapshot."""

import json
from datetime import date
from urllib.parse import parse_qsl

import pytest

from tests.hostile import kiyoh_and_rewarded_document
from tests.snapshots import memory_snapshot, rated_reviews
from tests.widgets import AS_OF, WIDGET_NAMES, fixture_store, render
from widget_server.core.catalogue import REVIEWS, DocumentRef
from widget_server.core.documents import render_document
from widget_server.core.i18n import locales_dir
from widget_server.core.models import PublicReview, Shop
from widget_server.core.options import Options, ReviewFilter, parse_options
from widget_server.core.render import render_json
from widget_server.core.snapshot import PAGE_SIZE
from widget_server.core.views import (
    list_view,
    platform_view,
    rating_text,
    review_documents,
    review_view,
    summary_view,
)
from widget_server.demo import demo_document


def page(snapshot, locale, number, options=None):
    ref = DocumentRef(REVIEWS, shop=snapshot.shop.id, locale=locale, page=number)
    body = render_document(snapshot, ref, options or Options(lang=()).resolve(snapshot.shop))
    return None if body is None else json.loads(body)


def test_reviews_json_fields_order_and_no_email(tmp_path):
    store = fixture_store(tmp_path / "s")
    document = page(store.snapshot("wtw-winkel", AS_OF), "nl", 1)
    assert [r["id"] for r in document["reviews"]] == ["r-2", "r-1", "r-3", "r-5"]
    first = document["reviews"][1]
    assert first["reply"] == {"text": "Dank u wel!", "created_at": "2026-11-21T09:00:00Z"}
    assert (first["date"], first["date_text"], first["marker"]) == ("2026-11-20", "20 nov 2026", "geverifieerd")
    assert document["reviews"][2]["marker"] == "geïmporteerde beoordeling"
    assert {"id", "rating", "title", "text", "author", "date", "verification", "status", "reply"} <= set(first)
    assert (document["total"], document["pages"], document["next"]) == (4, 1, None)
    assert b"@example" not in render_json(document)


def test_pages_follow_each_other_and_past_the_end_is_none(tmp_path):
    store = fixture_store(tmp_path / "s", demo_document(date(2026, 11, 23)))
    snapshot = store.snapshot("wtw-winkel", AS_OF)
    first = page(snapshot, "en", 1)
    assert first["pages"] > 2 and first["next"] == "reviews-2.json"
    second = page(snapshot, "en", 2)
    assert len(first["reviews"]) == PAGE_SIZE
    assert first["reviews"][-1]["created_at"] >= second["reviews"][0]["created_at"]
    assert not {r["id"] for r in first["reviews"]} & {r["id"] for r in second["reviews"]}
    assert page(snapshot, "en", first["pages"] + 1) is None
    assert page(snapshot, "en", 0) is None


def test_every_page_in_order_lists_each_shown_review_once(tmp_path):
    store = fixture_store(tmp_path / "s", demo_document(date(2026, 11, 23)))
    snapshot = store.snapshot("wtw-winkel", AS_OF)
    first = page(snapshot, "nl", 1)
    ids = [r["id"] for n in range(1, first["pages"] + 1) for r in page(snapshot, "nl", n)["reviews"]]
    assert len(ids) == len(set(ids)) == first["total"]
    stamps = [r["created_at"] for n in range(1, first["pages"] + 1) for r in page(snapshot, "nl", n)["reviews"]]
    assert stamps == sorted(stamps, reverse=True)


@pytest.mark.parametrize("stars", [(5,), (1, 2)])
def test_a_filtered_page_lists_only_matching_reviews(tmp_path, stars):
    store = fixture_store(tmp_path / "s", demo_document(date(2026, 11, 23)))
    snapshot = store.snapshot("wtw-winkel", AS_OF)
    options = Options(stars=stars, lang=()).resolve(snapshot.shop)
    document = page(snapshot, "en", 1, options)
    assert document["reviews"] and {r["rating"] for r in document["reviews"]} <= set(stars)
    assert document["filter"] == {"stars": list(stars), "lang": []}


def test_render_json_is_sorted_with_dot_decimals():
    assert render_json({"b": 4.5, "a": "é"}) == '{"a":"é","b":4.5}\n'.encode()


def test_by_default_a_page_lists_every_language_and_lang_narrows_it(tmp_path):
    # RULES.md: reviews.json lists the reviews shown; only widgets default to their own language
    snapshot = fixture_store(tmp_path).snapshot("wtw-winkel", AS_OF)
    for locale in ("nl", "en"):
        listed = page(snapshot, locale, 1, Options().resolve(snapshot.shop))
        assert listed["filter"]["lang"] == []
        assert {r["language"] for r in listed["reviews"]} == {"nl", "en"}
    english = page(snapshot, "en", 1, Options(lang=("en",)).resolve(snapshot.shop))
    assert [r["id"] for r in english["reviews"]] == ["r-5"]  # the one English review


def public(verification, platform):
    from widget_server.core.models import PublicReview

    return PublicReview(
        id="x",
        rating=5,
        title="",
        text="",
        author="A",
        language="nl",
        experienced_on=date(2026, 11, 1),
        created_at="2026-11-01T10:00:00.000000Z",
        created_on=date(2026, 11, 1),
        verification=verification,
        status="published",
        reply=None,
        platform=platform,
    )


@pytest.mark.parametrize(
    ("verification", "platform", "expected"),
    [
        ("verified", "Trustpilot", "Trustpilot"),
        ("unverified", "Google", "Google"),
        ("imported", "Trustpilot", "Trustpilot"),  # the import said where it was written
        ("verified", "", "Shop Source"),  # native rows that name none come from the shop's source
        ("unverified", "", "Shop Source"),
        ("imported", "", ""),  # taken over from elsewhere: we cannot say where
    ],
)
def test_origin_of_a_review(verification, platform, expected):
    from widget_server.core.views import origin

    assert origin(public(verification, platform), "Shop Source") == expected


def test_reviews_json_names_each_review_s_platform(tmp_path):
    store = fixture_store(tmp_path / "s")
    document = page(store.snapshot("wtw-winkel", AS_OF), "nl", 1)
    by_id = {r["id"]: (r["verification"], r["platform"]) for r in document["reviews"]}
    # the fixture's reviews name no platform: verified ones come from the shop's source
    assert by_id["r-1"] == ("verified", "Trustpilot")
    assert by_id["r-3"] == ("imported", None)


def test_a_score_out_of_ten_shows_as_itself_and_a_rewarded_review_says_so(tmp_path):
    store = fixture_store(tmp_path / "s", kiyoh_and_rewarded_document())
    snapshot = store.snapshot("wtw-winkel", AS_OF)
    html = render(store, "wtw-winkel", "carousel", "nl")
    cards = {card.split('id="r', 1)[0]: card for card in html.split('<article class="card"')[1:]}
    kiyoh_card = next(card for card in cards.values() if "Kiyoh" in card)
    assert '<span class="points" role="img" aria-label="8 van 10">8/10</span>' in kiyoh_card
    assert 'class="stars"' not in kiyoh_card  # never drawn as stars
    assert "<script>window.pwned" not in html and "<svg onload" not in html  # escaped as every review
    rewarded = [card for card in cards.values() if "beloonde beoordeling" in card]
    assert len(rewarded) == 1 and 'aria-label="5 van 5 sterren"' in rewarded[0]
    # a mark of its own, beside the verification's: a narrow card cuts the platform's name, never this
    assert '<span class="mark imp">beloonde beoordeling</span>' in rewarded[0]
    # Neither counts: the score is the fixture's own, and the summary says why they are left out.
    summary = snapshot.summary
    assert (summary["ten_point_count"], summary["incentivized_count"]) == (1, 1)
    reviews = {r["id"]: r for r in page(snapshot, "en", 1)["reviews"]}
    assert (reviews["k-1"]["rating"], reviews["k-1"]["scale"], reviews["k-1"]["platform"]) == (8, 10, "Kiyoh")
    assert "incentivized" not in reviews["k-1"]
    assert (reviews["i-1"]["incentivized"], reviews["i-1"]["incentive_marker"]) == (True, "incentivised review")
    assert "scale" not in reviews["i-1"] and "scale" not in reviews["r-1"]  # stars: as before


def test_a_star_filter_passes_over_scores_out_of_ten(tmp_path):
    store = fixture_store(tmp_path / "s", kiyoh_and_rewarded_document())
    snapshot = store.snapshot("wtw-winkel", AS_OF)
    ids = [r["id"] for r in page(snapshot, "en", 1, Options(lang=(), stars=(4, 5)).resolve(snapshot.shop))["reviews"]]
    assert "k-1" not in ids and "i-1" in ids


KIYOH_SCORE = {
    "name": "Kiyoh",
    "score": "8.6",
    "scale": 10,
    "review_count": 131,
    "profile_url": "https://www.kiyoh.com/reviews/1051234/wtw_winkel",
    "read_on": "2026-11-23",
}


@pytest.mark.parametrize("widget", WIDGET_NAMES)
def test_kiyohs_own_score_leads_out_of_ten_and_never_as_stars(tmp_path, widget):
    document = kiyoh_and_rewarded_document()
    document["shops"][0].update(platform=KIYOH_SCORE, headline="Kiyoh")
    store = fixture_store(tmp_path / "s", document)
    html = render(store, "wtw-winkel", widget, "nl")
    assert "8,6/10" in html
    assert 'aria-label="8,6 van 5 sterren"' not in html  # a score out of 10 is never drawn as stars
    assert store.snapshot("wtw-winkel", AS_OF).summary["platform"]["scale"] == 10


@pytest.mark.parametrize(
    ("rating", "scale", "text"),
    [(4, 5, ""), (1, 5, ""), (8, 10, "8/10"), (10, 10, "10/10"), (1, 10, "1/10")],
)
def test_rating_text_shows_a_score_out_of_ten_and_nothing_for_stars(rating, scale, text):
    assert rating_text(rating, scale) == text


def public_review(**fields):
    base = {
        "id": "r-1",
        "rating": 4,
        "title": "Goed",
        "text": "Prima",
        "author": "Jan",
        "language": "nl",
        "experienced_on": date(2026, 10, 1),
        "created_at": "2026-10-01T12:00:00Z",
        "created_on": date(2026, 10, 1),
        "verification": "verified",
        "status": "published",
        "reply": None,
    }
    base.update(fields)
    return PublicReview(**base)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, {"origin": "", "id": "r-1", "rating": 4, "scale": 5, "rating_text": ""}),
        (
            {"id": "k-9", "rating": 8, "scale": 10, "platform": "Kiyoh"},
            {"origin": "Kiyoh", "id": "k-9", "rating": 8, "scale": 10, "rating_text": "8/10"},
        ),
        ({"rating": 10, "scale": 10}, {"rating": 10, "scale": 10, "rating_text": "10/10"}),
    ],
)
def test_review_view_fields(fields, expected):
    view = review_view(public_review(**fields), "nl", locales_dir())
    assert {key: view[key] for key in expected} == expected


def test_a_review_document_without_a_source_names_no_platform():
    (document,) = review_documents([public_review()], "nl", locales_dir())
    assert document["platform"] is None


def platform(**fields):
    base = {
        "name": "Trustpilot",
        "score_name": "TrustScore",
        "score": "4.6",
        "scale": 5,
        "review_count": 1234,
        "profile_url": "https://www.trustpilot.com/review/a.nl",
        "read_on": "2026-11-20",
    }
    base.update(fields)
    return base


@pytest.mark.parametrize(
    ("fields", "lead_label"),
    [
        ({}, "TrustScore"),
        ({"score_name": ""}, ""),  # the platform's name alone: nothing beside the score
        ({"score_name": "Trustpilot"}, ""),
        ({"score_name": "A" * 14}, "A" * 14),  # LEAD_LABEL_MAX characters still fit
        ({"score_name": "A" * 15}, ""),
    ],
)
def test_platform_view_lead_label(fields, lead_label):
    assert platform_view(platform(**fields), "nl")["lead_label"] == lead_label


def test_platform_view_without_gettext_draws_no_stars():
    view = platform_view(platform(), "nl")
    assert view["stars_svg"] is None
    assert view["read_on"] == "2026-11-20"


def summary(**fields):
    base = {
        "score": None,
        "review_count": 1234,
        "source": "Webwinkel",
        "platforms": [platform(), platform(name="Google", score_name="", review_count=7)],
        "platform": platform(),
        "headline": "own",
    }
    base.update(fields)
    return {k: v for k, v in base.items() if v != "DROP"}


def test_summary_view_counts_in_the_locale():
    assert summary_view(summary(), "nl", locales_dir())["count_text"] == "1.234"


def test_summary_view_without_platforms():
    view = summary_view(summary(platforms="DROP", platform=None), "nl", locales_dir())
    assert (view["platforms_view"], view["lead"], view["platform_view"]) == ([], None, None)


@pytest.mark.parametrize(
    ("fields", "lead", "platform_name", "others"),
    [
        ({}, None, "Trustpilot", ["Trustpilot", "Google"]),  # ours leads
        ({"headline": "platform"}, "Trustpilot", "Trustpilot", ["Google"]),
        ({"platform": platform(name="Google", score_name="")}, None, "Google", ["Trustpilot", "Google"]),
        ({"platform": None}, None, None, ["Trustpilot", "Google"]),
        ({"platform": None, "headline": "platform"}, None, None, ["Trustpilot", "Google"]),
    ],
)
def test_summary_view_lead_and_platform(fields, lead, platform_name, others):
    view = summary_view(summary(**fields), "nl", locales_dir())
    if lead is None:
        assert view["lead"] is None  # never an empty value in its place
    else:
        assert view["lead"]["name"] == lead
    assert (view["platform_view"] or {}).get("name") == platform_name
    assert [p["name"] for p in view["other_platforms"]] == others


@pytest.mark.parametrize(
    ("counts", "wanted", "bars"),
    [
        # (stars, count, per cent of the star-rated reviews listed, rounded down: no bar looks fuller)
        ({5: 2, 4: 1}, ReviewFilter(), [(5, 2, 66), (4, 1, 33), (3, 0, 0), (2, 0, 0), (1, 0, 0)]),
        ({5: 1, 1: 3}, ReviewFilter(stars=(1, 5)), [(5, 1, 25), (1, 3, 75)]),  # the shop's filter: its bars only
        ({}, ReviewFilter(), []),  # nothing rated in stars: no bars
    ],
)
def test_the_lists_bars_count_what_each_filter_lists(counts, wanted, bars):
    shop = Shop("s", "S & Co", ("nl",), "nl", "Trustpilot", "https://example.nl/r")
    snapshot = memory_snapshot(shop, rated_reviews(counts), date(2026, 11, 23), {})
    view = list_view(snapshot, wanted, "nl", locales_dir())
    assert [(b["stars"], b["count"], b["percent"]) for b in view["bars"]] == bars
    config = json.loads(view["config"])
    assert config["total"] == sum(counts.values()) and config["pages"] == 1
    assert config["words"]["reply"] == "Reactie van S & Co"  # as text: the template escapes the attribute


def test_the_lists_bar_labels_and_words_in_each_locale():
    shop = Shop("s", "S", ("nl",), "nl", "Trustpilot", "https://example.nl/r")
    snapshot = memory_snapshot(shop, rated_reviews({1: 1, 2: 60}), date(2026, 11, 23), {})
    expected = {
        "nl": ("1 ster", "2 sterren", "beoordeling", "{0}–{1} van {2}"),
        "en": ("1 star", "2 stars", "review", "{0}–{1} of {2}"),
        "de": ("1 Stern", "2 Sterne", "Bewertung", "{0}–{1} von {2}"),
    }
    for locale, (one, two, word, range_) in expected.items():
        view = list_view(snapshot, ReviewFilter(), locale, locales_dir())
        labels = {b["stars"]: (b["label"], b["reviews_word"]) for b in view["bars"]}
        assert labels[1] == (one, word) and labels[2][0] == two
        config = json.loads(view["config"])
        assert config["words"]["range"] == range_
        assert (config["pages"], config["stars"]) == (2, {"5": 0, "4": 0, "3": 0, "2": 60, "1": 1})


@pytest.mark.parametrize(
    ("options", "stars", "next_name"),
    [
        (Options(), 0, "reviews-2.json"),  # the files' own, as a static tree names them
        (Options(lang=()), 0, "reviews-2.json"),  # every language is the files' own too
        (Options(stars=(5,)), 0, "reviews-2.json?stars=5"),
        (Options(stars=(4, 5), lang=("nl",)), 0, "reviews-2.json?stars=4,5&lang=nl"),
        (Options(lang=("nl",)), 5, "reviews-5star-2.json?lang=nl"),  # a rating's file names its stars
        (Options(), 5, "reviews-5star-2.json"),
    ],
)
def test_next_asks_again_for_the_reviews_the_query_asked_for(options, stars, next_name):
    """`next` was the bare file name: followed from reviews.json?stars=5, it gave page 2 of every
    review while `total` and `pages` counted the five-star ones."""
    shop = Shop("s", "S", ("nl",), "nl", "Trustpilot", "https://example.nl/r")
    snapshot = memory_snapshot(shop, rated_reviews({5: 270, 4: 60}), AS_OF, {})

    def one(number, asked):
        ref = DocumentRef(REVIEWS, shop="s", locale="nl", page=number, stars=stars)
        return json.loads(render_document(snapshot, ref, asked.resolve(shop)))

    first = one(1, options)
    assert first["next"] == next_name
    name, _, query = next_name.partition("?")
    second = one(2, parse_options(dict(parse_qsl(query, keep_blank_values=True))))
    assert (second["filter"], second["total"], second["page"]) == (first["filter"], first["total"], 2)
