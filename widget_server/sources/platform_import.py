"""Import from the review platforms' own formats (core/platforms.py maps them), streamed.

An input is a file, standard input, or a pushed body. It may be one response page
(`{"reviews": [...]}`, read a review at a time), a bare list, or JSON Lines in which each line
is a review or a whole response page (so `curl` output of several pages can be piped in).
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, BinaryIO

from ..core.models import Shop
from ..core.platforms import (
    BUSINESS_UNIT,
    FORMAT_NAMES,
    FORMATS,
    SCORED,
    NoScore,
    PlatformScore,
    ReviewFormat,
    Skipped,
    trustpilot_business_unit,
)
from ..core.profiles import profile_url_problem
from ..core.records import MAX_DEPTH, Invalid, depth, shown_name
from ..store.protocol import ReviewStore
from .importer import FOREIGN_BOMS, Rejection, Report, Row, Unusable, import_batch
from .json_lines import MAX_LINE, json_lines
from .json_stream import Broken, JsonStream, loads

MAX_BUSINESS_UNIT = 1 << 20


@dataclass(frozen=True, slots=True)
class Input:
    name: str  # as rejections name it: the file's path, "-" or "request body"
    handle: BinaryIO


class Mapper:
    """Turns one input's platform objects into rows, noting the fields it does not know."""

    def __init__(
        self, spec: ReviewFormat, shop: Shop, profile_url: str = "", *, scores: bool = True, language: str = ""
    ) -> None:
        self.spec = spec
        self.shop = shop
        self.profile_url = profile_url  # given on the command line for the response's score
        self.scores = scores  # False: the response's score is not this input's to store
        self.language = language or shop.default_locale  # of a review whose platform names none
        self.unknown: set[str] = set()  # as records.shown_name gives them: a name like an email is masked

    def row(self, line: int | None, obj: Any) -> Row:
        if not isinstance(obj, dict):
            return Row(line, None, "a review must be a JSON object")
        platform_id = obj.get(self.spec.id_field)
        # The Feedback Company's ids are numbers: a rejection names them as text.
        whole = isinstance(platform_id, int) and not isinstance(platform_id, bool)
        rid = platform_id if isinstance(platform_id, str) else str(platform_id) if whole else None
        if depth(obj) > MAX_DEPTH:
            return Row(line, None, f"nests deeper than {MAX_DEPTH} levels", rid=rid)
        self.unknown.update(shown_name(key) for key in obj if key not in self.spec.documented)
        try:
            native = {**self.spec.to_native(obj, self.shop.id, self.language), "platform": self.spec.platform}
        except Skipped as reason:
            return Row(line, None, skip=str(reason), rid=rid)
        except Invalid as error:
            return Row(line, None, str(error), rid=rid)
        return Row(line, native, reference_required=False)

    def page(self, line: int | None, response: dict[str, Any], read_on: date) -> Iterator[Row]:
        """A whole response page held in memory (one line of JSON Lines)."""
        items = next((response[key] for key in self.spec.containers if key in response), None)
        if not isinstance(items, list):
            yield Row(line, None, f"{' or '.join(self.spec.containers)} must be a list")
            return
        for item in items:
            yield self.row(line, item)
        yield from self.score(line, response, read_on)

    def score(self, line: int | None, response: dict[str, Any], read_on: date) -> Iterator[Row]:
        if self.spec.score is None or not self.scores:
            return
        try:
            score = self.spec.score(response)
        except Invalid as error:
            yield Row(line, None, f"the platform's score: {error}")
            return
        if isinstance(score, NoScore):
            yield Row(None, {"shop": self.shop.id, "no_score": score.name}, kind="platform")
        elif score is not None:
            score = replace(score, profile_url=self.profile_url or score.profile_url)
            yield platform_row(self.shop.id, score, read_on)


def platform_row(shop_id: str, score: PlatformScore, read_on: date) -> Row:
    return Row(None, {"shop": shop_id, "platform": score.record(read_on)}, kind="platform")


def _is_response(obj: object, spec: ReviewFormat) -> bool:
    return isinstance(obj, dict) and any(key in obj for key in spec.containers)


def review_rows(source: Input, mapper: Mapper, read_on: date) -> Iterator[Row]:
    """The rows of one input, read a review at a time."""
    handle = source.handle
    head = handle.readline(MAX_LINE + 1)
    if any(head.startswith(bom) for bom in FOREIGN_BOMS):
        raise Unusable(f"{source.name}: the input is UTF-16 or UTF-32; send it as UTF-8")
    complete_line = head.endswith(b"\n") or len(head) <= MAX_LINE
    first: Any = None
    if complete_line and head.strip():
        try:
            first = loads(head.removeprefix(codecs.BOM_UTF8).decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            first = None
    if isinstance(first, dict):  # JSON Lines: each line a review or a whole response page
        yield from _line(1, first, mapper, read_on)
        for entry in json_lines(handle, after=1):  # line 1 is read above
            if entry.error is not None:
                yield Row(entry.number, None, entry.error)
            else:
                yield from _line(entry.number, entry.value, mapper, read_on)
        return
    try:
        stream = JsonStream(handle, max_item=MAX_LINE, head=head)  # decoding its head may fail too
        for line, item in stream.items(mapper.spec.containers):
            yield mapper.row(line, item)
    except Broken as error:
        raise Unusable(f"{source.name}: {error}") from None
    yield from mapper.score(None, stream.rest, read_on)


def _line(number: int, obj: Any, mapper: Mapper, read_on: date) -> Iterator[Row]:
    if _is_response(obj, mapper.spec):
        yield from mapper.page(number, obj, read_on)
    else:
        yield mapper.row(number, obj)


def business_unit_rows(source: Input, shop: Shop, profile_url: str, read_on: date) -> Iterator[Row]:
    body = source.handle.read(MAX_BUSINESS_UNIT + 1)
    if len(body) > MAX_BUSINESS_UNIT:
        raise Unusable(f"{source.name}: a business unit object is at most {MAX_BUSINESS_UNIT:,} bytes")
    try:
        obj = loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise Unusable(f"{source.name}: not a JSON object") from None
    if not isinstance(obj, dict):
        raise Unusable(f"{source.name}: expected the business unit JSON object")
    try:
        score = trustpilot_business_unit(obj, profile_url)
    except Invalid as error:
        raise Unusable(f"{source.name}: {error}") from None
    yield platform_row(shop.id, score, read_on)


def import_platform(
    store: ReviewStore,
    format_name: str,
    shop_id: str,
    inputs: Iterable[Input],
    *,
    read_on: date,
    available_locales: tuple[str, ...],
    profile_url: str = "",
    on_reject: Callable[[Rejection], None] = lambda r: None,
    business_unit: Input | None = None,
    then: Callable[[Report], None] | None = None,
    scores: bool = True,
    language: str = "",
) -> Report:
    """Import every input in one transaction, as the platform's format says; the shop must exist.

    `business_unit` (with `trustpilot`): a business unit object read in the same transaction,
    so the TrustScore lands with the reviews (a sync); `then` as import_batch's. With
    `scores=False` the reviews are stored and any score in the responses is left out (a sync
    of a source that does not give the shop its platform score: sync.score_givers). `language`:
    that of a review whose platform names none (a source's, `--language`); '' the shop's default
    locale.
    """
    if format_name not in FORMAT_NAMES:
        raise Unusable(f"unknown format {format_name!r}: one of {', '.join(FORMAT_NAMES)}")
    if profile_url and format_name not in SCORED:
        raise Unusable(f"--profile-url goes with a format that carries the platform's score: {', '.join(SCORED)}")
    if profile_url:
        platform = "Trustpilot" if format_name == BUSINESS_UNIT else FORMATS[format_name].platform
        if problem := profile_url_problem(platform, profile_url):
            raise Unusable(f"--profile-url: {problem}")
    shop = store.shop(shop_id)
    if shop is None:
        raise Unusable(f"no shop {shop_id!r} in the store: import its shop record first")
    mappers: list[tuple[str, Mapper]] = []
    sources: list[tuple[str, Iterable[Row]]] = []
    for source in inputs:
        if format_name == BUSINESS_UNIT:
            sources.append((source.name, business_unit_rows(source, shop, profile_url, read_on)))
            continue
        mapper = Mapper(FORMATS[format_name], shop, profile_url, scores=scores, language=language)
        mappers.append((source.name, mapper))
        sources.append((source.name, review_rows(source, mapper, read_on)))
    if business_unit is not None:
        sources.append((business_unit.name, business_unit_rows(business_unit, shop, profile_url, read_on)))
    report = import_batch(store, sources, available_locales=available_locales, on_reject=on_reject, then=then)
    for name, mapper in mappers:
        if mapper.unknown:
            report.unknown_fields[name] = sorted(mapper.unknown)
    return report
