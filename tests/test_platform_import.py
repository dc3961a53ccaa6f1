"""`trustwidgets import --format NAME --shop SHOP`: the platforms' fixtures through the command.

The command runs in-process (tests/server.py's cli_in_process: what it says, exits with and
stores, without a process start of some 0.3 CPU-s each); standard input, a call refused whole
and the 60,000-review file go through the real command in a process of its own.

The fixtures in tests/data/platforms were written from each platform's public documentation
(tests/data/platforms/NOTES.md says where each field was found). Expected values here are read
off the fixtures by hand.
"""

import json
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from tests.factories import SHOP, review, write_json
from tests.server import cli_args, cli_in_process
from tests.widgets import WIDGET_NAMES
from widget_server.core.catalogue import parse
from widget_server.core.documents import render_document
from widget_server.core.options import Options
from widget_server.store.open import open_store

FIXTURES = Path(__file__).parent / "data" / "platforms"
AS_OF = date(2026, 11, 29)


def real_cli(data, *args, stdin=None):
    return subprocess.run(cli_args(data, *args), capture_output=True, timeout=300, input=stdin)


def cli(data, *args, stdin=None):
    """The command in-process, answered as real_cli answers (output as bytes)."""
    done = cli_in_process(data, *args, stdin=stdin or b"")
    return subprocess.CompletedProcess(done.args, done.returncode, done.stdout.encode(), done.stderr.encode())


@pytest.fixture(scope="module")
def start(tmp_path_factory):
    """The store every test starts from, the shop imported by the real command once a module."""
    folder = tmp_path_factory.mktemp("start")
    shop = write_json(folder / "shop.json", {"shops": [SHOP]})
    assert real_cli(folder / "data", "import", str(shop)).returncode == 0
    return folder / "data"


@pytest.fixture
def data(start, tmp_path):
    """A copy of the start store of the test's own (the same files as importing the shop again)."""
    return shutil.copytree(start, tmp_path / "data")


def run(data, fmt, *files, stdin=None, code=None, command=cli):
    result = command(data, "import", "--format", fmt, "--shop", "wtw-winkel", *files, stdin=stdin)
    out, err = result.stdout.decode(), result.stderr.decode()
    assert "Traceback" not in err
    assert "@example" not in out + err, "an email reached the output"
    if code is not None:
        assert result.returncode == code, err
    return out, err


def documents(data, locale):
    """Every public document of the shop as text (what a visitor or a CDN could ever see)."""
    store = open_store(data)
    snapshot = store.snapshot("wtw-winkel", AS_OF)
    texts = {}
    for path in (
        "/v1/wtw-winkel/summary.json",
        f"/v1/wtw-winkel/{locale}/reviews.json",
        f"/v1/wtw-winkel/{locale}/method.html",
        *(f"/v1/wtw-winkel/{locale}/{w}.html" for w in WIDGET_NAMES),
    ):
        ref = parse(path)
        texts[path] = render_document(snapshot, ref, Options().resolve(snapshot.shop)).decode()
    store.close()
    return texts


def visible(html):
    """The text a visitor reads in a document's body, tags dropped and spaces folded."""
    body = re.sub(r"<script.*?</script>|<style.*?</style>", " ", html[html.index("<body") :], flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", body).replace("&nbsp;", " ").split())


def summary(data):
    store = open_store(data)
    try:
        return store.snapshot("wtw-winkel", AS_OF).summary
    finally:
        store.close()


def test_trustpilot_reviews(data):
    out, err = run(data, "trustpilot", str(FIXTURES / "trustpilot-reviews.json"), code=1)
    assert out.startswith("imported: 7 reviews new or updated, 0 unchanged, 0 shops new or updated, 1 rejected")
    assert "fields not known to us, ignored in" in out and out.rstrip().endswith(": newFieldFromPlatform")
    assert err.strip().endswith(
        "review '672f3e19a8b7c6d5e4f30291': status 'archived' is not one we show: "
        "only active and reported reviews are imported"
    )
    found = summary(data)
    # verified and counted: 5, 1 (reported: flagged, still counted), 5, 4, 2, 5 -> 22 / 6 = 3.67
    assert (found["review_count"], found["score"], found["flagged_count"]) == (6, 3.67, 1)
    assert (found["unverified_count"], found["imported_count"], found["removed_count"]) == (1, 0, 0)
    texts = documents(data, "en")
    reviews = json.loads(texts["/v1/wtw-winkel/en/reviews.json"])["reviews"]
    markers = {r["id"]: (r["verification"], r["marker"], r["status"]) for r in reviews}
    assert markers["67401c8e5b2d4a0f9e3c7d12"] == ("unverified", "not verified", "published")
    assert markers["673a9d04f1e2c3b4a5968778"] == ("verified", "verified", "flagged")
    assert "672f3e19a8b7c6d5e4f30291" not in markers
    assert "not verified" in texts["/v1/wtw-winkel/en/carousel.html"]
    nl = json.loads(documents(data, "nl")["/v1/wtw-winkel/nl/reviews.json"])["reviews"]
    assert {r["marker"] for r in nl} == {"geverifieerd", "niet geverifieerd"}
    for path, text in texts.items():
        assert "@example" not in text, path


def test_a_native_removal_reaches_a_platform_review_and_another_spelling_is_refused(data, tmp_path):
    run(data, "trustpilot", str(FIXTURES / "trustpilot-reviews.json"), code=1)
    before = summary(data)
    removal = {
        **review(id="6745b2f1c3a9e80d1f2a4b71", rating=5, email=None, verification="unverified"),
        "status": "removed",
    }
    rows = [{**removal, "platform": spelling} for spelling in ("trustpilot", " Trustpilot")]
    refused = real_cli(data, "import", str(write_json(tmp_path / "refused.json", {"reviews": rows})))
    assert refused.returncode == 1
    assert refused.stderr.decode().count("platform must be written 'Trustpilot', as its format names it") == 2
    assert summary(data) == before  # no second review beside the platform's
    native = write_json(tmp_path / "removal.json", {"reviews": [{**removal, "platform": "Trustpilot"}]})
    assert real_cli(data, "import", str(native)).returncode == 0
    found = summary(data)
    assert (found["removed_count"], found["review_count"]) == (1, before["review_count"] - 1)
    assert found["window_total"] == before["window_total"]  # the same review, not a second one


def test_unknown_field_names_are_masked_as_the_native_reader_masks_them(data, tmp_path):
    """A key named like an email comes back as its length, never its text (issue 23)."""
    page = json.loads((FIXTURES / "trustpilot-reviews.json").read_text())
    page["reviews"][0]["jan.jansen@example.com"] = 1
    page["reviews"][1]["veryLongNewFieldFromThePlatform"] = 1
    out, _ = run(data, "trustpilot", str(write_json(tmp_path / "page.json", page)), code=1)  # run: no "@example"
    assert out.rstrip().endswith(": a name of 22 characters, newFieldFromPlatform, veryLongNewFieldFromThePlatform")


def test_reimport_is_idempotent_and_an_update_replaces(data, tmp_path):
    source = FIXTURES / "trustpilot-reviews.json"
    run(data, "trustpilot", str(source), code=1)
    out, _ = run(data, "trustpilot", str(source), code=1)
    assert out.startswith("imported: 0 reviews new or updated, 7 unchanged")
    response = json.loads(source.read_text())
    response["reviews"][0]["stars"] = 2
    changed = write_json(tmp_path / "changed.json", response)
    out, _ = run(data, "trustpilot", str(changed), code=1)
    assert out.startswith("imported: 1 review new or updated, 6 unchanged")
    assert summary(data)["distribution"]["2"] == 2


def test_standard_input_and_json_lines_of_reviews_or_pages(data, tmp_path):
    body = (FIXTURES / "trustpilot-reviews.json").read_bytes()
    out, _ = run(data, "trustpilot", "-", stdin=body, code=1, command=real_cli)
    assert out.startswith("imported: 7 reviews new or updated")
    out, _ = run(data, "trustpilot", str(FIXTURES / "trustpilot-reviews.jsonl"), code=0)
    assert out.startswith("imported: 0 reviews new or updated, 3 unchanged")
    # `curl page1; curl page2` output: one compact response page per line
    reviews = json.loads(body)["reviews"]
    pages = b"\n".join(
        json.dumps({"reviews": reviews[i : i + 3], "links": []}).encode() for i in range(0, len(reviews), 3)
    )
    out, err = run(data, "trustpilot", "-", stdin=pages, code=1, command=real_cli)
    assert out.startswith("imported: 0 reviews new or updated, 7 unchanged, 0 shops new or updated, 1 rejected")
    assert "-:2: review '672f3e19a8b7c6d5e4f30291'" in err


def test_the_business_unit_fills_the_platform_score_and_widgets_show_it(data):
    run(data, "trustpilot", str(FIXTURES / "trustpilot-reviews.json"), code=1)
    out, _ = run(data, "trustpilot-business-unit", str(FIXTURES / "trustpilot-business-unit.json"), code=0)
    assert "1 shop new or updated" in out and "platform score read" in out
    platform = summary(data)["platform"]
    assert {k: v for k, v in platform.items() if k != "read_on"} == {
        "name": "Trustpilot",
        "score_name": "TrustScore",
        "score": "4.6",
        "scale": 5,
        "review_count": 1234,
        "profile_url": "https://nl.trustpilot.com/review/wtw-winkel.nl",
    }
    nl = documents(data, "nl")
    for widget in WIDGET_NAMES:
        html = nl[f"/v1/wtw-winkel/nl/{widget}.html"]
        text = visible(html)
        # The platform's score leads, with its total and name; ours follows, saying what it is.
        lead = text.index("TrustScore 4,6")
        assert text.index("1.234 beoordelingen op Trustpilot") > lead, widget
        assert text.index("3,67 uit 6 geverifieerde beoordelingen, laatste 12 maanden") > lead, widget
        assert 'href="https://nl.trustpilot.com/review/wtw-winkel.nl"' in html
        assert 'href="method.html"' in html
        assert 'class="grade"' not in html, widget  # our grade word never stands beside their score
    stars = nl["/v1/wtw-winkel/nl/stars.html"]
    assert '<a class="main" href="https://nl.trustpilot.com/review/wtw-winkel.nl"' in stars
    en = visible(documents(data, "en")["/v1/wtw-winkel/en/badge.html"])
    assert (
        en.index("TrustScore 4.6")
        < en.index("1,234 reviews on Trustpilot")
        < en.index("3.67 from 6 verified reviews, last 12 months")
    )
    out, _ = run(data, "trustpilot-business-unit", str(FIXTURES / "trustpilot-business-unit.json"), code=0)
    assert "0 shops new or updated" in out  # the same score read the same day changes nothing


def test_etrusted_reviews(data):
    out, err = run(data, "etrusted", str(FIXTURES / "etrusted-reviews.json"), code=1)
    assert out.startswith(
        "imported: 5 reviews new or updated, 0 unchanged, 0 shops new or updated, 1 rejected, "
        "2 skipped (1 state MODERATION: not published yet; 1 state SUBMITTED: not published yet)"
    )
    assert (
        "review 'rev-0b7e5d13-2c9a-4f68-8e41-5a6c3d9b1e07': rating must be a whole number from 1 to 5 (got 4.5)" in err
    )
    found = summary(data)
    assert (found["review_count"], found["score"]) == (1, 5.0)  # rev-3f9c…: APPROVED, VERIFIED, 5.0
    assert (found["removed_count"], found["imported_count"]) == (2, 1)  # REJECTED + DISCARDED; UNDEFINED
    reviews = json.loads(documents(data, "nl")["/v1/wtw-winkel/nl/reviews.json"])["reviews"]
    assert {r["id"]: r["author"] for r in reviews} == {
        "rev-3f9c2a71-8d4e-4b6a-9c15-7e2d0a4b8f31": "Jan D.",
        "rev-8a2d6f40-1c5e-4b97-8d3a-6f0e2c9b4a18": "Lotte S.",
    }
    assert {r["marker"] for r in reviews} == {"geverifieerd", "geïmporteerde beoordeling"}
    # the PRODUCT_REVIEW is the product's: it never moves the shop's score
    store = open_store(data)
    product = store.snapshot("wtw-winkel", AS_OF).products["WTW-350-ENT"]
    store.close()
    assert (product.summary["review_count"], product.summary["score"]) == (1, 5.0)
    assert product.summary["product"]["name"] == "WTW-unit 350 m³/h met enthalpiewisselaar"


def test_the_profile_url_goes_with_the_score_of_the_same_call(data):
    run(
        data, "google", "--profile-url", "https://maps.google.com/?cid=9", str(FIXTURES / "google-reviews.json"), code=1
    )
    platform = summary(data)["platform"]  # a first import: the new score and its profile at once
    assert (platform["score"], platform["review_count"], platform["profile_url"]) == (
        "4.4",
        87,
        "https://maps.google.com/?cid=9",
    )


def test_google_reviews_and_score(data):
    out, err = run(data, "google", str(FIXTURES / "google-reviews.json"), code=1)
    assert out.startswith("imported: 5 reviews new or updated, 0 unchanged, 1 shop new or updated, 2 rejected")
    assert "an anonymous reviewer" in err and "STAR_RATING_UNSPECIFIED" in err
    found = summary(data)
    assert (found["review_count"], found["score"], found["unverified_count"]) == (0, None, 5)
    assert (found["platform"]["name"], found["platform"]["score"], found["platform"]["review_count"]) == (
        "Google",
        "4.4",
        87,
    )
    assert found["platform"]["profile_url"] == ""
    out, _ = run(
        data,
        "google",
        "--profile-url",
        "https://maps.google.com/?cid=123",
        str(FIXTURES / "google-reviews.json"),
        code=1,
    )
    assert summary(data)["platform"]["profile_url"] == "https://maps.google.com/?cid=123"
    badge = visible(documents(data, "nl")["/v1/wtw-winkel/nl/badge.html"])
    assert badge.startswith("4,4 87 beoordelingen op Google via Google")  # none verified of ours: Google alone


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "trustpilot", "--shop", "nobody", "F"], "no shop 'nobody' in the store"),
        (["--format", "trustpilot", "F"], "--format trustpilot needs --shop SHOP"),
        (
            ["--shop", "wtw-winkel", "F"],
            "--shop, --profile-url, --language and - (standard input) go with a platform --format",
        ),
        (
            ["--language", "de", "F"],
            "--shop, --profile-url, --language and - (standard input) go with a platform --format",
        ),
        (["--format", "trustpilot", "--shop", "wtw-winkel", "missing.json"], "missing.json: cannot be read"),
        (
            ["--format", "trustpilot", "--shop", "wtw-winkel", "--profile-url", "https://x.example", "F"],
            "--profile-url goes with a format that carries the platform's score: trustpilot-business-unit, google",
        ),
        # Issue 23: a profile link is https on the platform's own hosts.
        (
            ["--format", "google", "--shop", "wtw-winkel", "--profile-url", "https://attacker.example/", "G"],
            "--profile-url: the Google profile URL must be an https link on maps.google.com",
        ),
        (
            [
                "--format",
                "trustpilot-business-unit",
                "--shop",
                "wtw-winkel",
                "--profile-url",
                "http://www.trustpilot.com/r",
                "U",
            ],
            "--profile-url: the Trustpilot profile URL must be an https URL",
        ),
        (
            ["--format", "trustpilot-business-unit", "--shop", "wtw-winkel", "PHISH"],
            "the Trustpilot profile URL must be an https link on trustpilot.com or one of its subdomains",
        ),
    ],
)
def test_unusable_calls_store_nothing(data, args, message, tmp_path):
    unit = json.loads((FIXTURES / "trustpilot-business-unit.json").read_text())
    unit["links"] = [{"href": "https://trustpilot.com.evil.example/review/x", "method": "GET", "rel": "profileUrl"}]
    files = {
        "F": FIXTURES / "trustpilot-reviews.json",
        "G": FIXTURES / "google-reviews.json",
        "U": FIXTURES / "trustpilot-business-unit.json",
        "PHISH": write_json(tmp_path / "phish.json", unit),
    }
    args = [str(files[a]) if a in files else a for a in args]
    result = cli(data, "import", *args)
    assert result.returncode == 2
    assert message in result.stderr.decode() and "nothing was stored" in result.stderr.decode()
    assert summary(data)["window_total"] == 0
    assert summary(data)["platform"] is None


def test_broken_json_after_good_reviews_rolls_the_whole_call_back(data, tmp_path):
    good = (FIXTURES / "trustpilot-reviews.json").read_text()
    broken = tmp_path / "broken.json"
    broken.write_text(good[: len(good) // 2 + 200] + "}}} oops")
    result = real_cli(
        data,
        "import",
        "--format",
        "trustpilot",
        "--shop",
        "wtw-winkel",
        str(FIXTURES / "trustpilot-reviews.jsonl"),
        str(broken),
    )
    assert result.returncode == 2
    assert "not valid JSON at line" in result.stderr.decode() or "expected" in result.stderr.decode()
    assert summary(data)["window_total"] == 0  # the good file in the same call was rolled back too


@pytest.mark.slow
def test_a_large_response_is_streamed(data, tmp_path):
    """60,000 reviews (27 MB) in one response: a whole-file json.load would need several times that."""
    big = tmp_path / "big.json"
    with big.open("w") as handle:
        handle.write('{"links": [], "reviews": [')
        for n in range(60_000):
            review = {
                "id": f"big-{n}",
                "stars": 1 + n % 5,
                "title": "Titel",
                "text": "Een tekst van redelijke lengte over de levering en de installatie. " * 4,
                "language": "nl",
                "createdAt": f"2026-{1 + n % 11:02d}-15T12:00:00Z",
                "consumer": {"displayName": f"Klant {n}"},
                "isVerified": True,
                "status": "active",
            }
            handle.write(("," if n else "") + json.dumps(review))
        handle.write('], "totalNumberOfReviews": 60000}')
    # VmHWM is the child's own peak (ru_maxrss would carry the forking test process's size over exec)
    probe = (
        "import sys, runpy; sys.argv = sys.argv[1:]; code = 0\n"
        "try:\n    runpy.run_module('static_build.program', run_name='__main__')\n"
        "except SystemExit as e:\n    code = e.code\n"
        "peak = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]\n"
        "print('peak', peak, file=sys.stderr); sys.exit(code)"
    )
    args = cli_args(data, "import", "--format", "trustpilot", "--shop", "wtw-winkel", str(big))[3:]
    result = subprocess.run([sys.executable, "-c", probe, "trustwidgets", *args], capture_output=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().startswith("imported: 60,000 reviews new or updated")
    peak_kb = int(result.stderr.decode().split("peak")[-1])
    assert big.stat().st_size > 25_000_000
    # measured: 28 MB streamed; json.load of this file alone peaks at 108 MB
    assert peak_kb < 80_000, f"peak memory {peak_kb} KB: the response was not streamed"


def import_shop(data, tmp_path, **changes):
    shop = write_json(tmp_path / "shop-again.json", {"shops": [{**SHOP, **changes}]})
    result = cli(data, "import", str(shop))
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout.decode()


def test_reimporting_the_shop_record_keeps_the_platform_score(data, tmp_path):
    run(data, "trustpilot-business-unit", str(FIXTURES / "trustpilot-business-unit.json"), code=0)
    out = import_shop(data, tmp_path, allowed_domains=["www.example.nl"])
    assert "1 shop new or updated" in out
    found = summary(data)
    assert [p["name"] for p in found["platforms"]] == ["Trustpilot"]
    assert (found["platform"]["score"], found["platform"]["review_count"]) == ("4.6", 1234)
    stars = documents(data, "nl")["/v1/wtw-winkel/nl/stars.html"]
    assert '<a class="main" href="https://nl.trustpilot.com/review/wtw-winkel.nl"' in stars


def test_a_second_platform_is_kept_beside_the_first(data):
    run(data, "trustpilot", str(FIXTURES / "trustpilot-reviews.json"), code=1)
    run(data, "trustpilot-business-unit", str(FIXTURES / "trustpilot-business-unit.json"), code=0)
    run(data, "google", str(FIXTURES / "google-reviews.json"), code=1)
    found = summary(data)
    assert [(p["name"], p["score"], p["review_count"]) for p in found["platforms"]] == [
        ("Google", "4.4", 87),
        ("Trustpilot", "4.6", 1234),
    ]
    assert (found["headline"], found["platform"]["name"]) == ("platform", "Trustpilot")  # the most reviews
    assert found["review_platforms"] == ["Google", "Trustpilot"]
    nl = documents(data, "nl")
    badge = visible(nl["/v1/wtw-winkel/nl/badge.html"])
    assert badge.index("TrustScore 4,6") < badge.index("Google 4,4 · 87 beoordelingen op Google")
    assert "via Google en Trustpilot" in badge
    method = visible(nl["/v1/wtw-winkel/nl/method.html"])
    assert "TrustScore 4,6 van 5, uit 1.234 beoordelingen op Trustpilot" in method
    assert "4,4 van 5, uit 87 beoordelingen op Google" in method


def test_each_review_says_which_platform_it_came_from(data):
    run(data, "trustpilot", str(FIXTURES / "trustpilot-reviews.json"), code=1)
    run(data, "google", str(FIXTURES / "google-reviews.json"), code=1)
    nl = documents(data, "nl")
    reviews = json.loads(nl["/v1/wtw-winkel/nl/reviews.json"])["reviews"]
    origins = {(r["platform"], r["marker"]) for r in reviews}
    assert origins == {
        ("Trustpilot", "geverifieerd"),
        ("Trustpilot", "niet geverifieerd"),
        ("Google", "niet geverifieerd"),
    }
    carousel = visible(nl["/v1/wtw-winkel/nl/carousel.html"])
    assert "✓ geverifieerd · Trustpilot" in carousel and "niet geverifieerd · Google" in carousel


def test_a_shop_may_lead_with_its_own_score(data, tmp_path):
    run(data, "trustpilot", str(FIXTURES / "trustpilot-reviews.json"), code=1)
    run(data, "trustpilot-business-unit", str(FIXTURES / "trustpilot-business-unit.json"), code=0)
    import_shop(data, tmp_path, headline="own")
    assert summary(data)["headline"] == "own"
    badge = visible(documents(data, "nl")["/v1/wtw-winkel/nl/badge.html"])
    assert badge.index("3,67") < badge.index("TrustScore 4,6 · 1.234 beoordelingen op Trustpilot")
    assert "6 beoordelingen · afgelopen 12 maanden" in badge


def test_kiyoh_feed_keeps_its_scores_out_of_ten_and_its_own_score_leads(data):
    out, err = run(data, "kiyoh", str(FIXTURES / "kiyoh-feed.json"), code=1)
    assert out.startswith("imported: 2 reviews new or updated, 0 unchanged, 1 shop new or updated, 1 rejected")
    assert "7e3f4051-2c3d-4e4f-a051-627384950617" in err and "rating must be a whole number from 1 to 10" in err
    found = summary(data)
    assert (found["review_count"], found["score"], found["ten_point_count"]) == (0, None, 2)
    assert (found["platform"]["name"], found["platform"]["score"], found["platform"]["scale"]) == ("Kiyoh", "8.6", 10)
    assert found["platform"]["review_count"] == 131
    texts = documents(data, "nl")
    badge = visible(texts["/v1/wtw-winkel/nl/badge.html"])
    assert badge.startswith("8,6/10 131 beoordelingen op Kiyoh")
    carousel = texts["/v1/wtw-winkel/nl/carousel.html"]
    assert 'aria-label="9 van 10">9/10</span>' in carousel and 'aria-label="6 van 10">6/10</span>' in carousel
    assert "&lt;b&gt;Levering&lt;/b&gt;" in carousel and "<b>Levering" not in carousel
    assert "· Kiyoh" in carousel and "Dank je wel, Marieke!" in carousel
    reviews = json.loads(texts["/v1/wtw-winkel/nl/reviews.json"])["reviews"]
    assert [(r["rating"], r["scale"], r["verification"]) for r in reviews] == [
        (9, 10, "verified"),
        (6, 10, "unverified"),
    ]


def test_a_kiyoh_feed_with_no_review_in_twelve_months_takes_the_stored_score_away(data, tmp_path):
    run(data, "kiyoh", str(FIXTURES / "kiyoh-feed.json"), code=1)
    assert summary(data)["platform"]["score"] == "8.6"
    feed = json.loads((FIXTURES / "kiyoh-feed.json").read_text())
    later = tmp_path / "kiyoh-later.json"
    later.write_text(json.dumps({**feed, "last12MonthAverageRating": 0, "last12MonthNumberReviews": 0}))
    out, _ = run(data, "kiyoh", str(later), code=1)  # the fixture's one bad review is rejected again
    assert out.startswith("imported: 0 reviews new or updated, 2 unchanged, 1 shop new or updated, 1 rejected")
    assert "Kiyoh score removed (Kiyoh has none now)" in out
    found = summary(data)
    assert found["platform"] is None and found["headline"] != "platform"
    badge = visible(documents(data, "nl")["/v1/wtw-winkel/nl/badge.html"])
    assert badge.startswith("Nog geen score via Kiyoh") and "8,6" not in badge and "131" not in badge
    out, _ = run(data, "kiyoh", str(later), code=1)  # nothing left to remove: the shop is unchanged
    assert "0 shops new or updated" in out and "removed" not in out


def test_feedbackcompany_reviews(data):
    out, err = run(data, "feedbackcompany", str(FIXTURES / "feedbackcompany-reviews.json"), code=1)
    assert out.startswith("imported: 2 reviews new or updated, 0 unchanged, 0 shops new or updated, 1 rejected")
    assert "review '90003': total_score must be a whole number from 1 to 5 (got 4.5)" in err
    found = summary(data)
    assert (found["review_count"], found["unverified_count"], found["review_platforms"]) == (
        0,
        2,
        ["The Feedback Company"],
    )
    reviews = json.loads(documents(data, "nl")["/v1/wtw-winkel/nl/reviews.json"])["reviews"]
    assert [(r["id"], r["rating"], r["text"]) for r in reviews] == [
        ("90001", 5, "Prima geholpen bij de keuze."),
        ("90002", 4, "Goed, levering kon sneller."),
    ]
    assert reviews[1]["reply"] == {"text": "Dank voor uw feedback!", "created_at": "2026-11-19T08:00:00Z"}


@pytest.mark.parametrize(("language", "stored"), [([], "nl"), (["--language", "de"], "de")])
def test_a_feed_naming_no_language_takes_the_one_given_else_the_shops(data, language, stored):
    file = str(FIXTURES / "feedbackcompany-reviews.json")
    result = cli(data, "import", "--format", "feedbackcompany", "--shop", "wtw-winkel", *language, file)
    assert result.returncode == 1  # the fixture's third review is rejected (a 4.5)
    store = open_store(data)
    try:
        assert store.db.execute("SELECT DISTINCT language FROM reviews").fetchall() == [(stored,)]
    finally:
        store.close()
