"""The store's sources table (store/base.py): add, list, remove, claim and record, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import asdict

from tests.factories import SHOP
from widget_server.sources.importer import import_document

SECRET = "tp-key-7f3a9c1e5b"
LOCALES = ("en", "nl")


def add(store, platform="trustpilot", remote_id="unit-1", base_url="", secret=SECRET, at="2026-12-01T10:00:00Z"):
    return store.add_source("wtw-winkel", platform, remote_id, base_url, secret, at)


def test_a_source_is_added_listed_without_its_secret_and_removed(store):
    assert add(store) is True
    assert add(store, "google", "accounts/1/locations/2", "http://127.0.0.1:9/") is True
    listed = store.sources()
    assert [(s.shop, s.platform, s.remote_id, s.base_url) for s in listed] == [
        ("wtw-winkel", "google", "accounts/1/locations/2", "http://127.0.0.1:9/"),
        ("wtw-winkel", "trustpilot", "unit-1", ""),
    ]
    assert all(s.secret == "" for s in listed)
    assert SECRET not in repr(listed) and SECRET not in str(asdict(listed[1]))
    assert store.sources("other") == []
    assert store.remove_source("wtw-winkel", "google", "accounts/1/locations/9") is False  # another location
    assert store.remove_source("wtw-winkel", "google", "accounts/1/locations/2") is True
    assert store.remove_source("wtw-winkel", "google", "accounts/1/locations/2") is False
    assert [s.platform for s in store.sources("wtw-winkel")] == ["trustpilot"]


def test_adding_a_source_again_replaces_it_and_forgets_its_sync_state(store):
    add(store)
    claimed = store.claim_source(
        "wtw-winkel", "trustpilot", "unit-1", "me", "2026-12-01T11:00:00Z", "2026-12-01T10:00:00Z"
    )
    with store.transaction(counts=False):
        store.record_sync(
            "wtw-winkel", "trustpilot", "unit-1", "me", error="", synced_at="2026-12-01T11:01:00Z",
            full_at="2026-12-01T11:01:00Z", newest="2026-11-30T09:00:00Z", reviews_read=40,
        )  # fmt: skip
    assert claimed is not None
    assert add(store, secret="other-key", at="2026-12-02T08:00:00Z") is False  # the same shop, platform and id
    (source,) = store.sources()
    assert (source.remote_id, source.synced_at, source.newest, source.reviews_read) == ("unit-1", None, None, 0)
    assert source.added_at == "2026-12-01T10:00:00Z"  # first added: a new key keeps whose score is shown
    again = store.claim_source(
        "wtw-winkel", "trustpilot", "unit-1", "me", "2026-12-01T12:00:00Z", "2026-12-01T11:00:00Z"
    )
    assert again is not None and again.secret == "other-key"


def test_two_sources_on_one_platform_are_kept_claimed_and_recorded_apart(store):
    """A Feedback Company account per language: one shop, one platform, two ids."""
    assert add(store, "feedbackcompany", "nl", secret="nl-id:nl-secret") is True
    assert add(store, "feedbackcompany", "de", secret="de-id:de-secret") is True
    assert [(s.platform, s.remote_id) for s in store.sources()] == [
        ("feedbackcompany", "de"),
        ("feedbackcompany", "nl"),
    ]
    nl = store.claim_source("wtw-winkel", "feedbackcompany", "nl", "a", "2026-12-01T11:00:00Z", "2026-12-01T10:00:00Z")
    assert nl is not None and nl.secret == "nl-id:nl-secret"
    de = store.claim_source("wtw-winkel", "feedbackcompany", "de", "b", "2026-12-01T11:00:00Z", "2026-12-01T10:00:00Z")
    assert de is not None and de.secret == "de-id:de-secret"  # the nl claim does not hold the de source
    with store.transaction(counts=False):
        store.record_sync("wtw-winkel", "feedbackcompany", "nl", "a", error="", synced_at="S1", reviews_read=7)
        store.record_sync("wtw-winkel", "feedbackcompany", "de", "b", error="HTTP 401", reviews_read=None)
    got = {s.remote_id: (s.synced_at, s.reviews_read, s.last_error, s.claimed_by) for s in store.sources()}
    assert got == {"nl": ("S1", 7, "", None), "de": (None, 0, "HTTP 401", None)}
    assert store.remove_source("wtw-winkel", "feedbackcompany", "de") is True
    assert [s.remote_id for s in store.sources()] == ["nl"]


def test_a_claim_carries_the_secret_and_a_second_claim_waits_until_released_or_stale(store):
    add(store)
    first = store.claim_source(
        "wtw-winkel", "trustpilot", "unit-1", "sync-a", "2026-12-01T11:00:00Z", "2026-12-01T10:00:00Z"
    )
    assert first is not None and first.secret == SECRET and first.claimed_by == "sync-a"
    assert SECRET not in repr(first)
    assert (
        store.claim_source(
            "wtw-winkel", "trustpilot", "unit-1", "sync-b", "2026-12-01T11:00:05Z", "2026-12-01T10:00:05Z"
        )
        is None
    )
    # sync-b's record must not release sync-a's claim
    store.record_sync("wtw-winkel", "trustpilot", "unit-1", "sync-b", error="x")
    assert store.sources()[0].claimed_by == "sync-a" and store.sources()[0].last_error == ""
    # a claim older than stale_before is taken over (a sync that died)
    late = store.claim_source(
        "wtw-winkel", "trustpilot", "unit-1", "sync-c", "2026-12-01T13:00:00Z", "2026-12-01T12:00:00Z"
    )
    assert late is not None and late.claimed_by == "sync-c"
    store.record_sync(
        "wtw-winkel", "trustpilot", "unit-1", "sync-c", error="Trustpilot answered 401", reviews_read=None
    )
    (source,) = store.sources()
    assert (source.claimed_by, source.last_error, source.synced_at) == (None, "Trustpilot answered 401", None)
    assert store.claim_source(
        "wtw-winkel", "trustpilot", "unit-1", "sync-d", "2026-12-01T13:00:01Z", "2026-12-01T12:00:01Z"
    )
    assert (
        store.claim_source("wtw-winkel", "nope", "unit-1", "sync-e", "2026-12-01T13:00:01Z", "2026-12-01T12:00:01Z")
        is None
    )


def test_a_recorded_sync_keeps_what_it_does_not_name(store):
    add(store)
    store.claim_source("wtw-winkel", "trustpilot", "unit-1", "a", "2026-12-01T11:00:00Z", "2026-12-01T10:00:00Z")
    store.record_sync(
        "wtw-winkel", "trustpilot", "unit-1", "a", error="", synced_at="S1", full_at="F1", newest="N1", reviews_read=10
    )
    store.claim_source("wtw-winkel", "trustpilot", "unit-1", "b", "2026-12-01T12:00:00Z", "2026-12-01T11:00:00Z")
    store.record_sync("wtw-winkel", "trustpilot", "unit-1", "b", error="", synced_at="S2", newest="N2", reviews_read=3)
    (source,) = store.sources()
    assert (source.synced_at, source.full_at, source.newest, source.reviews_read) == ("S2", "F1", "N2", 3)


def test_removing_a_shop_removes_its_sources_and_their_secrets(store):
    import_document(store, {"shops": [SHOP]}, available_locales=LOCALES)
    add(store)
    store.remove_shops(["wtw-winkel"], "2026-12-01T12:00:00Z")
    assert store.sources() == []
    assert store.db.execute("SELECT count(*) FROM sources").fetchone()[0] == 0
