"""sources/http_fetch.py: Retry-After read as seconds or an HTTP date and capped; against the tests'
platform server: redirects are not followed, a body that is not JSON is named, a refused request
is not retried, and no message carries a header, a query or a body."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.platform_server import Fault
from widget_server.sources.http_fetch import Fetcher, FetchError, retry_after

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", 0),
        ("12", 12),
        (" 12 ", 12),
        ("86400", 120),  # capped
        ("Tue, 01 Dec 2026 12:00:40 GMT", 40),
        ("Tue, 01 Dec 2026 11:59:00 GMT", 0),  # already past
        ("Wed, 02 Dec 2026 12:00:00 GMT", 120),  # a day ahead: capped
        ("soon", None),
        ("", None),
        ("-5", None),
        (None, None),
    ],
)
def test_retry_after(value, expected):
    assert retry_after(value, NOW) == expected


class Sleeps(list):
    def __call__(self, seconds):
        self.append(seconds)


def fetch(platform_server, account, *faults, **limits):
    platform_server.fail(account, *faults)
    sleeps = Sleeps()
    fetcher = Fetcher(sleep=sleeps, **{"timeout": 5.0, **limits})
    url = f"{platform_server.base}/v1/business-units/{account}?apikey-in-query-never-shown=1"
    try:
        return fetcher.json(url, "the test request", headers={"apikey": "header-secret"}), sleeps, fetcher
    except FetchError as error:
        return error, sleeps, fetcher


def test_a_redirect_is_not_followed(platform_server):
    found, sleeps, fetcher = fetch(platform_server, "redirected", Fault(302, {"Location": "http://127.0.0.1:9/steal"}))
    assert str(found) == "the test request: HTTP 302 Found, a redirect (not followed)"
    assert fetcher.requests == 1 and sleeps == []


def test_an_answer_that_is_not_json_is_named_without_its_body(platform_server):
    found, _, _ = fetch(platform_server, "garbled", Fault(200, body=b"<html>header-secret</html>"))
    assert str(found) == "the test request: the answer is not JSON"


def test_an_answer_dripping_past_the_timeout_is_a_timeout(platform_server):
    """Each read of the socket had the timeout, not the answer: 20 bytes a tenth of a second
    apart took 2 s against a timeout of 0.5 s. The whole answer is held to it now."""
    drip = Fault(200, body=b'{"x": "0123456789"}', trickle=0.1)
    found, sleeps, fetcher = fetch(platform_server, "dripping", drip, timeout=0.5, retries=0)
    assert str(found) == "the test request: no answer within 0.5 s (tried 1 times)"
    assert fetcher.requests == 1


def test_an_answer_within_the_timeout_is_read_whole_however_it_comes(platform_server):
    drip = Fault(200, body=b'{"x": 1}', trickle=0.01)
    found, _, _ = fetch(platform_server, "slow-but-fine", drip, timeout=5.0, retries=0)
    assert found == {"x": 1}


@pytest.mark.parametrize("status", [400, 401, 403, 404])
def test_a_refused_request_is_not_retried(platform_server, status):
    found, sleeps, fetcher = fetch(
        platform_server, f"refused{status}", Fault(status, body=b'{"echo": "header-secret"}')
    )
    assert isinstance(found, FetchError) and found.status == status
    assert fetcher.requests == 1 and sleeps == [] and "secret" not in str(found)


def test_5xx_is_retried_a_bounded_number_of_times_with_backoff(platform_server):
    found, sleeps, fetcher = fetch(platform_server, "down", *[Fault(502)] * 3, retries=2, backoff=0.5)
    assert str(found) == "the test request: HTTP 502 Bad Gateway (tried 3 times)"
    assert sleeps == [0.5, 1.0] and fetcher.requests == 3


def test_a_connection_refused_is_retried_and_named(platform_server):
    sleeps = Sleeps()
    fetcher = Fetcher(sleep=sleeps, retries=1, timeout=2.0)
    with pytest.raises(FetchError) as raised:
        fetcher.json("http://127.0.0.1:9/x?key=query-secret", "the closed port")
    assert str(raised.value) == "the closed port: cannot connect (Connection refused) (tried 2 times)"
    assert sleeps == [1.0]
