"""The platforms' formats mapped to native reviews: table tests of core/platforms.py."""

from datetime import date

import pytest

from widget_server.core.platforms import (
    FORMATS,
    NoScore,
    PlatformScore,
    Skipped,
    canonical_platform,
    default_token_formats,
    etrusted_review,
    feedbackcompany_review,
    google_review,
    google_score,
    kiyoh_review,
    kiyoh_score,
    parse_token_formats,
    platform_needs_format,
    token_formats,
    token_platforms,
    trustpilot_business_unit,
    trustpilot_review,
)
from widget_server.core.profiles import profile_url_problem
from widget_server.core.records import HugeNumber, Invalid, json_int, parse_review


def trustpilot(**fields):
    base = {
        "id": "5f0c1a2b3c4d5e6f70819203",
        "stars": 4,
        "title": "Goed",
        "text": "Prima",
        "language": "nl",
        "createdAt": "2026-10-01T12:00:00Z",
        "experiencedAt": "2026-09-20T23:30:00-02:00",
        "consumer": {"displayName": "Jan de Vries", "id": "c1"},
        "companyReply": None,
        "referralEmail": "jan@example.nl",
        "isVerified": True,
        "status": "active",
    }
    base.update(fields)
    return {k: v for k, v in base.items() if v != "DROP"}


def test_trustpilot_fields_map_to_a_native_review():
    native = trustpilot_review(trustpilot(), "wtw-winkel", "en")
    assert native == {
        "id": "5f0c1a2b3c4d5e6f70819203",
        "shop": "wtw-winkel",
        "rating": 4,
        "title": "Goed",
        "text": "Prima",
        "author": "Jan de Vries",
        "email": "jan@example.nl",
        "language": "nl",
        "created_at": "2026-10-01T12:00:00Z",
        "experienced_at": "2026-09-21",  # the UTC date of 23:30 at -02:00
        "verification": "verified",
        "status": "published",
        "reply": None,
    }


@pytest.mark.parametrize(
    ("fields", "key", "expected"),
    [
        ({"isVerified": False}, "verification", "unverified"),
        ({"isVerified": "DROP"}, "verification", "unverified"),
        ({"isVerified": "true"}, "verification", "unverified"),  # only JSON true verifies
        ({"status": "reported"}, "status", "flagged"),
        ({"status": "DROP"}, "status", "published"),
        ({"language": "DROP"}, "language", "en"),
        ({"experiencedAt": "DROP"}, "experienced_at", None),
        ({"referralEmail": ""}, "email", None),
        (
            {"companyReply": {"text": "Dank!", "createdAt": "2026-10-02T08:00:00Z"}},
            "reply",
            {"text": "Dank!", "created_at": "2026-10-02T08:00:00Z"},
        ),
        ({"companyReply": {}}, "reply", None),
    ],
)
def test_trustpilot_table(fields, key, expected):
    assert trustpilot_review(trustpilot(**fields), "wtw-winkel", "en")[key] == expected


@pytest.mark.parametrize("status", ["archived", "hidden", "", 3, None])
def test_trustpilot_other_statuses_reject_naming_the_value(status):
    with pytest.raises(Invalid, match="status .* is not one we show"):
        trustpilot_review(trustpilot(status=status), "wtw-winkel", "en")


def test_a_trustpilot_verified_review_needs_no_email_because_trustpilot_holds_the_tie():
    native = trustpilot_review(trustpilot(referralEmail="DROP"), "wtw-winkel", "en")
    assert parse_review(native, reference_required=False).verification == "verified"
    with pytest.raises(Invalid, match="email is required"):
        parse_review(native)


def test_trustpilot_business_unit_score_and_profile():
    unit = {
        "displayName": "WTW Winkel",
        "name": {"identifying": "wtw-winkel.nl"},
        "score": {"trustScore": 4.6, "stars": 4.5},
        "numberOfReviews": {"total": 1234},
        "links": [{"rel": "profile", "href": "https://nl.trustpilot.com/review/wtw-winkel.nl"}],
    }
    score = trustpilot_business_unit(unit)
    assert (score.name, score.score_name, score.score, score.review_count, score.profile_url) == (
        "Trustpilot",
        "TrustScore",
        "4.6",
        1234,
        "https://nl.trustpilot.com/review/wtw-winkel.nl",
    )
    given = "https://www.trustpilot.com/review/wtw-winkel.nl"
    assert trustpilot_business_unit(unit, given).profile_url == given
    assert (
        trustpilot_business_unit({**unit, "links": []}).profile_url == "https://www.trustpilot.com/review/wtw-winkel.nl"
    )
    with pytest.raises(Invalid, match="score.trustScore must be a number"):
        trustpilot_business_unit({**unit, "score": {}})
    with pytest.raises(Invalid, match="numberOfReviews.total"):
        trustpilot_business_unit({**unit, "numberOfReviews": {"total": "1234"}})


def etrusted(**fields):
    base = {
        "id": "rev-1",
        "rating": 5,
        "title": "Top",
        "comment": "Snel",
        "submittedAt": "2026-10-01T12:00:00Z",
        "createdAt": "2026-10-01T12:00:05Z",
        "transaction": {"reference": "o-1", "date": "2026-09-20T10:00:00Z"},
        "customer": {"firstName": "Jan", "lastName": "de Vries", "email": "jan@example.nl"},
        "verificationType": "VERIFIED",
        "state": "APPROVED",
        "type": "SERVICE_REVIEW",
        "reply": None,
        "questionnaire": {"locale": "de_DE"},
    }
    base.update(fields)
    return base


@pytest.mark.parametrize(
    ("fields", "key", "expected"),
    [
        ({}, "author", "Jan D."),
        ({"customer": {"firstName": "Jan", "lastName": "Smit"}}, "author", "Jan S."),
        ({"customer": {"firstName": "Jan"}}, "author", "Jan"),
        ({"customer": {"firstName": " Jan ", "lastName": "van der Berg"}}, "author", "Jan V."),
        ({"customer": {"fullName": "Jan de Vries"}}, "author", "Jan D."),  # firstName and lastName first
        ({"customer": {"fullName": " Lotte \t Smit "}}, "author", "Lotte S."),
        ({"customer": {"fullName": "Lotte"}}, "author", "Lotte"),
        ({"customer": {"firstName": "", "lastName": "Smit", "fullName": "Lotte Smit"}}, "author", "Lotte S."),
        ({"customer": {"firstName": "Jan", "lastName": "Bos", "fullName": "Lotte Smit"}}, "author", "Jan B."),
        ({"customer": {"firstName": "Jan", "fullName": "Jan Bos"}}, "author", "Jan"),  # what they gave apart
        ({}, "email", "jan@example.nl"),
        ({"rating": 5.0}, "rating", 5),
        ({"rating": 1}, "rating", 1),
        ({}, "language", "de-DE"),
        ({"questionnaire": None}, "language", "nl"),
        ({}, "text", "Snel"),
        ({}, "created_at", "2026-10-01T12:00:00Z"),
        ({"submittedAt": None}, "created_at", "2026-10-01T12:00:05Z"),
        ({}, "experienced_at", "2026-09-20"),
        ({"transaction": None}, "experienced_at", None),
        ({"verificationType": "UNDEFINED"}, "verification", "imported"),
        ({"state": "REJECTED"}, "status", "removed"),
        ({"state": "DISCARDED"}, "status", "removed"),
        (
            {"reply": {"comment": "Dank", "createdAt": "2026-10-03T00:00:00Z"}},
            "reply",
            {"text": "Dank", "created_at": "2026-10-03T00:00:00Z"},
        ),
    ],
)
def test_etrusted_table(fields, key, expected):
    assert etrusted_review(etrusted(**fields), "wtw-winkel", "nl")[key] == expected


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"state": "MODERATION"}, "state MODERATION: not published yet"),
        ({"state": "SUBMITTED"}, "state SUBMITTED: not published yet"),
    ],
)
def test_etrusted_skips_what_is_not_published_yet(fields, reason):
    with pytest.raises(Skipped) as skipped:
        etrusted_review(etrusted(**fields), "wtw-winkel", "nl")
    assert str(skipped.value) == reason


def test_an_etrusted_product_review_names_its_product():
    fields = {
        "type": "PRODUCT_REVIEW",
        "product": {
            "id": "prt-1",
            "sku": "ZEH-Q350",
            "name": "ComfoAir Q350",
            "gtin": "",
            "url": "https://example.nl/q350",
            "brand": "Zehnder",
        },
    }
    native = etrusted_review(etrusted(**fields), "wtw-winkel", "nl")
    assert native["product"] == {"sku": "ZEH-Q350", "name": "ComfoAir Q350", "url": "https://example.nl/q350"}
    assert "product" not in etrusted_review(etrusted(), "wtw-winkel", "nl")
    with pytest.raises(Invalid, match="a product review without its product"):
        etrusted_review(etrusted(type="PRODUCT_REVIEW"), "wtw-winkel", "nl")


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"rating": 4.5}, "rating must be a whole number from 1 to 5 (got 4.5)"),
        ({"rating": "5"}, "rating must be a whole number from 1 to 5 (got '5')"),
        ({"rating": True}, "rating must be a whole number from 1 to 5 (got true)"),
        ({"state": "PENDING"}, "state 'PENDING' is not an eTrusted review state we know"),
        ({"verificationType": "MAYBE"}, "verificationType 'MAYBE' is not VERIFIED or UNDEFINED"),
        ({"customer": "Jan"}, "customer must be a JSON object"),
    ],
)
def test_etrusted_rejections(fields, reason):
    with pytest.raises(Invalid) as error:
        etrusted_review(etrusted(**fields), "wtw-winkel", "nl")
    assert str(error.value) == reason


def google(**fields):
    base = {
        "name": "accounts/1/locations/2/reviews/g1",
        "reviewId": "g1",
        "reviewer": {"displayName": "Piet", "isAnonymous": False},
        "starRating": "FOUR",
        "comment": "Netjes",
        "createTime": "2026-10-01T12:00:00Z",
        "updateTime": "2026-10-01T12:00:00Z",
    }
    base.update(fields)
    return base


@pytest.mark.parametrize(("stars", "rating"), [("ONE", 1), ("TWO", 2), ("THREE", 3), ("FOUR", 4), ("FIVE", 5)])
def test_google_star_ratings(stars, rating):
    native = google_review(google(starRating=stars), "wtw-winkel", "nl")
    assert (native["rating"], native["verification"], native["status"]) == (rating, "unverified", "published")


def test_google_reply_and_missing_comment():
    native = google_review(
        google(comment=None, reviewReply={"comment": "Dank", "updateTime": "2026-10-02T00:00:00Z"}), "s", "nl"
    )
    assert native["text"] is None
    assert native["reply"] == {"text": "Dank", "created_at": "2026-10-02T00:00:00Z"}
    assert google_review(google(reviewReply=None), "s", "nl")["reply"] is None


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"reviewer": {"displayName": "A Google User", "isAnonymous": True}}, "an anonymous reviewer"),
        ({"reviewer": {}}, "an anonymous reviewer"),
        ({"starRating": "STAR_RATING_UNSPECIFIED"}, "starRating must be ONE to FIVE"),
        ({"starRating": 5}, "starRating must be ONE to FIVE"),
    ],
)
def test_google_rejections(fields, reason):
    with pytest.raises(Invalid, match=reason):
        google_review(google(**fields), "wtw-winkel", "nl")


@pytest.mark.parametrize(
    ("response", "score"),
    [
        ({"averageRating": 4.4, "totalReviewCount": 87}, ("4.4", 87)),
        ({"averageRating": 4.35, "totalReviewCount": 3}, ("4.4", 3)),  # shown with one decimal, half up
        ({"averageRating": 5, "totalReviewCount": 1}, ("5.0", 1)),
        ({"averageRating": 1, "totalReviewCount": 0}, ("1.0", 0)),  # the lowest Google shows
        ({"reviews": []}, None),
    ],
)
def test_google_score(response, score):
    found = google_score(response)
    assert (None if found is None else (found.score, found.review_count)) == score


@pytest.mark.parametrize("response", [{"averageRating": 0, "totalReviewCount": 1}, {"averageRating": 4.4}])
def test_google_score_rejections(response):
    with pytest.raises(Invalid):
        google_score(response)


def test_every_format_names_its_containers_and_documented_fields():
    assert {name: spec.containers for name, spec in FORMATS.items()} == {
        "trustpilot": ("reviews",),
        "etrusted": ("items",),
        "google": ("reviews",),
        "kiyoh": ("reviews",),
        "feedbackcompany": ("reviews",),
    }
    assert "referralEmail" in FORMATS["trustpilot"].documented
    assert "reviewId" in FORMATS["google"].documented


# Issue 23: a profile link is https on the platform's own hosts.
PROFILE_URLS = [
    ("Trustpilot", "https://www.trustpilot.com/review/wtw-winkel.nl", None),
    ("Trustpilot", "https://nl.trustpilot.com/review/wtw-winkel.nl", None),
    ("Trustpilot", "https://trustpilot.com/review/wtw-winkel.nl", None),
    ("trustpilot", "https://de.trustpilot.com/review/x", None),  # the name case-folded
    ("Trustpilot", "https://WWW.Trustpilot.COM/review/x", None),  # a host is case-insensitive
    ("Trustpilot", "https://www.trustpilot.com:443/review/x", None),
    ("Trustpilot", "https://trustpilot.com.evil.example/review/x", "on trustpilot.com or one of its subdomains"),
    ("Trustpilot", "https://eviltrustpilot.com/review/x", "on trustpilot.com"),
    ("Trustpilot", "https://phish.example/trustpilot-login", "on trustpilot.com"),
    ("Trustpilot", "https://www.trustpilot.com./review/x", "on trustpilot.com"),
    ("Trustpilot", "http://www.trustpilot.com/review/x", "must be an https URL"),
    ("Trustpilot", "javascript:alert(1)//www.trustpilot.com", "must be an https URL"),
    ("Trustpilot", "data:text/html,<script>alert(1)</script>", "must be an https URL"),
    ("Trustpilot", "//www.trustpilot.com/review/x", "must be an https URL"),
    ("Trustpilot", "https://www.trustpilot.com@evil.example/", "without a user, a password or a port"),
    ("Trustpilot", "https://evil.example\\@www.trustpilot.com/", "without spaces"),  # a browser goes to evil.example
    ("Trustpilot", "https://www.trustpilot.com:8443/review/x", "without a user, a password or a port"),
    ("Trustpilot", "https://www.trustpilot.com:99999/", "must be an https URL"),
    ("Trustpilot", "https://www.trustpilot.com/review/x y", "without spaces"),
    ("Trustpilot", "https://www.trustpilot.com/" + "r" * 2000, "at most 2,000 characters"),
    ("Trustpilot", "https://www.trustpilot.com/review/" + "r" * (2000 - 34), None),  # 2,000 exactly
    ("Trustpilot", "https://www.trustpilot.com/review/" + "r" * (2001 - 34), "at most 2,000 characters"),
    ("", "http://shop.example/reviews", "the profile URL must be an https URL"),  # no platform named
    ("", "https://shop.example/reviews", None),  # no platform: any https host
    ("Google", "https://maps.google.com/?cid=9", None),
    ("Google", "https://www.google.com/maps/place/?q=place_id:ChIJ", None),
    ("Google", "https://www.google.com/maps/search/?api=1&query=x&query_place_id=ChIJ", None),
    ("Google", "https://g.page/r/CQ123/review", None),
    ("Google", "https://maps.app.goo.gl/AbC123", None),
    ("Google", "https://business.google.com/reviews/l/123", None),
    ("Google", "https://search.google.com/local/writereview?placeid=ChIJ", None),
    ("Google", "https://www.google.com/url?q=https://evil.example", "on maps.google.com, www.google.com/maps"),
    ("Google", "https://sites.google.com/view/phish", "on maps.google.com"),
    ("Google", "https://attacker.example/", "the Google profile URL must be an https link on maps.google.com"),
    ("Google", "http://maps.google.com/?cid=9", "must be an https URL"),
    ("Trusted Shops", "https://www.trustedshops.nl/verkopersbeoordeling/info_X1.html", None),
    ("Trusted Shops", "https://www.trustedshops.de/bewertung/info_X1.html", None),
    ("Trusted Shops", "https://trustedshops.com/", None),
    ("Trusted Shops", "https://trustedshops.nl.evil.example/", "on trustedshops.nl, .de, .com"),
    ("Trusted Shops", "https://www.trusted-shops.example/", "on trustedshops.nl"),
    ("Kiyoh", "https://www.kiyoh.com/reviews/1/x", None),
    ("Kiyoh", "https://www.klantenvertellen.nl/reviews/1/x", None),
    ("Kiyoh", "https://kiyoh.com.evil.example/reviews/1/x", "on kiyoh.com, kiyoh.nl or klantenvertellen.nl"),
    ("The Feedback Company", "https://www.feedbackcompany.com/nl-nl/reviews/wtw-winkel/", None),
    ("The Feedback Company", "https://feedbackcompany.example/x", "on feedbackcompany.com"),
    # A platform not on the list: any https URL, nothing else.
    ("Trusted Shops Kundenbewertungen", "https://example.nl/profiel", None),
    ("Yotpo", "https://example.nl/profiel", None),
    ("Kiyoh", "http://www.kiyoh.com/reviews/1/x", "the Kiyoh profile URL must be an https URL"),
    ("Kiyoh", "javascript:alert(1)", "must be an https URL"),
    ("Kiyoh", "https://www.kiyoh.com/reviews/1/x\udc00", "without spaces"),  # not Unicode: cannot be stored
    ("Kiyoh", "https://www.kiyoh.com/reviews/1/x\x85", "without spaces"),  # a C1 control (NEL)
]


@pytest.mark.parametrize(("platform", "url", "problem"), PROFILE_URLS)
def test_a_profile_url_is_https_on_the_platforms_own_hosts(platform, url, problem):
    found = profile_url_problem(platform, url)
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found and "\n" not in found
        assert found.startswith(f"the {platform} profile URL must be" if platform else "the profile URL must be")


def test_the_business_unit_refuses_a_profile_link_off_trustpilot():
    unit = {"score": {"trustScore": 4.9}, "numberOfReviews": {"total": 99}}
    for href in ("https://phish.example/trustpilot-login", "http://www.trustpilot.com/review/x", "javascript:x"):
        with pytest.raises(Invalid, match="the Trustpilot profile URL must be"):
            trustpilot_business_unit({**unit, "links": [{"rel": "profileUrl", "href": href}]})
        with pytest.raises(Invalid, match="the Trustpilot profile URL must be"):
            trustpilot_business_unit(unit, href)  # --profile-url


# Issue 23, point 1: a list or an object where a name belongs is a wrong value, never looked up.
@pytest.mark.parametrize(
    ("mapper", "obj", "reason"),
    [
        (trustpilot_review, trustpilot(status=["active"]), "status a list is not one we show"),
        (trustpilot_review, trustpilot(status={"a": 1}), "status an object is not one we show"),
        (google_review, google(starRating=["FIVE"]), r"starRating must be ONE to FIVE \(got a list\)"),
        (etrusted_review, etrusted(state={"a": 1}), "state an object is not an eTrusted review state"),
        (etrusted_review, etrusted(state=["MODERATION"]), "state a list is not an eTrusted review state"),
        (etrusted_review, etrusted(verificationType=["VERIFIED"]), "verificationType a list is not VERIFIED"),
        (etrusted_review, etrusted(verificationType={}), "verificationType an object is not VERIFIED"),
    ],
)
def test_a_container_where_a_name_belongs_is_invalid(mapper, obj, reason):
    with pytest.raises(Invalid, match=reason):
        mapper(obj, "wtw-winkel", "nl")


@pytest.mark.parametrize(
    ("trust_score", "total", "reason"),
    [
        (float("nan"), 5, r"score.trustScore must be a number from 0 to 5 \(got nan\)"),
        (float("inf"), 5, r"score.trustScore must be a number from 0 to 5 \(got inf\)"),
        (1e30, 5, r"score.trustScore must be a number from 0 to 5 \(got 1e\+30\)"),
        (-0.1, 5, r"score.trustScore must be a number from 0 to 5"),
        (HugeNumber(5000), 5, r"\(got a number of 5,000 digits\)"),
        (4.5, -5, r"numberOfReviews.total must be a whole number from 0 to 1,000,000,000 \(got -5\)"),
        (
            4.5,
            10**20,
            r"numberOfReviews.total must be a whole number from 0 to 1,000,000,000 \(got 100000000000000000000\)",
        ),
        (4.5, 1e20, r"numberOfReviews.total must be a whole number"),
        (4.5, True, r"numberOfReviews.total must be a whole number"),
    ],
)
def test_a_business_unit_score_out_of_range_is_invalid(trust_score, total, reason):
    with pytest.raises(Invalid, match=reason):
        trustpilot_business_unit({"score": {"trustScore": trust_score}, "numberOfReviews": {"total": total}})


@pytest.mark.parametrize(
    ("average", "total", "reason"),
    [
        (4.5, 10**20, "totalReviewCount must be a whole number from 0 to 1,000,000,000"),
        (4.5, -1, "totalReviewCount must be a whole number"),
        (float("nan"), 5, "averageRating must be a number from 1 to 5"),
        (float("-inf"), 5, "averageRating must be a number from 1 to 5"),
    ],
)
def test_a_google_score_out_of_range_is_invalid(average, total, reason):
    with pytest.raises(Invalid, match=reason):
        google_score({"averageRating": average, "totalReviewCount": total})


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("5", 5),
        ("-12", -12),
        ("9" * 100, int("9" * 100)),
        ("9" * 101, HugeNumber(101)),
        ("-" + "1" * 5000, HugeNumber(5000)),
    ],
)
def test_json_int_keeps_what_is_usable_and_marks_what_is_not(text, value):
    assert json_int(text) == value


@pytest.mark.parametrize(
    ("text", "formats"),
    [
        ("native", ("native",)),
        ("google, native,google", ("native", "google")),
        ("all", ("native", "trustpilot", "etrusted", "google", "kiyoh", "feedbackcompany", "trustpilot-business-unit")),
        ("trustpilot-business-unit,trustpilot", ("trustpilot", "trustpilot-business-unit")),
    ],
)
def test_parse_token_formats(text, formats):
    assert parse_token_formats(text) == formats


@pytest.mark.parametrize(
    ("text", "shown"), [("yelp", "'yelp'"), ("", "a text of 0 characters"), ("a@b.nl", "a text of 6")]
)
def test_parse_token_formats_refuses_what_it_does_not_know(text, shown):
    with pytest.raises(ValueError, match=f"unknown format {shown}"):
        parse_token_formats(text)


@pytest.mark.parametrize(
    ("platforms", "formats"),
    [
        ((), ("native",)),
        (("Trustpilot",), ("native", "trustpilot", "trustpilot-business-unit")),
        (("google", "Kiyoh"), ("native", "google", "kiyoh")),
        (("google", "Yotpo"), ("native", "google")),
        (("Trusted Shops", "Google"), ("native", "etrusted", "google")),
    ],
)
def test_default_token_formats(platforms, formats):
    assert default_token_formats(platforms) == formats


@pytest.mark.parametrize(
    ("stored", "formats", "platforms"),
    [
        (
            "*",
            ("native", "trustpilot", "etrusted", "google", "kiyoh", "feedbackcompany", "trustpilot-business-unit"),
            {"trustpilot", "trusted shops", "google", "kiyoh", "the feedback company"},
        ),
        ("native", ("native",), set()),
        ("native,trustpilot-business-unit", ("native", "trustpilot-business-unit"), set()),  # a score, no review
        ("trustpilot,trustpilot-business-unit", ("trustpilot", "trustpilot-business-unit"), {"trustpilot"}),
        ("", (), set()),
    ],
)
def test_token_formats_and_platforms(stored, formats, platforms):
    assert token_formats(stored) == formats
    assert token_platforms(formats) == platforms


def test_etrusted_fields_map_to_a_native_review():
    assert etrusted_review(etrusted(), "wtw-winkel", "nl") == {
        "id": "rev-1",
        "shop": "wtw-winkel",
        "rating": 5,
        "title": "Top",
        "text": "Snel",
        "author": "Jan D.",
        "email": "jan@example.nl",
        "language": "de-DE",
        "created_at": "2026-10-01T12:00:00Z",
        "experienced_at": "2026-09-20",
        "verification": "verified",
        "status": "published",
        "reply": None,
    }


def test_google_fields_map_to_a_native_review():
    assert google_review(google(), "wtw-winkel", "nl") == {
        "id": "g1",
        "shop": "wtw-winkel",
        "rating": 4,
        "text": "Netjes",
        "author": "Piet",
        "language": "nl",
        "created_at": "2026-10-01T12:00:00Z",
        "verification": "unverified",
        "status": "published",
        "reply": None,
    }


@pytest.mark.parametrize(
    ("mapper", "obj", "reason"),
    [
        (etrusted_review, etrusted(reply="Dank"), "reply must be a JSON object"),
        (etrusted_review, etrusted(transaction="t-1"), "transaction must be a JSON object"),
        (etrusted_review, etrusted(transaction={"date": "gisteren"}), "transaction.date is not an ISO 8601 date-time"),
        (etrusted_review, etrusted(type="PRODUCT_REVIEW", product="ZEH-Q350"), "product must be a JSON object"),
        (etrusted_review, etrusted(type="PRODUCT_REVIEW", product={}), "a product review without its product"),
        (etrusted_review, etrusted(customer={"firstName": 5}), None),
        (google_review, google(reviewer="Piet"), "reviewer must be a JSON object"),
        (google_review, google(reviewReply="Dank"), "reviewReply must be a JSON object"),
        (trustpilot_review, trustpilot(consumer="Jan"), "consumer must be a JSON object"),
        (trustpilot_review, trustpilot(companyReply="Dank"), "companyReply must be a JSON object"),
        (trustpilot_review, trustpilot(experiencedAt="gisteren"), "experiencedAt is not an ISO 8601 date-time"),
    ],
)
def test_a_platforms_nested_value_of_the_wrong_kind_is_named(mapper, obj, reason):
    if reason is None:  # a first name that is no text is kept as it is, for parse_review to refuse
        assert mapper(obj, "s", "nl")["author"] == 5
        return
    with pytest.raises(Invalid) as error:
        mapper(obj, "s", "nl")
    assert str(error.value).startswith(reason)


def test_an_anonymous_google_reviewer_is_refused_saying_why():
    with pytest.raises(Invalid) as error:
        google_review(google(reviewer={"displayName": "A Google User", "isAnonymous": True}), "s", "nl")
    assert str(error.value) == "an anonymous reviewer: a review we show always names its author"


@pytest.mark.parametrize(
    ("fields", "key", "expected"),
    [
        (
            {"type": "PRODUCT_REVIEW", "product": {"sku": "A", "name": "N", "gtin": "96385074"}},
            "product",
            {"sku": "A", "name": "N", "gtin": "96385074"},
        ),
        ({"customer": {"firstName": "  ", "lastName": "Smit"}}, "author", "  "),
        ({"customer": {"firstName": "  ", "fullName": "  "}}, "author", "  "),
        ({"customer": {"fullName": 5}}, "author", None),
        ({"customer": {"firstName": "Jan", "lastName": "  "}}, "author", "Jan"),
        ({"questionnaire": {"locale": ""}}, "language", "nl"),
        ({"questionnaire": {"locale": 5}}, "language", "nl"),
        ({"questionnaire": "nl_NL"}, "language", "nl"),
        ({"reply": {"comment": "Dank"}}, "reply", {"text": "Dank", "created_at": None}),
        (
            {"reply": {"createdAt": "2026-10-03T00:00:00Z"}},
            "reply",
            {"text": None, "created_at": "2026-10-03T00:00:00Z"},
        ),
        ({"reply": {"comment": "", "createdAt": ""}}, "reply", None),
        ({"transaction": {"date": ""}}, "experienced_at", None),
    ],
)
def test_etrusted_edges(fields, key, expected):
    assert etrusted_review(etrusted(**fields), "wtw-winkel", "nl")[key] == expected


@pytest.mark.parametrize(
    ("unit", "profile"),
    [
        (
            {"links": [{"rel": "profileUrl", "href": "https://www.trustpilot.com/review/a.nl"}]},
            "https://www.trustpilot.com/review/a.nl",
        ),
        (
            {"links": [{"rel": "public-profile", "href": "https://www.trustpilot.com/review/b.nl"}]},
            "https://www.trustpilot.com/review/b.nl",
        ),
        ({"links": [{"rel": "evaluateUrl", "href": "https://www.trustpilot.com/evaluate/c.nl"}]}, ""),
        ({"links": [{"rel": 5, "href": "https://www.trustpilot.com/review/d.nl"}, "x"]}, ""),
        ({"links": {"rel": "profileUrl"}}, ""),
        ({"name": {"identifying": "e.nl"}}, "https://www.trustpilot.com/review/e.nl"),
        ({"name": {"identifying": "E.NL"}}, ""),
        ({"name": {"identifying": 5}}, ""),
        ({"name": "e.nl"}, ""),
        ({"name": {"identifying": "x" * 254}}, ""),
    ],
)
def test_a_business_units_profile_link(unit, profile):
    base = {"score": {"trustScore": 4.6}, "numberOfReviews": {"total": 10}}
    assert trustpilot_business_unit({**base, **unit}).profile_url == profile


@pytest.mark.parametrize(
    ("trust_score", "total", "shown"),
    [
        (0, 0, ("0.0", 0)),
        (5, 10**9, ("5.0", 10**9)),
        (4.25, 1, ("4.3", 1)),
        (4.24, 1, ("4.2", 1)),
        (4.05, 1, ("4.1", 1)),
    ],
)
def test_a_business_units_score_at_its_edges(trust_score, total, shown):
    score = trustpilot_business_unit({"score": {"trustScore": trust_score}, "numberOfReviews": {"total": total}})
    assert (score.score, score.review_count) == shown


def test_a_platform_score_record():
    score = trustpilot_business_unit(
        {"score": {"trustScore": 4.6}, "numberOfReviews": {"total": 10}, "name": {"identifying": "a.nl"}}
    )
    assert score.record(date(2026, 11, 20)) == {
        "name": "Trustpilot",
        "score_name": "TrustScore",
        "score": "4.6",
        "scale": 5,
        "review_count": 10,
        "profile_url": "https://www.trustpilot.com/review/a.nl",
        "read_on": "2026-11-20",
    }


# -- Kiyoh (issue 25): scores out of 10, kept as they are --------------------------------


def kiyoh(**fields):
    base = {
        "reviewId": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
        "reviewAuthor": "Marieke",
        "city": "Utrecht",
        "rating": 8,
        "reviewContent": [
            {"questionGroup": "DEFAULT_OVERALL", "questionType": "INT", "rating": 8, "order": 0},
            {"questionGroup": "DEFAULT_ONELINER", "questionType": "TEXT", "rating": "Prima service", "order": 1},
            {"questionGroup": "DEFAULT_OPINION", "questionType": "TEXT", "rating": "Snel en netjes.", "order": 2},
            {"questionGroup": "DEFAULT_RECOMMEND", "questionType": "BOOLEAN", "rating": True, "order": 3},
        ],
        "dateSince": "2026-10-01T14:00:00.000+02:00",
        "updatedSince": "2026-10-02T09:00:00.000+02:00",
        "reviewLanguage": "nl",
        "referenceCode": "ORDER-1001",
        "comment": None,
    }
    base.update(fields)
    return {k: v for k, v in base.items() if v != "DROP"}


def test_kiyoh_fields_map_to_a_native_review_out_of_ten():
    assert kiyoh_review(kiyoh(), "wtw-winkel", "en") == {
        "id": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
        "shop": "wtw-winkel",
        "rating": 8,
        "scale": 10,
        "title": "Prima service",
        "text": "Snel en netjes.",
        "author": "Marieke",
        "language": "nl",
        "created_at": "2026-10-01T14:00:00.000+02:00",
        "verification": "verified",
        "status": "published",
        "reply": None,
    }


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"rating": 10}, {"rating": 10}),
        ({"rating": 1}, {"rating": 1}),
        ({"rating": 7.0}, {"rating": 7}),
        ({"rating": "DROP"}, {"rating": 8}),  # no rating: the overall question's answer
        ({"rating": None}, {"rating": 8}),
        ({"reviewLanguage": "DROP"}, {"language": "en"}),  # none: the shop's default locale
        ({"referenceCode": "DROP"}, {"verification": "unverified"}),  # no order reference
        ({"referenceCode": ""}, {"verification": "unverified"}),
        ({"reviewContent": []}, {"title": None, "text": None}),
        ({"reviewContent": "DROP"}, {"title": None, "text": None}),
        (
            {"comment": "Dank je wel!"},
            {"reply": {"text": "Dank je wel!", "created_at": "2026-10-02T09:00:00.000+02:00"}},
        ),
        (  # no updatedSince: the reply is dated with the review
            {"comment": "Dank je wel!", "updatedSince": "DROP"},
            {"reply": {"text": "Dank je wel!", "created_at": "2026-10-01T14:00:00.000+02:00"}},
        ),
        ({"comment": ""}, {"reply": None}),
    ],
)
def test_kiyoh_fields_table(fields, expected):
    native = kiyoh_review(kiyoh(**fields), "wtw-winkel", "en")
    assert {key: native[key] for key in expected} == expected


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"rating": 0}, "rating must be a whole number from 1 to 10 (got 0)"),
        ({"rating": 11}, "rating must be a whole number from 1 to 10 (got 11)"),
        ({"rating": 7.5}, "rating must be a whole number from 1 to 10 (got 7.5)"),  # never rounded
        ({"rating": "8"}, "rating must be a whole number from 1 to 10 (got '8')"),
        ({"rating": True}, "rating must be a whole number from 1 to 10 (got true)"),
        ({"rating": None, "reviewContent": []}, "rating must be a whole number from 1 to 10 (got missing)"),
        ({"reviewContent": {"a": 1}}, "reviewContent must be a list"),
    ],
)
def test_kiyoh_refuses_what_is_not_a_score_out_of_ten(fields, reason):
    with pytest.raises(Invalid) as error:
        kiyoh_review(kiyoh(**fields), "wtw-winkel", "en")
    assert str(error.value) == reason


def test_a_kiyoh_review_passes_the_review_rules_with_its_own_scale():
    parsed = parse_review({**kiyoh_review(kiyoh(), "wtw-winkel", "nl"), "platform": "Kiyoh"}, reference_required=False)
    assert (parsed.rating, parsed.scale, parsed.incentivized, parsed.platform) == (8, 10, False, "Kiyoh")


def kiyoh_feed(**fields):
    base = {
        "locationId": 1051234,
        "locationName": "WTW Winkel",
        "averageRating": 8.7,
        "numberReviews": 412,
        "last12MonthAverageRating": 8.64,
        "last12MonthNumberReviews": 131,
        "percentageRecommendation": 96,
        "viewReviewUrl": "https://www.kiyoh.com/reviews/1051234/wtw_winkel",
        "createReviewUrl": "https://www.kiyoh.com/add-review/1051234/wtw_winkel",
        "reviews": [],
    }
    base.update(fields)
    return {k: v for k, v in base.items() if v != "DROP"}


@pytest.mark.parametrize(
    ("fields", "score", "count", "profile"),
    [
        ({}, "8.6", 131, "https://www.kiyoh.com/reviews/1051234/wtw_winkel"),  # 8.64 as Kiyoh shows it: 8,6
        ({"last12MonthAverageRating": 8.65}, "8.7", 131, "https://www.kiyoh.com/reviews/1051234/wtw_winkel"),
        ({"last12MonthAverageRating": 10}, "10.0", 131, "https://www.kiyoh.com/reviews/1051234/wtw_winkel"),
        ({"last12MonthNumberReviews": 1}, "8.6", 1, "https://www.kiyoh.com/reviews/1051234/wtw_winkel"),
        ({"viewReviewUrl": "DROP"}, "8.6", 131, ""),
    ],
)
def test_kiyohs_own_score_is_its_last_twelve_months_out_of_ten(fields, score, count, profile):
    found = kiyoh_score(kiyoh_feed(**fields))
    assert found == PlatformScore(
        name="Kiyoh", score_name="", score=score, review_count=count, profile_url=profile, scale=10
    )
    assert found.record(date(2026, 11, 23))["scale"] == 10


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"last12MonthAverageRating": 10.01}, "last12MonthAverageRating must be a number from 0 to 10"),
        ({"last12MonthAverageRating": "8.6"}, "last12MonthAverageRating must be a number from 0 to 10"),
        ({"last12MonthNumberReviews": -1}, "last12MonthNumberReviews must be a whole number from 0"),
        ({"viewReviewUrl": "javascript:alert(1)"}, "must be an https URL"),
    ],
)
def test_kiyohs_score_refuses_what_it_cannot_show_truly(fields, reason):
    with pytest.raises(Invalid, match=reason):
        kiyoh_score(kiyoh_feed(**fields))


@pytest.mark.parametrize(
    ("fields", "found"),
    [
        ({"last12MonthAverageRating": "DROP", "last12MonthNumberReviews": "DROP"}, None),  # no figures
        ({"last12MonthAverageRating": 0, "last12MonthNumberReviews": 0}, NoScore("Kiyoh")),  # none in 12 months
        ({"last12MonthAverageRating": 8.6, "last12MonthNumberReviews": 0}, NoScore("Kiyoh")),
        ({"last12MonthAverageRating": "DROP", "last12MonthNumberReviews": 0}, NoScore("Kiyoh")),
    ],
)
def test_a_feed_without_twelve_months_of_reviews_carries_no_score(fields, found):
    assert kiyoh_score(kiyoh_feed(**fields)) == found


# -- The Feedback Company ----------------------------------------------------------------


def feedbackcompany(**fields):
    base = {
        "id": 4711,
        "date_created": "2026-10-01T12:00:00+02:00",
        "date_updated": "2026-10-03T08:00:00+02:00",
        "total_score": 5,
        "recommends": True,
        "client": {"name": "Piet J."},
        "questions": [
            {"question_id": 1, "type": "main_open", "value": "Goed geholpen."},
            {"question_id": 2, "type": "score", "value": 5},
        ],
        "product": None,
    }
    base.update(fields)
    return {k: v for k, v in base.items() if v != "DROP"}


def test_feedbackcompany_fields_map_to_a_native_review():
    assert feedbackcompany_review(feedbackcompany(), "wtw-winkel", "nl") == {
        "id": "4711",
        "shop": "wtw-winkel",
        "rating": 5,
        "text": "Goed geholpen.",
        "author": "Piet J.",
        "language": "nl",
        "created_at": "2026-10-01T12:00:00+02:00",
        "verification": "unverified",
        "status": "published",
        "reply": None,
    }


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"total_score": 1}, {"rating": 1}),
        ({"total_score": 4.0}, {"rating": 4}),
        ({"id": "fbc-9"}, {"id": "fbc-9"}),
        ({"questions": []}, {"text": None}),
        ({"comment": "Eigen woorden"}, {"text": "Eigen woorden"}),
        (
            {"shop_comment": "Bedankt!"},
            {"reply": {"text": "Bedankt!", "created_at": "2026-10-03T08:00:00+02:00"}},
        ),
        (
            {"shop_comment": "Bedankt!", "date_updated": "DROP"},
            {"reply": {"text": "Bedankt!", "created_at": "2026-10-01T12:00:00+02:00"}},
        ),
    ],
)
def test_feedbackcompany_fields_table(fields, expected):
    native = feedbackcompany_review(feedbackcompany(**fields), "wtw-winkel", "nl")
    assert {key: native[key] for key in expected} == expected


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"total_score": 4.5}, "total_score must be a whole number from 1 to 5 (got 4.5)"),  # never rounded
        ({"total_score": 0}, "total_score must be a whole number from 1 to 5 (got 0)"),
        ({"total_score": 6}, "total_score must be a whole number from 1 to 5 (got 6)"),
        ({"client": "Piet"}, "client must be a JSON object"),
    ],
)
def test_feedbackcompany_refuses_what_it_cannot_show(fields, reason):
    with pytest.raises(Invalid) as error:
        feedbackcompany_review(feedbackcompany(**fields), "wtw-winkel", "nl")
    assert str(error.value) == reason


def test_a_feedbackcompany_product_review_is_skipped():
    with pytest.raises(Skipped, match="a product review"):
        feedbackcompany_review(feedbackcompany(product={"sku": "X"}), "wtw-winkel", "nl")


def test_a_kiyoh_answer_that_is_not_an_object_is_passed_over():
    content = [
        "noise",
        {"questionGroup": "DEFAULT_ONELINER", "questionType": "TEXT", "rating": "Prima service", "order": 1},
        {"questionGroup": "DEFAULT_OPINION", "questionType": "TEXT", "rating": "Snel en netjes.", "order": 2},
    ]
    native = kiyoh_review(kiyoh(reviewContent=content), "wtw-winkel", "nl")
    assert (native["title"], native["text"]) == ("Prima service", "Snel en netjes.")


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        # one figure without the other is no score, never a missing one
        ({"last12MonthAverageRating": "DROP"}, "last12MonthAverageRating must be a number from 0 to 10"),
        ({"last12MonthNumberReviews": "DROP"}, "last12MonthNumberReviews must be a whole number from 0"),
        (
            {"viewReviewUrl": "https://evil.example/x"},
            "^the Kiyoh profile URL must be an https link on kiyoh.com, kiyoh.nl or klantenvertellen.nl",
        ),
    ],
)
def test_kiyohs_score_needs_both_figures_and_its_own_profile(fields, reason):
    with pytest.raises(Invalid, match=reason):
        kiyoh_score(kiyoh_feed(**fields))


def test_a_feedbackcompany_question_that_is_not_an_object_is_passed_over():
    questions = ["noise", {"question_id": 1, "type": "main_open", "value": "Goed geholpen."}]
    native = feedbackcompany_review(feedbackcompany(questions=questions), "wtw-winkel", "nl")
    assert native["text"] == "Goed geholpen."


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"product": ""}, {"id": "4711"}),  # an empty product names none: the shop's review
        ({"product": {}}, {"id": "4711"}),
        ({"id": None}, {"id": None}),  # left for the review rules to refuse, never made "None"
        ({"id": True}, {"id": True}),  # a boolean is no id number
        ({"id": 0}, {"id": "0"}),
        ({"shop_comment": ""}, {"reply": None}),  # an empty reply is none
        ({"shop_comment": None}, {"reply": None}),
    ],
)
def test_feedbackcompany_edges(fields, expected):
    native = feedbackcompany_review(feedbackcompany(**fields), "wtw-winkel", "nl")
    assert {key: native[key] for key in expected} == expected


def test_a_feedbackcompany_product_review_is_skipped_saying_why():
    with pytest.raises(Skipped) as skipped:
        feedbackcompany_review(feedbackcompany(product={"sku": "X"}), "wtw-winkel", "nl")
    assert str(skipped.value) == "a product review: this feed imports the shop's reviews"


def test_parse_token_formats_lists_what_it_knows():
    with pytest.raises(ValueError) as error:
        parse_token_formats("native,yelp")
    assert str(error.value) == (
        "unknown format 'yelp': name some of all, native, trustpilot, etrusted, google, kiyoh, feedbackcompany,"
        " trustpilot-business-unit"
    )


@pytest.mark.parametrize(
    ("platform", "needs"),
    [
        ("Trustpilot", True),
        ("trustpilot", True),
        ("Trusted Shops", True),
        ("Google", True),
        ("Kiyoh", True),
        ("The Feedback Company", True),
        ("Webwinkelkeur", False),
        ("", False),
    ],
)
def test_platform_needs_format(platform, needs):
    assert platform_needs_format(platform) is needs


@pytest.mark.parametrize(
    ("unit", "reason"),
    [
        ({"score": 4.5, "numberOfReviews": {"total": 3}}, "score must be a JSON object"),
        ({"score": {"trustScore": 4.5}, "numberOfReviews": 3}, "numberOfReviews must be a JSON object"),
    ],
)
def test_a_business_unit_names_its_part_of_the_wrong_kind(unit, reason):
    with pytest.raises(Invalid) as error:
        trustpilot_business_unit(unit)
    assert str(error.value) == reason


def test_a_google_score_is_googles_stars_with_no_score_name():
    found = google_score({"averageRating": 4.44, "totalReviewCount": 12})
    assert (found.name, found.score_name, found.score, found.review_count) == ("Google", "", "4.4", 12)


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("Trustpilot", "Trustpilot"),
        ("trustpilot", "Trustpilot"),
        (" TRUSTPILOT ", "Trustpilot"),
        ("the feedback company", "The Feedback Company"),
        ("kiyoh", "Kiyoh"),
        ("trusted shops", "Trusted Shops"),
        ("google", "Google"),
        (" Yotpo ", "Yotpo"),  # a platform we have no format for: its own spelling, trimmed
        ("", ""),  # the shop's own reviews
    ],
)
def test_a_reviews_platform_is_keyed_as_its_format_names_it(name, canonical):
    assert canonical_platform(name) == canonical
    assert platform_needs_format(name) is (
        canonical in {"Trustpilot", "The Feedback Company", "Kiyoh", "Trusted Shops", "Google"}
    )
