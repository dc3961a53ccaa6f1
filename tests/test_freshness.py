import json
from datetime import date, timedelta

import pytest

from tests.widgets import AS_OF, DATA, fixture_store
from widget_server.core.catalogue import shop_documents
from widget_server.core.documents import render_document, resolve
from widget_server.core.freshness import day_key, kept_until, last_change, made_each_day, next_change, window_exit
from widget_server.core.options import Options


@pytest.mark.parametrize(
    ("given_on", "leaves"),
    [
        (date(2025, 11, 23), date(2026, 11, 24)),  # in the window of 2026-11-23, not of the 24th
        (date(2025, 10, 1), date(2026, 10, 2)),
        (date(2025, 12, 31), date(2027, 1, 1)),  # the turn of a year
        (date(2025, 2, 28), date(2026, 3, 1)),
        (date(2023, 2, 28), date(2024, 3, 1)),  # 2024-02-29's window still starts on 2023-02-28
        (date(2024, 2, 29), date(2025, 3, 1)),  # 2025-02-28's window starts on 2024-02-28
        (date(2025, 3, 31), date(2026, 4, 1)),
        (date(2025, 1, 31), date(2026, 2, 1)),
    ],
)
def test_window_exit(given_on, leaves):
    assert window_exit(given_on) == leaves


@pytest.mark.parametrize(
    ("oldest_in_window", "next_given", "change"),
    [
        (date(2025, 12, 5), None, date(2026, 12, 6)),  # the oldest review leaves the window
        (None, date(2026, 12, 1), date(2026, 12, 1)),  # a review dated ahead comes in on its day
        (date(2025, 12, 5), date(2026, 12, 1), date(2026, 12, 1)),  # whichever comes first
        (date(2025, 11, 24), date(2026, 12, 1), date(2026, 11, 25)),
        (date(2025, 11, 23), None, date(2026, 11, 24)),  # the window's first day: leaves tomorrow
        (date(2026, 11, 23), None, date(2027, 11, 24)),  # given today
        (None, None, None),  # no review in the window and none ahead: time alone changes nothing
    ],
)
def test_next_change(oldest_in_window, next_given, change):
    assert next_change(AS_OF, oldest_in_window, next_given) == change


@pytest.mark.parametrize(
    ("newest_given", "newest_before_window", "made_for"),
    [
        (date(2026, 11, 20), None, date(2026, 11, 20)),  # the newest review came in
        (date(2026, 11, 23), None, AS_OF),  # given today
        (date(2026, 11, 20), date(2025, 11, 21), date(2026, 11, 22)),  # a review left the window later
        (date(2026, 11, 20), date(2025, 11, 22), AS_OF),  # ... today
        (date(2026, 11, 20), date(2025, 11, 18), date(2026, 11, 20)),  # ... before the newest came
        (None, None, AS_OF),  # no review at all: made for the day asked
        (None, date(2024, 5, 1), date(2025, 5, 2)),  # every review left the window
    ],
)
def test_last_change(newest_given, newest_before_window, made_for):
    assert last_change(AS_OF, newest_given, newest_before_window) == made_for


@pytest.mark.parametrize(
    ("newest_given", "newest_before_window", "each_day"),
    [
        (None, None, True),  # no review given yet: made for the day asked, every day
        (date(2026, 11, 23), None, False),  # given today: the documents are made for today until the next change
        (date(2026, 11, 20), date(2025, 11, 1), False),
        (None, date(2024, 5, 1), False),  # made for the day the last review left the window
    ],
)
def test_made_each_day(newest_given, newest_before_window, each_day):
    assert made_each_day(newest_given, newest_before_window) is each_day
    assert (last_change(AS_OF, newest_given, newest_before_window) == AS_OF) >= each_day


@pytest.mark.parametrize(
    ("change", "each_day", "kept"),
    [
        (None, False, None),  # time alone changes nothing
        (date(2026, 12, 1), False, date(2026, 12, 1)),
        (None, True, date(2026, 11, 24)),  # made for each day: the next day differs
        (date(2026, 12, 1), True, date(2026, 11, 24)),  # a review given ahead comes later
    ],
)
def test_kept_until(change, each_day, kept):
    assert kept_until(AS_OF, change, each_day) == kept


def test_the_last_change_is_never_after_as_of():
    with pytest.raises(ValueError, match=r"^the facts must be those of as_of$"):
        last_change(AS_OF, date(2026, 11, 24), None)


def test_a_review_given_ahead_is_after_as_of():
    with pytest.raises(ValueError, match=r"^next_given must come after as_of$"):
        next_change(AS_OF, None, AS_OF)


@pytest.mark.parametrize(
    ("states_day", "change", "key"),
    [
        (False, date(2026, 12, 6), "until 2026-12-06"),
        (False, None, "never"),
        (True, date(2026, 12, 6), "2026-11-23"),
        (True, None, "2026-11-23"),
    ],
)
def test_day_key(states_day, change, key):
    assert day_key(states_day, AS_OF, change) == key


def documents(store, day):
    """Every document of the shop as of `day`, by path (the build's list)."""
    snapshot = store.snapshot("wtw-winkel", day)
    found = {}
    for ref in shop_documents(snapshot):
        found[ref.path, ref.kind.states_day] = render_document(snapshot, ref, resolve(snapshot.shop, ref, Options()))
    return snapshot, found


def without_day(found):
    return {path: body for (path, states_day), body in found.items() if not states_day}


@pytest.fixture
def dated_store(tmp_path):
    """The widget fixture without its review dated ahead, its oldest in the window counted: the
    window alone changes it, and the widgets' score with it."""
    document = json.loads((DATA / "widgets.json").read_text())
    document["reviews"] = [r for r in document["reviews"] if r["created_at"] < "2026-11-24"]
    for review in document["reviews"]:
        if review["id"] == "r-3":
            review.update(verification="verified", email="kees@example.nl")
    store = fixture_store(tmp_path / "store", document)
    yield store
    store.close()


def test_documents_stay_the_same_until_the_next_change_and_no_longer(dated_store):
    snapshot, first = documents(dated_store, AS_OF)
    assert snapshot.next_change == date(2027, 10, 2)  # the review of 2026-10-01 leaves the window
    for day in (AS_OF + timedelta(days=1), date(2026, 12, 23), date(2027, 6, 1), date(2027, 10, 1)):
        later, found = documents(dated_store, day)
        assert (later.as_of, later.next_change, later.read_for) == (snapshot.as_of, snapshot.next_change, day)
        assert found == first, day
    _, changed = documents(dated_store, date(2027, 10, 2))
    assert without_day(changed) != without_day(first)


def test_documents_change_on_the_day_a_review_given_ahead_comes_in(tmp_path):
    store = fixture_store(tmp_path / "store")
    snapshot, first = documents(store, AS_OF)
    assert (snapshot.next_given, snapshot.next_change) == (date(2026, 11, 24), date(2026, 11, 24))
    _, next_day = documents(store, date(2026, 11, 24))
    assert without_day(next_day) != without_day(first)
    store.close()


def test_every_document_is_made_for_the_last_change(dated_store):
    snapshot, found = documents(dated_store, date(2027, 6, 1))
    assert snapshot.as_of == AS_OF  # the newest review (r-2, flagged) was given on 2026-11-23
    assert b'"as_of":"2026-11-23"' in found["/v1/wtw-winkel/summary.json", True]


def test_a_review_leaving_the_window_changes_no_list_of_reviews(dated_store):
    _, first = documents(dated_store, AS_OF)
    _, changed = documents(dated_store, date(2027, 10, 2))  # r-3 leaves the window
    differ = {path.rsplit("/", 1)[1] for (path, _), body in changed.items() if first[path, _] != body}
    assert "summary.json" in differ and "method.html" in differ and "badge.html" in differ
    assert not [name for name in differ if name.startswith("reviews")]
