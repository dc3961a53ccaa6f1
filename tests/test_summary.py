from datetime import date

from tests.factories import SHOP
from widget_server.core.records import parse_shop
from widget_server.core.summary import build_summary

SHOP_RECORD = parse_shop(SHOP, ("en", "nl"))
AS_OF = date(2026, 11, 23)


def test_summary_fields_from_rules():
    summary = build_summary(SHOP_RECORD, {("verified", 5): 99, ("verified", 4): 101, ("imported", 1): 7}, AS_OF)
    assert summary == {
        "shop": "wtw-winkel",
        "name": "WTW Winkel",
        "as_of": "2026-11-23",
        "window": {"from": "2025-11-23", "to": "2026-11-23"},
        "score": 4.5,
        "grade": "excellent",
        "review_count": 200,
        "distribution": {"1": 0, "2": 0, "3": 0, "4": 101, "5": 99},
        "imported_count": 7,
        "source": "Trustpilot",
        "policy_url": "https://www.example.nl/reviews",
    }


def test_no_counted_review_gives_null_score_and_grade():
    summary = build_summary(SHOP_RECORD, {("imported", 5): 3}, AS_OF)
    assert (summary["score"], summary["grade"], summary["review_count"]) == (None, None, 0)
