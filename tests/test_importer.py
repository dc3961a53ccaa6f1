import codecs
import csv
import json
from datetime import date
from pathlib import Path

import pytest

from tests.factories import SHOP, review, write_json
from widget_server.core.options import ReviewFilter
from widget_server.sources.importer import Unusable, import_files, platform_guess, platform_hint
from widget_server.store.open import open_store

LOCALES = ("en", "nl")


def run(store, *paths, shop_file=None):
    rejected = []
    report = import_files(store, list(paths), available_locales=LOCALES, shop_file=shop_file, on_reject=rejected.append)
    return report, rejected


def stored(store):
    return store.db.execute("SELECT shop, id, rating, title FROM reviews ORDER BY id").fetchall()


def test_native_json_stores_good_rows_and_names_each_bad_one(store, tmp_path):
    path = write_json(
        tmp_path / "in.json",
        {
            "shops": [SHOP],
            "reviews": [
                review(id="ok-1"),
                review(id="bad-1", rating=6),
                review(id="ok-2"),
                review(id="bad-2", shop="nope"),
            ],
        },
    )
    report, rejected = run(store, path)
    assert [r[1] for r in stored(store)] == ["ok-1", "ok-2"]
    assert [(r.id, r.line, r.item) for r in rejected] == [("bad-1", None, "reviews[1]"), ("bad-2", None, "reviews[3]")]
    assert str(rejected[0]) == f"{path}: reviews[1]: review 'bad-1': rating must be a whole number from 1 to 5 (got 6)"
    assert "unknown shop 'nope'" in rejected[1].reason
    assert report.rejected == 2


def test_a_json_row_without_a_printable_id_is_named_by_its_place(store, tmp_path):
    reviews = [review(id="ok-1"), review(id=None), review(id="jan@example.nl"), {**review(id="ok-2"), "shop": "x" * 3}]
    path = write_json(tmp_path / "in.json", {"shops": [SHOP, {**SHOP, "id": "Bad"}], "reviews": reviews})
    _, rejected = run(store, path)
    assert [str(r) for r in rejected] == [
        f"{path}: shops[1]: shop 'Bad': shop must be a shop id: lower-case letters, digits and inner hyphens",
        f"{path}: reviews[1]: id is required and must be text",
        f"{path}: reviews[2]: id looks like an email address: a review's id is published with it",
        f"{path}: reviews[3]: review 'ok-2': unknown shop 'xxx': import its shop record first",
    ]
    assert [r[1] for r in stored(store)] == ["ok-1"]


def test_a_repeated_id_in_a_json_document_names_the_first_place(store, tmp_path):
    path = write_json(tmp_path / "in.json", {"shops": [SHOP], "reviews": [review(id="a"), review(id="a", rating=1)]})
    _, rejected = run(store, path)
    assert [str(r) for r in rejected] == [
        f"{path}: reviews[1]: review 'a': duplicate id in this import (first at {path}: reviews[0])"
    ]


def test_reimport_changes_nothing_and_an_update_updates(store, tmp_path):
    path = write_json(tmp_path / "in.json", {"shops": [SHOP], "reviews": [review()]})
    first, _ = run(store, path)
    version = store.shop_versions()["wtw-winkel"]
    again, _ = run(store, path)
    assert (first.reviews_changed, again.reviews_changed, again.reviews_unchanged) == (1, 0, 1)
    assert store.shop_versions()["wtw-winkel"] == version
    write_json(path, {"shops": [SHOP], "reviews": [review(title="Nieuwe titel")]})
    updated, _ = run(store, path)
    assert updated.reviews_changed == 1
    assert stored(store) == [("wtw-winkel", "r-1", 5, "Nieuwe titel")]
    assert store.shop_versions()["wtw-winkel"] != version


def test_data_version_depends_on_content_not_on_history(tmp_path):
    a = write_json(tmp_path / "a.json", {"shops": [SHOP], "reviews": [review(id="1"), review(id="2")]})
    b = write_json(tmp_path / "b.json", {"shops": [SHOP], "reviews": [review(id="2"), review(id="1", title="x")]})
    c = write_json(tmp_path / "c.json", {"reviews": [review(id="1")]})
    one, two = open_store(tmp_path / "one"), open_store(tmp_path / "two")
    run(one, a)
    run(two, b)
    run(two, c)  # same content as `one` now, reached another way
    assert one.shop_versions() == two.shop_versions()


def test_jsonl_names_line_numbers_and_uses_shop_file(store, tmp_path):
    shops = write_json(tmp_path / "shops.json", {"shops": [SHOP]})
    lines = [
        json.dumps(review(id="a")),
        "",
        "{not json",
        json.dumps(review(id="b", rating=0)),
        json.dumps(review(id="c")),
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n")
    report, rejected = run(store, path, shop_file=shops)
    assert [r[1] for r in stored(store)] == ["a", "c"]
    assert [(r.line, r.id) for r in rejected] == [(3, None), (4, "b")]
    assert "not valid JSON" in rejected[0].reason
    assert str(rejected[1]).startswith(f"{path}:4: review 'b': rating")


def test_duplicate_ids_in_one_import_keep_the_first(store, tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(review(title="first")) + "\n" + json.dumps(review(title="second")) + "\n")
    _, rejected = run(store, path, shop_file=write_json(tmp_path / "s.json", {"shops": [SHOP]}))
    assert stored(store)[0][3] == "first"
    assert rejected[0].line == 2 and f"first at {path}:1" in rejected[0].reason


def test_csv_with_reply_columns_and_bom(store, tmp_path):
    path = tmp_path / "in.csv"
    fields = [
        "id",
        "shop",
        "rating",
        "title",
        "text",
        "author",
        "email",
        "language",
        "experienced_at",
        "created_at",
        "verification",
        "status",
        "reply_text",
        "reply_created_at",
    ]
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fields)
        writer.writeheader()
        writer.writerow({**review(id="c1"), "reply_text": "Dank", "reply_created_at": "2026-10-02T00:00:00Z"})
        writer.writerow({**review(id="c2"), "rating": "4.5"})
        writer.writerow({**review(id="c3", text='regel 1\nregel 2, met "quotes"')})
    _, rejected = run(store, path, shop_file=write_json(tmp_path / "s.json", {"shops": [SHOP]}))
    assert [r[1] for r in stored(store)] == ["c1", "c3"]
    assert store.db.execute("SELECT reply_text FROM reviews WHERE id='c1'").fetchone()[0] == "Dank"
    assert store.db.execute("SELECT text FROM reviews WHERE id='c3'").fetchone()[0] == 'regel 1\nregel 2, met "quotes"'
    assert [(r.line, r.id) for r in rejected] == [(3, "c2")]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.json", None, "no such file"),
        ("in.txt", b"hello", "not a .json, .jsonl or .csv file"),
        ("in.json", b'{"shops": [', "not valid JSON"),
        ("in.json", b"[1, 2]", 'expected an object with "shops" and "reviews" lists'),
        ("in.json", b'{"reviews": {}}', '"reviews" must be a list'),
        ("in.json", b'{"review": []}', 'expected an object with "shops" and "reviews" lists'),
        ("in.json", b'{"reviews": ["\xff"]}', "not UTF-8 text"),
        ("in.json", codecs.BOM_UTF16_LE + '{"reviews": []}'.encode("utf-16-le"), "UTF-16 or UTF-32"),
        ("in.jsonl", b"this is\nnot json\n", "no line is a JSON object"),
        ("in.csv", b"id,shop,rating\n1,wtw-winkel,5\n", "missing column(s) author, created_at, verification"),
        ("in.csv", b"id,shop,rating,author,created_at,verification,language,stars\n", "unknown column(s) stars"),
    ],
)
def test_unusable_input_stores_nothing(store, tmp_path, name, content, message):
    good = write_json(tmp_path / "good.json", {"shops": [SHOP], "reviews": [review()]})
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(Unusable, match=message.replace("(", r"\(").replace(")", r"\)")):
        run(store, good, path)
    assert stored(store) == []
    assert store.shops() == []


def test_a_line_longer_than_the_limit_is_rejected_without_reading_it(store, tmp_path):
    path = tmp_path / "in.jsonl"
    with path.open("wb") as handle:
        handle.write(json.dumps(review(id="a")).encode() + b"\n")
        handle.write(b'{"id": "' + b"x" * (3 << 20) + b'"}\n')
        handle.write(json.dumps(review(id="b")).encode() + b"\n")
    _, rejected = run(store, path, shop_file=write_json(tmp_path / "s.json", {"shops": [SHOP]}))
    assert [r[1] for r in stored(store)] == ["a", "b"]
    assert rejected[0].line == 2 and "longer than" in rejected[0].reason


def test_a_reader_never_sees_a_half_applied_batch(store, tmp_path):
    write_json(tmp_path / "a.json", {"shops": [SHOP], "reviews": [review()]})
    run(store, tmp_path / "a.json")
    reader = open_store(tmp_path / "data")  # a second connection to the same store
    with store.transaction() as db:
        db.execute("UPDATE reviews SET title = 'half'")
        assert reader.db.execute("SELECT title FROM reviews").fetchone()[0] == "Snel geleverd"
    assert reader.db.execute("SELECT title FROM reviews").fetchone()[0] == "half"
    reader.close()


def test_a_csv_saved_by_dutch_excel_uses_semicolons(store, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text(
        "id;shop;rating;author;email;created_at;verification;language;text\n"
        "x1;wtw-winkel;4;Jan;j@example.nl;2026-10-01T00:00:00Z;verified;nl;Goed, snel\n",
        encoding="utf-8-sig",
    )
    report, rejected = run(store, path, shop_file=write_json(tmp_path / "s.json", {"shops": [SHOP]}))
    assert rejected == [] and report.reviews_changed == 1
    assert store.snapshot("wtw-winkel", date(2026, 11, 23)).newest(ReviewFilter(), 1)[0].text == "Goed, snel"


PLATFORM_DATA = Path(__file__).parent / "data" / "platforms"


@pytest.mark.parametrize(
    ("data", "guess"),
    [
        ({"reviews": [{"id": "a", "stars": 5, "consumer": {"displayName": "Jan"}}], "links": []}, "trustpilot"),
        ([{"id": "a", "stars": 5, "title": "Top"}], "trustpilot"),  # a bare list of reviews
        ({"reviews": [{"reviewId": "a", "starRating": "FIVE", "reviewer": {}}]}, "google"),
        ({"reviews": [], "averageRating": 4.4, "totalReviewCount": 87}, "google"),
        ({"items": [], "paging": {}}, "etrusted"),
        ([{"id": "r", "rating": 5, "verificationType": "VERIFIED"}], "etrusted"),
        ({"id": "b", "score": {"trustScore": 4.6}, "numberOfReviews": {"total": 12}}, "trustpilot-business-unit"),
        ({"trustScore": 4.6}, "trustpilot-business-unit"),
        # ours, or nothing known: no guess
        ({"shops": [], "reviews": [{"id": "a", "rating": 5}]}, None),
        ({"reviews": [], "links": []}, None),
        ({"review": []}, None),
        ([1, 2], None),
        ("reviews", None),
        (None, None),
    ],
)
def test_platform_guess_reads_the_keys_only_one_format_has(data, guess):
    assert platform_guess(data) == guess


@pytest.mark.parametrize(
    ("fixture", "hint"),
    [
        ("trustpilot-reviews.json", "this looks like a Trustpilot export: try --format trustpilot --shop SHOP"),
        ("google-reviews.json", "this looks like a Google Business Profile export: try --format google --shop SHOP"),
        (
            "etrusted-reviews.json",
            "this looks like a Trusted Shops (eTrusted) export: try --format etrusted --shop SHOP",
        ),
        (
            "trustpilot-business-unit.json",
            "this looks like Trustpilot's business unit (its TrustScore): "
            "try --format trustpilot-business-unit --shop SHOP",
        ),
    ],
)
def test_each_platforms_documented_example_gets_its_hint(fixture, hint):
    assert platform_hint(json.loads((PLATFORM_DATA / fixture).read_text())) == hint


def test_csv_takes_a_score_out_of_ten_and_a_reward_in_columns_of_their_own(store, tmp_path):
    path = tmp_path / "in.csv"
    fields = [
        "id",
        "shop",
        "rating",
        "author",
        "email",
        "language",
        "created_at",
        "verification",
        "scale",
        "incentivized",
    ]
    rows = [
        {**review(id="k10"), "rating": "10", "scale": "10", "incentivized": ""},  # empty: the default
        {**review(id="k1"), "rating": " 1 ", "scale": " 10 ", "incentivized": "false"},
        {**review(id="s5"), "rating": "5", "scale": "", "incentivized": "TRUE"},
        {**review(id="bad-10"), "rating": "10", "scale": "", "incentivized": ""},  # stars: at most 5
        {**review(id="bad-scale"), "rating": "8", "scale": "100", "incentivized": ""},
        {**review(id="bad-flag"), "rating": "5", "scale": "", "incentivized": "ja"},
    ]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    _, rejected = run(store, path, shop_file=write_json(tmp_path / "s.json", {"shops": [SHOP]}))
    kept = store.db.execute("SELECT id, rating, scale, incentivized FROM reviews ORDER BY id").fetchall()
    assert [tuple(row) for row in kept] == [("k1", 1, 10, 0), ("k10", 10, 10, 0), ("s5", 5, 5, 1)]
    assert [r.reason for r in rejected] == [
        "rating must be a whole number from 1 to 5 (got 10)",
        "scale must be one of 5, 10 (got '100')",
        "incentivized must be true or false (got 'ja')",
    ]
