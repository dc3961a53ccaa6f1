"""Where a platform's profile link may point: https on that platform's own hosts (pure).

A shop's widgets link the platform's score to its profile page, so a link from an import or a
push is checked against the platform's hosts: a score "on Trustpilot" never sends a visitor to
a look-alike page. A platform not listed here (a shop record may name any) takes any https URL.

This lives apart from core/platforms.py because core/records.py checks the shop records'
platforms with it, and platforms.py imports records.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_URL = 2000
# Controls, spaces, a backslash (browsers read it as /) and lone surrogates (not Unicode).
UNSAFE = re.compile(r"[\x00-\x20\x7f-\x9f\\\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class Host:
    name: str
    subdomains: bool = False  # also any host ending in "." + name
    paths: tuple[str, ...] = ("",)  # the path must start with one of these

    def matches(self, host: str, path: str) -> bool:
        on_host = host == self.name or (self.subdomains and host.endswith("." + self.name))
        return on_host and any(path.startswith(prefix) for prefix in self.paths)


@dataclass(frozen=True, slots=True)
class ProfileHosts:
    hosts: tuple[Host, ...]
    described: str  # how the rule reads in a message


_GOOGLE_MAPS = ("/maps",)
# By the platform's name, case-folded, as the formats (core/platforms.py) and shop records name it.
PROFILE_HOSTS: dict[str, ProfileHosts] = {
    "trustpilot": ProfileHosts((Host("trustpilot.com", subdomains=True),), "trustpilot.com or one of its subdomains"),
    "google": ProfileHosts(
        (
            Host("maps.google.com"),
            Host("www.google.com", paths=_GOOGLE_MAPS),
            Host("google.com", paths=_GOOGLE_MAPS),
            Host("g.page"),  # a Business Profile's short name, g.page/NAME and g.page/r/ID/review
            Host("maps.app.goo.gl"),  # Maps' "share" link
            Host("business.google.com"),
            Host("search.google.com", paths=("/local/",)),  # the "write a review" link
        ),
        "maps.google.com, www.google.com/maps, g.page, maps.app.goo.gl, business.google.com or search.google.com/local",
    ),
    "trusted shops": ProfileHosts(
        tuple(Host(f"trustedshops.{tld}", subdomains=True) for tld in ("nl", "de", "com", "at", "ch", "be", "fr")),
        "trustedshops.nl, .de, .com, .at, .ch, .be or .fr, or one of their subdomains",
    ),
    # Kiyoh's feed gives the profile as viewReviewUrl on kiyoh.com; KlantenVertellen is its Dutch twin.
    "kiyoh": ProfileHosts(
        (
            Host("kiyoh.com", subdomains=True),
            Host("kiyoh.nl", subdomains=True),
            Host("klantenvertellen.nl", subdomains=True),
        ),
        "kiyoh.com, kiyoh.nl or klantenvertellen.nl, or one of their subdomains",
    ),
    "the feedback company": ProfileHosts(
        (Host("feedbackcompany.com", subdomains=True),), "feedbackcompany.com or one of its subdomains"
    ),
}


def profile_url_problem(platform: str, url: str) -> str | None:
    """Why `url` cannot be `platform`'s profile link, in one line naming both, or None.

    Always: an https URL of at most 2,000 characters, with a host, no user or password, no
    other port than 443, and no space, control character or backslash. For a listed platform,
    also on one of its hosts (and paths).
    """
    subject = f"the {platform} profile URL" if platform else "the profile URL"
    if len(url) > MAX_URL or UNSAFE.search(url):
        return f"{subject} must be an https URL of at most {MAX_URL:,} characters, without spaces"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return f"{subject} must be an https URL"
    if parts.scheme.lower() != "https" or not parts.hostname:
        return f"{subject} must be an https URL"
    if "@" in parts.netloc or port not in (None, 443):
        return f"{subject} must be an https URL without a user, a password or a port"
    rule = PROFILE_HOSTS.get(platform.casefold())
    if rule is None:
        return None
    if not any(host.matches(parts.hostname, parts.path) for host in rule.hosts):
        return f"{subject} must be an https link on {rule.described}"
    return None
