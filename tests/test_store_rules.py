"""Property: what the store counts and shows is what the pure rules say, on random data."""

import random
import tempfile
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import SHOP
from widget_server.core.i18n import available_locales
from widget_server.core.options import ReviewFilter
from widget_server.core.rules import is_counted, is_shown, score_window
from widget_server.core.snapshot import PAGE_SIZE
from widget_server.sources.importer import import_document
from widget_server.store.open import open_store

AS_OF = date(2026, 2, 28)  # a window that starts on a clamped month end: 2025-02-28
WINDOW = score_window(AS_OF)

REVIEW = st.fixed_dictionaries(
    {
        "rating": st.integers(1, 5),
        "verification": st.sampled_from(["verified", "imported"]),
        "status": st.sampled_from(["published", "flagged", "removed"]),
        # around both window edges and past as_of
        "day": st.integers(-380, 3),
        "second": st.sampled_from([0, 0, 1, 43200, 86399]),  # ties in one second are common
        "micro": st.sampled_from([0, 0, 1, 500000]),
        "language": st.sampled_from(["nl", "en", "en-GB", "de"]),
    }
)


def given_at(raw):
    moment = datetime.combine(AS_OF + timedelta(days=raw["day"]), datetime.min.time(), UTC)
    return moment + timedelta(seconds=raw["second"], microseconds=raw["micro"])


def as_import(n, raw):
    moment = given_at(raw)
    return {
        "id": f"r{n}",
        "shop": SHOP["id"],
        "rating": raw["rating"],
        "author": "A",
        "email": "a@example.nl" if raw["verification"] == "verified" else None,
        "language": raw["language"],
        "created_at": moment.isoformat(),
        "verification": raw["verification"],
        "status": raw["status"],
    }


def rounded(fraction):
    """Half away from zero to two decimals, in Fractions: independent of rules.mean_score."""
    hundredths = fraction * 100
    whole = int(hundredths)
    if hundredths - whole >= Fraction(1, 2):
        whole += 1
    return whole / 100


# Both ways the store reads a shop: whole (small shops) and by groups and keyset pages (large).
WAYS = {"whole": 1000, "paged": 0}


@pytest.mark.slow
@pytest.mark.parametrize("way", sorted(WAYS))
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(
    raws=st.lists(REVIEW, max_size=130),
    stars=st.sets(st.integers(1, 5)),
    lang=st.sets(st.sampled_from(["nl", "en", "en-gb", "de", "fr"])),
)
def test_store_counts_and_order_follow_the_pure_rules(backend, monkeypatch, way, raws, stars, lang):
    monkeypatch.setattr("widget_server.store.base.WHOLE_SHOP", WAYS[way])
    check(raws, stars, lang)


@pytest.mark.parametrize("way", sorted(WAYS))
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_many_pages_with_ties_follow_the_pure_rules(backend, monkeypatch, way, seed):
    """Hypothesis favours short lists; this one has several pages and many equal timestamps."""
    rng = random.Random(seed)
    raws = [
        {
            "rating": rng.randint(1, 5),
            "verification": rng.choice(["verified", "imported"]),
            "status": rng.choice(["published", "published", "flagged", "removed"]),
            "day": rng.randint(-380, 3),
            "second": rng.choice([0, 1, 43200]),
            "micro": rng.choice([0, 1]),
            "language": rng.choice(["nl", "en", "en-GB", "de"]),
        }
        for _ in range(700)
    ]
    monkeypatch.setattr("widget_server.store.base.WHOLE_SHOP", WAYS[way])
    check(raws, set(), set())
    check(raws, {4, 5}, {"en"})


def check(raws, stars, lang):
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(Path(folder))
        with store.transaction() as db:  # a PostgreSQL database outlives one example: start empty
            for table in ("reviews", "review_audit", "products", "push_tokens", "shops"):
                db.execute(f"DELETE FROM {table}")
        rejected = []
        document = {
            "shops": [SHOP],
            "reviews": [{k: v for k, v in as_import(n, r).items() if v is not None} for n, r in enumerate(raws)],
        }
        import_document(store, document, available_locales=available_locales(), on_reject=rejected.append)
        assert rejected == []
        snapshot = store.snapshot(SHOP["id"], AS_OF)
        rows = [(f"r{n}", raw, given_at(raw)) for n, raw in enumerate(raws)]

        counted = [raw for _, raw, at in rows if is_counted(raw["verification"], raw["status"], at.date(), WINDOW)]
        distribution = {str(r): sum(1 for raw in counted if raw["rating"] == r) for r in range(1, 6)}
        assert snapshot.summary["distribution"] == distribution
        assert snapshot.summary["review_count"] == len(counted)
        expected_score = rounded(Fraction(sum(raw["rating"] for raw in counted), len(counted))) if counted else None
        assert snapshot.summary["score"] == expected_score
        imported = [
            raw
            for _, raw, at in rows
            if raw["verification"] == "imported" and is_shown(raw["status"], at.date(), AS_OF) and at.date() in WINDOW
        ]
        assert snapshot.summary["imported_count"] == len(imported)

        wanted = ReviewFilter(tuple(sorted(stars)), tuple(sorted(lang)))
        shown = [
            (at, rid)
            for rid, raw, at in rows
            if is_shown(raw["status"], at.date(), AS_OF)
            and (not stars or raw["rating"] in stars)
            and (
                not lang
                or any(raw["language"].lower() in (t,) or raw["language"].lower().startswith(t + "-") for t in lang)
            )
        ]
        order = [rid for at, rid in sorted(shown, key=lambda pair: (-pair[0].timestamp(), pair[1]))]
        assert snapshot.total(wanted) == len(order)
        assert [r.id for r in snapshot.newest(wanted, 50)] == order[:50]
        paged = [r.id for n in range(1, snapshot.pages(wanted) + 1) for r in snapshot.page(wanted, n)]
        assert paged == order
        assert snapshot.page(wanted, snapshot.pages(wanted) + 1) is None
        assert all(len(snapshot.page(wanted, n)) == PAGE_SIZE for n in range(1, snapshot.pages(wanted)))
        store.close()
