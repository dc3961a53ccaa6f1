from datetime import date

import pytest

from tests.widgets import AS_OF, fixture_store
from widget_server.data import PAGE_SIZE, load_reviews_page, page_count, page_name
from widget_server.demo import demo_document
from widget_server.options import Options
from widget_server.render import render_json


@pytest.mark.parametrize(("total", "pages"), [(0, 1), (1, 1), (PAGE_SIZE, 1), (PAGE_SIZE + 1, 2), (3 * PAGE_SIZE, 3)])
def test_page_count(total, pages):
    assert page_count(total) == pages


@pytest.mark.parametrize(("page", "name"), [(1, "reviews.json"), (2, "reviews-2.json"), (12, "reviews-12.json")])
def test_page_name(page, name):
    assert page_name(page) == name


def test_reviews_json_fields_order_and_no_email(tmp_path):
    store = fixture_store(tmp_path / "s")
    shop = store.shop("wtw-winkel")
    document = load_reviews_page(store, shop, "nl", Options().resolve(shop), AS_OF, 1)
    assert [r["id"] for r in document["reviews"]] == ["r-2", "r-1", "r-3", "r-5"]
    first = document["reviews"][1]
    assert first["reply"] == {"text": "Dank u wel!", "created_at": "2026-11-21T09:00:00Z"}
    assert (first["date"], first["date_text"], first["marker"]) == ("2026-11-20", "3 dagen geleden", "geverifieerd")
    assert document["reviews"][2]["marker"] == "geïmporteerde beoordeling"
    assert {"id", "rating", "title", "text", "author", "date", "verification", "status", "reply"} <= set(first)
    assert (document["total"], document["pages"], document["next"]) == (4, 1, None)
    assert b"@example" not in render_json(document)


def test_pages_follow_each_other_and_past_the_end_is_none(tmp_path):
    store = fixture_store(tmp_path / "s", demo_document(date(2026, 11, 23)))
    shop = store.shop("wtw-winkel")
    options = Options().resolve(shop)
    first = load_reviews_page(store, shop, "en", options, AS_OF, 1)
    assert first["pages"] > 2 and first["next"] == "reviews-2.json"
    second = load_reviews_page(store, shop, "en", options, AS_OF, 2)
    assert len(first["reviews"]) == PAGE_SIZE
    assert first["reviews"][-1]["created_at"] >= second["reviews"][0]["created_at"]
    assert not {r["id"] for r in first["reviews"]} & {r["id"] for r in second["reviews"]}
    assert load_reviews_page(store, shop, "en", options, AS_OF, first["pages"] + 1) is None
    assert load_reviews_page(store, shop, "en", options, AS_OF, 0) is None


def test_render_json_is_sorted_with_dot_decimals():
    assert render_json({"b": 4.5, "a": "é"}) == '{"a":"é","b":4.5}\n'.encode()
