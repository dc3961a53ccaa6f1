from datetime import date

import pytest

from tests.factories import SHOP
from widget_server.core.models import Product
from widget_server.core.records import parse_shop
from widget_server.core.summary import WindowKey, build_summary, not_counted, window_months

SHOP_RECORD = parse_shop(SHOP, ("en", "nl"))
AS_OF = date(2026, 11, 23)


def key(verification, status, rating, month="2026-10", scale=5, incentivized=False):
    return WindowKey(verification, status, rating, month, scale, incentivized)


def test_summary_fields_from_rules():
    summary = build_summary(
        SHOP_RECORD,
        {
            key("verified", "published", 5): 99,
            key("verified", "flagged", 4, "2026-02"): 101,
            key("imported", "published", 1): 7,
            key("unverified", "flagged", 3): 4,
            key("verified", "removed", 1): 2,
            key("unverified", "removed", 1): 1,
        },
        AS_OF,
    )
    months = summary.pop("months")
    assert summary == {
        "shop": "wtw-winkel",
        "name": "WTW Winkel",
        "as_of": "2026-11-23",
        "window": {"from": "2025-11-23", "to": "2026-11-23"},
        "score": 4.5,
        "grade": "excellent",
        "review_count": 200,
        "distribution": {"1": 0, "2": 0, "3": 0, "4": 101, "5": 99},
        "window_total": 214,
        "flagged_count": 101,
        "imported_count": 7,
        "unverified_count": 4,
        "incentivized_count": 0,
        "ten_point_count": 0,
        "removed_count": 3,
        "source": "Trustpilot",
        "policy_url": "https://www.example.nl/reviews",
        "headline": "own",
        "platform": None,
        "platforms": [],
        "review_platforms": [],
        "products": [],
    }
    assert len(months) == 13
    assert months[0] == {"month": "2025-11", "from": "2025-11-23", "to": "2025-11-30", "count": 0, "score": None}
    assert months[3] == {"month": "2026-02", "from": "2026-02-01", "to": "2026-02-28", "count": 101, "score": 4.0}
    assert months[11] == {"month": "2026-10", "from": "2026-10-01", "to": "2026-10-31", "count": 99, "score": 5.0}
    assert months[12] == {"month": "2026-11", "from": "2026-11-01", "to": "2026-11-23", "count": 0, "score": None}


def test_month_scores_round_half_up_like_the_shop_score():
    # 3 x 5 + 5 x 4 + ... : 899 stars over 200 reviews in one month is 4.495, shown 4.50
    summary = build_summary(
        SHOP_RECORD, {key("verified", "published", 5): 99, key("verified", "published", 4): 101}, AS_OF
    )
    october = next(m for m in summary["months"] if m["month"] == "2026-10")
    assert (october["count"], october["score"]) == (200, 4.5)


def test_no_counted_review_gives_null_score_and_grade():
    summary = build_summary(SHOP_RECORD, {key("imported", "published", 5): 3}, AS_OF)
    assert (summary["score"], summary["grade"], summary["review_count"]) == (None, None, 0)
    assert summary["imported_count"] == 3


# Each shown review that does not count is accounted for once, under its first reason: given
# for a reward, then scored out of 10, then its verification. Removed ones under removed.
@pytest.mark.parametrize(
    ("window_key", "counted", "incentivized", "ten_point", "imported", "unverified", "removed"),
    [
        (key("verified", "published", 5), 1, 0, 0, 0, 0, 0),
        (key("verified", "flagged", 1), 1, 0, 0, 0, 0, 0),
        (key("verified", "published", 5, incentivized=True), 0, 1, 0, 0, 0, 0),
        (key("imported", "published", 5, incentivized=True), 0, 1, 0, 0, 0, 0),
        (key("verified", "published", 10, scale=10), 0, 0, 1, 0, 0, 0),
        (key("verified", "published", 1, scale=10), 0, 0, 1, 0, 0, 0),
        (key("unverified", "flagged", 8, scale=10), 0, 0, 1, 0, 0, 0),
        (key("verified", "published", 8, scale=10, incentivized=True), 0, 1, 0, 0, 0, 0),
        (key("imported", "published", 4), 0, 0, 0, 1, 0, 0),
        (key("unverified", "published", 4), 0, 0, 0, 0, 1, 0),
        (key("verified", "removed", 8, scale=10), 0, 0, 0, 0, 0, 1),
        (key("verified", "removed", 5, incentivized=True), 0, 0, 0, 0, 0, 1),
    ],
)
def test_every_review_not_counted_is_accounted_for_once(
    window_key, counted, incentivized, ten_point, imported, unverified, removed
):
    summary = build_summary(SHOP_RECORD, {window_key: 1}, AS_OF)
    assert (
        summary["review_count"],
        summary["incentivized_count"],
        summary["ten_point_count"],
        summary["imported_count"],
        summary["unverified_count"],
        summary["removed_count"],
        summary["window_total"],
    ) == (counted, incentivized, ten_point, imported, unverified, removed, 1)


def test_reviews_out_of_ten_and_incentivised_ones_leave_the_score_and_distribution_alone():
    summary = build_summary(
        SHOP_RECORD,
        {
            key("verified", "published", 4): 2,
            key("verified", "published", 10, scale=10): 50,
            key("verified", "published", 1, incentivized=True): 9,
        },
        AS_OF,
    )
    assert (summary["score"], summary["review_count"]) == (4.0, 2)
    assert summary["distribution"] == {"1": 0, "2": 0, "3": 0, "4": 2, "5": 0}
    october = next(m for m in summary["months"] if m["month"] == "2026-10")
    assert (october["count"], october["score"]) == (2, 4.0)


@pytest.mark.parametrize(
    ("as_of", "first", "last", "count"),
    [
        (date(2026, 11, 23), ("2025-11", "2025-11-23", "2025-11-30"), ("2026-11", "2026-11-01", "2026-11-23"), 13),
        (date(2026, 11, 1), ("2025-11", "2025-11-01", "2025-11-30"), ("2026-11", "2026-11-01", "2026-11-01"), 13),
        (date(2026, 11, 30), ("2025-11", "2025-11-30", "2025-11-30"), ("2026-11", "2026-11-01", "2026-11-30"), 13),
        (date(2028, 2, 29), ("2027-02", "2027-02-28", "2027-02-28"), ("2028-02", "2028-02-01", "2028-02-29"), 13),
        (date(2026, 1, 15), ("2025-01", "2025-01-15", "2025-01-31"), ("2026-01", "2026-01-01", "2026-01-15"), 13),
    ],
)
def test_window_months_cover_the_window_by_calendar_month(as_of, first, last, count):
    months = [(m, a.isoformat(), b.isoformat()) for m, a, b in window_months(as_of)]
    assert (months[0], months[-1], len(months)) == (first, last, count)


def test_the_platform_score_is_carried_as_published():
    shop = parse_shop(
        {
            **SHOP,
            "platform": {
                "name": "Trustpilot",
                "score_name": "TrustScore",
                "score": 4.6,
                "review_count": 1234,
                "profile_url": "https://nl.trustpilot.com/review/wtw-winkel.nl",
                "read_on": "2026-11-20",
            },
        },
        ("en", "nl"),
    )
    assert build_summary(shop, {}, AS_OF)["platform"] == {
        "name": "Trustpilot",
        "score_name": "TrustScore",
        "score": "4.6",
        "scale": 5,
        "review_count": 1234,
        "profile_url": "https://nl.trustpilot.com/review/wtw-winkel.nl",
        "read_on": "2026-11-20",
    }


TRUSTPILOT = {
    "name": "Trustpilot",
    "score_name": "TrustScore",
    "score": "4.6",
    "scale": 5,
    "review_count": 1234,
    "profile_url": "https://nl.trustpilot.com/review/wtw-winkel.nl",
    "read_on": "2026-11-20",
}
GOOGLE = {
    "name": "Google",
    "score_name": "",
    "score": "4.1",
    "scale": 5,
    "review_count": 87,
    "profile_url": "",
    "read_on": "2026-11-21",
}
KIYOH = {**GOOGLE, "name": "Kiyoh", "score": "8.9", "scale": 10, "review_count": 5000}


@pytest.mark.parametrize(
    ("platforms", "headline", "expected_headline", "expected_first"),
    [
        ([], None, "own", None),
        ([TRUSTPILOT], None, "platform", "Trustpilot"),
        ([TRUSTPILOT], "own", "own", "Trustpilot"),
        ([TRUSTPILOT, GOOGLE], None, "platform", "Trustpilot"),  # the most reviews on it
        ([GOOGLE, TRUSTPILOT], "google", "platform", "Google"),  # named, in any case
        ([TRUSTPILOT], "Google", "platform", "Trustpilot"),  # a name not kept: the default rule
        ([TRUSTPILOT, KIYOH], None, "platform", "Kiyoh"),
        ([TRUSTPILOT, KIYOH], "own", "own", "Kiyoh"),
    ],
)
def test_which_platform_score_leads(platforms, headline, expected_headline, expected_first):
    record = {**SHOP, "platforms": platforms, **({"headline": headline} if headline else {})}
    summary = build_summary(parse_shop(record, ("en", "nl")), {}, AS_OF)
    assert summary["headline"] == expected_headline
    assert (summary["platform"] or {}).get("name") == expected_first
    assert [p["name"] for p in summary["platforms"]] == sorted((p["name"] for p in platforms), key=str.casefold)


def test_a_product_summary_carries_no_platform_score():
    shop = parse_shop({**SHOP, "platforms": [TRUSTPILOT]}, ("en", "nl"))
    summary = build_summary(shop, {}, AS_OF, product=Product(sku="A1", name="Unit"))
    assert (summary["headline"], summary["platform"], summary["platforms"]) == ("own", None, [])


@pytest.mark.parametrize(
    ("review_platforms", "expected"),
    [
        ([], []),
        ([""], ["Trustpilot"]),  # a review whose import named no platform comes from the shop's source
        (["", "Trustpilot"], ["Trustpilot"]),
        (["Google", "Trustpilot"], ["Google", "Trustpilot"]),
        (["trusted shops", "Google", ""], ["Google", "trusted shops", "Trustpilot"]),
    ],
)
def test_review_platforms_name_where_the_shown_reviews_come_from(review_platforms, expected):
    assert build_summary(SHOP_RECORD, {}, AS_OF, review_platforms=review_platforms)["review_platforms"] == expected


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        (WindowKey("verified", "published", 5, "2026-11"), ""),
        (WindowKey("verified", "flagged", 5, "2026-11"), ""),
        (WindowKey("verified", "removed", 5, "2026-11"), "verified"),
        (WindowKey("imported", "published", 5, "2026-11"), "imported"),
        (WindowKey("unverified", "published", 5, "2026-11"), "unverified"),
        (WindowKey("verified", "published", 8, "2026-11", scale=10), "ten_point"),
        (WindowKey("verified", "published", 5, "2026-11", incentivized=True), "incentivized"),
    ],
)
def test_not_counted_names_the_first_reason(key, reason):
    assert not_counted(key) == reason
