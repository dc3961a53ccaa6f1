"""The data the core works on: shops, reviews and replies as plain frozen values."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

# A shop id (also a variant name): lower-case letters, digits and inner hyphens, as in URLs.
SHOP_ID = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")
DEFAULT_ACCENT = "#f5a400"
DEFAULT_CAROUSEL_COUNT = 10
HEADLINE_PLATFORM = "platform"  # a shop's `headline`: a platform's own score leads where there is one
HEADLINE_OWN = "own"  # ours leads; the platforms' scores follow


# A product's SKU as it appears in URLs: upper case is allowed in this path segment only.
SKU = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


@dataclass(frozen=True, slots=True)
class Product:
    """What a product review is about; its reviews never count toward the shop's score."""

    sku: str
    name: str
    gtin: str = ""
    url: str = ""

    def to_record(self) -> dict[str, str]:
        return {"sku": self.sku, "name": self.name, "gtin": self.gtin, "url": self.url}


@dataclass(frozen=True, slots=True)
class Reply:
    text: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Review:
    """A review as imported: with the email, which only the audit table keeps."""

    id: str
    shop: str
    rating: int
    title: str
    text: str
    author: str
    email: str | None = field(repr=False)
    language: str
    experienced_at: date
    created_at: datetime
    verification: str
    status: str
    reply: Reply | None
    product: Product | None = None  # a product review; None: a review of the shop
    platform: str = ""  # where it was written, as visitors know it ("Trustpilot"); "" when not said
    scale: int = 5  # the best rating on the review's own scale: 5 stars, or 10 (Kiyoh's 1-10)
    incentivized: bool = False  # given for a reward: shown with a marker, never counted


@dataclass(frozen=True, slots=True)
class PublicReview:
    """A review as widgets see it: everything but the email."""

    id: str
    rating: int
    title: str
    text: str
    author: str
    language: str
    experienced_on: date
    created_at: str  # the stored, sortable UTC form (see dates.format_timestamp)
    created_on: date
    verification: str
    status: str
    reply: Reply | None
    platform: str = ""  # where it was written ("Trustpilot"); "" when the import did not say
    scale: int = 5  # 5: `rating` is stars; 10: a score out of 10, shown as "8/10", never as stars
    incentivized: bool = False  # given for a reward


@dataclass(frozen=True, slots=True)
class Platform:
    """A review platform's own score for the shop, as the platform published it on `read_on`."""

    name: str  # the platform, as visitors know it: "Trustpilot"
    score: str  # as published, in JSON's dot form: "4.6" (kept as text so it is never re-rounded)
    scale: int  # the best possible score: 5
    review_count: int  # the platform's own total
    read_on: date  # the day the score was read from the platform
    score_name: str = ""  # the platform's name for its score: "TrustScore"
    profile_url: str = ""  # the shop's page on the platform

    def to_record(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "score_name": self.score_name,
            "score": self.score,
            "scale": self.scale,
            "review_count": self.review_count,
            "profile_url": self.profile_url,
            "read_on": self.read_on.isoformat(),
        }

    @classmethod
    def from_record(cls, data: Mapping[str, Any]) -> Platform:
        return cls(**{**data, "read_on": date.fromisoformat(data["read_on"])})


@dataclass(frozen=True, slots=True)
class Variant:
    """A widget variant a shop wants prebuilt; its fields are render options."""

    name: str
    options: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Shop:
    id: str
    name: str
    locales: tuple[str, ...]
    default_locale: str
    source: str
    policy_url: str
    allowed_domains: tuple[str, ...] = ()
    theme: str = "auto"
    accent: str = DEFAULT_ACCENT
    background: str = ""  # a panel colour behind the widgets; "" lets the host page show through
    star_filter: tuple[int, ...] = ()
    language_filter: tuple[str, ...] | None = None  # None: each widget's own language; (): all
    carousel_count: int = DEFAULT_CAROUSEL_COUNT
    jsonld: bool = False
    variants: tuple[Variant, ...] = ()
    headline: str = HEADLINE_PLATFORM  # which score leads: a platform's own, or ours (see lead())
    # The review platforms' own scores, one per platform by name. Kept apart from the record
    # (to_record leaves them out): importing the record again never drops one.
    platforms: tuple[Platform, ...] = ()

    def to_record(self) -> dict[str, Any]:
        """The shop as an import-format object (what is stored and listed)."""
        return {
            "id": self.id,
            "name": self.name,
            "locales": list(self.locales),
            "default_locale": self.default_locale,
            "source": self.source,
            "policy_url": self.policy_url,
            "allowed_domains": list(self.allowed_domains),
            "theme": self.theme,
            "accent": self.accent,
            "background": self.background,
            "star_filter": list(self.star_filter),
            "language_filter": None if self.language_filter is None else list(self.language_filter),
            "carousel_count": self.carousel_count,
            "jsonld": self.jsonld,
            "variants": [{"name": v.name, **v.options} for v in self.variants],
            # Only when set, so that the records (and data versions) of other shops stay as they were.
            **({} if self.headline == HEADLINE_PLATFORM else {"headline": self.headline}),
        }

    @classmethod
    def from_record(cls, data: Mapping[str, Any]) -> Shop:
        """The inverse of to_record, for records that were validated when they were stored."""
        fields = dict(data)
        variants = tuple(
            Variant(name=v["name"], options={k: x for k, x in v.items() if k != "name"})
            for v in fields.pop("variants", [])
        )
        return cls(
            **{
                **fields,
                "locales": tuple(fields["locales"]),
                "allowed_domains": tuple(fields["allowed_domains"]),
                "star_filter": tuple(fields["star_filter"]),
                "language_filter": None if fields.get("language_filter") is None else tuple(fields["language_filter"]),
                "variants": variants,
            }
        )

    def variant(self, name: str) -> Variant | None:
        return next((v for v in self.variants if v.name == name), None)

    def lead(self) -> Platform | None:
        """The platform whose own score leads the widgets, or None when ours leads.

        `headline` is "own" (ours), a platform's name (that platform, when its score is kept),
        or "platform": then the platform with the most reviews on it, ties by name.
        """
        if self.headline == HEADLINE_OWN or not self.platforms:
            return None
        named = [p for p in self.platforms if p.name.casefold() == self.headline.casefold()]
        return named[0] if named else most_reviewed(self.platforms)


def most_reviewed(platforms: tuple[Platform, ...]) -> Platform | None:
    """The platform with the most reviews on it (ties by name), or None."""
    return min(platforms, key=lambda p: (-p.review_count, p.name.casefold()), default=None)
