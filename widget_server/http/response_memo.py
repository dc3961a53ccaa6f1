"""A memo of finished public responses, in front of the router: the hot path of the service.

A hit skips routing, option parsing, the shop lookup, hashing and header building. Entries are
keyed by (path, parsed options, content coding) and dropped whenever the store's data version
or the date changes, so an import still shows at the very next request. Unknown query
parameters are ignored here as the handler ignores them, so they cannot grow the memo; a query
with an invalid option is not memoised (the handler answers 400).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..core.compression import choose_encoding
from ..core.options import OPTION_NAMES, OptionError, Options, parse_options

Entry = tuple[list[tuple[bytes, bytes]], bytes, bytes]  # headers, body, etag


NO_OPTIONS = repr(Options())


def _options_key(query_string: bytes) -> str | None:
    """The asked options in one canonical text, or None when one of them is invalid."""
    if not query_string:
        return NO_OPTIONS
    try:
        pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
        options = parse_options({name: value for name, value in pairs if name in OPTION_NAMES})
    except (OptionError, ValueError):
        return None
    return repr(options)


class ResponseMemo:
    def __init__(
        self,
        app: ASGIApp,
        version: Callable[[], Hashable],
        *,
        items: int = 4096,
        max_bytes: int = 8 << 20,
        prefix: str = "/v1/",
    ) -> None:
        self.app = app
        self.version = version
        self.items = items
        self.max_bytes = max_bytes  # bodies held at most, so memory stays flat whatever is asked
        self.bytes = 0
        self.prefix = prefix
        self.entries: OrderedDict[tuple[str, str, str | None], Entry] = OrderedDict()
        self.codings: dict[bytes, str | None] = {}
        self.seen: Hashable = None

    def _coding(self, header: bytes) -> str | None:
        coding = self.codings.get(header, "?")
        if coding == "?":
            coding = choose_encoding(header.decode("latin-1"))
            if len(self.codings) < 256:
                self.codings[header] = coding
        return coding

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in ("GET", "HEAD")
            or not scope["path"].startswith(self.prefix)
        ):
            await self.app(scope, receive, send)
            return
        accepts: list[bytes] = []  # several Accept-Encoding fields are one list (RFC 9110, 5.3)
        if_none_match = None
        for name, value in scope["headers"]:
            if name == b"accept-encoding":
                accepts.append(value)
            elif name == b"if-none-match":
                if_none_match = value
        version = self.version()
        if version != self.seen:
            self.entries.clear()
            self.bytes = 0
            self.seen = version
        options = _options_key(scope["query_string"])
        if options is None:
            await self.app(scope, receive, send)
            return
        key = (scope["path"], options, self._coding(b", ".join(accepts)))
        entry = self.entries.get(key)
        if entry is None or if_none_match is not None:
            await self.app(scope, receive, self._recorder(key, send) if if_none_match is None else send)
            return
        headers, body, _ = entry
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})

    def _recorder(self, key: tuple[str, str, str | None], send: Send) -> Send:
        start: dict[str, Any] = {}

        async def record(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif (
                message["type"] == "http.response.body" and start.get("status") == 200 and not message.get("more_body")
            ):
                headers = list(start.get("headers", []))
                etag = next((v for n, v in headers if n == b"etag"), None)
                body = message.get("body", b"")
                if etag is not None and any(n == b"content-length" and int(v) == len(body) for n, v in headers):
                    old = self.entries.pop(key, None)
                    self.bytes += len(body) - (len(old[1]) if old else 0)
                    self.entries[key] = (headers, body, etag)
                    while len(self.entries) > self.items or self.bytes > self.max_bytes:
                        _, (_, dropped, _) = self.entries.popitem(last=False)
                        self.bytes -= len(dropped)
            await send(message)

        return record
