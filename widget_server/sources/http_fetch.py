"""HTTP for the platforms' APIs: JSON over urllib, a timeout on every request, bounded retries.

A 429 waits as its `Retry-After` says (seconds or an HTTP date, at most MAX_WAIT); a 5xx, a
timeout or a dropped connection is tried again after 1, 2, 4, … seconds (`backoff`), at most
`retries` times; anything else fails at once. Redirects are never followed: a key or token
sent with a request must reach only the host it was meant for. Messages name the request
(`what`) and the status, never a header, a URL's query or a body, so no secret can be in them.
"""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import urlencode

from .json_stream import loads

MAX_WAIT = 120.0  # the longest a Retry-After is honoured (seconds); a longer one waits this long
READ_PIECE = 1 << 16  # an answer is read this many bytes at a time, its deadline checked between
MAX_BODY = 64 << 20  # one answer (a page of reviews, a token) is far smaller
USER_AGENT = "trustwidgets-sync"


class FetchError(Exception):
    """A request failed for good (after its retries); the message names no secret."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the 3xx is raised as an HTTPError and reported


OPENER = urllib.request.build_opener(_NoRedirect)


def retry_after(value: str | None, now: datetime, cap: float = MAX_WAIT) -> float | None:
    """Seconds to wait for a Retry-After header (delta-seconds or an HTTP date), at most `cap`;
    None when there is none or it cannot be read."""
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return min(float(text), cap)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return min(max((when - now).total_seconds(), 0.0), cap)


def status_text(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


@dataclass
class Fetcher:
    """Makes the requests of one sync; `sleep` and the limits are the tests' to shorten."""

    timeout: float = 30.0
    retries: int = 4
    backoff: float = 1.0
    max_wait: float = MAX_WAIT
    sleep: Callable[[float], None] = time.sleep
    requests: int = 0  # made, retries included

    def json(
        self,
        url: str,
        what: str,
        *,
        headers: Mapping[str, str] | None = None,
        form: Mapping[str, str] | None = None,
    ) -> Any:
        """GET `url` (POST with `form` as application/x-www-form-urlencoded) and read its JSON."""
        data = None if form is None else urlencode(form).encode()
        sent = {"Accept": "application/json", "User-Agent": USER_AGENT, **(headers or {})}
        if data is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        attempt = 0
        while True:
            attempt += 1
            wait: float | None
            request = urllib.request.Request(url, data=data, headers=sent, method="GET" if data is None else "POST")
            self.requests += 1
            try:
                deadline = time.monotonic() + self.timeout
                with OPENER.open(request, timeout=self.timeout) as response:
                    body = _read_until(response, deadline)
                break
            except urllib.error.HTTPError as error:
                status = error.code
                header = error.headers.get("Retry-After") if error.headers else None
                error.close()
                if status == 429 or status >= 500:
                    failure = f"{what}: HTTP {status_text(status)}"
                    wait = retry_after(header, datetime.now(UTC), self.max_wait)
                    if wait is None:
                        wait = self.backoff * 2 ** (attempt - 1)
                elif 300 <= status < 400:
                    raise FetchError(f"{what}: HTTP {status_text(status)}, a redirect (not followed)", status) from None
                else:
                    raise FetchError(f"{what}: HTTP {status_text(status)}", status) from None
            except TimeoutError:
                failure, wait = f"{what}: no answer within {self.timeout:g} s", self.backoff * 2 ** (attempt - 1)
            except urllib.error.URLError as error:
                reason = error.reason
                if isinstance(reason, TimeoutError):
                    failure = f"{what}: no answer within {self.timeout:g} s"
                else:
                    failure = f"{what}: cannot connect ({getattr(reason, 'strerror', None) or type(reason).__name__})"
                wait = self.backoff * 2 ** (attempt - 1)
            except (ConnectionError, OSError, http.client.HTTPException) as error:  # dropped mid-answer
                failure, wait = (
                    f"{what}: the connection broke ({type(error).__name__})",
                    self.backoff * 2 ** (attempt - 1),
                )
            if attempt > self.retries:
                raise FetchError(f"{failure} (tried {attempt} times)")
            self.sleep(min(wait, self.max_wait))
        if len(body) > MAX_BODY:
            raise FetchError(f"{what}: the answer is larger than {MAX_BODY >> 20} MB")
        try:
            return loads(body.decode("utf-8-sig"))  # a number too long to read is a HugeNumber
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            raise FetchError(f"{what}: the answer is not JSON") from None


def _read_until(response: Any, deadline: float) -> bytes:
    """The answer's body, at most MAX_BODY + 1 bytes, read a piece at a time until `deadline`
    (TimeoutError past it): the socket's timeout bounds each read, not the whole answer, which a
    server sending a byte at a time could draw out for hours. A read started before the
    deadline may wait one socket timeout more."""
    pieces: list[bytes] = []
    size = 0
    while size <= MAX_BODY:
        if time.monotonic() > deadline:
            raise TimeoutError
        piece = response.read1(min(READ_PIECE, MAX_BODY + 1 - size))
        if not piece:
            break
        pieces.append(piece)
        size += len(piece)
    return b"".join(pieces)
