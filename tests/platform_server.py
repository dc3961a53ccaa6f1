"""A real HTTP server answering as the platforms' APIs document (for `trustwidgets sync`'s tests).

One threaded http.server on 127.0.0.1, started once per test session (conftest's
`platform_server`). Each test adds its own account under an id of its own, so tests never see
each other's data: a Trustpilot business unit (API key in the `apikey` header; reviews newest
first by `page`/`perPage` with a `next-page` link; the business unit with its TrustScore), an
eTrusted channel (a client-credentials token from POST /oauth/token; GET /reviews of one
channel by `channels`, `count` and the `after` cursor), a Google location (a refresh-token grant at POST /token;
reviews by `pageSize`/`pageToken`, newest update first, with `averageRating`), a Kiyoh location
(the publication feed with its `X-Publication-Api-Token`: the location's figures and its
reviews, most recently changed first, at most `limit`), a Feedback Company shop (a token from
GET /api/v2/oauth2/token with the client's id and secret in the query; reviews by `limit` and
`start`, newest first, with `count.total`). A test queues
faults for an id (a 429 with Retry-After, a 500, a 401, a broken page, a slow answer), each
served once, and reads the log of requests made for it.
"""

from __future__ import annotations

import base64
import itertools
import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

ETRUSTED_AUDIENCE = "https://api.etrusted.com"


@dataclass
class Fault:
    status: int = 500
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b'{"message": "Internal Server Error"}'
    delay: float = 0.0  # seconds before answering; with status 0 the normal answer follows
    trickle: float = 0.0  # seconds between the body's bytes (a server that drips its answer)


BROKEN_PAGE = Fault(200, body=b'{"reviews": [{"id": "x", "stars": 5,')


def slow(seconds: float) -> Fault:
    """The normal answer, `seconds` late."""
    return Fault(0, delay=seconds)


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that gave up on a slow answer (a timeout test) is no error here


@dataclass
class Logged:
    method: str
    path: str
    query: dict[str, list[str]]
    account: str  # the business unit, channel or location the request was for ('' for none)
    kind: str  # reviews, score, token


@dataclass
class TrustpilotUnit:
    key: str
    reviews: list[dict[str, Any]]  # newest first
    trust_score: float = 4.6
    total: int = 1234
    after_page: Callable[[int], None] | None = None  # called with each page's number once it is made
    always_next: bool = False  # a broken API: a next-page link on every page, the empty ones too


@dataclass
class ETrustedChannel:
    client_id: str
    client_secret: str
    reviews: list[dict[str, Any]]  # newest first


@dataclass
class KiyohLocation:
    token: str
    reviews: list[dict[str, Any]]  # any order: the feed sorts them by updatedSince
    average_12: float = 8.6
    count_12: int = 131
    calls: int = 0  # feed requests answered (a test can count them)


@dataclass
class FeedbackCompanyShop:
    client_id: str
    client_secret: str
    reviews: list[dict[str, Any]]  # newest first
    stuck: bool = False  # a broken API: every page is the first, and no count.total


@dataclass
class GoogleLocation:
    client_id: str
    client_secret: str
    refresh_token: str
    reviews: list[dict[str, Any]]  # newest update first
    average: float = 4.4


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def trustpilot_reviews(prefix: str, count: int, newest: datetime, step: timedelta) -> list[dict[str, Any]]:
    return [
        {
            "id": f"{prefix}{n:06d}",
            "stars": 1 + n % 5,
            "title": f"Review {n}",
            "text": f"Tekst van review {n}.",
            "language": "nl",
            "createdAt": stamp(newest - n * step),
            "updatedAt": stamp(newest - n * step),
            "consumer": {"id": f"c{n}", "displayName": f"Klant {n}"},
            "status": "active",
            "isVerified": True,
            "links": [],
        }
        for n in range(count)
    ]


def etrusted_reviews(prefix: str, count: int, newest: datetime, step: timedelta) -> list[dict[str, Any]]:
    return [
        {
            "id": f"rev-{prefix}{n:06d}",
            "rating": float(1 + n % 5),
            "title": f"Review {n}",
            "comment": f"Tekst van review {n}.",
            "submittedAt": stamp(newest - n * step),
            "createdAt": stamp(newest - n * step),
            "updatedAt": stamp(newest - n * step),
            "state": "APPROVED",
            "type": "SERVICE_REVIEW",
            "verificationType": "VERIFIED",
            "customer": {"firstName": "Anna", "lastName": f"Jansen{n}"},
        }
        for n in range(count)
    ]


GOOGLE_STARS = ("ONE", "TWO", "THREE", "FOUR", "FIVE")


def google_reviews(prefix: str, count: int, newest: datetime, step: timedelta) -> list[dict[str, Any]]:
    return [
        {
            "reviewId": f"{prefix}{n:06d}",
            "reviewer": {"displayName": f"Klant {n}", "isAnonymous": False},
            "starRating": GOOGLE_STARS[n % 5],
            "comment": f"Tekst van review {n}.",
            "createTime": stamp(newest - n * step),
            "updateTime": stamp(newest - n * step),
        }
        for n in range(count)
    ]


def kiyoh_reviews(prefix: str, count: int, newest: datetime, step: timedelta) -> list[dict[str, Any]]:
    return [
        {
            "reviewId": f"{prefix}{n:06d}",
            "reviewAuthor": f"Klant {n}",
            "city": "Utrecht",
            "rating": 1 + n % 10,
            "reviewContent": [
                {"questionGroup": "DEFAULT_OVERALL", "questionType": "INT", "rating": 1 + n % 10, "order": 0},
                {"questionGroup": "DEFAULT_ONELINER", "questionType": "TEXT", "rating": f"Review {n}", "order": 1},
                {"questionGroup": "DEFAULT_OPINION", "questionType": "TEXT", "rating": f"Tekst {n}.", "order": 2},
            ],
            "dateSince": stamp(newest - n * step),
            "updatedSince": stamp(newest - n * step),
            "reviewLanguage": "nl",
            "referenceCode": f"ORDER-{n}",
        }
        for n in range(count)
    ]


def feedbackcompany_reviews(prefix: str, count: int, newest: datetime, step: timedelta) -> list[dict[str, Any]]:
    return [
        {
            "id": int(prefix) * 1_000_000 + n if prefix.isdigit() else f"{prefix}{n:06d}",
            "date_created": stamp(newest - n * step),
            "total_score": 1 + n % 5,
            "recommends": True,
            "client": {"name": f"Klant {n}"},
            "questions": [{"question_id": 1, "type": "main_open", "value": f"Tekst {n}."}],
            "product": None,
        }
        for n in range(count)
    ]


class PlatformServer:
    def __init__(self) -> None:
        self.kiyoh: dict[str, KiyohLocation] = {}
        self.feedbackcompany: dict[str, FeedbackCompanyShop] = {}
        self.token_accounts: dict[str, str] = {}  # a Feedback Company token -> its shop
        self.trustpilot: dict[str, TrustpilotUnit] = {}
        self.etrusted: dict[str, ETrustedChannel] = {}
        self.google: dict[str, GoogleLocation] = {}
        self.faults: dict[str, list[Fault]] = {}  # account -> faults served one per request, in order
        self.log: list[Logged] = []
        self.tokens: set[str] = set()
        self.lock = threading.Lock()
        # A Feedback Company shop's number, new for every test of the session: requests and faults
        # are kept by account, so two tests that drew the same number would see each other's.
        self.numbers = itertools.count(100_000_001)
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                server.answer(self, "GET")

            def do_POST(self) -> None:
                server.answer(self, "POST")

        self.httpd = QuietServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def fail(self, account: str, *faults: Fault) -> None:
        with self.lock:
            self.faults.setdefault(account, []).extend(faults)

    def requests(self, account: str, kind: str = "reviews") -> list[Logged]:
        with self.lock:
            return [entry for entry in self.log if entry.account == account and entry.kind == kind]

    # -- answering -----------------------------------------------------------------------

    def answer(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(handler.path)
        path, query = unquote(parts.path), parse_qs(parts.query)
        length = int(handler.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in parse_qs(handler.rfile.read(length).decode()).items()} if length else {}
        account, kind, route = self.route(method, path, form, query, handler)
        with self.lock:
            self.log.append(Logged(method, path, query, account, kind))
            fault = self.faults[account].pop(0) if self.faults.get(account) else None
        trickle = fault.trickle if fault is not None else 0.0
        if fault is not None:
            time.sleep(fault.delay)
            if fault.status:
                return self.send(handler, fault.status, fault.body, fault.headers, trickle)
        if route is None:
            return self.send(handler, 404, b'{"message": "Not Found"}')
        status, body = route(handler, query, form)
        self.send(handler, status, json.dumps(body).encode(), trickle=trickle)

    def send(
        self,
        handler: BaseHTTPRequestHandler,
        status: int,
        body: bytes,
        headers: dict[str, str] | None = None,
        trickle: float = 0.0,
    ):
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        if not trickle:
            handler.wfile.write(body)
            return
        for n in range(len(body)):
            handler.wfile.write(body[n : n + 1])
            handler.wfile.flush()
            time.sleep(trickle)

    def route(self, method: str, path: str, form: dict[str, str], query=None, handler=None):
        """(account, kind, the function answering) for a request."""
        segments = path.strip("/").split("/")
        query = query or {}
        if method == "GET" and path == "/v1/publication/review/feed.json":
            location = query.get("locationId", [""])[0]
            return location, "reviews", lambda h, q, f: self.kiyoh_feed(h, q, location)
        if method == "GET" and path == "/api/v2/oauth2/token":
            shop = next((k for k, v in self.feedbackcompany.items() if [v.client_id] == query.get("client_id")), "")
            return shop, "token", lambda h, q, f: self.feedbackcompany_token(q, shop)
        if method == "GET" and path == "/api/v2/review":
            header = (handler.headers.get("Authorization") or "") if handler is not None else ""
            shop = self.token_accounts.get(header.removeprefix("Bearer "), "")
            return shop, "reviews", lambda h, q, f: self.feedbackcompany_page(h, q, shop)
        if method == "GET" and segments[:2] == ["v1", "business-units"] and len(segments) == 4:
            return segments[2], "reviews", lambda h, q, f: self.trustpilot_reviews(h, q, segments[2])
        if method == "GET" and segments[:2] == ["v1", "business-units"] and len(segments) == 3:
            return segments[2], "score", lambda h, q, f: self.trustpilot_unit(h, segments[2])
        if method == "POST" and path == "/oauth/token":
            channel = next((c for c, v in self.etrusted.items() if v.client_id == form.get("client_id")), "")
            return channel, "token", lambda h, q, f: self.etrusted_token(f)
        if method == "GET" and path == "/reviews":  # getReviews: ?channels=chl-…,chl-…
            channel = query.get("channels", [""])[0]
            return channel, "reviews", lambda h, q, f: self.etrusted_reviews(h, q, channel)
        if method == "POST" and path == "/token":
            location = next((k for k, v in self.google.items() if v.client_id == form.get("client_id")), "")
            return location, "token", lambda h, q, f: self.google_token(f)
        if method == "GET" and segments[:1] == ["v4"] and len(segments) == 6 and segments[5] == "reviews":
            location = "/".join(segments[1:5])
            return location, "reviews", lambda h, q, f: self.google_reviews(h, q, location)
        return "", "other", None

    def _bearer(self, handler: BaseHTTPRequestHandler) -> bool:
        header = handler.headers.get("Authorization") or ""
        return header.startswith("Bearer ") and header.removeprefix("Bearer ") in self.tokens

    def _token(self) -> dict[str, Any]:
        token = "at-" + secrets.token_urlsafe(16)
        self.tokens.add(token)
        return {"access_token": token, "token_type": "Bearer", "expires_in": 300}

    # Trustpilot

    def trustpilot_reviews(self, handler, query, unit_id):
        unit = self.trustpilot.get(unit_id)
        if unit is None:
            return 404, {"message": "Not Found"}
        if handler.headers.get("apikey") != unit.key:
            return 401, {"fault": {"faultstring": "Invalid ApiKey"}}
        if query.get("orderBy") != ["createdat.desc"]:
            return 400, {"message": "this server answers only orderBy=createdat.desc"}
        page, per_page = int(query.get("page", ["1"])[0]), int(query.get("perPage", ["20"])[0])
        if not 1 <= per_page <= 100:
            return 400, {"message": "perPage must be 1-100"}
        start = (page - 1) * per_page
        links = []
        if start + per_page < len(unit.reviews) or unit.always_next:
            href = f"{self.base}/v1/business-units/{unit_id}/reviews?page={page + 1}&perPage={per_page}"
            links.append({"href": href, "method": "GET", "rel": "next-page"})
        body = {"reviews": unit.reviews[start : start + per_page], "links": links}
        if unit.after_page is not None:
            unit.after_page(page)
        return 200, body

    def trustpilot_unit(self, handler, unit_id):
        unit = self.trustpilot.get(unit_id)
        if unit is None:
            return 404, {"message": "Not Found"}
        if handler.headers.get("apikey") != unit.key:
            return 401, {"fault": {"faultstring": "Invalid ApiKey"}}
        return 200, {
            "id": unit_id,
            "displayName": "WTW Winkel",
            "name": {"identifying": "wtw-winkel.nl", "referring": ["wtw-winkel.nl"]},
            "score": {"trustScore": unit.trust_score, "stars": 4.5},
            "numberOfReviews": {"total": unit.total, "usedForTrustScoreCalculation": unit.total},
            "links": [],
        }

    # eTrusted

    def etrusted_token(self, form):
        for channel in self.etrusted.values():
            given = (form.get("client_id"), form.get("client_secret"), form.get("grant_type"), form.get("audience"))
            if given == (channel.client_id, channel.client_secret, "client_credentials", ETRUSTED_AUDIENCE):
                return 200, self._token()
        return 401, {"error": "access_denied"}

    def etrusted_reviews(self, handler, query, channel_id):
        channel = self.etrusted.get(channel_id)
        if channel is None:
            return 404, {"message": "Not Found"}
        if not self._bearer(handler):
            return 401, {"message": "Unauthorized"}
        count = int(query.get("count", ["20"])[0])
        after = query.get("after", [None])[0]
        ids = [r["id"] for r in channel.reviews]
        start = ids.index(after) + 1 if after in ids else 0
        items = channel.reviews[start : start + count]
        more = start + count < len(ids)
        paging: dict[str, Any] = {"count": len(items)}
        if items:
            paging["cursor"] = {"before": items[0]["id"], "after": items[-1]["id"]}
            if more:
                paging["links"] = {"next": f"{self.base}/reviews?channels={channel_id}&after={items[-1]['id']}"}
        return 200, {"totalElements": len(ids), "paging": paging, "items": items}

    # Kiyoh

    def kiyoh_feed(self, handler, query, location_id):
        location = self.kiyoh.get(location_id)
        if location is None:
            return 404, {"message": "location not found"}
        if handler.headers.get("X-Publication-Api-Token") != location.token:
            return 401, {"errorCode": "INVALID_TOKEN"}
        location.calls += 1
        limit = int(query.get("limit", ["10"])[0])
        ordered = sorted(location.reviews, key=lambda r: r["updatedSince"], reverse=True)
        return 200, {
            "locationId": int(location_id),
            "locationName": "WTW Winkel",
            "averageRating": 8.7,
            "numberReviews": len(ordered),
            "last12MonthAverageRating": location.average_12,
            "last12MonthNumberReviews": location.count_12,
            "percentageRecommendation": 96,
            "viewReviewUrl": f"https://www.kiyoh.com/reviews/{location_id}/wtw_winkel",
            "createReviewUrl": f"https://www.kiyoh.com/add-review/{location_id}/wtw_winkel",
            "reviews": ordered[:limit],
        }

    # The Feedback Company

    def feedbackcompany_token(self, query, shop_id):
        shop = self.feedbackcompany.get(shop_id)
        given = (query.get("client_secret", [None])[0], query.get("grant_type", [None])[0])
        if shop is None or given != (shop.client_secret, "authorization_code"):
            return 401, {"error": "invalid_client", "description": "Invalid client credentials"}
        token = self._token()
        self.token_accounts[token["access_token"]] = shop_id
        return 200, token

    def feedbackcompany_page(self, handler, query, shop_id):
        shop = self.feedbackcompany.get(shop_id)
        if shop is None or not self._bearer(handler):
            return 401, {"success": False, "message": "Unauthorized"}
        limit, start = int(query.get("limit", ["10"])[0]), int(query.get("start", ["0"])[0])
        if not 1 <= limit <= 100:
            return 400, {"success": False, "message": "limit must be 1-100"}
        if shop.stuck:
            return 200, {"success": True, "reviews": shop.reviews[:limit]}
        return 200, {
            "success": True,
            "count": {"total": len(shop.reviews)},
            "reviews": shop.reviews[start : start + limit],
        }

    # Google

    def google_token(self, form):
        for location in self.google.values():
            given = (
                form.get("client_id"),
                form.get("client_secret"),
                form.get("refresh_token"),
                form.get("grant_type"),
            )
            if given == (location.client_id, location.client_secret, location.refresh_token, "refresh_token"):
                return 200, self._token()
        return 400, {"error": "invalid_grant"}

    def google_reviews(self, handler, query, name):
        location = self.google.get(name)
        if location is None:
            return 404, {"error": {"code": 404}}
        if not self._bearer(handler):
            return 401, {"error": {"code": 401, "status": "UNAUTHENTICATED"}}
        if query.get("orderBy", ["updateTime desc"]) != ["updateTime desc"]:
            return 400, {"error": {"code": 400}}
        size = int(query.get("pageSize", ["50"])[0])
        if not 1 <= size <= 50:
            return 400, {"error": {"code": 400, "message": "pageSize at most 50"}}
        token = query.get("pageToken", [None])[0]
        start = int(base64.urlsafe_b64decode(token).decode()) if token else 0
        ordered = sorted(location.reviews, key=lambda r: r["updateTime"], reverse=True)
        body: dict[str, Any] = {"averageRating": location.average, "totalReviewCount": len(ordered)}
        if ordered[start : start + size]:
            body["reviews"] = ordered[start : start + size]
        if start + size < len(ordered):
            body["nextPageToken"] = base64.urlsafe_b64encode(str(start + size).encode()).decode()
        return 200, body
