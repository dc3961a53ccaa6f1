"""The service over real HTTP: uvicorn on a loopback port, driven with raw requests."""

import gzip
import http.client
import json
import re
from urllib.parse import urlsplit

import brotli
import pytest

from tests.client import request
from tests.factories import SHOP, review, write_json
from tests.server import running_service
from tests.widgets import AS_OF, WIDGET_NAMES, fixture_store
from widget_server.core.catalogue import SUMMARY, WIDGET, DocumentRef
from widget_server.core.documents import render_document
from widget_server.core.options import Options
from widget_server.demo import demo_document


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    data = tmp_path_factory.mktemp("service")
    fixture_store(data, demo_document(AS_OF)).close()
    with running_service(data) as base:
        yield base, data


def test_widget_bytes_are_the_render_functions_bytes(service):
    base, data = service
    store = fixture_store(data / "copy", demo_document(AS_OF))  # same data, separate store
    snapshot = store.snapshot("wtw-winkel", AS_OF)
    defaults = Options().resolve(snapshot.shop)
    for widget in WIDGET_NAMES:
        for locale in ("nl", "en"):
            status, _, body = request(base, f"/v1/wtw-winkel/{locale}/{widget}.html")
            assert status == 200
            ref = DocumentRef(WIDGET, shop="wtw-winkel", locale=locale, widget=widget)
            assert body == render_document(snapshot, ref, defaults)
    summary = render_document(snapshot, DocumentRef(SUMMARY, shop="wtw-winkel"), defaults)
    assert request(base, "/v1/wtw-winkel/summary.json")[2] == summary
    store.close()


@pytest.mark.parametrize(
    "path",
    [
        "/v1/nope/summary.json",
        "/v1/WTW-winkel/summary.json",
        "/v1/wtw-winkel/NL/badge.html",
        "/v1/wtw-winkel/de/badge.html",
        "/v1/wtw-winkel/nl/banner.html",
        "/v1/wtw-winkel/nl/Badge.html",
        "/v1/wtw-winkel/nl/badge.htm",
        "/v1/wtw-winkel/nl/badge%2Ehtml",
        "/v1/wtw-winkel%2Fnl/badge.html",
        "/v1/wtw-winkel/nl/%2e%2e/summary.json",
        "/v1/wtw-winkel/nl/badge.html%00",
        "/v1/wtw-winkel/summary.json/",
        "/v1/wtw-winkel/nl/reviews-1.json",
        "/v1/wtw-winkel/nl/reviews-999.json",
        "/v1/wtw-winkel/nl/reviews-0.json",
        "/v1/embed.000000000000.js",
        "/v2/wtw-winkel/summary.json",
        "/preview/nope",
        "/preview/secrets.txt",
    ],
)
def test_not_found_is_short_and_plain(service, path):
    status, headers, body = request(service[0], path)
    assert status == 404
    assert len(body) < 200 and b"Traceback" not in body
    assert headers["x-content-type-options"] == "nosniff"
    if path.endswith(".json"):
        assert json.loads(body)["status"] == 404


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_other_methods_are_405(service, method):
    status, headers, body = request(service[0], "/v1/wtw-winkel/nl/badge.html", method)
    assert status == 405 and "GET" in headers["allow"]


@pytest.mark.parametrize("path", ["/", "/healthz", "/preview/", "/v1/openapi.json", "/v1/nope/summary.json", "/nope"])
def test_nosniff_everywhere(service, path):
    assert request(service[0], path)[1]["x-content-type-options"] == "nosniff"


def test_head_has_headers_and_no_body(service):
    status, headers, body = request(service[0], "/v1/wtw-winkel/nl/badge.html", "HEAD")
    assert status == 200 and body == b"" and headers["etag"]


def test_etag_and_304(service):
    base = service[0]
    _, headers, body = request(base, "/v1/wtw-winkel/nl/carousel.html")
    etag = headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    status, again, body304 = request(base, "/v1/wtw-winkel/nl/carousel.html", headers={"If-None-Match": etag})
    assert (status, body304) == (304, b"")
    assert again["etag"] == etag and again["cache-control"] == headers["cache-control"]
    assert request(base, "/v1/wtw-winkel/nl/carousel.html", headers={"If-None-Match": '"other"'})[0] == 200


def test_content_coding(service):
    base = service[0]
    _, plain_headers, plain = request(base, "/v1/wtw-winkel/nl/carousel.html")
    _, gz_headers, gz = request(base, "/v1/wtw-winkel/nl/carousel.html", headers={"Accept-Encoding": "gzip"})
    _, br_headers, br = request(base, "/v1/wtw-winkel/nl/carousel.html", headers={"Accept-Encoding": "gzip, br"})
    assert "content-encoding" not in plain_headers
    assert gz_headers["content-encoding"] == "gzip" and gzip.decompress(gz) == plain
    assert br_headers["content-encoding"] == "br" and brotli.decompress(br) == plain
    assert len({plain_headers["etag"], gz_headers["etag"], br_headers["etag"]}) == 3
    assert plain_headers["vary"] == "Accept-Encoding"


def request_fields(base, path, fields):
    """A GET with header fields as given, the same name several times if need be."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.putrequest("GET", path)
    for name, value in fields:
        conn.putheader(name, value)
    conn.endheaders()
    response = conn.getresponse()
    headers, body = {k.lower(): v for k, v in response.getheaders()}, response.read()
    conn.close()
    return headers, body


def test_several_accept_encoding_fields_are_one_list_and_leave_others_their_coding(service):
    base, path = service[0], "/v1/wtw-winkel/en/list.html"
    headers, body = request_fields(base, path, [("Accept-Encoding", "br"), ("Accept-Encoding", "gzip")])
    assert headers["content-encoding"] == "br" and brotli.decompress(body).startswith(b"<!doctype html>")
    headers, body = request_fields(base, path, [("Accept-Encoding", "gzip")])
    assert headers["content-encoding"] == "gzip" and gzip.decompress(body).startswith(b"<!doctype html>")
    headers, body = request_fields(base, path, [("Accept-Encoding", "identity"), ("Accept-Encoding", "gzip")])
    assert headers["content-encoding"] == "gzip"
    headers, body = request_fields(base, path, [])
    assert "content-encoding" not in headers and body.startswith(b"<!doctype html>")


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/v1/wtw-winkel/nl/badge.html", "widget"),
        ("/v1/wtw-winkel/summary.json", "json"),
        ("/v1/wtw-winkel/en/reviews.json", "json"),
        ("/v1/embed.js", "loader"),
    ],
)
def test_public_headers(service, path, kind):
    _, headers, _ = request(service[0], path)
    assert headers["x-content-type-options"] == "nosniff"
    assert "stale-while-revalidate=" in headers["cache-control"] and "stale-if-error=" in headers["cache-control"]
    assert "x-frame-options" not in headers and "set-cookie" not in headers
    if kind == "widget":
        assert "frame-ancestors *" in headers["content-security-policy"]
        assert headers["referrer-policy"]
    else:
        assert headers["access-control-allow-origin"] == "*"


def test_hashed_loader_is_immutable(service):
    base = service[0]
    _, _, page = request(base, "/preview/wtw-winkel")
    name = re.search(r"/v1/(embed\.[0-9a-f]{12}\.js)", page.decode()).group(1)
    status, headers, body = request(base, f"/v1/{name}")
    assert status == 200 and headers["cache-control"] == "public, max-age=31536000, immutable"
    assert body == request(base, "/v1/embed.js")[2]


def test_preview_is_private(service):
    status, headers, body = request(service[0], "/preview/wtw-winkel")
    assert status == 200
    assert headers["x-frame-options"] == "DENY" and "noindex" in headers["x-robots-tag"]
    assert headers["cache-control"] == "no-store"
    assert b"data-shop=&#34;wtw-winkel&#34;" in body  # the snippet, shown as text


def test_unkeyed_headers_and_unknown_parameters_do_not_change_bytes(service):
    base = service[0]
    plain = request(base, "/v1/wtw-winkel/nl/badge.html")
    for headers in (
        {"Host": "evil.example"},
        {"X-Forwarded-Host": "evil.example"},
        {"Cookie": "a=b"},
        {"Accept-Language": "de"},
    ):
        assert request(base, "/v1/wtw-winkel/nl/badge.html", headers=headers)[2] == plain[2]
    assert request(base, "/v1/wtw-winkel/nl/badge.html?utm_source=x&evil=<script>")[2] == plain[2]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("accent=red", b"accent must be a hex colour"),
        ("theme=neon", b"theme must be light, dark or auto"),
        ("count=0", b"count must be a whole number"),
        ("stars=9", b"stars must list ratings"),
    ],
)
def test_invalid_options_are_a_clear_400(service, query, message):
    status, headers, body = request(service[0], f"/v1/wtw-winkel/nl/carousel.html?{query}")
    assert status == 400 and message in body
    assert headers["content-type"].startswith("text/plain")


def test_valid_options_change_the_widget(service):
    base = service[0]
    _, _, dark = request(base, "/v1/wtw-winkel/nl/carousel.html?theme=dark&stars=4,5&count=3")
    assert b'class="dark w-carousel"' in dark
    assert b"Alleen beoordelingen met 4 en 5 sterren" in dark
    assert dark.count(b'<article class="card') == 3


def test_an_import_shows_at_the_next_request_without_restart(tmp_path):
    data = tmp_path / "data"
    fixture_store(data).close()
    with running_service(data) as base:
        before = json.loads(request(base, "/v1/wtw-winkel/summary.json")[2])
        from static_build.program import main

        path = write_json(
            tmp_path / "more.json",
            {
                "shops": [SHOP],
                "reviews": [
                    review(id=f"new-{n}", rating=1, created_at="2026-11-22T10:00:00Z", experienced_at=None)
                    for n in range(3)
                ],
            },
        )
        assert main(["--data", str(data), "import", str(path)]) == 0
        after = json.loads(request(base, "/v1/wtw-winkel/summary.json")[2])
        assert after["review_count"] == before["review_count"] + 3
        assert after["score"] < before["score"]


def test_the_service_lets_a_waiting_thread_have_the_gil_within_half_a_millisecond(monkeypatch, tmp_path):
    """A worker reading a big shop must not keep the event loop from the GIL for 5 ms at a time."""
    import sys

    from widget_server.http.app import app_from_env

    before = sys.getswitchinterval()
    monkeypatch.setenv("TRUSTWIDGETS_DATA", str(tmp_path / "data"))
    try:
        app_from_env()
        assert sys.getswitchinterval() == pytest.approx(0.0005)
    finally:
        sys.setswitchinterval(before)
