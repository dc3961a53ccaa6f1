"""A review's age, written by the widgets' script in Chromium from the visitor's date in UTC.

The documents say the day (`20 nov 2026`), which stays true however long a static file is
served; the script turns it into "3 dagen geleden" by `formatting.elapsed`'s rule, with the
phrases the document carries. The clock is Playwright's, fixed; the browser's time zone is one
where the local date is not the UTC date, so a script that read local dates would fail.
"""

import functools
import html
import threading
from datetime import date, datetime, timedelta
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.widgets import AS_OF, fixture_store, render
from widget_server.core.catalogue import WIDGET_SCRIPT_KIND, DocumentRef
from widget_server.core.csp import DOCUMENT_CSP, WIDGET_SCRIPT_DIGEST
from widget_server.core.documents import site_document
from widget_server.core.formatting import ago_patterns, elapsed
from widget_server.core.i18n import locales_dir
from widget_server.core.paths import WIDGET_SCRIPT_PATH
from widget_server.core.views import ago_phrases

pytestmark = pytest.mark.browser

# The rule's table, as the service wrote it before the script did (as of 2026-11-23).
CASES = [
    (date(2026, 11, 20), "nl", "3 dagen geleden"),
    (date(2026, 11, 20), "en", "3 days ago"),
    (date(2026, 11, 20), "de", "vor 3 Tagen"),
    (date(2026, 11, 22), "nl", "1 dag geleden"),
    (date(2026, 11, 22), "de", "vor 1 Tag"),
    (date(2026, 10, 1), "en", "1 month ago"),  # 53 days: one completed month, never "2 months"
    (date(2026, 11, 23), "nl", "vandaag"),
    (date(2026, 11, 23), "de", "heute"),
    (date(2026, 11, 24), "en", "today"),  # a day still to come where the visitor is
    (date(2026, 11, 17), "nl", "6 dagen geleden"),
    (date(2026, 11, 16), "nl", "1 week geleden"),  # 7 days
    (date(2026, 11, 16), "de", "vor 1 Woche"),
    (date(2026, 11, 11), "nl", "1 week geleden"),  # 12 days: one completed week, never "2 weken"
    (date(2026, 10, 24), "en", "4 weeks ago"),  # 30 days, a calendar month not yet complete
    (date(2026, 10, 24), "de", "vor 4 Wochen"),
    (date(2026, 10, 23), "en", "1 month ago"),  # the calendar month is complete
    (date(2026, 10, 9), "nl", "1 maand geleden"),  # 45 days, never "2 maanden"
    (date(2026, 10, 9), "de", "vor 1 Monat"),
    (date(2026, 1, 23), "nl", "10 maanden geleden"),  # counted in the score, never "1 jaar"
    (date(2026, 1, 23), "de", "vor 10 Monaten"),
    (date(2025, 11, 24), "nl", "11 maanden geleden"),  # 364 days
    (date(2025, 11, 23), "nl", "12 maanden geleden"),  # exactly 12: the window's first day, counted
    (date(2025, 11, 23), "de", "vor 12 Monaten"),
    (date(2025, 11, 22), "nl", "1 jaar geleden"),  # a day more
    (date(2025, 11, 22), "de", "vor 1 Jahr"),
    (date(2024, 11, 24), "en", "1 year ago"),
    (date(2024, 11, 23), "en", "2 years ago"),
    (date(2024, 11, 23), "de", "vor 2 Jahren"),
]


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def dates_page(locale: str, days: list[date]) -> str:
    """A document as the widgets write it, reduced to its review dates."""
    times = "".join(f'<time datetime="{day.isoformat()}">{day.isoformat()}</time>\n' for day in days)
    return (
        f'<!doctype html><html lang="{locale}" data-ago="{html.escape(ago_phrases(locale, locales_dir()))}">'
        f'<head><meta http-equiv="Content-Security-Policy" content="{DOCUMENT_CSP}"></head><body>{times}'
        f'<script src="{WIDGET_SCRIPT_PATH.format(digest=WIDGET_SCRIPT_DIGEST)}"></script></body></html>'
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A folder served over HTTP: the widgets' script, the demo widgets rendered as of AS_OF."""
    folder = tmp_path_factory.mktemp("dates")
    script = DocumentRef(WIDGET_SCRIPT_KIND, digest=WIDGET_SCRIPT_DIGEST)
    (folder / script.path.lstrip("/")).parent.mkdir(parents=True)
    (folder / script.path.lstrip("/")).write_bytes(site_document(script))
    store = fixture_store(folder / "store")
    for locale in ("nl", "en", "de"):
        (folder / f"carousel-{locale}.html").write_text(render(store, "wtw-winkel", "carousel", locale))
    store.close()
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield folder, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


# 00:30 UTC where it is still yesterday, 23:30 UTC where it is already tomorrow.
CLOCKS = [(timedelta(minutes=30), "Pacific/Pago_Pago"), (timedelta(hours=23, minutes=30), "Pacific/Kiritimati")]


@pytest.fixture(scope="module", params=CLOCKS, ids=["utc-0030-in-pago-pago", "utc-2330-in-kiritimati"])
def visitor(browser, request):
    """A page in a browser whose clock the test sets, in a time zone far from UTC."""
    hour, zone = request.param
    context = browser.new_context(timezone_id=zone)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page, hour, errors
    context.close()


def fixed_at(page, day: date, hour: timedelta) -> None:
    # as a UTC string: a naive datetime would be read in the test machine's zone
    page.clock.set_fixed_time((datetime(day.year, day.month, day.day) + hour).isoformat() + "Z")


@pytest.mark.parametrize("locale", ["nl", "en", "de"])
def test_the_table_reads_as_it_did(site, visitor, locale):
    folder, origin = site
    page, hour, errors = visitor
    cases = [(day, text) for day, case_locale, text in CASES if case_locale == locale]
    (folder / f"table-{locale}.html").write_text(dates_page(locale, [day for day, _ in cases]))
    fixed_at(page, AS_OF, hour)
    page.goto(f"{origin}/table-{locale}.html")
    assert page.eval_on_selector_all("time", "els => els.map(e => e.textContent)") == [text for _, text in cases]
    assert errors == []


# Month ends, leap days and the turn of a year, where a calendar month is easiest to miscount.
VISITS = [date(2026, 11, 23), date(2027, 2, 28), date(2028, 2, 29), date(2028, 3, 31), date(2027, 1, 1)]


def ago(day: date, visit: date) -> str:
    """English words for `elapsed(day, visit)`, from Babel's patterns."""
    found = elapsed(day, visit)
    if found is None:
        return "today"
    count, unit = found
    return ago_patterns("en")[unit]["one" if count == 1 else "other"].replace("{0}", str(count))


@pytest.mark.parametrize("visit", VISITS, ids=str)
def test_every_day_of_three_years_follows_the_rule(site, visitor, visit):
    folder, origin = site
    page, hour, errors = visitor
    days = [visit - timedelta(days=n) for n in range(-2, 3 * 366)]
    (folder / f"every-{visit}.html").write_text(dates_page("en", days))
    fixed_at(page, visit, hour)
    page.goto(f"{origin}/every-{visit}.html")
    assert page.eval_on_selector_all("time", "els => els.map(e => e.textContent)") == [ago(day, visit) for day in days]
    assert errors == []


@pytest.mark.parametrize(
    ("locale", "read_on", "texts"),
    [
        # the day it was built: as the service wrote it before
        ("nl", AS_OF, ["vandaag", "3 dagen geleden", "1 maand geleden", "1 jaar geleden"]),
        # the same file opened a month later still says the truth
        ("nl", date(2026, 12, 23), ["1 maand geleden", "1 maand geleden", "2 maanden geleden", "1 jaar geleden"]),
        ("en", date(2027, 6, 1), ["6 months ago", "6 months ago", "8 months ago", "2 years ago"]),
        ("de", AS_OF, ["heute", "vor 3 Tagen", "vor 1 Monat", "vor 1 Jahr"]),
    ],
)
def test_a_built_widget_tells_the_age_on_the_day_it_is_read(site, visitor, locale, read_on, texts):
    _, origin = site
    page, hour, errors = visitor
    fixed_at(page, read_on, hour)
    page.goto(f"{origin}/carousel-{locale}.html")
    assert page.eval_on_selector_all("time", "els => els.map(e => e.textContent)")[:4] == texts
    assert errors == []


def test_without_script_the_day_stays(site, browser):
    _, origin = site
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{origin}/carousel-nl.html")
    assert page.eval_on_selector_all("time", "els => els.map(e => e.textContent)")[:4] == [
        "23 nov 2026",
        "20 nov 2026",
        "1 okt 2026",
        "1 jun 2025",
    ]
    context.close()
