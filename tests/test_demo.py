from datetime import date

from widget_server.demo import demo_document
from widget_server.sources.importer import import_document

AS_OF = date(2026, 11, 23)


def test_demo_is_reproducible_and_varied():
    document = demo_document(AS_OF)
    assert document == demo_document(AS_OF)
    reviews = document["reviews"]
    wtw = [r for r in reviews if r["shop"] == "wtw-winkel"]
    assert len(wtw) >= 200
    for field, value in [
        ("verification", "imported"),
        ("status", "flagged"),
        ("status", "removed"),
        ("language", "en"),
    ]:
        assert any(r[field] == value for r in wtw), (field, value)
    assert any("reply" in r for r in wtw)
    days = sorted(r["created_at"][:10] for r in wtw)
    assert days[0] < "2025-07-01" and days[-1] > "2026-10-01"  # spread over ~18 months
    assert all(r["email"].split("@")[1].startswith("example.") for r in reviews)


def test_every_demo_row_passes_the_rules(store):
    rejected = []
    import_document(store, demo_document(AS_OF), available_locales=("en", "nl"), on_reject=rejected.append)
    assert rejected == []
    assert [s.id for s, _ in store.shops()] == ["greenvent", "wtw-winkel"]
