"""HTTP caching and security headers: pure functions of the resource kind (table-tested)."""

from __future__ import annotations

from .csp import DOCUMENT_CSP

KINDS = ("widget", "json", "loader", "loader-hashed", "preview", "error", "server-error", "health", "push")
SHORT = "public, max-age=300, s-maxage=600, stale-while-revalidate=86400, stale-if-error=604800"
CACHE_CONTROL = {
    "widget": SHORT,
    "json": SHORT,
    "loader": SHORT,
    "loader-hashed": "public, max-age=31536000, immutable",
    "preview": "no-store",
    "error": "public, max-age=60",  # a 4xx: the same request gets the same answer for a while
    "server-error": "no-store",  # a 5xx must never be kept by a CDN
    "health": "no-store",
    "push": "no-store",  # the answer to one push, for the pusher only
}
PREVIEW_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def cache_control(kind: str) -> str:
    return CACHE_CONTROL[kind]


def frame_ancestors(domains: tuple[str, ...]) -> str:
    """Who may embed a shop's widgets: its allowed domains, or anyone when none is set."""
    return " ".join(domains) if domains else "*"


def security_headers(kind: str, domains: tuple[str, ...] = ()) -> dict[str, str]:
    headers = {"X-Content-Type-Options": "nosniff"}
    if kind == "widget":
        headers["Content-Security-Policy"] = f"{DOCUMENT_CSP}; frame-ancestors {frame_ancestors(domains)}"
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    elif kind in ("json", "loader", "loader-hashed"):
        headers["Access-Control-Allow-Origin"] = "*"
        headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    elif kind == "preview":
        headers["Content-Security-Policy"] = PREVIEW_CSP
        headers["X-Frame-Options"] = "DENY"
        headers["X-Robots-Tag"] = "noindex, nofollow"
        headers["Referrer-Policy"] = "no-referrer"
    elif kind in ("error", "server-error", "push"):
        headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
    return headers


def response_headers(kind: str, domains: tuple[str, ...] = ()) -> dict[str, str]:
    """Every fixed header of a response of this kind."""
    return {"Cache-Control": cache_control(kind), **security_headers(kind, domains)}
