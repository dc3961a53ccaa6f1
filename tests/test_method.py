"""The method page: its numbers are summary.json's, for every shop of the demo and test data."""

from __future__ import annotations

import json
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.hostile import hostile_document, kiyoh_and_rewarded_document
from tests.widgets import DATA, fixture_store
from widget_server.core.catalogue import METHOD, SUMMARY, DocumentRef
from widget_server.core.documents import render_document
from widget_server.core.i18n import locales_dir
from widget_server.core.method import method_view, month_chart, month_label
from widget_server.core.options import Options
from widget_server.demo import demo_document

AS_OF = date(2026, 11, 23)
DATASETS = {
    "demo": lambda: demo_document(AS_OF),
    "widgets": lambda: json.loads((DATA / "widgets.json").read_text()),
    "hostile": hostile_document,
    "kiyoh": kiyoh_and_rewarded_document,  # a score out of 10 and an incentivised review
}


class Tables(HTMLParser):
    """The text of each cell of each table, by table id; the #score box's text."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.table: str | None = None
        self.cell: list[str] | None = None
        self.score: list[str] = []
        self.in_score = 0

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag == "table":
            self.table = found.get("id")
            self.tables[self.table] = []
        elif tag == "tr" and self.table:
            self.tables[self.table].append([])
        elif tag in ("td", "th") and self.table:
            self.cell = []
        if found.get("id") == "score" or self.in_score:
            self.in_score += tag != "svg" or 1

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None and self.table:
            self.tables[self.table][-1].append("".join(self.cell).strip())
            self.cell = None
        elif tag == "table":
            self.table = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def number(text: str, locale: str) -> int:
    return int(text.replace("." if locale == "nl" else ",", ""))


def decimal(text: str, locale: str) -> float | None:
    return None if text == "–" else float(text.replace(",", ".") if locale == "nl" else text)


def shops(name, tmp_path):
    store = fixture_store(tmp_path / name, DATASETS[name]())
    return store, [shop.id for shop, _ in store.shops()]


@pytest.mark.parametrize("dataset", sorted(DATASETS))
@pytest.mark.parametrize("locale", ["nl", "en"])
def test_the_method_pages_numbers_are_the_summarys(dataset, locale, tmp_path):
    store, ids = shops(dataset, tmp_path)
    assert ids
    for shop_id in ids:
        snapshot = store.snapshot(shop_id, AS_OF)
        options = Options().resolve(snapshot.shop)
        summary = json.loads(render_document(snapshot, DocumentRef(SUMMARY, shop=shop_id), options))
        page = render_document(snapshot, DocumentRef(METHOD, shop=shop_id, locale=locale), options).decode()
        parsed = Tables()
        parsed.feed(page)
        counts = [number(row[1], locale) for row in parsed.tables["counts"]]
        assert counts == [
            summary[key]
            for key in (
                "window_total",
                "review_count",
                "flagged_count",
                "imported_count",
                "unverified_count",
                "incentivized_count",
                # the row for reviews scored out of 10 is there when the period holds any
                *(("ten_point_count",) if summary["ten_point_count"] else ()),
                "removed_count",
            )
        ], shop_id
        # every review given in the window is counted or not counted for exactly one reason
        assert counts[0] == counts[1] + sum(counts[3:])
        assert [number(row[1], locale) for row in parsed.tables["distribution"]] == [
            summary["distribution"][str(r)] for r in (5, 4, 3, 2, 1)
        ]
        months = parsed.tables["months"][1:]  # the header row aside
        assert [(number(c, locale), decimal(s, locale)) for _, c, s in months] == [
            (m["count"], m["score"]) for m in summary["months"]
        ]
        assert sum(m["count"] for m in summary["months"]) == summary["review_count"]
        if summary["score"] is not None:
            score_text = f"{summary['score']:.2f}"
            assert (score_text.replace(".", ",") if locale == "nl" else score_text) in page
        assert "@example" not in page


def test_the_demo_shows_all_kinds_and_the_platform_score(tmp_path):
    store, _ = shops("demo", tmp_path)
    snapshot = store.snapshot("wtw-winkel", AS_OF)
    summary = snapshot.summary
    assert all(summary[k] > 0 for k in ("flagged_count", "imported_count", "unverified_count", "removed_count"))
    page = render_document(
        snapshot, DocumentRef(METHOD, shop="wtw-winkel", locale="nl"), Options().resolve(snapshot.shop)
    ).decode()
    assert "TrustScore 4,6 van 5, uit 1.234 beoordelingen op Trustpilot, gelezen op 23 november 2026." in page
    assert "Het is niet de score hierboven" in page
    assert "van 23 november 2025 tot en met 23 november 2026" in page


def test_hostile_names_are_escaped_on_the_method_page(tmp_path):
    store, ids = shops("hostile", tmp_path)
    pages = []
    for shop_id in ids:
        snapshot = store.snapshot(shop_id, AS_OF)
        ref = DocumentRef(METHOD, shop=shop_id, locale="en")
        pages.append(render_document(snapshot, ref, Options().resolve(snapshot.shop)).decode())
    assert not any("<b>" in page for page in pages)
    assert any("Shop &lt;b&gt;&#34;&amp;amp;" in page for page in pages)


@pytest.mark.parametrize(
    ("month", "locale", "label"),
    [
        ({"from": "2026-10-01", "to": "2026-10-31"}, "nl", "okt 2026"),
        ({"from": "2026-10-01", "to": "2026-10-31"}, "en", "Oct 2026"),
        ({"from": "2025-11-23", "to": "2025-11-30"}, "nl", "23–30 nov 2025"),
        ({"from": "2026-11-01", "to": "2026-11-23"}, "en", "1–23 Nov 2026"),
        ({"from": "2028-02-01", "to": "2028-02-29"}, "en", "Feb 2028"),
        ({"from": "2027-02-28", "to": "2027-02-28"}, "en", "28–28 Feb 2027"),
    ],
)
def test_month_labels(month, locale, label):
    assert month_label(month, locale).replace(".", "") == label


def test_the_chart_draws_a_bar_per_month_scaled_to_the_busiest():
    months = [{"from": f"2026-{m:02d}-01", "count": c} for m, c in ((1, 0), (2, 5), (3, 10))]
    svg = str(month_chart(months, "en", 'Counted <reviews> "per" month'))
    assert svg.count("<rect") == 3
    assert 'height="0.0"' in svg and 'height="52.0"' in svg and 'height="104.0"' in svg
    assert 'aria-label="Counted &lt;reviews&gt; &#34;per&#34; month"' in svg


def test_the_chart_places_each_bar_and_writes_its_count_in_the_locale():
    months = [
        {"from": "2026-01-01", "count": 1234},
        {"from": "2026-02-01", "count": 617},
        {"from": "2026-03-01", "count": 0},
    ]
    svg = str(month_chart(months, "nl", "chart"))
    assert '<rect x="34.7" y="14.0" width="104.0" height="104.0"/>' in svg  # 520 wide, bars from y 118 up to 14
    assert '<rect x="208.0" y="66.0" width="104.0" height="52.0"/>' in svg
    assert '<text x="260.0" y="63.0" class="n">617</text>' in svg
    assert 'class="n">1.234</text>' in svg and 'class="n">617</text>' in svg  # nl groups thousands with a dot
    assert svg.count('class="n"') == 2  # an empty month has no number over its bar
    assert str(month_chart([{"from": "2026-01-01", "count": 0}], "en", "x")).count('height="0.0"') == 1


def test_the_method_page_writes_counts_in_the_locale():
    base = json.loads((Path(__file__).parent / "golden" / "documents" / "summary.json").read_text())
    summary = {
        **base,
        "window_total": 12345,
        "review_count": 2345,
        "distribution": {**base["distribution"], "5": 1500},
        "months": [{**m, "count": 1500} for m in base["months"]],
    }
    view = method_view(summary, "nl", locales_dir())
    assert view["numbers"]["window_total"] == "12.345" and view["numbers"]["review_count"] == "2.345"
    assert dict(view["distribution_rows"])[5] == "1.500"
    assert {row["count_text"] for row in view["month_rows"]} == {"1.500"}
