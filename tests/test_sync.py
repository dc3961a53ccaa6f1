"""`trustwidgets sync` (sources/sync.py, platform_api.py, http_fetch.py) against a real HTTP server of
the tests' own that answers as the platforms document (tests/platform_server.py); no HTTP client
is mocked. Expected counts are worked out by hand from the data each test puts on the server.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from tests.factories import SHOP
from tests.platform_server import (
    BROKEN_PAGE,
    ETrustedChannel,
    Fault,
    FeedbackCompanyShop,
    GoogleLocation,
    KiyohLocation,
    TrustpilotUnit,
    etrusted_reviews,
    feedbackcompany_reviews,
    google_reviews,
    kiyoh_reviews,
    slow,
    stamp,
    trustpilot_reviews,
)
from widget_server.core.dates import parse_timestamp
from widget_server.sources.http_fetch import Fetcher
from widget_server.sources.importer import import_document
from widget_server.sources.sync import Sync, score_givers
from widget_server.store.open import open_store
from widget_server.store.protocol import Source

LOCALES = ("en", "nl")
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
NEWEST = NOW - timedelta(hours=1)
SIX_HOURS = timedelta(hours=6)  # a page of 100 spans 25 days, far more than the 3-day overlap


class Sleeps(list):
    """The waits a sync asked for (the server is real; only the waiting is skipped)."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def fetcher(sleeps=None, **limits) -> Fetcher:
    return Fetcher(sleep=sleeps if sleeps is not None else Sleeps(), **{"timeout": 5.0, **limits})


def new_id() -> str:
    return secrets.token_hex(6)


def with_shop(store):
    import_document(store, {"shops": [SHOP]}, available_locales=LOCALES)
    return store


def trustpilot(server, store, count=250, key=None, stored_key=None):
    unit = new_id()
    key = key or "tp-" + new_id()
    server.trustpilot[unit] = TrustpilotUnit(key, trustpilot_reviews(f"tp{unit}-", count, NEWEST, SIX_HOURS))
    store.add_source("wtw-winkel", "trustpilot", unit, server.base, f'{{"apikey": "{stored_key or key}"}}', "x")
    return unit


def etrusted(server, store, count=250):
    channel = "chl-" + new_id()
    client_id, client_secret = "cid-" + new_id(), "cs-" + new_id()
    reviews = etrusted_reviews(f"{channel}-", count, NEWEST, SIX_HOURS)
    server.etrusted[channel] = ETrustedChannel(client_id, client_secret, reviews)
    secret = f'{{"client_id": "{client_id}", "client_secret": "{client_secret}"}}'
    store.add_source("wtw-winkel", "etrusted", channel, server.base, secret, "x")
    return channel


def google(server, store, count=120, location=None, average=4.4, added_at="x"):
    location = location or f"accounts/{new_id()}/locations/{new_id()}"
    client_id, client_secret, refresh = "gid-" + new_id(), "gs-" + new_id(), "rt-" + new_id()
    reviews = google_reviews(f"g{location[9:21]}-", count, NEWEST, SIX_HOURS)
    server.google[location] = GoogleLocation(client_id, client_secret, refresh, reviews, average)
    secret = f'{{"client_id": "{client_id}", "client_secret": "{client_secret}", "refresh_token": "{refresh}"}}'
    store.add_source("wtw-winkel", "google", location, server.base, secret, added_at)
    return location


def kiyoh(server, store, count=40, token=None, stored_token=None):
    location = str(secrets.randbelow(10**9) + 10**9)
    token = token or "kh-" + new_id()
    server.kiyoh[location] = KiyohLocation(token, kiyoh_reviews(f"k{location}-", count, NEWEST, SIX_HOURS))
    store.add_source("wtw-winkel", "kiyoh", location, server.base, json.dumps({"token": stored_token or token}), "x")
    return location


def feedbackcompany(server, store, count=250, stored_secret=None):
    shop = str(next(server.numbers))
    client_id, client_secret = "fid-" + new_id(), "fs-" + new_id()
    reviews = feedbackcompany_reviews(shop, count, NEWEST, SIX_HOURS)
    server.feedbackcompany[shop] = FeedbackCompanyShop(client_id, client_secret, reviews)
    secret = json.dumps({"client_id": client_id, "client_secret": stored_secret or client_secret})
    store.add_source("wtw-winkel", "feedbackcompany", shop, server.base, secret, "x")
    return shop


def sync(store, now=NOW, sleeps=None, **options):
    limits = {k: options.pop(k) for k in ("timeout", "retries") if k in options}
    run = Sync(store, fetcher(sleeps, **limits), now, LOCALES, **options)
    return {(o.platform): o for o in run.run()}


def stored(store, platform):
    rows = store.db.execute(
        "SELECT id, text FROM reviews WHERE shop = 'wtw-winkel' AND platform = ? ORDER BY id", (platform,)
    ).fetchall()
    return {row[0]: row[1] for row in rows}


def test_the_first_sync_reads_every_page_and_the_second_one_page_per_source(platform_server, store):
    """The issue's done-when: a second sync of an unchanged platform reads exactly one page per source."""
    with_shop(store)
    unit, channel, location = (
        trustpilot(platform_server, store),
        etrusted(platform_server, store),
        google(platform_server, store),
    )
    first = sync(store)
    assert {p: (o.error, o.full, o.pages, o.reviews) for p, o in first.items()} == {
        "trustpilot": ("", True, 3, 250),  # 100 + 100 + 50
        "etrusted": ("", True, 3, 250),
        "google": ("", True, 3, 120),  # 50 + 50 + 20: Google's pageSize is at most 50
    }
    assert [len(platform_server.requests(a)) for a in (unit, channel, location)] == [3, 3, 3]
    # eTrusted's getReviews (GET /reviews?channels=…), not a channel path it does not document
    pages = [(r.path, r.query.get("channels"), r.query.get("after")) for r in platform_server.requests(channel)]
    assert [(path, channels) for path, channels, _ in pages] == [("/reviews", [channel])] * 3
    assert [after for *_, after in pages] == [None, [f"rev-{channel}-000099"], [f"rev-{channel}-000199"]]
    assert len(stored(store, "Trustpilot")) == 250 and len(stored(store, "Trusted Shops")) == 250
    assert len(stored(store, "Google")) == 120
    scores = {p.name: (p.score, p.review_count) for p in store.shop("wtw-winkel").platforms}
    assert scores == {"Trustpilot": ("4.6", 1234), "Google": ("4.4", 120)}

    second = sync(store, NOW + timedelta(hours=1))
    assert {p: (o.error, o.full, o.pages) for p, o in second.items()} == {
        "trustpilot": ("", False, 1),
        "etrusted": ("", False, 1),
        "google": ("", False, 1),
    }
    assert [len(platform_server.requests(a)) for a in (unit, channel, location)] == [4, 4, 4]
    assert all(o.report.reviews_changed == 0 for o in second.values())
    listed = {s.platform: s for s in store.sources()}
    assert listed["trustpilot"].reviews_read == 100 and listed["google"].reviews_read == 50
    assert listed["trustpilot"].newest == "2026-12-01T11:00:00.000000Z"
    assert all(s.claimed_by is None and s.last_error == "" for s in listed.values())


def test_new_and_recently_edited_reviews_are_read_by_the_next_sync(platform_server, sqlite_store):
    store = with_shop(sqlite_store)
    unit = trustpilot(platform_server, store)
    sync(store)
    reviews = platform_server.trustpilot[unit].reviews
    reviews[1]["text"] = "Aangepast: een dag later toch vier sterren."  # created 6 h before the newest: in the overlap
    reviews.insert(0, {**reviews[0], "id": f"tp{unit}-new", "createdAt": stamp(NOW - timedelta(minutes=5))})
    outcome = sync(store, NOW + timedelta(hours=1))["trustpilot"]
    assert (outcome.error, outcome.pages, outcome.report.reviews_changed) == ("", 1, 2)
    texts = stored(store, "Trustpilot")
    assert len(texts) == 251 and texts[f"tp{unit}-000001"] == "Aangepast: een dag later toch vier sterren."


def test_an_old_review_edited_on_trustpilot_waits_for_the_full_read(platform_server, sqlite_store):
    """Trustpilot pages by creation time: an edit far below the overlap is read by the next full read."""
    store = with_shop(sqlite_store)
    unit = trustpilot(platform_server, store)
    sync(store)
    platform_server.trustpilot[unit].reviews[200]["text"] = "Na een half jaar: nog steeds tevreden."
    incremental = sync(store, NOW + timedelta(hours=1))["trustpilot"]
    assert incremental.pages == 1 and stored(store, "Trustpilot")[f"tp{unit}-000200"] == "Tekst van review 200."
    full = sync(store, NOW + timedelta(hours=2), full=True)["trustpilot"]
    assert (full.full, full.pages, full.report.reviews_changed) == (True, 3, 1)
    assert stored(store, "Trustpilot")[f"tp{unit}-000200"] == "Na een half jaar: nog steeds tevreden."
    # a week after the last full read, the sync reads every page by itself
    weekly = sync(store, NOW + timedelta(days=7, hours=3))["trustpilot"]
    assert (weekly.full, weekly.pages) == (True, 3)


def test_an_old_review_edited_on_google_is_read_by_the_next_sync(platform_server, sqlite_store):
    """Google pages by update time: an edit moves the review to the first page."""
    store = with_shop(sqlite_store)
    location = google(platform_server, store)
    sync(store)
    edited = platform_server.google[location].reviews[110]
    edited.update(comment="Toch nog een reactie gekregen.", updateTime=stamp(NOW + timedelta(minutes=30)))
    outcome = sync(store, NOW + timedelta(hours=1))["google"]
    assert (outcome.error, outcome.full, outcome.pages, outcome.report.reviews_changed) == ("", False, 1, 1)
    assert stored(store, "Google")[edited["reviewId"]] == "Toch nog een reactie gekregen."


def test_429_waits_as_retry_after_says_and_5xx_backs_off(platform_server, sqlite_store):
    store = with_shop(sqlite_store)
    unit = trustpilot(platform_server, store, count=30)
    in_half_a_minute = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    platform_server.fail(
        unit,
        Fault(429, {"Retry-After": "7"}),
        Fault(429, {"Retry-After": in_half_a_minute}),
        Fault(429, {"Retry-After": "86400"}),  # a day: capped
        Fault(503),
    )
    sleeps = Sleeps()
    outcome = sync(store, sleeps=sleeps, retries=4)["trustpilot"]
    assert outcome.error == "" and len(stored(store, "Trustpilot")) == 30
    assert sleeps[0] == 7 and 27 <= sleeps[1] <= 30 and sleeps[2] == 120 and sleeps[3] == 8
    assert len(platform_server.requests(unit)) == 5


def test_a_timeout_is_retried_with_backoff(platform_server, sqlite_store):
    store = with_shop(sqlite_store)
    unit = trustpilot(platform_server, store, count=5)
    platform_server.fail(unit, slow(1.0), slow(1.0))
    sleeps = Sleeps()
    outcome = sync(store, sleeps=sleeps, timeout=0.3)["trustpilot"]
    assert outcome.error == "" and sleeps == [1, 2]
    assert len(stored(store, "Trustpilot")) == 5


def test_a_failing_source_changes_nothing_of_its_shop_and_the_others_go_on(platform_server, sqlite_store):
    store = with_shop(sqlite_store)
    unit = trustpilot(platform_server, store)
    google(platform_server, store)
    sync(store)
    before = store.sources()
    platform_server.trustpilot[unit].reviews[0]["text"] = "Zou niet opgeslagen mogen worden."
    platform_server.trustpilot[unit].trust_score = 1.2
    platform_server.fail(unit, *[Fault(500)] * 5)
    sleeps = Sleeps()
    outcomes = sync(store, NOW + timedelta(hours=1), sleeps=sleeps, full=True)
    failed = outcomes["trustpilot"]
    assert failed.error == "Trustpilot reviews page 1: HTTP 500 Internal Server Error (tried 5 times)"
    assert sleeps[:4] == [1, 2, 4, 8]
    assert outcomes["google"].error == "" and outcomes["google"].pages == 3
    assert stored(store, "Trustpilot")[f"tp{unit}-000000"] == "Tekst van review 0."
    assert {p.name: p.score for p in store.shop("wtw-winkel").platforms}["Trustpilot"] == "4.6"
    after = {s.platform: s for s in store.sources()}
    assert after["trustpilot"].last_error == failed.error and after["trustpilot"].claimed_by is None
    assert after["trustpilot"].synced_at == {s.platform: s for s in before}["trustpilot"].synced_at
    assert after["google"].synced_at != {s.platform: s for s in before}["google"].synced_at


def test_a_broken_page_after_good_ones_stores_none_of_them(platform_server, sqlite_store):
    store = with_shop(sqlite_store)
    unit = trustpilot(platform_server, store)
    sync(store)
    platform_server.trustpilot[unit].reviews[0]["text"] = "Gewijzigd op pagina 1."
    platform_server.fail(unit, Fault(0), BROKEN_PAGE)  # page 1 as it is, page 2 broken
    outcome = sync(store, NOW + timedelta(hours=1), full=True)["trustpilot"]
    assert outcome.error == "Trustpilot reviews page 2: the answer is not JSON"
    assert stored(store, "Trustpilot")[f"tp{unit}-000000"] == "Tekst van review 0."


def test_a_refused_key_fails_at_once(platform_server, sqlite_store):
    store = with_shop(sqlite_store)
    unit = trustpilot(platform_server, store, key="the-right-key", stored_key="a-wrong-key")
    outcome = sync(store)["trustpilot"]
    assert outcome.error == "Trustpilot reviews page 1: HTTP 401 Unauthorized"
    assert len(platform_server.requests(unit)) == 1 and stored(store, "Trustpilot") == {}


def test_an_expired_etrusted_token_is_fetched_again_once(platform_server, sqlite_store):
    store = with_shop(sqlite_store)
    channel = etrusted(platform_server, store)
    platform_server.fail(channel, Fault(0), Fault(0), Fault(401, body=b'{"message": "token expired"}'))
    outcome = sync(store)["etrusted"]  # token, page 1, then 401 on page 2: a new token, page 2 again
    assert (outcome.error, outcome.pages, len(stored(store, "Trusted Shops"))) == ("", 3, 250)
    assert len(platform_server.requests(channel, "token")) == 2


def test_a_bad_row_is_named_and_skipped(platform_server, sqlite_store):
    store = with_shop(sqlite_store)
    unit = trustpilot(platform_server, store, count=10)
    platform_server.trustpilot[unit].reviews[3]["stars"] = 9
    rejected = []
    outcome = Sync(store, fetcher(), NOW, LOCALES, on_reject=rejected.append).run()[0]
    assert outcome.error == "" and outcome.report.rejected == 1
    assert [r.id for r in rejected] == [f"tp{unit}-000003"] and "rating" in rejected[0].reason
    assert len(stored(store, "Trustpilot")) == 9
    assert store.sources()[0].last_error == "1 review(s) rejected (named in the sync's output)"


def test_a_review_a_sync_cannot_store_is_rejected_alone(platform_server, sqlite_store):
    store = with_shop(sqlite_store)
    unit = trustpilot(platform_server, store, count=10)
    platform_server.trustpilot[unit].reviews[3]["text"] = "Top \ud83d"  # half an emoji: not Unicode
    rejected = []
    outcome = Sync(store, fetcher(), NOW, LOCALES, on_reject=rejected.append).run()[0]
    assert outcome.error == "" and outcome.report.rejected == 1
    assert [(r.id, r.reason) for r in rejected] == [
        (f"tp{unit}-000003", "text is not valid Unicode (it holds an unpaired surrogate)")
    ]
    assert len(stored(store, "Trustpilot")) == 9


def test_a_number_too_long_to_read_rejects_its_review_alone(platform_server, sqlite_store):
    store = with_shop(sqlite_store)
    unit = trustpilot(platform_server, store, count=3)
    page = json.dumps({"reviews": platform_server.trustpilot[unit].reviews, "links": []})
    first = json.dumps(platform_server.trustpilot[unit].reviews[0]["stars"])
    huge = page.replace(f'"stars": {first}', '"stars": ' + "9" * 5000, 1)  # past Python's 4,300 digits
    platform_server.fail(unit, Fault(200, body=huge.encode()))
    rejected = []
    outcome = Sync(store, fetcher(), NOW, LOCALES, on_reject=rejected.append).run()[0]
    assert outcome.error == "" and outcome.report.rejected == 1
    assert [(r.id, r.reason) for r in rejected] == [
        (f"tp{unit}-000000", "rating must be a whole number from 1 to 5 (got 'number of 5000 digits')")
    ]
    assert len(stored(store, "Trustpilot")) == 2


def test_two_syncs_of_one_shop_at_once_never_interleave(platform_server, store):
    """The second finds the source claimed (under the writers' lock) and leaves it; no request of its own."""
    with_shop(store)
    unit = trustpilot(platform_server, store)
    platform_server.fail(unit, slow(1.5))
    results = {}

    def in_a_thread():
        try:
            results.update(first=sync(store))
        finally:
            store.close()  # this thread's connection

    first = threading.Thread(target=in_a_thread)
    first.start()
    for _ in range(100):
        if platform_server.requests(unit):
            break
        time.sleep(0.02)
    second = sync(store)["trustpilot"]
    assert second.error == "another sync of this source is running; it was left to that one"
    first.join(timeout=30)
    assert results["first"]["trustpilot"].error == "" and results["first"]["trustpilot"].pages == 3
    assert len(platform_server.requests(unit)) == 3  # all the first's
    assert len(stored(store, "Trustpilot")) == 250 and store.sources()[0].claimed_by is None
    assert sync(store, NOW + timedelta(hours=1))["trustpilot"].pages == 1


def test_no_secret_reaches_an_error_a_record_or_a_listing(platform_server, sqlite_store):
    store = with_shop(sqlite_store)
    unit = trustpilot(platform_server, store, key="right-key", stored_key="tp-SECRET-wrong-key")
    channel, location = etrusted(platform_server, store), google(platform_server, store)
    platform_server.etrusted[channel].client_secret = "changed"  # the stored one is refused
    platform_server.google[location].refresh_token = "changed"
    outcomes = sync(store)
    hidden = ["tp-SECRET-wrong-key", "right-key"]
    for source in store.db.execute("SELECT secret FROM sources").fetchall():
        hidden += list(json.loads(source[0]).values())
    texts = [o.error for o in outcomes.values()] + [repr(store.sources()), str(store.sources())]
    texts += [str(row) for row in store.db.execute("SELECT last_error FROM sources").fetchall()]
    assert {p: o.error for p, o in outcomes.items()} == {
        "trustpilot": "Trustpilot reviews page 1: HTTP 401 Unauthorized",
        "etrusted": "eTrusted token: HTTP 401 Unauthorized",
        "google": "Google token: HTTP 400 Bad Request",
    }
    for text in texts:
        for secret in hidden:
            assert secret not in text
    assert len(platform_server.requests(unit)) == 1


def test_a_review_dated_in_the_future_never_becomes_the_mark(platform_server, sqlite_store):
    """Else every later page would count as old, and the incremental syncs would read one page forever."""
    store = with_shop(sqlite_store)
    unit = trustpilot(platform_server, store)
    platform_server.trustpilot[unit].reviews[0]["createdAt"] = "2027-06-01T00:00:00Z"
    sync(store)
    assert store.sources()[0].newest == "2026-12-01T05:00:00.000000Z"  # review 1: 11:00 less 6 hours
    assert len(stored(store, "Trustpilot")) == 250


# -- Kiyoh and The Feedback Company (issue 25) ----------------------------------------------


def test_a_shop_with_trustpilot_and_kiyoh_sources_syncs_both(platform_server, store):
    """The issue's done-when: both are synced, Kiyoh's scores out of 10 stay out of the star mean,
    and a second sync of unchanged platforms reads one page per source."""
    with_shop(store)
    unit, location = trustpilot(platform_server, store), kiyoh(platform_server, store)
    first = sync(store)
    assert {p: (o.error, o.full, o.pages, o.reviews) for p, o in first.items()} == {
        "trustpilot": ("", True, 3, 250),
        "kiyoh": ("", True, 1, 40),  # the whole feed in one answer
    }
    kiyoh_rows = store.db.execute(
        "SELECT rating, scale FROM reviews WHERE shop = 'wtw-winkel' AND platform = 'Kiyoh'"
    ).fetchall()
    assert len(kiyoh_rows) == 40 and {scale for _, scale in kiyoh_rows} == {10}
    assert {rating for rating, _ in kiyoh_rows} == set(range(1, 11))  # 1 + n % 10: kept as they are
    platforms = {p.name: (p.score, p.scale, p.review_count, p.profile_url) for p in store.shop("wtw-winkel").platforms}
    assert platforms["Kiyoh"] == ("8.6", 10, 131, f"https://www.kiyoh.com/reviews/{location}/wtw_winkel")
    assert platforms["Trustpilot"] == ("4.6", 5, 1234, "https://www.trustpilot.com/review/wtw-winkel.nl")
    summary = store.snapshot("wtw-winkel", NOW.date()).summary
    # Trustpilot's 250 reviews, 6 hours apart, newest first: 1 + n % 5 stars. All are verified and
    # inside the window; the 40 Kiyoh reviews are shown but never counted.
    assert (summary["review_count"], summary["ten_point_count"]) == (250, 40)
    assert summary["distribution"] == {"1": 50, "2": 50, "3": 50, "4": 50, "5": 50}

    second = sync(store, NOW + timedelta(hours=1))
    assert {p: (o.error, o.full, o.pages) for p, o in second.items()} == {
        "trustpilot": ("", False, 1),
        "kiyoh": ("", False, 1),
    }
    assert (len(platform_server.requests(unit)), len(platform_server.requests(location))) == (4, 2)
    assert all(o.report.reviews_changed == 0 for o in second.values())
    query = platform_server.requests(location)[0].query
    assert (query["locationId"], query["orderBy"], query["sortOrder"]) == ([location], ["UPDATE_DATE"], ["DESC"])


def test_a_review_edited_on_kiyoh_is_read_by_the_next_sync(platform_server, sqlite_store):
    store = with_shop(sqlite_store)
    location = kiyoh(platform_server, store)
    sync(store)
    edited = platform_server.kiyoh[location].reviews[30]
    edited["reviewContent"][2]["rating"] = "Na een week: toch een 9."
    edited.update(rating=9, updatedSince=stamp(NOW + timedelta(minutes=30)))
    outcome = sync(store, NOW + timedelta(hours=1))["kiyoh"]
    assert (outcome.error, outcome.pages, outcome.report.reviews_changed) == ("", 1, 1)
    row = store.db.execute("SELECT rating, text FROM reviews WHERE id = ?", (edited["reviewId"],)).fetchone()
    assert tuple(row) == (9, "Na een week: toch een 9.")
    assert store.sources()[0].newest == "2026-12-01T12:30:00.000000Z"  # the edit's time is the new mark


def test_the_feedback_company_is_read_page_by_page_and_then_one_page(platform_server, sqlite_store):
    store = with_shop(sqlite_store)
    shop = feedbackcompany(platform_server, store)
    first = sync(store)["feedbackcompany"]
    assert (first.error, first.full, first.pages, first.reviews) == ("", True, 3, 250)
    starts = [entry.query["start"] for entry in platform_server.requests(shop)]
    assert starts == [["0"], ["100"], ["200"]]
    assert len(platform_server.requests(shop, "token")) == 1
    assert len(stored(store, "The Feedback Company")) == 250
    second = sync(store, NOW + timedelta(hours=1))["feedbackcompany"]
    assert (second.error, second.full, second.pages, second.report.reviews_changed) == ("", False, 1, 0)


def test_a_review_edited_on_the_feedback_company_within_the_overlap_is_read_again(platform_server, sqlite_store):
    store = with_shop(sqlite_store)
    shop = feedbackcompany(platform_server, store)
    sync(store)
    edited = platform_server.feedbackcompany[shop].reviews[2]  # 12 hours before the newest: in the overlap
    edited["questions"][0]["value"] = "Aangepast na contact met de klantenservice."
    outcome = sync(store, NOW + timedelta(hours=1))["feedbackcompany"]
    assert (outcome.error, outcome.pages, outcome.report.reviews_changed) == ("", 1, 1)
    assert stored(store, "The Feedback Company")[str(edited["id"])] == "Aangepast na contact met de klantenservice."


def test_kiyoh_429_waits_as_retry_after_says(platform_server, sqlite_store):
    store = with_shop(sqlite_store)
    location = kiyoh(platform_server, store, count=5)
    platform_server.fail(location, Fault(429, {"Retry-After": "11"}))
    sleeps = Sleeps()
    outcome = sync(store, sleeps=sleeps)["kiyoh"]
    assert (outcome.error, sleeps, len(stored(store, "Kiyoh"))) == ("", [11], 5)


def test_a_failing_platform_loses_nothing_and_says_so_while_the_other_goes_on(platform_server, sqlite_store):
    store = with_shop(sqlite_store)
    location, shop = kiyoh(platform_server, store), feedbackcompany(platform_server, store)
    sync(store)
    platform_server.kiyoh[location].reviews[0]["reviewContent"][2]["rating"] = "Zou niet opgeslagen mogen worden."
    platform_server.kiyoh[location].average_12 = 2.1
    platform_server.feedbackcompany[shop].reviews[0]["questions"][0]["value"] = "Wel opgeslagen."
    platform_server.fail(location, *[Fault(500)] * 5)
    outcomes = sync(store, NOW + timedelta(hours=1), full=True)
    assert outcomes["kiyoh"].error == "Kiyoh review feed: HTTP 500 Internal Server Error (tried 5 times)"
    assert outcomes["feedbackcompany"].error == "" and outcomes["feedbackcompany"].pages == 3
    assert stored(store, "Kiyoh")[f"k{location}-000000"] == "Tekst 0."
    assert {p.name: p.score for p in store.shop("wtw-winkel").platforms}["Kiyoh"] == "8.6"
    assert stored(store, "The Feedback Company")[str(platform_server.feedbackcompany[shop].reviews[0]["id"])] == (
        "Wel opgeslagen."
    )
    assert {s.platform: s.last_error for s in store.sources()}["kiyoh"] == outcomes["kiyoh"].error


def test_a_malformed_page_stores_nothing_of_its_source(platform_server, sqlite_store):
    store = with_shop(sqlite_store)
    location, shop = kiyoh(platform_server, store), feedbackcompany(platform_server, store)
    platform_server.fail(location, Fault(200, body=b'{"reviews": [{"reviewId": "x",'))
    # the token, page 1 as it is, then page 2 with its reviews not a list
    platform_server.fail(shop, Fault(0), Fault(0), Fault(200, body=b'{"success": true, "reviews": {"not": "a list"}}'))
    outcomes = sync(store)
    assert outcomes["kiyoh"].error == "Kiyoh review feed: the answer is not JSON"
    assert outcomes["feedbackcompany"].error == (
        "The Feedback Company reviews page 2: the answer is not a page of reviews"
    )
    assert stored(store, "Kiyoh") == {} and stored(store, "The Feedback Company") == {}
    assert store.shop("wtw-winkel").platforms == ()


def test_an_expired_feedback_company_token_is_fetched_again_once(platform_server, sqlite_store):
    store = with_shop(sqlite_store)
    shop = feedbackcompany(platform_server, store)
    platform_server.fail(shop, Fault(0), Fault(0), Fault(401, body=b'{"success": false}'))
    outcome = sync(store)["feedbackcompany"]  # token, page 1, then 401 on page 2: a new token, page 2 again
    assert (outcome.error, outcome.pages, len(stored(store, "The Feedback Company"))) == ("", 3, 250)
    assert len(platform_server.requests(shop, "token")) == 2


def test_refused_kiyoh_and_feedback_company_keys_fail_at_once_and_no_secret_is_said(platform_server, sqlite_store):
    store = with_shop(sqlite_store)
    location = kiyoh(platform_server, store, token="kh-right-token", stored_token="kh-SECRET-wrong-token")
    shop = feedbackcompany(platform_server, store, stored_secret="fs-SECRET-wrong")
    outcomes = sync(store)
    assert {p: o.error for p, o in outcomes.items()} == {
        "kiyoh": "Kiyoh review feed: HTTP 401 Unauthorized",
        "feedbackcompany": "The Feedback Company token: HTTP 401 Unauthorized",
    }
    assert len(platform_server.requests(location)) == 1 and len(platform_server.requests(shop, "token")) == 1
    hidden = ["kh-right-token", "kh-SECRET-wrong-token", "fs-SECRET-wrong"]
    for source in store.db.execute("SELECT secret FROM sources").fetchall():
        hidden += list(json.loads(source[0]).values())
    texts = [o.error for o in outcomes.values()] + [repr(store.sources())]
    texts += [str(row) for row in store.db.execute("SELECT last_error FROM sources").fetchall()]
    assert not [secret for secret in hidden for text in texts if secret in text]


def _source(platform, remote_id, added_at, shop="wtw-winkel"):
    return Source(shop, platform, remote_id, "", added_at)


@pytest.mark.parametrize(
    ("sources", "givers"),
    [
        ([], set()),
        ([_source("google", "L1", "2026-01-01T00:00:00Z")], {("wtw-winkel", "google", "L1")}),
        (  # the first added gives the score, whatever its id
            [_source("google", "A", "2026-02-01T00:00:00Z"), _source("google", "B", "2026-01-01T00:00:00Z")],
            {("wtw-winkel", "google", "B")},
        ),
        (  # added in the same instant: the lowest id
            [
                _source("feedbackcompany", "nl", "2026-01-01T00:00:00Z"),
                _source("feedbackcompany", "de", "2026-01-01T00:00:00Z"),
            ],
            {("wtw-winkel", "feedbackcompany", "de")},
        ),
        (  # one per shop and platform
            [
                _source("google", "A", "2026-02-01T00:00:00Z"),
                _source("trustpilot", "U", "2026-03-01T00:00:00Z"),
                _source("google", "A", "2026-01-01T00:00:00Z", shop="other"),
                _source("google", "C", "2026-01-05T00:00:00Z", shop="other"),
            ],
            {("wtw-winkel", "google", "A"), ("wtw-winkel", "trustpilot", "U"), ("other", "google", "A")},
        ),
    ],
)
def test_the_source_added_first_gives_a_platforms_score(sources, givers):
    assert score_givers(sources) == givers


def test_two_google_locations_keep_the_first_ones_score_on_every_sync(platform_server, store):
    """A chain's two Google locations: both locations' reviews are stored, and the shop's Google
    score stays the one of the location added first however the syncs fall (it used to be the
    last-synced location's, which here is the other one: sources sync in id order)."""
    with_shop(store)
    first = google(platform_server, store, 30, "accounts/a1/locations/l1", 4.4, "2026-11-01T00:00:00Z")
    second = google(platform_server, store, 12, "accounts/b2/locations/l2", 3.1, "2026-11-02T00:00:00Z")
    for hours in (0, 1):
        outcomes = Sync(store, fetcher(), NOW + timedelta(hours=hours), LOCALES).run()
        assert [(o.remote_id, o.error, o.gives_score) for o in outcomes] == [(first, "", True), (second, "", False)]
        google_scores = [(p.score, p.review_count) for p in store.shop("wtw-winkel").platforms if p.name == "Google"]
        assert google_scores == [("4.4", 30)]
    assert len(stored(store, "Google")) == 42  # 30 + 12: the second location's reviews are shown


def test_a_review_written_between_two_pages_is_stored_once_and_the_sync_goes_on(platform_server, sqlite_store):
    """Trustpilot pages by number: a review written after page 1 was sent pushes page 1's last
    review onto page 2. It is stored once (it used to be refused as a duplicate id, failing the
    sync's exit code and so the cron's build), and the new review comes with the next sync."""
    store = with_shop(sqlite_store)
    unit = trustpilot(platform_server, store, count=150)
    served = platform_server.trustpilot[unit]
    newer = trustpilot_reviews(f"tp{unit}-new-", 1, NOW - timedelta(minutes=5), SIX_HOURS)

    def write_one_after_page_one(page):
        if page == 1:
            served.reviews.insert(0, newer[0])

    served.after_page = write_one_after_page_one
    outcome = Sync(store, fetcher(), NOW, LOCALES).run()[0]
    assert (outcome.error, outcome.pages, outcome.reviews, outcome.report.rejected) == ("", 2, 150, 0)
    assert len(stored(store, "Trustpilot")) == 150 and store.sources()[0].last_error == ""
    served.after_page = None
    Sync(store, fetcher(), NOW + timedelta(hours=1), LOCALES).run()
    assert len(stored(store, "Trustpilot")) == 151


def test_paging_that_does_not_advance_stops_the_read_and_stores_nothing(platform_server, sqlite_store):
    """A Feedback Company answer that ignores `start` and gives no total sends its first page
    again and again: the read stops at the second page (it used to ask for ever), stores
    nothing, says why, and the shop's other sources go on."""
    store = with_shop(sqlite_store)
    account = feedbackcompany(platform_server, store, count=250)
    platform_server.feedbackcompany[account].stuck = True
    unit = trustpilot(platform_server, store, count=10)
    outcomes = {o.platform: o for o in Sync(store, fetcher(), NOW, LOCALES).run()}
    stuck = outcomes["feedbackcompany"]
    assert stuck.error == (
        "The Feedback Company page 2 holds only reviews of earlier pages: its paging did not advance; "
        "the read was stopped"
    )
    assert len(platform_server.requests(account)) == 2
    assert stored(store, "The Feedback Company") == {}
    assert outcomes["trustpilot"].error == "" and len(stored(store, "Trustpilot")) == 10
    assert len(platform_server.requests(unit)) == 1


def test_a_source_past_the_page_limit_stops_with_an_error(platform_server, sqlite_store, monkeypatch):
    monkeypatch.setattr("widget_server.sources.sync.MAX_PAGES", 2)
    store = with_shop(sqlite_store)
    trustpilot(platform_server, store, count=250)  # three pages
    outcome = Sync(store, fetcher(), NOW, LOCALES).run()[0]
    assert outcome.error == "Trustpilot sent more than 2 pages; the read was stopped"
    assert stored(store, "Trustpilot") == {}


def test_an_empty_trustpilot_page_ends_the_read_whatever_its_links_say(platform_server, sqlite_store):
    store = with_shop(sqlite_store)
    unit = trustpilot(platform_server, store, count=100)  # one full page
    platform_server.trustpilot[unit].always_next = True  # and a next-page link on every page
    outcome = Sync(store, fetcher(), NOW, LOCALES).run()[0]
    assert (outcome.error, outcome.pages, outcome.reviews) == ("", 2, 100)
    assert len(platform_server.requests(unit)) == 2


def test_a_source_added_again_while_it_is_read_stores_nothing_of_that_read(platform_server, store, tmp_path):
    """`source add` with a new key while a sync reads the source releases the claim: the sync's
    record of itself found no row and was lost while its reviews were stored. Now the read is
    not stored (the source's next sync reads every page, as a source added again does)."""
    with_shop(store)
    unit = trustpilot(platform_server, store, count=150)

    def add_again(page):
        if page == 1:
            other = open_store(tmp_path / "data")
            try:
                other.add_source("wtw-winkel", "trustpilot", unit, platform_server.base, '{"apikey": "k2"}', "y")
            finally:
                other.close()

    platform_server.trustpilot[unit].after_page = add_again
    outcome = Sync(store, fetcher(), NOW, LOCALES).run()[0]
    assert outcome.error == (
        "the source was added again, removed or taken over by another sync while it was read; "
        "nothing of this read was stored"
    )
    assert stored(store, "Trustpilot") == {}
    (source,) = store.sources()
    assert (source.claimed_by, source.synced_at, source.newest) == (None, None, None)


def test_a_source_is_claimed_at_the_time_it_is_not_when_the_run_began(platform_server, sqlite_store, monkeypatch):
    store = with_shop(sqlite_store)
    trustpilot(platform_server, store, count=10)
    run = Sync(store, fetcher(), NOW, LOCALES)
    run._started -= 3 * 3600  # noqa: SLF001 - the run began three hours before it reaches this source
    claims = []
    real_claim = store.claim_source
    monkeypatch.setattr(store, "claim_source", lambda *a: claims.append(a[4:]) or real_claim(*a))
    assert run.run()[0].error == ""
    ((claimed, stale_before),) = claims
    later = NOW + timedelta(hours=3)
    assert later <= parse_timestamp(claimed) < later + timedelta(minutes=1)
    assert parse_timestamp(stale_before) == parse_timestamp(claimed) - timedelta(hours=2)


def test_a_store_busy_with_another_writer_fails_that_source_alone(platform_server, tmp_path, monkeypatch):
    # Another writer takes the store while the first source (by platform: google) is read and
    # lets it go as the second one begins: the first source's import and its failure's record
    # both wait out the store's wait and fail; the second source is read and stored all the same.
    monkeypatch.delenv("TRUSTWIDGETS_STORE", raising=False)
    monkeypatch.setattr("widget_server.store.sqlite.BUSY_SECONDS", 0.3)
    store = with_shop(open_store(tmp_path / "data"))
    try:
        location = google(platform_server, store, count=5)
        unit = trustpilot(platform_server, store, count=5)
        other = sqlite3.connect(tmp_path / "data" / "store.sqlite3", isolation_level=None)

        def progress(line: str) -> None:
            if line.startswith("wtw-winkel Google") and not other.in_transaction:
                other.execute("BEGIN IMMEDIATE")

        class LetGo(Sync):
            def clock(self):  # asked once as each source begins: the second one finds the store free
                if other.in_transaction:
                    other.execute("ROLLBACK")
                return super().clock()

        outcomes = LetGo(store, fetcher(), NOW, LOCALES, progress=progress).run()
        other.close()
        failed, synced = outcomes
        assert (failed.platform, synced.platform) == ("google", "trustpilot")
        assert failed.error.startswith("the store at ") and " is busy: " in failed.error
        assert failed.error.endswith("so the source stays claimed for 2 hours")
        assert synced.error == "" and len(stored(store, "Trustpilot")) == 5 and stored(store, "Google") == {}
        after = {s.remote_id: s for s in store.sources()}
        assert after[unit].claimed_by is None and after[unit].synced_at is not None
        assert after[location].claimed_by is not None and after[location].synced_at is None
    finally:
        store.close()


def test_a_rejected_review_names_the_source_where_the_shop_has_several_on_its_platform(platform_server, sqlite_store):
    store = with_shop(sqlite_store)
    first = trustpilot(platform_server, store, count=3)
    second = trustpilot(platform_server, store, count=3)
    platform_server.trustpilot[second].reviews[1]["stars"] = 9
    rejected = []
    Sync(store, fetcher(), NOW, LOCALES, on_reject=rejected.append).run()
    assert [str(r).split(": review")[0] for r in rejected] == [f"wtw-winkel/trustpilot ({second}):3"]
    assert first != second
