import pytest

from widget_server.core.csp import DOCUMENT_CSP
from widget_server.core.headers import PREVIEW_CSP, cache_control, frame_ancestors, response_headers, security_headers


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("widget", "public, max-age=300, s-maxage=600, stale-while-revalidate=86400, stale-if-error=604800"),
        ("json", "public, max-age=300, s-maxage=600, stale-while-revalidate=86400, stale-if-error=604800"),
        ("loader", "public, max-age=300, s-maxage=600, stale-while-revalidate=86400, stale-if-error=604800"),
        ("loader-hashed", "public, max-age=31536000, immutable"),
        ("preview", "no-store"),
        ("health", "no-store"),
        ("push", "no-store"),
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
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["script-src"] == "'self'"  # the widgets' hashed file; nothing inline, no eval


def test_preview_is_not_embeddable():
    assert "frame-ancestors 'none'" in response_headers("preview")["Content-Security-Policy"]


SHORT = "public, max-age=300, s-maxage=600, stale-while-revalidate=86400, stale-if-error=604800"
CORS = {"Access-Control-Allow-Origin": "*", "Cross-Origin-Resource-Policy": "cross-origin"}


@pytest.mark.parametrize(
    ("kind", "domains", "expected"),
    [
        (
            "widget",
            (),
            {
                "Cache-Control": SHORT,
                "X-Content-Type-Options": "nosniff",
                "Content-Security-Policy": f"{DOCUMENT_CSP}; frame-ancestors *",
                "Referrer-Policy": "strict-origin-when-cross-origin",
            },
        ),
        (
            "widget",
            ("www.example.nl", "*.example.nl"),
            {
                "Cache-Control": SHORT,
                "X-Content-Type-Options": "nosniff",
                "Content-Security-Policy": f"{DOCUMENT_CSP}; frame-ancestors www.example.nl *.example.nl",
                "Referrer-Policy": "strict-origin-when-cross-origin",
            },
        ),
        ("json", (), {"Cache-Control": SHORT, "X-Content-Type-Options": "nosniff", **CORS}),
        ("loader", (), {"Cache-Control": SHORT, "X-Content-Type-Options": "nosniff", **CORS}),
        (
            "loader-hashed",
            (),
            {"Cache-Control": "public, max-age=31536000, immutable", "X-Content-Type-Options": "nosniff", **CORS},
        ),
        (
            "preview",
            (),
            {
                "Cache-Control": "no-store",
                "X-Content-Type-Options": "nosniff",
                "Content-Security-Policy": PREVIEW_CSP,
                "X-Frame-Options": "DENY",
                "X-Robots-Tag": "noindex, nofollow",
                "Referrer-Policy": "no-referrer",
            },
        ),
        (
            "error",
            (),
            {
                "Cache-Control": "public, max-age=60",
                "X-Content-Type-Options": "nosniff",
                "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
            },
        ),
        (
            "server-error",
            (),
            {
                "Cache-Control": "no-store",
                "X-Content-Type-Options": "nosniff",
                "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
            },
        ),
        ("health", (), {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}),
        (
            "push",
            (),
            {
                "Cache-Control": "no-store",
                "X-Content-Type-Options": "nosniff",
                "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
            },
        ),
    ],
)
def test_every_header_of_every_kind(kind, domains, expected):
    assert response_headers(kind, domains) == expected
