"""Reviews and shop records: parsing and validation of one imported object (pure)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from .dates import parse_date, parse_timestamp
from .models import (
    DEFAULT_ACCENT,
    DEFAULT_CAROUSEL_COUNT,
    HEADLINE_PLATFORM,
    SHOP_ID,
    SKU,
    Platform,
    Product,
    Reply,
    Review,
    Shop,
    Variant,
)
from .options import THEMES, OptionError, parse_accent, parse_background, parse_options
from .paths import REVIEW_FEED_FILE
from .profiles import profile_url_problem
from .rules import EXPERIENCE_MONTHS, SCALES, STAR_SCALE, STATUSES, VERIFICATIONS, is_eligible

LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
HOSTNAME = re.compile(r"(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}|localhost")
# A CSP host-source as frame-ancestors takes it, without scheme or path: a host name, localhost
# or an IPv4 literal, and a port (digits or *) when the page is not on its scheme's default port.
# CSP's grammar has no IPv6 literal: Chromium drops `[::1]` from the list (checked in 2026-12).
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_IPV4 = re.compile(rf"(?:{_OCTET}\.){{3}}{_OCTET}")
_PORT = re.compile(r"\*|[1-9][0-9]{0,4}")
MAX_PORT = 65535
EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # C1 is text, escaped wherever it is written
SURROGATE = re.compile(r"[\ud800-\udfff]")  # valid in JSON text, not Unicode: cannot be stored
# An author name that holds an email address would publish it: rejected.
EMAIL_LIKE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# A value short and plain enough to repeat in a message: it cannot be an email or a sentence.
ECHOABLE = re.compile(r"[A-Za-z0-9_ -]{1,24}")
WHITE_SPACE = re.compile(r"\s")  # Unicode's: tabs, line breaks, NBSP, U+2028 and the like
LINE_BREAK = re.compile(r"[\r\n\t\x85\u2028\u2029]")  # and NEL, Unicode's line and paragraph separators
# A field or column name plain enough to repeat: no @, dot, slash or markup, so no email or URL.
PLAIN_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_ -]{0,63}")

MAX_TEXT = 5000
MAX_TITLE = 300
MAX_AUTHOR = 100
MAX_ID = 200
MAX_EMAIL = 254
MAX_DEPTH = 100  # how deeply an imported JSON value may nest (a review needs 3 levels)
# The years a date may fall in: wide for real data, and far enough from year 1 and 9999 that
# calendar arithmetic (the window, the six-month rule, time zones) never leaves the calendar.
FIRST_YEAR, LAST_YEAR = 1900, 2999
# Shop records: caps that keep one record from breaking the build or the origins' headers.
MAX_LOCALES = 20
MAX_ALLOWED_DOMAINS = 50
MAX_FRAME_ANCESTORS = 2048  # bytes of the CSP frame-ancestors list (origins cap a header near 4-8 KB)
MAX_LANGUAGE_FILTER = 20
MAX_VARIANTS = 20

REVIEW_FIELDS = frozenset(
    [
        "id",
        "shop",
        "rating",
        "title",
        "text",
        "author",
        "email",
        "language",
        "experienced_at",
        "created_at",
        "verification",
        "status",
        "reply",
        "product",
        "platform",
        "scale",
        "incentivized",
    ]
)
MAX_PLATFORM_NAME = 60
PRODUCT_FIELDS = frozenset({"sku", "name", "gtin", "url"})
GTIN = re.compile(r"[0-9]{8}|[0-9]{12,14}")
REPLY_FIELDS = frozenset({"text", "created_at"})
SHOP_FIELDS = frozenset(
    [
        "id",
        "name",
        "locales",
        "default_locale",
        "source",
        "policy_url",
        "allowed_domains",
        "theme",
        "accent",
        "background",
        "star_filter",
        "language_filter",
        "carousel_count",
        "jsonld",
        "variants",
        "headline",
        "platform",
        "platforms",
    ]
)
MAX_PLATFORMS = 20
PLATFORM_FIELDS = frozenset({"name", "score_name", "score", "scale", "review_count", "profile_url", "read_on"})
PLATFORM_SCALES = (5, 10)
MAX_PLATFORM_COUNT = 10**9
VARIANT_FIELDS = frozenset({"name", "theme", "accent", "background", "stars", "lang", "count"})


class Invalid(ValueError):
    """An imported object breaks a rule; the message is the reason, safe to show."""


MAX_INT_DIGITS = 100  # a count, a rating or a score needs a few; Python refuses text past 4,300


@dataclass(frozen=True, slots=True)
class HugeNumber:
    """A JSON integer too long to be a value we use: it stands in for the number, so the row
    that holds it is rejected like any other wrong value, and the rest of the input is read."""

    digits: int


def json_int(text: str) -> int | HugeNumber:
    """The `parse_int` of every JSON decoder that reads an import: an int, or a HugeNumber."""
    digits = len(text.lstrip("-"))
    return HugeNumber(digits) if digits > MAX_INT_DIGITS else int(text)


def _object(raw: object, what: str) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise Invalid(f"{what} must be a JSON object")
    return raw


def _unknown(raw: Mapping[str, Any], known: frozenset[str], what: str) -> None:
    extra = sorted(str(k) for k in raw if k not in known)
    if extra:
        name = shown_name(extra[0])
        raise Invalid(f"unknown {what} field {name!r}" if name == extra[0] else f"unknown {what} field {name}")


def shown_name(name: object) -> str:
    """What a message or an answer may say of a field or column name it does not know: the name
    when it is plain (letters, digits, _, - and inner spaces, at most 64), else its length.

    The one rule for names from an import: a JSON key or a CSV column may be personal data
    (an email pasted into a header), so anything that could be one is described, never repeated.
    """
    text = str(name)
    if PLAIN_NAME.fullmatch(text):
        return text
    if not text:
        return "an empty name"
    return f"a name of {len(text):,} character{'' if len(text) == 1 else 's'}"


def _text(raw: Mapping[str, Any], name: str, *, limit: int, required: bool, lines: bool) -> str:
    value = raw.get(name)
    if value is None or value == "":
        if required:
            raise Invalid(f"{name} is required")
        return ""
    if not isinstance(value, str):
        raise Invalid(f"{name} must be text")
    if SURROGATE.search(value):
        raise Invalid(f"{name} is not valid Unicode (it holds an unpaired surrogate)")
    if CONTROL.search(value):
        raise Invalid(f"{name} contains control characters")
    if not lines and LINE_BREAK.search(value):
        raise Invalid(f"{name} must be a single line")
    if len(value) > limit:
        raise Invalid(f"{name} is longer than {limit:,} characters ({len(value):,})")
    if required and not visible(value):
        raise Invalid(f"{name} is required")
    return value


# Characters that show as nothing though Unicode files them as letters or symbols: the Hangul
# fillers and the blank Braille pattern, favourites for a name that looks empty.
BLANK_SYMBOLS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def visible(value: str) -> bool:
    """Whether `value` shows anything: a character that is not white space, not a format
    character (a zero-width space or joiner, a direction mark, a soft hyphen) and not blank."""
    return any(
        not char.isspace() and char not in BLANK_SYMBOLS and unicodedata.category(char) != "Cf" for char in value
    )


def shown(value: object) -> str:
    """What a message may say of a rejected value: a short plain word or number, else its kind.

    A value from an import may be personal data (an email in the wrong column), so anything
    that could be one is described, never repeated.
    """
    if value is None:
        return "missing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value) if len(repr(value)) <= 24 else "a number"
    if isinstance(value, str):
        return repr(value) if ECHOABLE.fullmatch(value) else f"a text of {len(value):,} characters"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, HugeNumber):
        return f"a number of {value.digits:,} digits"
    return "an object" if isinstance(value, dict) else "another kind of value"


def _enum(raw: Mapping[str, Any], name: str, allowed: tuple[str, ...], default: str | None) -> str:
    value = raw.get(name)
    if value is None and default is not None:
        return default
    if value not in allowed:
        raise Invalid(f"{name} must be one of {', '.join(allowed)} (got {shown(value)})")
    return str(value)


def _scale(value: object) -> int:
    """The scale a review is rated on: 5 (stars, the default) or 10 (a score out of 10)."""
    if value is None:
        return STAR_SCALE
    if isinstance(value, bool) or not isinstance(value, int) or value not in SCALES:
        raise Invalid(f"scale must be one of {', '.join(map(str, SCALES))} (got {shown(value)})")
    return value


def _rating(value: object, scale: int = STAR_SCALE) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= scale:
        raise Invalid(f"rating must be a whole number from 1 to {scale} (got {shown(value)})")
    return value


def _flag(value: object, name: str) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise Invalid(f"{name} must be true or false (got {shown(value)})")
    return value


def _in_years(moment: date, name: str) -> None:
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise Invalid(f"{name} must fall in the years {FIRST_YEAR}–{LAST_YEAR}")


def depth(value: object) -> int:
    """How deeply a JSON value nests (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is not None:
            deepest = max(deepest, level)
            if level > MAX_DEPTH:
                return level
            stack.extend((child, level + 1) for child in children)
    return deepest


def _field(parse: Any, raw: Mapping[str, Any], name: str) -> Any:
    try:
        return parse(raw[name])
    except ValueError as error:
        raise Invalid(f"{name} {error}") from None


def parse_shop_id(value: object) -> str:
    if not isinstance(value, str) or not SHOP_ID.fullmatch(value):
        raise Invalid("shop must be a shop id: lower-case letters, digits and inner hyphens")
    return value


def parse_language(value: object, name: str = "language") -> str:
    if not isinstance(value, str) or not LANGUAGE_TAG.fullmatch(value):
        raise Invalid(f"{name} must be a language tag such as nl or en-GB")
    primary, _, rest = value.partition("-")
    return primary.lower() + ("-" + rest if rest else "")


def parse_review(raw: object, *, reference_required: bool = True) -> Review:
    """A Review from an import object, or Invalid with the first broken rule.

    A verified review needs an email (the purchase reference), unless `reference_required` is
    False: a platform that verified the purchase itself (Trustpilot's isVerified) holds it.
    """
    obj = _object(raw, "a review")
    _unknown(obj, REVIEW_FIELDS, "review")
    review_id = obj.get("id")
    if not isinstance(review_id, str) or not review_id.strip():
        raise Invalid("id is required and must be text")
    if len(review_id) > MAX_ID or CONTROL.search(review_id) or LINE_BREAK.search(review_id):
        raise Invalid(f"id must be one line of at most {MAX_ID} characters")
    if SURROGATE.search(review_id):
        raise Invalid("id is not valid Unicode (it holds an unpaired surrogate)")
    if EMAIL_LIKE.search(review_id):  # reviews.json and the review feed publish the id
        raise Invalid("id looks like an email address: a review's id is published with it")
    shop = parse_shop_id(obj.get("shop"))
    scale = _scale(obj.get("scale"))
    rating = _rating(obj.get("rating"), scale)
    verification = _enum(obj, "verification", VERIFICATIONS, None)
    status = _enum(obj, "status", STATUSES, "published")
    email = obj.get("email")
    if email in (None, ""):
        if verification == "verified" and reference_required:
            raise Invalid("email is required for a verified review (it is the purchase reference)")
        email = None
    elif (
        not isinstance(email, str)
        or len(email) > MAX_EMAIL
        or not EMAIL.fullmatch(email)
        or SURROGATE.search(email)
        or CONTROL.search(email)
    ):
        raise Invalid("email is not an email address")
    if "created_at" not in obj:
        raise Invalid("created_at is required")
    created_at = _field(parse_timestamp, obj, "created_at")
    _in_years(created_at, "created_at")
    if obj.get("experienced_at") in (None, ""):
        experienced_at = created_at.date()
    else:
        experienced_at = _field(parse_date, obj, "experienced_at")
        _in_years(experienced_at, "experienced_at")
    if not is_eligible(experienced_at, created_at.date()):
        if created_at.date() < experienced_at:
            raise Invalid("created_at is before experienced_at: a review is given after the experience")
        raise Invalid(
            f"given more than {EXPERIENCE_MONTHS} months after the experience "
            f"(experienced {experienced_at.isoformat()}, given {created_at.date().isoformat()})"
        )
    return Review(
        id=review_id,
        shop=shop,
        rating=rating,
        title=_text(obj, "title", limit=MAX_TITLE, required=False, lines=False),
        text=_text(obj, "text", limit=MAX_TEXT, required=False, lines=True),
        author=_author(obj),
        email=email,
        language=parse_language(obj.get("language")),
        experienced_at=experienced_at,
        created_at=created_at,
        verification=verification,
        status=status,
        reply=parse_reply(obj.get("reply"), created_at),
        product=None if obj.get("product") is None else parse_product(obj["product"]),
        platform=_platform(obj),
        scale=scale,
        incentivized=_flag(obj.get("incentivized"), "incentivized"),
    )


def gtin_check_digit_ok(gtin: str) -> bool:
    """GS1's check digit: weights 3 and 1 from the right, the sum a multiple of ten."""
    total = sum(int(d) * (3 if n % 2 else 1) for n, d in enumerate(reversed(gtin)))
    return total % 10 == 0


def parse_product(raw: object) -> Product:
    """The product a review is about: {sku, name, gtin?, url?}."""
    obj = _object(raw, "product")
    _unknown(obj, PRODUCT_FIELDS, "product")
    sku = obj.get("sku")
    if not isinstance(sku, str) or not SKU.fullmatch(sku):
        raise Invalid(
            "product sku must be 1-64 letters, digits, dots, hyphens or underscores, starting with a letter or digit"
        )
    if sku == REVIEW_FEED_FILE:  # its folder would take the place of the shop's review feed
        raise Invalid(f"product sku {REVIEW_FEED_FILE!r} is the name of the shop's review feed")
    gtin = obj.get("gtin")
    if gtin in (None, ""):
        gtin = ""
    elif not isinstance(gtin, str) or not GTIN.fullmatch(gtin) or not gtin_check_digit_ok(gtin):
        raise Invalid("product gtin must be a GTIN-8, -12, -13 or -14 with a valid check digit")
    url = obj.get("url")
    return Product(
        sku=sku,
        name=_text(obj, "name", limit=200, required=True, lines=False).strip(),
        gtin=gtin,
        url="" if url in (None, "") else _policy_url(url, "product url"),
    )


def _author(raw: Mapping[str, Any]) -> str:
    author = _text(raw, "author", limit=MAX_AUTHOR, required=True, lines=False)
    if EMAIL_LIKE.search(author):
        raise Invalid("author looks like an email address: a review shows a display name only")
    return author


def _platform(raw: Mapping[str, Any]) -> str:
    platform = _text(raw, "platform", limit=MAX_PLATFORM_NAME, required=False, lines=False)
    if EMAIL_LIKE.search(platform):  # the cards and the method page name where a review comes from
        raise Invalid("platform looks like an email address: it names where the review was written")
    return platform


def parse_reply(raw: object, review_created_at: datetime) -> Reply | None:
    if raw is None:
        return None
    obj = _object(raw, "reply")
    _unknown(obj, REPLY_FIELDS, "reply")
    text = _text(obj, "text", limit=MAX_TEXT, required=True, lines=True)
    if "created_at" not in obj:
        raise Invalid("reply created_at is required")
    try:
        created_at = parse_timestamp(obj["created_at"])
    except ValueError as error:
        raise Invalid(f"reply created_at {error}") from None
    _in_years(created_at, "reply created_at")
    if created_at < review_created_at:
        raise Invalid("reply created_at is before the review was given")
    return Reply(text=text, created_at=created_at)


def _string_list(raw: Mapping[str, Any], name: str) -> list[object]:
    value = raw.get(name, [])
    if not isinstance(value, list):
        raise Invalid(f"{name} must be a list")
    return value


def _policy_url(value: object, name: str = "policy_url") -> str:
    if not isinstance(value, str) or len(value) > 2000:
        raise Invalid(f"{name} must be an http(s) URL")
    parts = urlsplit(value)
    if (
        parts.scheme not in ("https", "http")
        or not parts.netloc
        or CONTROL.search(value)
        or SURROGATE.search(value)
        or WHITE_SPACE.search(value)  # a tab, line break or space: the link breaks where it is written
    ):
        raise Invalid(f"{name} must be an http(s) URL")
    return value


def _decimal_text(value: object, name: str, scale: int) -> str:
    """A published score as text with a dot and at most two decimals ("4.6"), from 0 to scale."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise Invalid(f"{name} must be a number")
    text = str(value).strip()
    if not re.fullmatch(r"(?:0|[1-9][0-9]?)(?:\.[0-9]{1,2})?", text) or float(text) > scale:
        raise Invalid(f"{name} must be a number from 0 to {scale} with at most two decimals (got {shown(value)})")
    return text.rstrip("0").rstrip(".") if "." in text else text


def parse_platform(raw: object) -> Platform:
    """A platform's own score for a shop (the shop record's `platform`), or Invalid."""
    obj = _object(raw, "platform")
    _unknown(obj, PLATFORM_FIELDS, "platform")
    scale = obj.get("scale", 5)
    if scale not in PLATFORM_SCALES or isinstance(scale, bool):
        raise Invalid(f"platform scale must be one of {', '.join(map(str, PLATFORM_SCALES))}")
    count = obj.get("review_count")
    if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= MAX_PLATFORM_COUNT:
        raise Invalid("platform review_count must be a whole number of at least 0")
    if "read_on" not in obj:
        raise Invalid("platform read_on is required (the day the score was read)")
    read_on = _field(parse_date, obj, "read_on")
    _in_years(read_on, "platform read_on")
    name = _text(obj, "name", limit=MAX_PLATFORM_NAME, required=True, lines=False)
    url = obj.get("profile_url")
    if url not in (None, ""):
        if not isinstance(url, str):
            raise Invalid("platform profile_url must be an https URL")
        if problem := profile_url_problem(name, url):
            raise Invalid(f"platform: {problem}")
    return Platform(
        name=name,
        score_name=_text(obj, "score_name", limit=40, required=False, lines=False),
        score=_decimal_text(obj.get("score"), "platform score", int(scale)),
        scale=int(scale),
        review_count=count,
        read_on=read_on,
        profile_url="" if url in (None, "") else str(url),
    )


def is_frame_ancestor(text: str) -> bool:
    """Whether `text` is a host, with an optional port, that CSP frame-ancestors matches pages on."""
    host, colon, port = text.partition(":")
    if colon and not (_PORT.fullmatch(port) and (port == "*" or int(port) <= MAX_PORT)):
        return False
    return bool(HOSTNAME.fullmatch(host) or _IPV4.fullmatch(host))


def parse_shop(raw: object, available_locales: tuple[str, ...]) -> Shop:
    """A Shop from an import object, or Invalid with the first broken rule."""
    obj = _object(raw, "a shop")
    _unknown(obj, SHOP_FIELDS, "shop")
    shop_id = parse_shop_id(obj.get("id"))
    locales = _string_list(obj, "locales")
    if len(locales) > MAX_LOCALES:
        raise Invalid(f"locales lists more than {MAX_LOCALES} locales")
    if not locales or any(loc not in available_locales for loc in locales):
        raise Invalid(f"locales must be a non-empty list from: {', '.join(available_locales)}")
    if len(set(locales)) != len(locales):
        raise Invalid("locales must not repeat a locale")
    default_locale = obj.get("default_locale", locales[0])
    if default_locale not in locales:
        raise Invalid("default_locale must be one of the shop's locales")
    domains = _string_list(obj, "allowed_domains")
    if len(domains) > MAX_ALLOWED_DOMAINS:
        raise Invalid(f"allowed_domains lists more than {MAX_ALLOWED_DOMAINS} host names")
    for number, domain in enumerate(domains, 1):
        if isinstance(domain, str) and domain.startswith("["):
            raise Invalid(f"allowed_domains entry {number} is an IPv6 address, which frame-ancestors cannot name")
        if not isinstance(domain, str) or not is_frame_ancestor(domain):
            raise Invalid(f"allowed_domains entry {number} is not a host name")
    if len(" ".join(map(str, domains))) > MAX_FRAME_ANCESTORS:
        raise Invalid(f"allowed_domains are longer than {MAX_FRAME_ANCESTORS:,} characters together")
    if len(set(domains)) != len(domains):
        raise Invalid("allowed_domains must not repeat a host name")
    accent = _option(obj, "accent", DEFAULT_ACCENT, parse_accent)
    stars = _string_list(obj, "star_filter")
    if any(isinstance(s, bool) or s not in (1, 2, 3, 4, 5) for s in stars):
        raise Invalid("star_filter must list ratings from 1 to 5")
    background = _option(obj, "background", "", parse_background)
    languages: tuple[str, ...] | None = None  # absent: each widget shows its own language
    if obj.get("language_filter") == "all":
        languages = ()
    elif obj.get("language_filter") is not None:
        tags = _string_list(obj, "language_filter")
        if len(tags) > MAX_LANGUAGE_FILTER:
            raise Invalid(f"language_filter lists more than {MAX_LANGUAGE_FILTER} language tags")
        languages = tuple(parse_language(tag, "language_filter") for tag in tags)
    count = obj.get("carousel_count", DEFAULT_CAROUSEL_COUNT)
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 50:
        raise Invalid("carousel_count must be a whole number from 1 to 50")
    jsonld = obj.get("jsonld", False)
    if not isinstance(jsonld, bool):
        raise Invalid("jsonld must be true or false")
    variants = []
    entries = _string_list(obj, "variants")
    if len(entries) > MAX_VARIANTS:
        raise Invalid(f"variants lists more than {MAX_VARIANTS} variants")
    for entry in entries:
        variant = _object(entry, "a variant")
        _unknown(variant, VARIANT_FIELDS, "variant")
        name = variant.get("name")
        if not isinstance(name, str) or not SHOP_ID.fullmatch(name):
            raise Invalid("variant name must be lower-case letters, digits and inner hyphens")
        options = {k: _option_text(v) for k, v in variant.items() if k != "name"}
        try:
            parse_options(options)
        except ValueError as error:
            raise Invalid(f"variant {name!r}: {error}") from None
        variants.append(Variant(name=name, options=options))
    if len({v.name for v in variants}) != len(variants):
        raise Invalid("variant names must be unique")
    return Shop(
        id=shop_id,
        name=_text(obj, "name", limit=200, required=True, lines=False),
        locales=tuple(str(loc) for loc in locales),
        default_locale=str(default_locale),
        source=_text(obj, "source", limit=100, required=True, lines=False),
        policy_url=_policy_url(obj.get("policy_url")),
        allowed_domains=tuple(str(d) for d in domains),
        theme=_enum(obj, "theme", THEMES, "auto"),
        accent=accent,
        background=background,
        star_filter=tuple(sorted({int(s) for s in stars})),  # type: ignore[call-overload]
        language_filter=languages,
        carousel_count=count,
        jsonld=jsonld,
        variants=tuple(variants),
        headline=_headline(obj.get("headline", HEADLINE_PLATFORM)),
        platforms=_shop_platforms(obj),
    )


def _option(obj: Mapping[str, Any], name: str, default: str, parser: Callable[[str], str]) -> str:
    """A shop's default for a widget option, read by the same parser as the option in a URL, so
    a record and a query take the same values and say the same of a wrong one."""
    value = obj.get(name, default)
    try:
        return parser(value if isinstance(value, str) else "?")  # not a text: no colour either
    except OptionError as error:
        raise Invalid(str(error)) from None


def _headline(value: object) -> str:
    """`platform` (a platform's own score leads where there is one), `own`, or a platform's name."""
    if (
        not isinstance(value, str)
        or not value.strip()
        or len(value) > MAX_PLATFORM_NAME
        or CONTROL.search(value)
        or SURROGATE.search(value)
        or LINE_BREAK.search(value)
    ):
        raise Invalid("headline must be platform, own, or the name of the platform whose score leads")
    return value.strip()


def _shop_platforms(obj: Mapping[str, Any]) -> tuple[Platform, ...]:
    """Platform scores a shop record carries (`platform`, one; or `platforms`, a list).

    They are stored apart from the record, each replacing only the stored score of its own
    platform: a record without them keeps the stored ones.
    """
    found = [] if obj.get("platform") is None else [parse_platform(obj["platform"])]
    if obj.get("platforms") is not None:
        entries = _string_list(obj, "platforms")
        if len(entries) > MAX_PLATFORMS:
            raise Invalid(f"platforms lists more than {MAX_PLATFORMS} platforms")
        found += [parse_platform(entry) for entry in entries]
    if len({p.name.casefold() for p in found}) != len(found):
        raise Invalid("platforms must name each platform once")
    return tuple(found)


def _option_text(value: object) -> str:
    """Variant options are written like query parameters: lists become comma lists."""
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)
