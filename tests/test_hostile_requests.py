"""Requests as an attacker sends them, over real uvicorn: a 4xx for bad input, never a 5xx."""

import http.client
import time
from urllib.parse import urlsplit

import pytest

from tests.client import request
from tests.server import running_service
from tests.widgets import AS_OF, fixture_store
from widget_server.demo import demo_document
from widget_server.http.serve import preview_mode


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    data = tmp_path_factory.mktemp("hostile-requests")
    fixture_store(data, demo_document(AS_OF)).close()
    with running_service(data) as base:
        yield base


BAD_FILTERS = [
    ("lang=" + ",".join(["nl"] * 500), "lang must list up to 20 language tags"),
    ("lang=" + "a" * 10_000, "lang must list up to 20 language tags"),
    ("stars=" + ",".join(["5"] * 500), "stars must list ratings from 1 to 5"),
    ("stars=%EF%BC%95", "stars must list ratings from 1 to 5"),
]
BAD_PRESENTATION = [
    ("count=%C2%B2", "count must be a whole number from 1 to 50"),  # "²": isdigit() but not int()
    ("count=%EF%BC%95", "count must be a whole number from 1 to 50"),  # full-width 5
    ("accent=%00", "accent must be a hex colour"),
    ("theme=%FF%FE", "theme must be light, dark or auto"),
]
CASES = [("/v1/wtw-winkel/nl/carousel.html", q, e) for q, e in BAD_FILTERS + BAD_PRESENTATION] + [
    ("/v1/wtw-winkel/nl/reviews.json", q, e) for q, e in BAD_FILTERS
]


@pytest.mark.parametrize(("path", "query", "error"), CASES)
def test_bad_option_values_are_400(service, path, query, error):
    status, headers, body = request(service, f"{path}?{query}")
    assert status == 400 and error.encode() in body
    assert headers["cache-control"] == "public, max-age=60"


def test_unknown_parameters_are_ignored(service):
    plain = request(service, "/v1/wtw-winkel/nl/badge.html")
    extra = request(service, "/v1/wtw-winkel/nl/badge.html?utm_source=x&fbclid=y&%00=1")
    assert (plain[0], plain[2]) == (extra[0], extra[2]) == (200, plain[2])


def test_a_10_mb_header_is_431_at_once(service):
    parts = urlsplit(service)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    started = time.monotonic()
    conn.request("GET", "/v1/wtw-winkel/nl/badge.html", headers={"If-None-Match": '"x", ' * 2_000_000})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    assert response.status == 431 and b"request header fields too large" in body
    assert time.monotonic() - started < 5
    assert request(service, "/v1/wtw-winkel/nl/badge.html")[0] == 200


def test_the_preview_snippet_never_takes_an_unchecked_host(tmp_path):
    # The default (loopback) preview answers no other name at all; one opened to all does, and
    # its snippets still never name the Host it was asked under.
    fixture_store(tmp_path / "data", demo_document(AS_OF)).close()
    with running_service(tmp_path / "data") as base:
        assert request(base, "/preview/wtw-winkel", headers={"Host": "evil.example"})[0] == 404
    with running_service(tmp_path / "data", "--preview", "on") as base:
        status, _, body = request(base, "/preview/wtw-winkel", headers={"Host": "evil.example"})
    assert status == 200
    assert b"evil.example" not in body
    assert b"https://widgets.example.com/v1/embed.js" in body and b"--public-url" in body


def test_the_preview_snippet_uses_the_public_url(tmp_path):
    fixture_store(tmp_path / "data", demo_document(AS_OF)).close()
    with running_service(tmp_path / "data", "--public-url", "https://w.shop.nl", "--preview", "on") as base:
        _, _, body = request(base, "/preview/wtw-winkel", headers={"Host": "evil.example"})
    assert b"https://w.shop.nl/v1/embed.js" in body and b"evil.example" not in body


def test_the_preview_can_be_off_or_need_a_token(tmp_path):
    fixture_store(tmp_path / "data", demo_document(AS_OF)).close()
    with running_service(tmp_path / "data", "--preview", "off") as base:
        assert request(base, "/preview/wtw-winkel")[0] == 404
        assert request(base, "/v1/wtw-winkel/nl/badge.html")[0] == 200
    with running_service(tmp_path / "data", "--preview", "s3cret-token") as base:
        assert request(base, "/preview/wtw-winkel")[0] == 403
        assert request(base, "/preview/wtw-winkel?token=wrong")[0] == 403
        # the token goes into a cookie and out of the address (history, later requests' logs)
        status, headers, _ = request(base, "/preview/wtw-winkel?widget=list&token=s3cret-token&locale=en")
        assert (status, headers["location"]) == (303, "/preview/wtw-winkel?widget=list&locale=en")
        assert "tw_preview=s3cret-token" in headers["set-cookie"] and "secure" not in headers["set-cookie"].lower()
        assert "httponly" in headers["set-cookie"].lower() and "samesite=strict" in headers["set-cookie"].lower()
        assert headers["cache-control"] == "no-store"
        assert request(base, "/preview/", headers={"Cookie": "tw_preview=s3cret-token"})[0] == 200
        _, headers, _ = request(base, "/preview/?token=s3cret-token", headers={"X-Forwarded-Proto": "https"})
        assert headers["location"] == "/preview/" and "secure" in headers["set-cookie"].lower()


@pytest.mark.parametrize(
    ("asked", "host", "mode"),
    [
        (None, "127.0.0.1", "local"),  # on, but not for what a proxy passes on
        (None, "localhost", "local"),
        (None, "::1", "local"),
        (None, "0.0.0.0", "off"),
        (None, "10.0.0.5", "off"),
        ("on", "0.0.0.0", "on"),
        ("t0ken", "0.0.0.0", "t0ken"),
        ("off", "127.0.0.1", "off"),
    ],
)
def test_the_preview_is_on_by_default_only_on_loopback(asked, host, mode):
    assert preview_mode(asked, host) == mode
