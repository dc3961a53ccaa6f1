"""Reading the items of a large JSON response a piece at a time (bounded memory).

A platform's response is one object whose list of reviews may be hundreds of megabytes
(`{"reviews": [...], "links": [...]}`), or a bare list. `items` yields the list's items one
by one while holding at most one item (and one read chunk) in memory; the response's other
top-level fields are decoded whole, as they are small.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from typing import Any, BinaryIO

from ..core.records import json_int

CHUNK = 1 << 16
# Every import decodes with this: an integer too long to use becomes a HugeNumber that rejects
# its own row, where plain json would raise ValueError (past 4,300 digits) and stop the import.
DECODER = json.JSONDecoder(parse_int=json_int)
WHITESPACE = " \t\r\n"


def loads(text: str) -> Any:
    """json.loads for anything imported: JSONDecodeError or RecursionError when it is not JSON."""
    return DECODER.decode(text)


class Broken(ValueError):
    """The input is not the JSON it should be; the message says where."""


class JsonStream:
    def __init__(self, handle: BinaryIO, *, max_item: int, head: bytes = b"") -> None:
        self.handle = handle
        self.max_item = max_item
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.buffer = ""
        self.pos = 0
        self.eof = False
        self.consumed = 0  # characters dropped from the front of the buffer
        self.newlines = 0  # line breaks in the dropped characters
        self.rest: dict[str, Any] = {}  # a response's fields other than its list, once read
        if head:
            self._add(head)

    def _add(self, data: bytes) -> None:
        try:
            text = self.decoder.decode(data, final=not data)
        except UnicodeDecodeError:
            raise Broken(f"not UTF-8 text near line {self.line()}") from None
        dropped = self.buffer[: self.pos]
        self.consumed += len(dropped)
        self.newlines += dropped.count("\n")
        if self.consumed == 0 and text.startswith("\ufeff"):
            text = text[1:]
        self.buffer = self.buffer[self.pos :] + text
        self.pos = 0

    def _fill(self) -> bool:
        if self.eof:
            return False
        data = self.handle.read(CHUNK)
        if not data:
            self.eof = True
            self._add(b"")
            return False
        self._add(data)
        return True

    def line(self) -> int:
        return self.newlines + self.buffer.count("\n", 0, self.pos) + 1

    def peek(self) -> str:
        """The next character that is not whitespace, without taking it ("" at the end)."""
        while True:
            while self.pos < len(self.buffer) and self.buffer[self.pos] in WHITESPACE:
                self.pos += 1
            if self.pos < len(self.buffer):
                return self.buffer[self.pos]
            if not self._fill():
                return ""

    def take(self, expected: str) -> None:
        found = self.peek()
        if found != expected:
            shown = "the end of the input" if not found else repr(found)
            raise Broken(f"expected {expected!r} at line {self.line()}, found {shown}")
        self.pos += 1

    def value(self) -> Any:
        """The next JSON value, decoded whole (it may be at most max_item characters long)."""
        self.peek()
        while True:
            try:
                value, end = DECODER.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError as error:
                if len(self.buffer) - self.pos < self.max_item and self._fill():
                    continue  # most likely cut at the chunk's end: read on
                if len(self.buffer) - self.pos >= self.max_item:
                    raise Broken(f"an item at line {self.line()} is longer than {self.max_item:,} characters") from None
                raise Broken(f"not valid JSON at line {self.line()} ({error.msg})") from None
            except RecursionError:
                raise Broken(f"the JSON at line {self.line()} nests too deeply") from None
            if end == len(self.buffer) and self._fill():
                continue  # a number at the chunk's end may go on in the next chunk
            self.pos = end
            return value

    def items(self, containers: tuple[str, ...]) -> Iterator[tuple[int, Any]]:
        """(line, item) of the list, and the response's other fields in `rest` as they pass."""
        first = self.peek()
        if first == "[":
            yield from self._list()
        elif first == "{":
            self.pos += 1
            found = False
            while self.peek() != "}":
                if self.rest or found:
                    self.take(",")
                key = self.value()
                if not isinstance(key, str):
                    raise Broken(f"expected a field name at line {self.line()}")
                self.take(":")
                if key in containers and not found and self.peek() == "[":
                    found = True
                    yield from self._list()
                else:
                    self.rest[key] = self.value()
            self.pos += 1
            if not found:
                names = " or ".join(f'"{c}"' for c in containers)
                raise Broken(f"expected an object with a {names} list")
        else:
            raise Broken("expected a JSON object or list")
        if self.peek() != "":
            raise Broken(f"more data after the JSON document at line {self.line()}")

    def _list(self) -> Iterator[tuple[int, Any]]:
        self.take("[")
        first = True
        while self.peek() != "]":
            if not first:
                self.take(",")
            first = False
            self.peek()  # to the item's first character, so its line is its own
            line = self.line()
            yield line, self.value()
        self.pos += 1
