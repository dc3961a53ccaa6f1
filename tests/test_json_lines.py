"""json_lines: each line's JSON value or why it has none, numbered as the input's lines."""

import codecs
import io

import pytest

from widget_server.core.records import MAX_DEPTH
from widget_server.sources.json_lines import MAX_LINE, Line, json_lines, read_lines


def lines(data: bytes, after: int = 0) -> list[Line]:
    return list(json_lines(io.BytesIO(data), after=after))


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b'{"a": 1}\n[2]\n3', [Line(1, {"a": 1}), Line(2, [2]), Line(3, 3)]),
        (b'\n  \r\n{"a": 1}\n\n', [Line(3, {"a": 1})]),  # blank lines are passed over, not renumbered
        (b"null\n", [Line(1, None)]),  # a value of null is a value
        (b"\xff\n", [Line(1, error="not UTF-8 text", not_json=True)]),
        (
            b"{x\n",
            [
                Line(
                    1,
                    error="not valid JSON (Expecting property name enclosed in double quotes, column 2)",
                    not_json=True,
                )
            ],
        ),
        (b"[" * (MAX_DEPTH * 100) + b"\n", [Line(1, error=f"nests deeper than {MAX_DEPTH} levels")]),
        (codecs.BOM_UTF8 + b'{"a": 1}\n', [Line(1, {"a": 1})]),  # a byte order mark opens line 1
        (
            b"1\n" + codecs.BOM_UTF8 + b"2\n",
            [Line(1, 1), Line(2, error="not valid JSON (Expecting value, column 1)", not_json=True)],
        ),
    ],
)
def test_each_line_is_a_value_or_a_reason(data, expected):
    assert lines(data) == expected


def test_a_line_too_long_is_skipped_unread_and_the_next_one_read():
    data = b'"' + b"x" * (MAX_LINE * 2) + b'"\n{"b": 2}\n'
    assert lines(data) == [Line(1, error=f"line is longer than {MAX_LINE:,} bytes"), Line(2, {"b": 2})]
    assert [number for number, _ in read_lines(io.BytesIO(data))] == [1, 2]


def test_a_line_of_exactly_the_limit_is_read():
    line = b'"' + b"x" * (MAX_LINE - 3) + b'"\n'
    assert len(line) == MAX_LINE
    assert lines(line) == [Line(1, "x" * (MAX_LINE - 3))]


def test_after_numbers_the_lines_on_from_those_read_before_and_keeps_line_1s_mark():
    handle = io.BytesIO(b'{"first": 1}\n' + codecs.BOM_UTF8 + b"2\n3\n")
    handle.readline()
    assert list(json_lines(handle, after=1)) == [
        Line(2, error="not valid JSON (Expecting value, column 1)", not_json=True),
        Line(3, 3),
    ]
