"""POST /v1/{shop}/reviews over a real uvicorn: tokens, bodies, limits, and a concurrent CLI import."""

from __future__ import annotations

import http.client
import itertools
import json
import re
import shutil
import sqlite3
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.factories import SHOP, review, write_json
from tests.server import cli_args, cli_in_process, running_service

FIXTURES = Path(__file__).parent / "data" / "platforms"
OTHER = {**SHOP, "id": "greenvent", "name": "GreenVent"}


def cli(data, *args):
    """The real command in a process (where the process is the point: its exit code, a second
    process holding the store)."""
    return subprocess.run(cli_args(data, *args), capture_output=True, text=True, timeout=300)


def token_for(data, shop, *extra):
    result = cli_in_process(data, "token", "create", shop, "--label", "test", *extra)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def request(base, method, path, body=b"", headers=None, chunked=False):
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers or {}, encode_chunked=chunked)
        response = conn.getresponse()
        data = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data
    finally:
        conn.close()


def push(base, token, body, shop="wtw-winkel", fmt=None, media="application/json"):
    headers = {"Content-Type": media}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    path = f"/v1/{shop}/reviews" + (f"?format={fmt}" if fmt else "")
    status, headers, data = request(base, "POST", path, body, headers)
    return status, headers, json.loads(data)


def summary(base, shop="wtw-winkel"):
    return json.loads(request(base, "GET", f"/v1/{shop}/summary.json")[2])


@pytest.fixture(scope="module")
def sqlite_start(tmp_path_factory):
    """A SQLite store with both shops and a token for each, made with the CLI once a module."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.delenv("TRUSTWIDGETS_STORE", raising=False)
        return _start(tmp_path_factory.mktemp("push-start"))


@pytest.fixture(scope="module")
def shared(tmp_path_factory, sqlite_start):
    """One service over SQLite (a copy of `sqlite_start`) for the module's tests that need no
    fresh service: (its base URL, its data folder, its log)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.delenv("TRUSTWIDGETS_STORE", raising=False)
        for base, data, _, log in _service(tmp_path_factory.mktemp("push-shared"), sqlite_start):
            yield base, data, log


SERIAL = itertools.count()


@pytest.fixture
def service(shared, monkeypatch):
    """The module's service over SQLite (some tests look into its file) with two shops of the
    test's own and a new token for each: (base, data, tokens, log, shops), shops as {"wtw": id,
    "other": id}. A service starts in some 0.4 CPU-s, two shops and their tokens are made in a few
    hundredths; no test sees another's shops, reviews or tokens (a token's rate is its own)."""
    monkeypatch.delenv("TRUSTWIDGETS_STORE", raising=False)
    base, data, log = shared
    n = next(SERIAL)
    shops = {"wtw": f"wtw-{n}", "other": f"green-{n}"}
    records = [{**SHOP, "id": shops["wtw"]}, {**OTHER, "id": shops["other"]}]
    made = cli_in_process(data, "import", str(write_json(data.parent / f"shops-{n}.json", {"shops": records})))
    assert made.returncode == 0, made.stderr
    assert summary(base, shops["wtw"])["window_total"] == 0  # the service has the new shop, empty
    tokens = {"wtw": token_for(data, shops["wtw"], "--formats", "all"), "other": token_for(data, shops["other"])}
    return base, data, tokens, log, shops


@pytest.fixture
def any_service(tmp_path, backend, sqlite_start):
    """The service over each store backend (conftest's `backend`)."""
    yield from _service(tmp_path, sqlite_start if backend == "sqlite" else None)


def _start(folder):
    data = folder / "data"
    shops = write_json(folder / "shops.json", {"shops": [SHOP, OTHER]})
    assert cli_in_process(data, "import", str(shops)).returncode == 0
    tokens = {"wtw": token_for(data, "wtw-winkel", "--formats", "all"), "other": token_for(data, "greenvent")}
    return data, tokens


def _service(tmp_path, start=None):
    """The service over a store with both shops and their tokens: a copy of `start` (a SQLite
    store's folder and its tokens), or made with the CLI in the test's store."""
    if start is None:
        data, tokens = _start(tmp_path)
    else:
        data, tokens = shutil.copytree(start[0], tmp_path / "data"), start[1]
    log = tmp_path / "service.log"
    with running_service(data, "--access-log", log=log, as_of="2026-11-29") as base:
        yield base, data, tokens, log


def test_tokens_decide_who_may_push(service):
    base, data, tokens, log, shops = service
    shop = shops["wtw"]
    body = json.dumps({"reviews": [review(id="a", shop=shop)]}).encode()
    status, headers, answer = push(base, None, body, shop)
    assert (status, answer["error"]) == (401, "a push needs Authorization: Bearer TOKEN")
    assert headers["www-authenticate"] == 'Bearer realm="trustwidgets"'
    wrong = tokens["wtw"][:-3] + ("abc" if not tokens["wtw"].endswith("abc") else "xyz")
    assert push(base, wrong, body, shop)[0] == 401
    assert push(base, "tw_000000000000_guess", body, shop)[0] == 401
    assert push(base, "not a token at all", body, shop)[0] == 401
    status, _, answer = push(base, tokens["other"], body, shop)
    assert (status, answer["error"]) == (403, "this token belongs to another shop")
    assert summary(base, shop)["window_total"] == 0
    status, headers, answer = push(base, tokens["wtw"], body, shop)
    assert status == 200, answer
    assert headers["cache-control"] == "no-store"
    assert answer == {
        "accepted": 1,
        "unchanged": 0,
        "rejected": [],
        "rejected_count": 0,
        "skipped": {},
        "unknown_fields": [],
        "platform_score": False,
    }
    token_id = tokens["wtw"].split("_")[1]
    listed = cli_in_process(data, "token", "list", shop).stdout
    assert token_id in listed and "active" in listed and tokens["wtw"] not in listed
    assert cli_in_process(data, "token", "revoke", token_id).returncode == 0
    assert push(base, tokens["wtw"], body, shop)[0] == 401
    assert "revoked" in cli_in_process(data, "token", "list").stdout
    logged = log.read_text()
    for token in tokens.values():
        assert token not in logged
        assert token.split("_", 2)[2][:8] not in logged
    stored = (data / "store.sqlite3").read_bytes()
    assert tokens["other"].split("_", 2)[2].encode() not in stored  # only a hash is kept


def test_good_and_bad_rows_and_the_next_request_shows_them(any_service):
    base, _, tokens, log = any_service
    before = request(base, "GET", "/v1/wtw-winkel/nl/badge.html")[2]
    rows = [
        review(
            id="ok-1", rating=4, email="pushed.one@example.nl", created_at="2026-11-20T10:00:00Z", experienced_at=None
        ),
        review(id="bad-1", rating=7),
        review(id="other-shop", shop="greenvent"),
        review(
            id="ok-2",
            rating=2,
            verification="unverified",
            email=None,
            created_at="2026-11-21T10:00:00Z",
            experienced_at=None,
        ),
    ]
    status, _, answer = push(base, tokens["wtw"], json.dumps({"reviews": rows}).encode())
    assert status == 200
    assert (answer["accepted"], answer["rejected_count"]) == (2, 2)
    assert answer["rejected"] == [
        {
            "line": None,
            "item": "reviews[1]",
            "id": "bad-1",
            "reason": "rating must be a whole number from 1 to 5 (got 7)",
        },
        {
            "line": None,
            "item": "reviews[2]",
            "id": "other-shop",
            "reason": "the review names another shop than the URL",
        },
    ]
    found = summary(base)
    assert (found["review_count"], found["unverified_count"], found["score"]) == (1, 1, 4.0)
    after = request(base, "GET", "/v1/wtw-winkel/nl/badge.html")[2]
    assert before != after and b"4,00" in after
    jsonl = b"\n".join(json.dumps(r).encode() for r in rows[:2])
    status, _, answer = push(base, tokens["wtw"], jsonl, media="application/x-ndjson")
    assert (status, answer["unchanged"], answer["rejected"][0]["line"]) == (200, 1, 2)
    csv = b"id,shop,rating,author,created_at,verification,language\ncsv-1,wtw-winkel,5,Kees,2026-11-22T08:00:00Z,unverified,nl\n"
    status, _, answer = push(base, tokens["wtw"], csv, media="text/csv")
    assert (status, answer.get("accepted")) == (200, 1), answer
    status, _, answer = push(base, tokens["wtw"], json.dumps({"shops": [SHOP]}).encode())
    assert answer["rejected"][0]["reason"] == "shop records cannot be pushed; ask the operator to import them"
    assert "@example" not in log.read_text()


def test_platform_formats_over_the_push(any_service):
    base, _, tokens, _ = any_service
    body = (FIXTURES / "trustpilot-reviews.json").read_bytes()
    status, _, answer = push(base, tokens["wtw"], body, fmt="trustpilot")
    assert (status, answer["accepted"], answer["rejected_count"]) == (200, 7, 1)
    assert answer["rejected"][0]["id"] == "672f3e19a8b7c6d5e4f30291"
    assert answer["unknown_fields"] == ["newFieldFromPlatform"]
    unit = (FIXTURES / "trustpilot-business-unit.json").read_bytes()
    status, _, answer = push(base, tokens["wtw"], unit, fmt="trustpilot-business-unit")
    assert (status, answer["platform_score"]) == (200, True)
    assert summary(base)["platform"]["score"] == "4.6"
    assert b"TrustScore 4,6" in request(base, "GET", "/v1/wtw-winkel/nl/badge.html")[2]
    kiyoh = (FIXTURES / "kiyoh-feed.json").read_bytes()
    status, _, answer = push(base, tokens["wtw"], kiyoh, fmt="kiyoh")
    assert (status, answer["accepted"], answer["rejected_count"], answer["platform_score"]) == (200, 2, 1, True)
    assert {p["name"]: (p["score"], p["scale"]) for p in summary(base)["platforms"]}["Kiyoh"] == ("8.6", 10)
    feedback = (FIXTURES / "feedbackcompany-reviews.json").read_bytes()
    status, _, answer = push(base, tokens["wtw"], feedback, fmt="feedbackcompany")
    assert (status, answer["accepted"], answer["rejected_count"]) == (200, 2, 1)


@pytest.mark.parametrize(
    ("path", "media", "body", "status", "error"),
    [
        ("/v1/{shop}/reviews", "text/plain", b"{}", 415, "send the body as"),
        ("/v1/{shop}/reviews?format=trustpilot", "text/csv", b"a", 415, "send the body as application/json"),
        ("/v1/{shop}/reviews?format=yelp", "application/json", b"{}", 400, "unknown format"),
        ("/v1/{shop}/reviews", "application/json", b'{"reviews": [', 400, "not valid JSON"),
        ("/v1/{shop}/reviews?format=google", "application/json", b"[", 400, "nothing was stored"),
    ],
)
def test_unusable_requests(service, path, media, body, status, error):
    base, _, tokens, _, shops = service
    headers = {"Authorization": f"Bearer {tokens['wtw']}", "Content-Type": media}
    got, _, data = request(base, "POST", path.format(shop=shops["wtw"]), body, headers)
    answer = json.loads(data)
    assert got == status and error in answer["error"], answer
    assert "/tmp" not in answer["error"] and ".push-" not in answer["error"]


def test_an_oversize_body_is_refused_declared_or_streamed(service):
    base, _, tokens, _, shops = service
    headers = {"Authorization": f"Bearer {tokens['wtw']}", "Content-Type": "application/json"}
    big = b'{"reviews": [' + b" " * (10 * 1024 * 1024) + b"]}"
    status, _, data = request(base, "POST", f"/v1/{shops['wtw']}/reviews", big, headers)
    assert status == 413 and b"larger than 10 MB" in data

    def chunks():
        for _ in range(11):
            yield b" " * (1024 * 1024)

    status, _, data = request(base, "POST", f"/v1/{shops['wtw']}/reviews", chunks(), headers, chunked=True)
    assert status == 413


def test_pushes_past_the_rate_get_429_with_retry_after(service):
    base, _, tokens, _, shops = service
    body = json.dumps({"reviews": [review(id="r", shop=shops["other"])]}).encode()
    statuses = [push(base, tokens["other"], body, shop=shops["other"])[:2] for _ in range(9)]
    limited = [headers for status, headers in statuses if status == 429]
    assert statuses[0][0] == 200 and len(limited) >= 2
    assert int(limited[0]["retry-after"]) >= 1


def test_a_push_and_a_cli_import_at_once_both_land(service, tmp_path):
    base, data, tokens, _, shops = service
    shop = shops["wtw"]
    many = [
        review(
            id=f"cli-{n}", shop=shop, created_at="2026-11-01T10:00:00Z", experienced_at=None, email=f"c{n}@example.nl"
        )
        for n in range(20_000)
    ]
    big = write_json(tmp_path / "many.json", {"reviews": many})
    outcome = {}
    thread = threading.Thread(target=lambda: outcome.update(cli=cli(data, "import", str(big))))
    thread.start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # wait until the CLI's transaction holds the store
        probe = sqlite3.connect(data / "store.sqlite3", timeout=0)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.rollback()
        except sqlite3.OperationalError:
            break
        finally:
            probe.close()
        time.sleep(0.005)
    else:
        pytest.fail("the CLI import never took the store")
    pushed = [
        push(
            base,
            tokens["wtw"],
            json.dumps(
                {"reviews": [review(id=f"push-{n}", shop=shop, created_at="2026-11-02T10:00:00Z", experienced_at=None)]}
            ).encode(),
            shop,
        )
        for n in range(3)
    ]
    thread.join()
    assert outcome["cli"].returncode == 0, outcome["cli"].stderr
    assert [status for status, _, _ in pushed] == [200, 200, 200]
    assert summary(base, shop)["window_total"] == 20_003


def test_a_push_to_a_busy_store_gets_503_and_retry_after_not_a_traceback(tmp_path, monkeypatch):
    monkeypatch.delenv("TRUSTWIDGETS_STORE", raising=False)
    monkeypatch.setenv("TRUSTWIDGETS_STORE_WAIT", "0.5")  # the service inherits it
    for base, data, tokens, log in _service(tmp_path):
        holder = sqlite3.connect(data / "store.sqlite3", isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another import holds the store
        try:
            status, headers, answer = push(base, tokens["wtw"], json.dumps({"reviews": [review()]}).encode())
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert status == 503 and headers["retry-after"] == "10", answer
        assert "nothing was stored" in answer["error"]
        status, _, answer = push(base, tokens["wtw"], json.dumps({"reviews": [review()]}).encode())
        assert (status, answer["accepted"]) == (200, 1)  # sent again once the store is free: stored
        assert "Traceback" not in log.read_text() and "OperationalError" not in log.read_text()


def test_a_key_that_is_not_unicode_is_named_safely_and_the_push_answers_200(service):
    """A lone surrogate in a field name was stored, then failed the answer with a 500."""
    base, data, tokens, log, shops = service
    shop = shops["wtw"]
    page = json.loads((FIXTURES / "trustpilot-reviews.json").read_text())
    text = json.dumps(page)
    body = text.replace('"newFieldFromPlatform"', '"\\ud800x"').encode()
    status, _, answer = push(base, tokens["wtw"], body, shop, fmt="trustpilot")
    assert (status, answer["accepted"]) == (200, 7), answer
    assert answer["unknown_fields"] == ["a name of 2 characters"]
    status, _, again = push(base, tokens["wtw"], body, shop, fmt="trustpilot")
    assert (status, again["accepted"], again["unchanged"]) == (200, 0, 7)  # stored once, answered twice
    assert "Traceback" not in log.read_text()
    source = data.parent / f"surrogate-{shop}.json"
    source.write_bytes(body)
    result = subprocess.run(
        cli_args(data, "import", "--format", "trustpilot", "--shop", shop, str(source)), capture_output=True
    )
    assert result.returncode == 1 and b"Traceback" not in result.stderr  # the archived row, as before
    assert b"a name of 2 characters" in result.stdout


def test_hostile_values_get_400_or_200_with_rejections_never_500(tmp_path, monkeypatch):
    """Issue 23, point 1: every hostile import of the table, pushed: a bad row is named, never a 500."""
    from tests.bad_inputs import NATIVE_HUGE, PLATFORM_CASES

    monkeypatch.delenv("TRUSTWIDGETS_STORE", raising=False)
    monkeypatch.setenv("TRUSTWIDGETS_PUSH_PER_MINUTE", "100000")  # the service inherits it
    cases = [(name, fmt, body, code, message) for name, fmt, body, code, message, _ in PLATFORM_CASES]
    cases += [
        (name, None, body, 1, message.removeprefix(":1: "))
        for name, filename, body, message in NATIVE_HUGE
        if filename.endswith(".jsonl")
    ]
    cases.append(("a json body with a 5,000-digit rating", None, NATIVE_HUGE[1][2], 1, NATIVE_HUGE[1][3]))
    for base, _, tokens, log in _service(tmp_path):
        for name, fmt, body, code, message in cases:
            media = "application/x-ndjson" if fmt is None and body.count(b"\n") > 1 else "application/json"
            status, _, answer = push(base, tokens["wtw"], body, fmt=fmt, media=media)
            if code == 2:
                assert (status, message in answer["error"]) == (400, True), (name, answer)
                assert "\n" not in answer["error"]
            else:
                assert status == 200 and answer["rejected_count"] >= 1, (name, answer)
                reason = re.sub(r"^.*review '[^']*': ", "", message)
                assert any(reason in r["reason"] for r in answer["rejected"]), (name, answer)
        assert "Traceback" not in log.read_text()


def test_a_token_pushes_only_the_formats_it_names(any_service):
    """Issue 23, point 2: a token names the formats it may push; any other gets 403."""
    base, data, tokens, _ = any_service
    page = (FIXTURES / "trustpilot-reviews.json").read_bytes()
    google = (FIXTURES / "google-reviews.json").read_bytes()
    unit = (FIXTURES / "trustpilot-business-unit.json").read_bytes()
    narrow = token_for(data, "wtw-winkel", "--formats", "trustpilot,native")
    status, _, answer = push(base, narrow, google, fmt="google")
    assert status == 403, answer
    assert answer["error"] == (
        "this token may not push format google (it may push native, trustpilot); "
        "`trustwidgets token create wtw-winkel --formats LIST` makes one that may"
    )
    assert push(base, narrow, unit, fmt="trustpilot-business-unit")[0] == 403
    assert push(base, narrow, page, fmt="trustpilot")[:1] == (200,)
    # A native body may not write what another platform's own format would.
    rows = [
        review(id="n-google", platform="Google", verification="unverified", email=None),
        review(id="n-tp", platform="Trustpilot"),
        review(id="n-yotpo", platform="Yotpo"),  # a platform we have no format for
        review(id="n-own"),
        review(id="n-tp-2", platform="trustpilot "),  # may be pushed, but not spelled so
        review(id="n-google-2", platform=" google"),  # nor may a spelling get past the token
    ]
    status, _, answer = push(base, narrow, json.dumps({"reviews": rows}).encode())
    assert (status, answer.get("accepted")) == (200, 3), answer
    no_google = "this token may not push 'Google' reviews (its formats do not include that platform's)"
    assert answer["rejected"] == [
        {"line": None, "item": "reviews[0]", "id": "n-google", "reason": no_google},
        {
            "line": None,
            "item": "reviews[4]",
            "id": "n-tp-2",
            "reason": "platform must be written 'Trustpilot', as its format names it",
        },
        {"line": None, "item": "reviews[5]", "id": "n-google-2", "reason": no_google.replace("'Google'", "' google'")},
    ]
    # The business unit format brings a TrustScore, no review: no native Trustpilot review either.
    score_only = token_for(data, "wtw-winkel", "--formats", "native,trustpilot-business-unit")
    status, _, answer = push(
        base, score_only, json.dumps({"reviews": [review(id="n-tp-3", platform="Trustpilot")]}).encode()
    )
    assert (status, answer.get("accepted")) == (200, 0), answer
    assert answer["rejected"][0]["reason"] == no_google.replace("'Google'", "'Trustpilot'")
    assert push(base, score_only, unit, fmt="trustpilot-business-unit")[0] == 200
    # A new token without --formats: native, and the formats of the platforms the shop has.
    status, _, answer = push(base, tokens["other"], page, shop="greenvent", fmt="trustpilot")
    assert status == 403 and "it may push native)" in answer["error"]
    assert push(base, tokens["wtw"], google, fmt="google")[0] == 200  # an `all` token
    default = token_for(data, "wtw-winkel")  # the shop now has Trustpilot and Google reviews
    assert push(base, default, unit, fmt="trustpilot-business-unit")[0] == 200
    assert push(base, default, google, fmt="google")[0] == 200
    assert push(base, default, (FIXTURES / "etrusted-reviews.json").read_bytes(), fmt="etrusted")[0] == 403
    listed = cli_in_process(data, "token", "list", "wtw-winkel").stdout
    assert "\tpushes native,trustpilot\tactive\n" in listed
    assert "\tpushes native,trustpilot,google,trustpilot-business-unit\tactive\n" in listed
    assert (
        "\tpushes native,trustpilot,etrusted,google,kiyoh,feedbackcompany,trustpilot-business-unit\tactive\n" in listed
    )  # `all`
    result = cli(data, "token", "create", "wtw-winkel", "--formats", "trustpilot,yelp")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip() == (
        "trustwidgets token create: --formats: unknown format 'yelp': name some of all, native, trustpilot, "
        "etrusted, google, kiyoh, feedbackcompany, trustpilot-business-unit"
    )


def test_a_native_push_as_the_first_request_answers_200(any_service):
    """On PostgreSQL nothing else may have made the data folder the push spools its body in yet."""
    base, _, tokens, log = any_service
    status, _, answer = push(base, tokens["wtw"], json.dumps({"reviews": [review(id="first")]}).encode())
    assert (status, answer.get("accepted")) == (200, 1), answer
    assert "Traceback" not in log.read_text()
