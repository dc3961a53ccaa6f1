"""Import of reviews and shop records from native JSON, JSON Lines and CSV, streamed."""

from __future__ import annotations

import codecs
import contextlib
import csv
import json
import re
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.models import Review, Shop
from ..core.platforms import canonical_platform, platform_needs_format
from ..core.records import (
    MAX_DEPTH,
    REVIEW_FIELDS,
    Invalid,
    depth,
    parse_platform,
    parse_review,
    parse_shop,
    shown_name,
)
from ..store.protocol import ReviewStore
from .json_lines import MAX_LINE, json_lines, read_lines
from .json_stream import loads

FLUSH_ROWS = 500
CSV_REQUIRED = ("id", "shop", "rating", "author", "created_at", "verification", "language")
CSV_COLUMNS = (
    frozenset(REVIEW_FIELDS - {"reply", "product"})
    | {"reply_text", "reply_created_at"}
    | {
        "product_sku",
        "product_name",
        "product_gtin",
        "product_url",
    }
)
CSV_RATING = re.compile(r"[1-9]|10")  # ASCII digits only; the review's scale bounds it (5 unless `scale` is 10)
CSV_SCALES = {"5": 5, "10": 10}
CSV_FLAGS = {"true": True, "false": False}
SUFFIXES = {".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}
FOREIGN_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class Unusable(Exception):
    """An input cannot be used at all; nothing of the batch is stored."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint  # one line on what to do instead, or ""


# The keys that only one platform's format has: (format, where, keys). `where` is "top" for the
# response object itself, "item" for each review in it (or in a bare list).
PLATFORM_MARKS: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("trustpilot-business-unit", "top", frozenset({"trustScore", "numberOfReviews"})),
    ("google", "top", frozenset({"averageRating", "totalReviewCount"})),
    ("etrusted", "top", frozenset({"items"})),
    ("trustpilot", "item", frozenset({"stars", "consumer", "companyReply", "isVerified"})),
    ("google", "item", frozenset({"starRating", "reviewer", "reviewId", "reviewReply"})),
    ("etrusted", "item", frozenset({"verificationType", "submittedAt", "questionnaire"})),
)
PLATFORM_EXPORTS = {
    "trustpilot": "a Trustpilot export",
    "trustpilot-business-unit": "Trustpilot's business unit (its TrustScore)",
    "etrusted": "a Trusted Shops (eTrusted) export",
    "google": "a Google Business Profile export",
}


def platform_guess(data: object) -> str | None:
    """The platform format an input that is not ours has the shape of, or None."""
    top = data if isinstance(data, dict) else {}
    score = top.get("score")
    top_keys = set(top) | (set(score) if isinstance(score, dict) else set())  # a business unit's trustScore
    listed = data if isinstance(data, list) else top.get("reviews", top.get("items"))
    first = listed[0] if isinstance(listed, list) and listed else None
    keys = {"top": top_keys, "item": set(first) if isinstance(first, dict) else set()}
    return next((name for name, where, marks in PLATFORM_MARKS if marks & keys[where]), None)


def platform_hint(data: object) -> str:
    """One line saying which --format an input looks like, or ""."""
    name = platform_guess(data)
    return "" if name is None else f"this looks like {PLATFORM_EXPORTS[name]}: try --format {name} --shop SHOP"


@dataclass(frozen=True, slots=True)
class Rejection:
    """One row that was not stored, and why; never carries the row's email."""

    file: str
    line: int | None
    id: str | None
    reason: str
    last_line: int | None = None  # a row that spans lines (CSV quoting) names the whole range
    item: str | None = None  # where a row of a whole JSON document is in it: "reviews[3]"

    def __str__(self) -> str:
        where = place(self.file, self.line, self.item)
        if self.line is not None and self.last_line is not None and self.last_line > self.line:
            where += f"-{self.last_line}"
        who = "" if self.id is None else f" review {self.id!r}:"
        return f"{where}:{who} {self.reason}"


def place(file: str, line: int | None, item: str | None = None) -> str:
    """Where a row is, as messages name it: "in.jsonl:3", "in.json: reviews[3]" or the file."""
    if line is not None:
        return f"{file}:{line}"
    return file if item is None else f"{file}: {item}"


@dataclass(slots=True)
class Report:
    shops_changed: int = 0
    shops_unchanged: int = 0
    reviews_changed: int = 0
    reviews_unchanged: int = 0
    rejected: int = 0
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> rows (not errors)
    unknown_fields: dict[str, list[str]] = field(default_factory=dict)  # file -> fields ignored
    platform_scores: int = 0
    scores_removed: list[str] = field(default_factory=list)  # platforms whose answer said they have none now
    shops_touched: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class Row:
    line: int | None
    obj: Any
    error: str | None = None
    kind: str = "review"  # review, shop, or platform (a platform's own score for a shop)
    last_line: int | None = None
    rid: str | None = None  # the platform's own id of a row that could not be mapped
    skip: str | None = None  # why a row is not imported yet (not an error)
    reference_required: bool = True  # False: a platform's verification stands in for the email
    item: str | None = None  # where a row of a whole JSON document is in it: "reviews[3]"


def check_input(path: Path) -> str:
    """The input kind of a file, or Unusable before anything is read into the store."""
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise Unusable(f"{path}: not a .json, .jsonl or .csv file")
    if not path.is_file():
        raise Unusable(f"{path}: no such file")
    try:
        with path.open("rb") as handle:
            head = handle.read(4)
    except OSError as error:
        raise Unusable(f"{path}: cannot be read ({error.strerror})") from None
    if any(head.startswith(bom) for bom in FOREIGN_BOMS):
        raise Unusable(f"{path}: the file is UTF-16 or UTF-32; save it as UTF-8")
    return kind


def _rows_json(path: Path) -> Iterator[Row]:
    try:
        data = loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise Unusable(f"{path}: not UTF-8 text (byte {error.start})") from None
    except json.JSONDecodeError as error:
        raise Unusable(f"{path}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})") from None
    except RecursionError:
        raise Unusable(f"{path}: the JSON nests deeper than {MAX_DEPTH} levels") from None
    if not isinstance(data, dict) or not set(data) <= {"shops", "reviews"}:
        raise Unusable(f'{path}: expected an object with "shops" and "reviews" lists', platform_hint(data))
    for key in ("shops", "reviews"):
        if not isinstance(data.get(key, []), list):
            raise Unusable(f'{path}: "{key}" must be a list')
    yield from (_checked(row) for row in document_rows(data))


def document_rows(document: dict[str, Any]) -> Iterator[Row]:
    """The rows of a native document, its shops first, each named by its place in its list."""
    for number, shop in enumerate(document.get("shops", [])):
        yield Row(None, shop, kind="shop", item=f"shops[{number}]")
    for number, review in enumerate(document.get("reviews", [])):
        yield Row(None, review, item=f"reviews[{number}]")


def _checked(row: Row) -> Row:
    """The row, or an error row when its value nests deeper than a review can."""
    if depth(row.obj) > MAX_DEPTH:
        return Row(row.line, None, f"nests deeper than {MAX_DEPTH} levels", row.kind, item=row.item)
    return row


def _rows_jsonl(path: Path) -> Iterator[Row]:
    parsed_any = False
    bad_lines = 0
    with path.open("rb") as handle:
        for line in json_lines(handle):
            if line.error is not None:
                bad_lines += 1 if line.not_json else 0
                yield Row(line.number, None, line.error)
                continue
            parsed_any = True
            yield _checked(Row(line.number, line.value))
    if bad_lines and not parsed_any:
        raise Unusable(f"{path}: no line is a JSON object; is this a JSON Lines file?")


def _csv_review(record: dict[str, str]) -> dict[str, Any]:
    obj: dict[str, Any] = {k: v for k, v in record.items() if v not in ("", None)}
    rating = obj.get("rating")
    if isinstance(rating, str) and CSV_RATING.fullmatch(rating.strip()):  # ASCII digits: not "５"
        obj["rating"] = int(rating)
    scale = obj.get("scale")
    if isinstance(scale, str) and scale.strip() in CSV_SCALES:
        obj["scale"] = CSV_SCALES[scale.strip()]
    flag = obj.get("incentivized")
    if isinstance(flag, str) and flag.strip().lower() in CSV_FLAGS:
        obj["incentivized"] = CSV_FLAGS[flag.strip().lower()]
    reply_text = obj.pop("reply_text", None)
    reply_at = obj.pop("reply_created_at", None)
    if reply_text is not None or reply_at is not None:
        obj["reply"] = {"text": reply_text, "created_at": reply_at}
    product = {key: obj.pop(f"product_{key}") for key in ("sku", "name", "gtin", "url") if f"product_{key}" in obj}
    if product:
        obj["product"] = product
    return obj


def _first_bad_line(path: Path) -> int:
    """The first line that is not UTF-8 (only read when decoding already failed)."""
    with path.open("rb") as handle:
        for number, raw in read_lines(handle):
            try:
                (raw or b"").decode("utf-8")
            except UnicodeDecodeError:
                return number
    return 0


def _rows_csv(path: Path) -> Iterator[Row]:
    csv.field_size_limit(MAX_LINE)
    try:
        handle = path.open("r", encoding="utf-8-sig", newline="")
    except OSError as error:
        raise Unusable(f"{path}: cannot be read ({error.strerror})") from None
    with handle:
        try:
            first = handle.readline(MAX_LINE)
            handle.seek(0)
        except UnicodeDecodeError:
            raise Unusable(f"{path}: not UTF-8 text near line {_first_bad_line(path)}; save it as UTF-8") from None
        # Dutch Excel saves "CSV" with semicolons: a header with semicolons and no comma is one.
        delimiter = ";" if ";" in first and "," not in first else ","
        reader = csv.DictReader(handle, strict=True, delimiter=delimiter)
        try:
            header = reader.fieldnames or []
        except UnicodeDecodeError:
            raise Unusable(f"{path}: not UTF-8 text near line {_first_bad_line(path)}; save it as UTF-8") from None
        except csv.Error as error:
            raise Unusable(f"{path}: not a CSV file ({error})") from None
        # Two columns of one name: DictReader keeps the last, so which one counts is anyone's guess.
        repeated = next((name for name, n in Counter(header).items() if n > 1), None)
        if repeated is not None:
            raise Unusable(f"{path}: the header names column {shown_name(repeated)} twice")
        missing = [c for c in CSV_REQUIRED if c not in header]
        if missing:
            raise Unusable(f"{path}: missing column(s) {', '.join(missing)} in the header line")
        unknown = [c for c in header if c not in CSV_COLUMNS]
        if unknown:
            raise Unusable(f"{path}: unknown column(s) {', '.join(map(shown_name, unknown))}")
        lines = reader.reader  # DictReader.line_num is only set after a good row
        while True:
            line = lines.line_num + 1
            try:
                record = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError:
                raise Unusable(f"{path}: not UTF-8 text near line {_first_bad_line(path)}; save it as UTF-8") from None
            except csv.Error as error:
                # An unclosed quote reads on until the field is too long: every line it took is named.
                reason = f"not valid CSV ({error}); none of these lines was stored"
                yield Row(line, None, reason, last_line=lines.line_num)
                continue
            last = lines.line_num
            if None in record or any(v is None for v in record.values()):
                yield Row(line, None, f"expected {len(header)} columns", last_line=last)
                continue
            yield Row(line, _csv_review(record), last_line=last)


READERS: dict[str, Callable[[Path], Iterator[Row]]] = {
    "json": _rows_json,
    "jsonl": _rows_jsonl,
    "csv": _rows_csv,
}


def read_shop_file(path: Path) -> list[Row]:
    """Shop records from a native JSON file (its reviews, if any, are ignored)."""
    check_input(path)
    return [row for row in _rows_json(path) if row.kind == "shop"]


SAFE_ID = re.compile(r"[^@\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]{1,80}")


def printable_id(rid: str | None) -> str | None:
    """A review id as rejections name it; None for one that could be an email or cannot print."""
    return rid if rid is not None and SAFE_ID.fullmatch(rid) else None


def import_files(
    store: ReviewStore,
    paths: list[Path],
    *,
    available_locales: tuple[str, ...],
    shop_file: Path | None = None,
    on_reject: Callable[[Rejection], None] = lambda r: None,
) -> Report:
    """Import every file in one transaction: all accepted rows land together, or nothing does."""
    kinds = [(path, check_input(path)) for path in paths]
    sources: list[tuple[str, Iterable[Row]]] = []
    if shop_file is not None:
        sources.append((str(shop_file), read_shop_file(shop_file)))
    sources.extend((str(path), READERS[kind](path)) for path, kind in kinds)
    return import_batch(store, sources, available_locales=available_locales, on_reject=on_reject)


def import_document(
    store: ReviewStore,
    document: dict[str, Any],
    *,
    available_locales: tuple[str, ...],
    name: str = "<document>",
    on_reject: Callable[[Rejection], None] = lambda r: None,
) -> Report:
    """Import a native-format document held in memory (the demo data set)."""
    rows = document_rows(document)
    return import_batch(store, [(name, rows)], available_locales=available_locales, on_reject=on_reject)


def import_batch(
    store: ReviewStore,
    sources: list[tuple[str, Iterable[Row]]],
    *,
    available_locales: tuple[str, ...],
    on_reject: Callable[[Rejection], None] = lambda r: None,
    then: Callable[[Report], None] | None = None,
) -> Report:
    """Store the rows of every source in one transaction; an Unusable source rolls all back.

    `then` runs last inside the transaction, with the report: what it writes commits with the
    rows (a sync records itself so), and what it raises rolls them back.
    """
    report = Report()
    pending: list[Review] = []

    def flush() -> None:
        if pending:
            changed = store.upsert_reviews(pending)
            report.reviews_changed += changed
            report.reviews_unchanged += len(pending) - changed
            report.shops_touched.update(r.shop for r in pending)
            pending.clear()

    # Which (shop, platform, id) this import has taken, and where: a scratch SQLite file of its own (memory
    # stays flat for any size of import, and a check costs no round trip to a remote store).
    seen = sqlite3.connect("")
    seen.execute(
        "CREATE TABLE batch_seen (shop TEXT, platform TEXT, id TEXT, place TEXT, PRIMARY KEY (shop, platform, id))"
    )
    with contextlib.closing(seen), store.transaction():
        known = set(store.shop_versions())  # ids only: a store of 1,000 shops parses no record for a push

        def reject(name: str, row: Row, reason: str, rid: str | None = None) -> None:
            report.rejected += 1
            on_reject(Rejection(name, row.line, rid, reason, row.last_line, row.item))

        def set_platform(name: str, row: Row, shop_id: str, record: dict[str, Any]) -> None:
            if store.shop(shop_id) is None:
                raise Unusable(f"no shop {shop_id!r} in the store: import its shop record first")
            try:
                platform = parse_platform(record)
            except Invalid as error:
                reject(name, row, f"the platform's score: {error}")
                return
            changed = store.upsert_platform(shop_id, platform)
            report.platform_scores += 1
            report.shops_changed += changed
            report.shops_unchanged += not changed
            if changed:
                report.shops_touched.add(shop_id)

        def take(name: str, row: Row) -> None:
            if row.skip is not None:
                report.skipped[row.skip] = report.skipped.get(row.skip, 0) + 1
                return
            if row.error is not None:
                reject(name, row, row.error, printable_id(row.rid))
                return
            obj = row.obj
            if row.kind == "platform" and "no_score" in obj:
                if store.remove_platform(obj["shop"], obj["no_score"]):
                    report.scores_removed.append(obj["no_score"])
                    report.shops_changed += 1
                    report.shops_touched.add(obj["shop"])
                return
            if row.kind == "platform":
                set_platform(name, row, obj["shop"], obj["platform"])
                return
            rid = obj.get("id") if isinstance(obj, dict) and isinstance(obj.get("id"), str) else None
            shown_id = printable_id(rid)
            if row.kind == "shop":
                try:
                    shop: Shop = parse_shop(obj, available_locales)
                except Invalid as error:
                    report.rejected += 1
                    on_reject(Rejection(name, row.line, None, f"shop {shown_id!r}: {error}", item=row.item))
                    return
                changed = store.upsert_shop(shop)
                known.add(shop.id)
                report.shops_changed += changed
                report.shops_unchanged += not changed
                if changed:
                    report.shops_touched.add(shop.id)
                return
            try:
                review = parse_review(obj, reference_required=row.reference_required)
            except Invalid as error:
                reject(name, row, str(error), shown_id)
                return
            written = canonical_platform(review.platform)
            if review.platform != written and platform_needs_format(written):
                # Keyed (shop, platform, id): another spelling would be another review beside the
                # one the platform's format stored (a removal that removes nothing).
                reject(name, row, f"platform must be written {written!r}, as its format names it", shown_id)
                return
            if review.shop not in known:
                reject(name, row, f"unknown shop {review.shop!r}: import its shop record first", shown_id)
                return
            first = seen.execute(
                "INSERT INTO batch_seen VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING place",
                (review.shop, review.platform, review.id, place(name, row.line, row.item)),
            ).fetchone()
            if first is None:
                earlier = seen.execute(
                    "SELECT place FROM batch_seen WHERE shop = ? AND platform = ? AND id = ?",
                    (review.shop, review.platform, review.id),
                ).fetchone()[0]
                reject(name, row, f"duplicate id in this import (first at {earlier})", shown_id)
                return
            pending.append(review)
            if len(pending) >= FLUSH_ROWS:
                flush()

        for name, rows in sources:
            for row in rows:
                take(name, row)
        flush()
        store.refresh_versions(report.shops_touched)
        if then is not None:
            then(report)
    return report
