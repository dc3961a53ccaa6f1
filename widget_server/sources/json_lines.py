"""JSON Lines read a line at a time: each line's JSON value, or why it has none (bounded memory).

The one reader of JSON Lines, for native .jsonl files (importer.py) and for platform inputs whose
lines are reviews or whole response pages (platform_import.py).
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from ..core.records import MAX_DEPTH
from .json_stream import loads

MAX_LINE = 1 << 20  # a review is at most a few tens of KB; a longer line is rejected unread


def read_lines(handle: BinaryIO, *, after: int = 0) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) for each line; bytes is None for a line over MAX_LINE, which is skipped unread.

    `after`: how many lines were read before the handle's position; numbers go on from there.
    """
    number = after
    while True:
        chunk = handle.readline(MAX_LINE + 1)
        if not chunk:
            return
        number += 1
        if len(chunk) > MAX_LINE and not chunk.endswith(b"\n"):
            while chunk and not chunk.endswith(b"\n"):  # skip the rest of the line unread
                chunk = handle.readline(MAX_LINE)
            yield number, None
        else:
            yield number, chunk


@dataclass(frozen=True, slots=True)
class Line:
    """One line that is not blank: its JSON value, or the reason it has none."""

    number: int
    value: Any = None
    error: str | None = None  # too long, not UTF-8, not valid JSON, or nested too deep
    not_json: bool = False  # the error is that the line is not JSON text at all (not UTF-8, or not valid JSON)


def json_lines(handle: BinaryIO, *, after: int = 0) -> Iterator[Line]:
    """Each line's JSON value, or why it has none; blank lines are passed over.

    A UTF-8 byte order mark is dropped from line 1 only; `after` is as for read_lines.
    """
    for number, raw in read_lines(handle, after=after):
        if raw is None:
            yield Line(number, error=f"line is longer than {MAX_LINE:,} bytes")
            continue
        if number == 1:
            raw = raw.removeprefix(codecs.BOM_UTF8)
        if not raw.strip():
            continue
        try:
            value = loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            yield Line(number, error="not UTF-8 text", not_json=True)
        except json.JSONDecodeError as error:
            yield Line(number, error=f"not valid JSON ({error.msg}, column {error.colno})", not_json=True)
        except RecursionError:
            yield Line(number, error=f"nests deeper than {MAX_DEPTH} levels")
        else:
            yield Line(number, value)
