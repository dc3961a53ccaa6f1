import pytest

from widget_server.core.headers import cache_control, frame_ancestors, response_headers, security_headers


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("widget", "public, max-age=300, s-maxage=600, stale-while-revalidate=86400, stale-if-error=604800"),
        ("json", "public, max-age=300, s-maxage=600, stale-while-revalidate=86400, stale-if-error=604800"),
        ("loader", "public, max-age=300, s-maxage=600, stale-while-revalidate=86400, stale-if-error=604800"),
        ("loader-hashed", "public, max-age=31536000, immutable"),
        ("preview", "no-store"),
        ("health", "no-store"),
        ("error", "public, max-age=60"),
        ("server-error", "no-store"),
    ],
)
def test_cache_control(kind, expected):
    assert cache_control(kind) == expected


@pytest.mark.parametrize(
    ("domains", "expected"),
    [
        ((), "*"),
        (("www.example.nl",), "www.example.nl"),
        (("www.example.nl", "*.example.nl"), "www.example.nl *.example.nl"),
    ],
)
def test_frame_ancestors(domains, expected):
    assert frame_ancestors(domains) == expected


@pytest.mark.parametrize(
    ("kind", "present", "absent"),
    [
        ("widget", {"Content-Security-Policy", "Referrer-Policy"}, {"X-Frame-Options", "Access-Control-Allow-Origin"}),
        ("json", {"Access-Control-Allow-Origin"}, {"X-Frame-Options"}),
        ("loader-hashed", {"Access-Control-Allow-Origin"}, {"X-Frame-Options"}),
        ("preview", {"X-Frame-Options", "X-Robots-Tag", "Content-Security-Policy"}, {"Access-Control-Allow-Origin"}),
    ],
)
def test_security_headers(kind, present, absent):
    headers = security_headers(kind)
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert present <= set(headers) and not absent & set(headers)


def test_widget_csp_is_strict_and_names_the_allowed_domains():
    csp = security_headers("widget", ("www.example.nl",))["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "frame-ancestors www.example.nl" in csp
    assert "script-src 'sha256-" in csp and "unsafe-eval" not in csp


def test_preview_is_not_embeddable():
    assert "frame-ancestors 'none'" in response_headers("preview")["Content-Security-Policy"]
