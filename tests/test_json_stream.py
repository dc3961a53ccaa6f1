"""json_stream: a response's list read an item at a time, whatever the chunk boundaries."""

import io
import json

import pytest

from widget_server.sources import json_stream
from widget_server.sources.json_stream import Broken, JsonStream

RESPONSE = {
    "links": [{"rel": "next", "href": "https://x/?page=2"}],
    "reviews": [
        {"id": "a", "stars": 5, "text": 'quote " and \\ and ] and } inside', "n": 12345678901234567890},
        {"id": "b", "stars": 4, "text": "ünïcødé ✓ 😀", "x": [1, 2.5e3, None, True, False]},
        {"id": "c", "stars": 1, "nested": {"deep": [[{"k": "v"}]]}},
    ],
    "totalNumberOfReviews": 3,
}


def items(data: bytes, containers=("reviews",)):
    stream = JsonStream(io.BytesIO(data), max_item=1 << 20)
    found = [item for _, item in stream.items(containers)]
    return found, stream.rest


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64, 1 << 16])
@pytest.mark.parametrize("indent", [None, 2])
def test_items_and_the_other_fields_survive_every_chunk_size(monkeypatch, chunk, indent):
    monkeypatch.setattr(json_stream, "CHUNK", chunk)
    data = json.dumps(RESPONSE, indent=indent, ensure_ascii=False).encode()
    found, rest = items(data)
    assert found == RESPONSE["reviews"]
    assert rest == {"links": RESPONSE["links"], "totalNumberOfReviews": 3}


def test_a_number_cut_at_a_chunk_end_is_read_whole(monkeypatch):
    monkeypatch.setattr(json_stream, "CHUNK", 4)
    found, rest = items(b'{"reviews": [], "averageRating": 4.456789}')
    assert (found, rest) == ([], {"averageRating": 4.456789})


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"[1, 2, 3]", [1, 2, 3]),
        (b"[]", []),
        (b'\xef\xbb\xbf{"reviews": [{"id": "bom"}]}', [{"id": "bom"}]),
        (b'{"reviews": [], "reviews2": [1]}', []),
    ],
)
def test_forms(data, expected):
    assert items(data)[0] == expected


def test_the_line_of_each_item():
    data = b'{\n"reviews": [\n{"id": 1},\n\n{"id": 2}\n]\n}'
    stream = JsonStream(io.BytesIO(data), max_item=1000)
    assert [line for line, _ in stream.items(("reviews",))] == [3, 5]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"reviews": [{"id": 1}, {"id": ', "not valid JSON at line 1"),
        (b'{"reviews": [{"id": 1} {"id": 2}]}', "expected ',' at line 1"),
        (b'{"items": []}', 'expected an object with a "reviews" list'),
        (b'"text"', "expected a JSON object or list"),
        (b'{"reviews": []} {"more": 1}', "more data after the JSON document"),
        (b'{"reviews": ["\xff"]}', "not UTF-8 text"),
        (b"", "expected a JSON object or list"),
    ],
)
def test_broken_input_says_where(data, message):
    with pytest.raises(Broken, match=message):
        items(data)


def test_an_item_longer_than_the_limit_is_refused_without_reading_on(monkeypatch):
    monkeypatch.setattr(json_stream, "CHUNK", 16)
    data = b'{"reviews": [{"text": "' + b"x" * 5000 + b'"}]}'
    stream = JsonStream(io.BytesIO(data), max_item=100)
    with pytest.raises(Broken, match="longer than 100 characters"):
        list(stream.items(("reviews",)))
