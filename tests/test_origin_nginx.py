"""The generated nginx fragment behind a real nginx: what a CDN in front of it gets."""

import http.client
import json
from urllib.parse import urlsplit

import pytest

from static_build.build import build
from tests.nginx import running_nginx
from tests.server import free_port
from tests.widgets import AS_OF, fixture_store
from widget_server.core.headers import cache_control
from widget_server.demo import demo_document


@pytest.fixture(scope="module")
def origin(tmp_path_factory):
    folder = tmp_path_factory.mktemp("origin")
    data, out = folder / "data", folder / "out"
    document = demo_document(AS_OF)
    document["shops"][1]["allowed_domains"] = ["www.greenvent.example"]
    fixture_store(data, document).close()
    build(data, out, AS_OF, brotli=True)  # with .br twins, which must never be sent by name
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    block = f"server {{ listen 127.0.0.1:{port}; root {out}; include {out}/nginx.conf; }}"
    with running_nginx(folder / "nginx", block, base + "/v1/embed.js"):
        yield base, out


def get(base, path, **headers):
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, response.getheaders(), body


def values(headers, name):
    return [value for key, value in headers if key.lower() == name.lower()]


@pytest.mark.parametrize("coding", ["gzip", ""])
@pytest.mark.parametrize(
    "path", ["/v1/wtw-winkel/nl/carousel.html", "/v1/wtw-winkel/nl/reviews.json", "/v1/embed.js", "/v1/openapi.json"]
)
def test_a_document_with_twins_varies_on_accept_encoding_whatever_was_asked(origin, path, coding):
    base, out = origin
    assert (out / (path.lstrip("/") + ".gz")).is_file()
    status, headers, _ = get(base, path, **({"Accept-Encoding": coding} if coding else {}))
    assert status == 200
    assert values(headers, "Vary") == ["Accept-Encoding"]
    assert values(headers, "Content-Encoding") == (["gzip"] if coding else [])


@pytest.mark.parametrize(
    "path",
    [
        "/v1/wtw-winkel/nl/no-such-widget.html",
        "/v1/wtw-winkel/nl/carousel.html.gz",
        "/v1/wtw-winkel/nl/carousel.html.br",
        "/manifest.json",
        "/nginx.conf",
        "/_headers",
        "/v1/",
        "/v1/wtw-winkel/",
        "/v1/wtw-winkel",
        "/v1/wtw-winkel/nl",
    ],
)
def test_a_missing_path_or_a_file_of_the_build_is_a_short_lived_404(origin, path):
    base, out = origin
    if path.endswith((".gz", ".br")):
        assert (out / path.lstrip("/")).is_file()
    status, headers, body = get(base, path, **{"Accept-Encoding": "gzip"})
    assert (status, body) == (404, b"404 Not Found\n")
    assert values(headers, "Cache-Control") == [cache_control("error")]
    assert "stale-if-error" not in cache_control("error")
    assert values(headers, "X-Content-Type-Options") == ["nosniff"]


@pytest.mark.parametrize(
    ("path", "media", "body"),
    [
        ("/v1/no-such-shop/summary.json", "application/json", b'{"error":"no such document","status":404}\n'),
        ("/v1/wtw-winkel/nl/nope.json", "application/json", b'{"error":"no such document","status":404}\n'),
        ("/v1/wtw-winkel/nl/nope.html", "text/plain", b"404 Not Found\n"),
        ("/v1/wtw-winkel/nl/nope.js", "text/plain", b"404 Not Found\n"),
        ("/v1", "text/plain", b"404 Not Found\n"),
        # other spellings of documents that exist: the service knows one spelling only
        ("/v1//wtw-winkel/summary.json", "text/plain", b"404 Not Found\n"),
        ("/v1/wtw-winkel/nl/badge%2ehtml", "text/plain", b"404 Not Found\n"),
        ("/v1/wtw-winkel//nl/badge.html?theme=dark", "text/plain", b"404 Not Found\n"),
    ],
)
def test_a_404_says_so_in_the_type_of_its_body(origin, path, media, body):
    status, headers, found = get(origin[0], path)
    assert (status, values(headers, "Content-Type"), found) == (404, [media], body)
    assert values(headers, "Cache-Control") == [cache_control("error")]
    if media == "application/json":
        assert json.loads(found)["status"] == 404


def test_a_query_may_hold_what_a_path_may_not(origin):
    assert get(origin[0], "/v1/wtw-winkel/nl/badge.html?x=%2F%2F//")[0] == 200


def test_a_shops_file_list_is_never_served(origin):
    base, out = origin
    (listed,) = (out / "v1/wtw-winkel").glob(".files-*.json")
    status, _, body = get(base, f"/v1/wtw-winkel/{listed.name}")
    assert status == 404 and b"sha256" not in body


def test_framing_follows_the_shops_allowed_domains(origin):
    base, _ = origin
    _, locked, _ = get(base, "/v1/greenvent/en/badge.html")
    _, open_, _ = get(base, "/v1/wtw-winkel/en/badge.html")
    (csp,) = values(locked, "Content-Security-Policy")
    assert csp.endswith("frame-ancestors www.greenvent.example")
    assert values(open_, "Content-Security-Policy")[0].endswith("frame-ancestors *")


def test_a_revalidation_keeps_the_headers(origin):
    base, _ = origin
    _, first, _ = get(base, "/v1/wtw-winkel/nl/badge.html")
    (etag,) = values(first, "ETag")
    status, headers, _ = get(base, "/v1/wtw-winkel/nl/badge.html", **{"If-None-Match": etag})
    assert status == 304
    assert values(headers, "Cache-Control") == [cache_control("widget")]
    assert values(headers, "Vary") == ["Accept-Encoding"]


@pytest.mark.parametrize(
    ("path", "media"),
    [
        ("/v1/wtw-winkel/nl/badge.html", "text/html; charset=utf-8"),
        ("/v1/wtw-winkel/summary.json", "application/json"),
        ("/v1/embed.js", "text/javascript; charset=utf-8"),
    ],
)
def test_content_types_are_the_services(origin, path, media):
    base, _ = origin
    status, headers, _ = get(base, path, **{"Accept-Encoding": "gzip"})
    assert (status, values(headers, "Content-Type")) == (200, [media])


def test_a_hashed_script_of_an_earlier_build_keeps_its_headers(origin):
    """Pages cached elsewhere may still name last week's script: it stays, and stays immutable."""
    base, out = origin
    current = next((out / "v1").glob("widget.*.js"))
    earlier = out / "v1" / "widget.000000000000.js"
    earlier.write_bytes(current.read_bytes())
    try:
        status, headers, _ = get(base, "/v1/widget.000000000000.js")
    finally:
        earlier.unlink()
    assert status == 200
    assert values(headers, "Cache-Control") == [cache_control("loader-hashed")]
    assert values(headers, "Access-Control-Allow-Origin") == ["*"]
