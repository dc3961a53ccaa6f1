"""The window's length is one value, rules.WINDOW_MONTHS: every sentence and query follows it.

The tests set it to another length and render every document of the demo shops in every locale
(the catalogue lists them), then look for the month phrases: where the real window says
"12 maanden", "last 12 months" or "letzten 12 Monate", a six-month window says 6, a one-month
window says "1 maand", "1 month", "1 Monat", and nothing says 12 or twelve any more.
"""

import re
from datetime import date, timedelta

import pytest

from static_build.program import main
from widget_server.core import rules
from widget_server.core.catalogue import shop_documents, site_documents
from widget_server.core.dates import add_months
from widget_server.core.documents import render_document, resolve, site_document
from widget_server.core.i18n import available_locales
from widget_server.core.loader import loader
from widget_server.core.options import Options
from widget_server.demo import demo_document
from widget_server.sources.importer import import_document

AS_OF = date(2026, 11, 23)
REAL = rules.WINDOW_MONTHS
SINGULAR = r"(?:maand|month|Monats|Monat)\b"
PLURAL = r"(?:maanden|months|Monaten|Monate)\b"
TWELVE = re.compile(rf"(?:\b12|twelve|twaalf|zwölf)[\s-]+(?:{SINGULAR}|{PLURAL}|mnd\b)", re.IGNORECASE)
NO_SCORE = 'class="grade none'  # a head that says there is no score yet
ANY_TWELVE = re.compile(r"twelve|twaalf|zwölf|\b12[\s-]*(?:maand|month|monat|mnd)", re.IGNORECASE)


def phrase(months):
    """The month phrase of a window of `months`, in the grammatical number that length takes."""
    return re.compile(rf"\b{months}[\s-]+{SINGULAR if months == 1 else PLURAL}")


def wrong_number(months):
    """The month phrase with the other grammatical number: "1 months", "6 maand"."""
    return re.compile(rf"\b{months}[\s-]+{PLURAL if months == 1 else SINGULAR}")


def documents(store):
    """Every document of every demo shop (its products, variants and every locale) and of the site."""
    found = {}
    for shop, _version in store.shops():
        snapshot = store.snapshot(shop.id, AS_OF)
        for ref in shop_documents(snapshot):
            body = render_document(snapshot, ref, resolve(snapshot.shop, ref, Options()))
            if body is not None:
                found[ref.path] = body.decode()
    for ref in site_documents(loader().digest):
        body = site_document(ref)
        assert body is not None
        found[ref.path] = body.decode()
    return found


@pytest.fixture
def demo(sqlite_store):
    document = demo_document(AS_OF)
    for shop in document["shops"]:
        shop["locales"] = list(available_locales())
    rejected = []
    import_document(sqlite_store, document, available_locales=available_locales(), on_reject=rejected.append)
    assert rejected == []
    return sqlite_store


def test_the_window_is_twelve_months_today(demo):
    # What the other lengths are compared with: the real window names its length somewhere in
    # every locale, in the widgets and on the method page.
    said = {path for path, text in documents(demo).items() if TWELVE.search(text)}
    assert REAL == 12
    for locale in available_locales():
        for name in ("badge.html", "method.html"):
            assert f"/v1/wtw-winkel/{locale}/{name}" in said


@pytest.mark.parametrize("months", [6, 1])
def test_every_document_says_the_window_it_counts(demo, monkeypatch, months):
    before = documents(demo)
    monkeypatch.setattr(rules, "WINDOW_MONTHS", months)
    after = documents(demo)
    assert after.keys() == before.keys()
    for path, text in after.items():
        left = ANY_TWELVE.findall(text)
        assert not left, (path, left)
        # Where the real window named its length, this one names its own, as often (besides
        # what said it before: "6 maanden geleden" of a review's date), unless the shorter
        # window holds no counted review of it: a head with no score names no window.
        said, was = phrase(months), len(phrase(months).findall(before[path]))
        emptied = NO_SCORE in text and NO_SCORE not in before[path]
        assert len(said.findall(text)) == was + (0 if emptied else len(TWELVE.findall(before[path]))), path
        wrong = wrong_number(months)
        assert len(wrong.findall(text)) == len(wrong.findall(before[path])), (path, wrong.findall(text))


@pytest.mark.parametrize("months", [6, 1])
def test_the_store_counts_the_window_of_that_length(demo, monkeypatch, months):
    monkeypatch.setattr(rules, "WINDOW_MONTHS", months)
    start = add_months(AS_OF, -months)
    document = demo_document(AS_OF)
    for shop, _version in demo.shops():
        # made for the last day time changed the shop (freshness.last_change): its window holds
        # the very reviews AS_OF's does, which the count below checks
        snapshot = demo.snapshot(shop.id, AS_OF)
        made_for, summary = snapshot.as_of, snapshot.summary
        assert AS_OF - made_for < timedelta(days=7)
        assert summary["window"] == {"from": add_months(made_for, -months).isoformat(), "to": made_for.isoformat()}
        assert summary["months"][0]["from"] == add_months(made_for, -months).isoformat()
        counted = [
            r
            for r in document["reviews"]
            if r["shop"] == shop.id
            and "product" not in r
            and r["verification"] == "verified"
            and r["status"] != "removed"
            and start.isoformat() <= r["created_at"][:10] <= AS_OF.isoformat()
        ]
        assert summary["review_count"] == len(counted) > 0


def test_the_cli_help_says_the_window(monkeypatch, capsys):
    monkeypatch.setattr(rules, "WINDOW_MONTHS", 6)
    with pytest.raises(SystemExit):
        main(["summary", "--help"])
    help_text = capsys.readouterr().out
    assert "6-month window" in help_text and not ANY_TWELVE.search(help_text)
