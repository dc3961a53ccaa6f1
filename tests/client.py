"""A raw HTTP client for tests: the path goes on the wire exactly as written."""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit


def request(base, path, method="GET", headers=None):
    """A raw request: the path goes on the wire exactly as written."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.request(method, path, headers=headers or {})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body
