"""The platforms' APIs as `trustwidgets sync` reads them: hosts, ids, secret files, paging.

Each platform is one object: what its source id looks like, what its secret file holds, how
its pages are asked for and followed (Trustpilot's `next-page` link, eTrusted's cursor,
Google's `nextPageToken`), which time orders its pages (the incremental sync's mark), and its
own score where it is a request of its own (Trustpilot's business unit; Google's comes with
every page). The pages are yielded as the platform sent them: the import reads them in the
platform's format (core/platforms.py) exactly as a file of them.

Secret files (docs/sync.md): Trustpilot one line, the API key; eTrusted one line,
`client_id:client_secret`; Google a JSON object with `client_id`, `client_secret` and
`refresh_token` (the `authorized_user` file Google's tools write); Kiyoh one line, the
publication API token; The Feedback Company one line, `client_id:client_secret`. No message
here repeats any part of one.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from .http_fetch import Fetcher, FetchError

MAX_SECRET = 16 << 10
SECRET_LINE = re.compile(r"[\x21-\x7e]{1,2048}")  # printable ASCII, no spaces


class SecretError(ValueError):
    """A secret file that does not hold what its platform needs; the message never quotes it."""


def base_url_problem(url: str) -> str | None:
    """Why `--base-url` cannot be used, or None: https (plain http only to this machine, where a
    test server or a local proxy listens), a host, no user, query or fragment."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "it is not a URL such as https://api.example.com"
    del port
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return "it must start with https:// and name a host"
    if parts.username or parts.password or parts.query or parts.fragment or "@" in parts.netloc:
        return "it may not carry a user, a password, a query or a fragment"
    if parts.scheme == "http" and not _loopback(parts.hostname):
        return "plain http only to this machine (127.0.0.1, ::1, localhost): a key must not travel unencrypted"
    return None


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _one_line(text: str, what: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines()]
    if len(lines) != 1 or not SECRET_LINE.fullmatch(lines[0]):
        raise SecretError(f"the key file must hold one line: {what} (no spaces; it holds {len(lines)} lines)")
    return lines[0]


@dataclass(frozen=True)
class PlatformApi:
    name: str  # the platform's format name (core/platforms.py) and the source's platform
    label: str  # as people know it
    default_base: str  # the documented API host
    id_pattern: re.Pattern[str]
    id_help: str  # what --id is, for messages
    secret_help: str  # what the key file holds, for messages
    page_size: int

    def id_problem(self, remote_id: str) -> str | None:
        if self.id_pattern.fullmatch(remote_id):
            return None
        return f"--id for {self.name} is {self.id_help}"

    def read_secret(self, text: str) -> dict[str, str]:
        """The secret file's parts; SecretError (never quoting it) when it is not what it should be."""
        raise NotImplementedError

    def stored_secret(self, text: str) -> str:
        """The secret as the store keeps it (checked, in one plain form)."""
        return json.dumps(self.read_secret(text), sort_keys=True)

    def load_secret(self, stored: str) -> dict[str, str]:
        """The parts of a secret as stored_secret kept it."""
        parts = json.loads(stored)
        return {str(key): str(value) for key, value in parts.items()}

    def mark(self, review: Any) -> str | None:
        """The time the platform orders its pages by, newest first."""
        raise NotImplementedError

    def pages(self, fetcher: Fetcher, base: str, remote_id: str, secret: Mapping[str, str]) -> Iterator[dict[str, Any]]:
        """Every page of reviews, newest first, as the platform sent it (stop early by leaving the loop)."""
        raise NotImplementedError

    def business_unit(self, fetcher: Fetcher, base: str, remote_id: str, secret: Mapping[str, str]) -> Any:
        """The platform's own score as a request of its own (None: it comes with the pages)."""
        return None


def _page(body: Any, key: str, what: str) -> dict[str, Any]:
    if not isinstance(body, dict) or not isinstance(body.get(key, []), list):
        raise FetchError(f"{what}: the answer is not a page of reviews")
    return body


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(obj: Any, *keys: str) -> str | None:
    for key in keys:
        value = obj.get(key) if isinstance(obj, dict) else None
        if isinstance(value, str) and value:
            return value
    return None


def _client_credentials(text: str) -> dict[str, str]:
    """An API client's `client_id:client_secret` on one line (eTrusted's, The Feedback Company's)."""
    line = _one_line(text, "client_id:client_secret")
    client_id, colon, client_secret = line.partition(":")
    if not colon or not client_id or not client_secret:
        raise SecretError("the key file must hold one line: client_id:client_secret (a colon between the two)")
    return {"client_id": client_id, "client_secret": client_secret}


class Trustpilot(PlatformApi):
    """GET /v1/business-units/{id}/reviews with the `apikey` header, `orderBy=createdat.desc`,
    `perPage` and `page`, until a page has no reviews or no `links` entry with rel `next-page`;
    the score from GET /v1/business-units/{id}."""

    def read_secret(self, text: str) -> dict[str, str]:
        return {"apikey": _one_line(text, "the API key")}

    def mark(self, review: Any) -> str | None:
        return _text(review, "createdAt")

    def pages(self, fetcher: Fetcher, base: str, remote_id: str, secret: Mapping[str, str]) -> Iterator[dict[str, Any]]:
        number = 1
        while True:
            query = urlencode({"orderBy": "createdat.desc", "perPage": self.page_size, "page": number})
            what = f"Trustpilot reviews page {number}"
            url = f"{base}/v1/business-units/{quote(remote_id, safe='')}/reviews?{query}"
            page = _page(fetcher.json(url, what, headers={"apikey": secret["apikey"]}), "reviews", what)
            yield page
            links = page.get("links")
            if (
                not page.get("reviews")
                or not isinstance(links, list)
                or not any(isinstance(k, dict) and k.get("rel") == "next-page" for k in links)
            ):
                return
            number += 1

    def business_unit(self, fetcher: Fetcher, base: str, remote_id: str, secret: Mapping[str, str]) -> Any:
        url = f"{base}/v1/business-units/{quote(remote_id, safe='')}"
        return fetcher.json(url, "Trustpilot business unit", headers={"apikey": secret["apikey"]})


class OAuth:
    """An access token fetched when first needed and once more when the API answers 401 (an
    eTrusted token lives five minutes, a long sync outlives it)."""

    def __init__(self, fetcher: Fetcher, token_url: str, form: Mapping[str, str], what: str) -> None:
        self.fetcher, self.token_url, self.form, self.what = fetcher, token_url, form, what
        self.token: str | None = None

    def _fetch_token(self) -> str:
        answer = self.fetcher.json(self.token_url, f"{self.what} token", form=self.form)
        token = answer.get("access_token") if isinstance(answer, dict) else None
        if not isinstance(token, str) or not token:
            raise FetchError(f"{self.what} token: the answer has no access_token")
        return token

    def get(self, url: str, what: str) -> Any:
        for fresh in (False, True):
            if self.token is None or fresh:
                self.token = self._fetch_token()
            try:
                return self.fetcher.json(url, what, headers={"Authorization": f"Bearer {self.token}"})
            except FetchError as error:
                if error.status != 401 or fresh:
                    raise
        raise AssertionError("unreachable")


class ETrusted(PlatformApi):
    """An OAuth token by client credentials from the login host, then GET /reviews with
    `channels` (the one channel), `count` and the `after` cursor (`paging.cursor.after`), as the
    Reviews API documents it (getReviews; the per-channel customer-reviews endpoint is
    deprecated). Its pages hold the channel's shop and product reviews, newest first."""

    token_url: str = "https://login.etrusted.com/oauth/token"
    audience: str = "https://api.etrusted.com"

    def read_secret(self, text: str) -> dict[str, str]:
        return _client_credentials(text)

    def mark(self, review: Any) -> str | None:
        return _text(review, "submittedAt", "createdAt")

    def pages(self, fetcher: Fetcher, base: str, remote_id: str, secret: Mapping[str, str]) -> Iterator[dict[str, Any]]:
        token_url = self.token_url if base == self.default_base else f"{base}/oauth/token"
        form = {"grant_type": "client_credentials", "audience": self.audience, **secret}
        oauth = OAuth(fetcher, token_url, form, "eTrusted")
        after: str | None = None
        number = 1
        while True:
            query = {"channels": remote_id, "count": str(self.page_size), **({"after": after} if after else {})}
            what = f"eTrusted reviews page {number}"
            url = f"{base}/reviews?{urlencode(query)}"
            page = _page(oauth.get(url, what), "items", what)
            yield page
            paging = _object(page.get("paging"))
            following = _object(paging.get("cursor")).get("after")
            links = _object(paging.get("links"))
            more = bool(links.get("next")) or len(page.get("items", [])) >= self.page_size
            if not page.get("items") or not isinstance(following, str) or not following or not more:
                return
            after = following
            number += 1


class Google(PlatformApi):
    """An OAuth token by the refresh-token grant, then GET {accounts/…/locations/…}/reviews with
    `pageSize`, `orderBy=updateTime desc` and `pageToken` until there is no `nextPageToken`;
    `averageRating` and `totalReviewCount` come with every page."""

    token_url: str = "https://oauth2.googleapis.com/token"

    def read_secret(self, text: str) -> dict[str, str]:
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, RecursionError):
            raise SecretError(
                "the key file must be a JSON object with client_id, client_secret and refresh_token"
            ) from None
        needed = ("client_id", "client_secret", "refresh_token")
        if not isinstance(data, dict) or not all(isinstance(data.get(k), str) and data[k] for k in needed):
            missing = [k for k in needed if not (isinstance(data, dict) and isinstance(data.get(k), str) and data[k])]
            raise SecretError(f"the key file's JSON object lacks {', '.join(missing) or 'its fields'}")
        return {key: data[key] for key in needed}

    def mark(self, review: Any) -> str | None:
        return _text(review, "updateTime", "createTime")

    def pages(self, fetcher: Fetcher, base: str, remote_id: str, secret: Mapping[str, str]) -> Iterator[dict[str, Any]]:
        token_url = self.token_url if base == self.default_base else f"{base}/token"
        oauth = OAuth(fetcher, token_url, {"grant_type": "refresh_token", **secret}, "Google")
        token: str | None = None
        number = 1
        while True:
            query = {
                "pageSize": str(self.page_size),
                "orderBy": "updateTime desc",
                **({"pageToken": token} if token else {}),
            }
            what = f"Google reviews page {number}"
            parent = "/".join(quote(part, safe="") for part in remote_id.split("/"))
            page = _page(oauth.get(f"{base}/v4/{parent}/reviews?{urlencode(query)}", what), "reviews", what)
            page.setdefault("reviews", [])  # Google leaves out an empty list
            yield page
            following = page.get("nextPageToken")
            if not isinstance(following, str) or not following or not page["reviews"]:
                return
            token = following
            number += 1


class Kiyoh(PlatformApi):
    """GET /v1/publication/review/feed.json with the `X-Publication-Api-Token` header: one
    answer holds the location's figures (Kiyoh's own 12-month score) and its reviews. The feed
    has no paging that we could confirm: it is read whole, `limit` reviews at most, most
    recently changed first (`orderBy=UPDATE_DATE`, `sortOrder=DESC`), so an edited review is
    read again by the next sync (tests/data/platforms/NOTES.md)."""

    def read_secret(self, text: str) -> dict[str, str]:
        return {"token": _one_line(text, "the publication API token (the location's hash)")}

    def mark(self, review: Any) -> str | None:
        return _text(review, "updatedSince", "dateSince")

    def pages(self, fetcher: Fetcher, base: str, remote_id: str, secret: Mapping[str, str]) -> Iterator[dict[str, Any]]:
        query = urlencode(
            {"locationId": remote_id, "limit": self.page_size, "orderBy": "UPDATE_DATE", "sortOrder": "DESC"}
        )
        what = "Kiyoh review feed"
        url = f"{base}/v1/publication/review/feed.json?{query}"
        yield _page(fetcher.json(url, what, headers={"X-Publication-Api-Token": secret["token"]}), "reviews", what)


class FeedbackCompanyOAuth(OAuth):
    """The Feedback Company's token: GET …/oauth2/token with the client's id and secret in the
    query and grant_type=authorization_code, as its API v2 documents it (not a POSTed form)."""

    def _fetch_token(self) -> str:
        answer = self.fetcher.json(f"{self.token_url}?{urlencode(self.form)}", f"{self.what} token")
        token = answer.get("access_token") if isinstance(answer, dict) else None
        if not isinstance(token, str) or not token:
            raise FetchError(f"{self.what} token: the answer has no access_token")
        return token


class FeedbackCompany(PlatformApi):
    """A token from GET /api/v2/oauth2/token, then GET /api/v2/review with `limit` and `start`
    (an offset), newest first, until a page holds fewer than `limit` reviews or `count.total`
    is reached."""

    def read_secret(self, text: str) -> dict[str, str]:
        return _client_credentials(text)

    def mark(self, review: Any) -> str | None:
        return _text(review, "date_created")

    def pages(self, fetcher: Fetcher, base: str, remote_id: str, secret: Mapping[str, str]) -> Iterator[dict[str, Any]]:
        form = {**secret, "grant_type": "authorization_code"}
        oauth = FeedbackCompanyOAuth(fetcher, f"{base}/api/v2/oauth2/token", form, "The Feedback Company")
        start, number = 0, 1
        while True:
            what = f"The Feedback Company reviews page {number}"
            query = urlencode({"limit": self.page_size, "start": start})
            page = _page(oauth.get(f"{base}/api/v2/review?{query}", what), "reviews", what)
            if page.get("success") is False:
                raise FetchError(f"{what}: the answer says it did not succeed")
            page.setdefault("reviews", [])
            yield page
            reviews = page["reviews"]
            total = _object(page.get("count")).get("total")
            start += len(reviews)
            if len(reviews) < self.page_size or (isinstance(total, int) and start >= total):
                return
            number += 1


PLATFORMS: dict[str, PlatformApi] = {
    api.name: api
    for api in (
        Trustpilot(
            "trustpilot",
            "Trustpilot",
            "https://api.trustpilot.com",
            re.compile(r"[A-Za-z0-9]{1,64}"),
            "the business unit id (letters and digits, as in GET /v1/business-units/find)",
            "one line: the API key",
            100,
        ),
        ETrusted(
            "etrusted",
            "Trusted Shops",
            "https://api.etrusted.com",
            re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,99}"),
            "the channel id (chl-…)",
            "one line: client_id:client_secret",
            100,
        ),
        Google(
            "google",
            "Google",
            "https://mybusiness.googleapis.com",
            re.compile(r"accounts/[A-Za-z0-9_-]{1,64}/locations/[A-Za-z0-9_-]{1,64}"),
            "the location's name: accounts/ACCOUNT/locations/LOCATION",
            'a JSON object: {"client_id": …, "client_secret": …, "refresh_token": …}',
            50,
        ),
        Kiyoh(
            "kiyoh",
            "Kiyoh",
            "https://www.kiyoh.com",
            re.compile(r"[0-9]{1,20}"),
            "the location id (digits, as in the feed's locationId)",
            "one line: the publication API token (the location's hash, X-Publication-Api-Token)",
            10_000,  # the whole feed in one answer: at most this many reviews, the most recently changed
        ),
        FeedbackCompany(
            "feedbackcompany",
            "The Feedback Company",
            "https://www.feedbackcompany.com",
            re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}"),
            "your shop's name or number at The Feedback Company (the client credentials choose the shop)",
            "one line: client_id:client_secret",
            100,
        ),
    )
}
