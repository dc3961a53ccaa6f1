"""Widget options (theme, accent, background, star and language filters, count): parsing and defaults (pure).

Presentation options (theme, accent, background) change only colours: on prebuilt files they
travel in the iframe URL's fragment and the widget's own script applies them. Content options
(stars, lang, count) change which reviews a document holds, so the static build needs a
variant for them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from .models import Shop
from .rules import STAR_SCALE

OPTION_NAMES = ("theme", "accent", "background", "stars", "lang", "count")
PRESENTATION_OPTIONS = ("theme", "accent", "background")
ALL_LANGUAGES = "all"  # lang=all: every language (no lang: the widget's own, where the shop has any)
THEMES = ("light", "dark", "auto")
_HEX = re.compile(r"#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
MAX_COUNT = 50
MAX_LANG_TAGS = 20
# ASCII only: str.isdigit() and int() also take digits such as "²", "５" or "٥".
_STARS = re.compile(r"[1-5](?:,[1-5]){0,4}")
_LANGS = re.compile(rf"{_TAG.pattern}(?:,{_TAG.pattern}){{0,{MAX_LANG_TAGS - 1}}}")
_COUNT = re.compile(r"[1-9]|[1-4][0-9]|50")
# What each option accepts (the parsers match these; the OpenAPI document publishes them).
OPTION_PATTERNS = {
    "theme": "|".join(THEMES),
    "accent": _HEX.pattern,
    "background": f"(?:{_HEX.pattern})?",
    "stars": f"(?:{_STARS.pattern})?",
    "lang": f"(?:{ALL_LANGUAGES}|{_LANGS.pattern})?",
    "count": _COUNT.pattern,
}
MAX_LANG_LENGTH = 20 * MAX_LANG_TAGS
OPTION_MAX_LENGTHS = {"lang": MAX_LANG_LENGTH}  # beyond the patterns: a cap on the whole value


class OptionError(ValueError):
    """An option value is not allowed; the message names the option and what it accepts."""


@dataclass(frozen=True, slots=True)
class Options:
    """Options as asked for; None means "the shop's default"."""

    theme: str | None = None
    accent: str | None = None
    background: str | None = None  # "" asks for no panel (transparent)
    stars: tuple[int, ...] | None = None
    lang: tuple[str, ...] | None = None  # () asks for every language
    count: int | None = None

    def resolve(self, shop: Shop) -> Resolved:
        return Resolved(
            theme=self.theme or shop.theme,
            accent=self.accent or shop.accent,
            background=shop.background if self.background is None else self.background,
            stars=shop.star_filter if self.stars is None else self.stars,
            # a shop record keeps a tag as written ("en-GB"); a filter matches tags case aside
            lang=_lowered(shop.language_filter) if self.lang is None else self.lang,
            count=self.count or shop.carousel_count,
        )


def _lowered(tags: tuple[str, ...] | None) -> tuple[str, ...] | None:
    return None if tags is None else tuple(tag.lower() for tag in tags)


@dataclass(frozen=True, slots=True)
class ReviewFilter:
    """Which shown reviews a document lists: ratings and language tags (empty: all)."""

    stars: tuple[int, ...] = ()
    lang: tuple[str, ...] = ()

    def matches(self, rating: int, language: str, scale: int = STAR_SCALE) -> bool:
        """A language tag matches itself and its subtags: `en` matches `en-GB`, case aside. A star
        filter matches only reviews rated in stars (a score out of 10 has none)."""
        if self.stars and (scale != STAR_SCALE or rating not in self.stars):
            return False
        if not self.lang:
            return True
        tag = language.lower()
        return any(tag == wanted or tag.startswith(wanted + "-") for wanted in self.lang)


@dataclass(frozen=True, slots=True)
class Resolved:
    """Options with every default filled in: what a render depends on."""

    theme: str
    accent: str
    background: str  # "#rrggbb", or "" for none
    stars: tuple[int, ...]
    lang: tuple[str, ...] | None  # None: the locale's language where the shop has any (see settle)
    count: int

    @property
    def filter(self) -> ReviewFilter:
        if self.lang is None:
            raise ValueError("the language default is settled against a snapshot first (Resolved.settle)")
        return ReviewFilter(self.stars, self.lang)

    def settle(self, locale: str, has_language: Callable[[str], bool]) -> Resolved:
        """The language default made concrete: the locale's language if the shop shows any in it."""
        if self.lang is not None:
            return self
        return replace(self, lang=(locale,) if has_language(locale) else ())

    def every_language_by_default(self) -> Resolved:
        """For reviews.json: the data lists every shown review unless a language was asked for."""
        return self if self.lang is not None else replace(self, lang=())

    def texts(self) -> dict[str, str]:
        """Each option as it is written in a query or a data- attribute ("" for a default)."""
        return {
            "theme": self.theme,
            "accent": self.accent,
            "background": self.background,
            "stars": ",".join(map(str, self.stars)),
            "lang": "" if self.lang is None else ",".join(self.lang) or ALL_LANGUAGES,
            "count": str(self.count),
        }

    def key(self, names: tuple[str, ...] = OPTION_NAMES) -> str:
        """A canonical text of the named options, for cache keys and digests."""
        texts = self.texts()
        return ";".join(f"{name}={texts[name]}" for name in names)


def listed_filter(shop: Shop) -> ReviewFilter:
    """What the files of reviews.json list, and so the list widget: the shop's default stars, in
    every language unless the shop names its languages."""
    return Options().resolve(shop).every_language_by_default().filter


def parse_accent(value: str) -> str:
    match = _HEX.fullmatch(value.strip())
    if not match:
        raise OptionError("accent must be a hex colour such as #f5a400")
    digits = match.group(1).lower()
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return "#" + digits


def parse_background(value: str) -> str:
    """A panel colour, or "" for none (the host page shows through)."""
    if value.strip() == "":
        return ""
    try:
        return parse_accent(value)
    except OptionError:
        raise OptionError("background must be a hex colour such as #ffffff, or empty for none") from None


def parse_stars(value: str) -> tuple[int, ...]:
    if value == "":
        return ()
    if not _STARS.fullmatch(value):
        raise OptionError("stars must list ratings from 1 to 5, such as 4,5")
    return tuple(sorted({int(part) for part in value.split(",")}))


def parse_lang(value: str) -> tuple[str, ...] | None:
    """Language tags; "all" for every language; "" for the default (the widget's own language)."""
    if value == "":
        return None
    if value == ALL_LANGUAGES:
        return ()
    tags = value.lower().split(",")
    if len(value) > MAX_LANG_LENGTH or not _LANGS.fullmatch(value) or ALL_LANGUAGES in tags:
        raise OptionError(f"lang must list up to {MAX_LANG_TAGS} language tags, such as nl,en, or be all")
    return tuple(sorted(set(tags)))


def parse_count(value: str) -> int:
    if not _COUNT.fullmatch(value):
        raise OptionError(f"count must be a whole number from 1 to {MAX_COUNT}")
    return int(value)


def parse_options(query: Mapping[str, str]) -> Options:
    """Options from query parameters (or a variant); unknown names are ignored."""
    theme = query.get("theme")
    if theme is not None and theme not in THEMES:
        raise OptionError("theme must be light, dark or auto")
    accent = query.get("accent")
    background = query.get("background")
    stars = query.get("stars")
    lang = query.get("lang")
    count = query.get("count")
    return Options(
        theme=theme,
        accent=None if accent is None else parse_accent(accent),
        background=None if background is None else parse_background(background),
        stars=None if stars is None else parse_stars(stars),
        lang=None if lang is None else parse_lang(lang),
        count=None if count is None else parse_count(count),
    )
