import gzip

import brotli
import pytest

from widget_server.core.compression import choose_encoding, compress


@pytest.mark.parametrize(
    ("header", "coding"),
    [
        ("", None),
        ("gzip", "gzip"),
        ("gzip, deflate, br", "br"),
        ("br;q=0, gzip", "gzip"),
        ("gzip;q=0", None),
        ("*", "br"),
        ("*;q=0.5, br;q=0", "gzip"),
        ("identity", None),
        ("GZIP", "gzip"),
        ("br;q=abc, gzip", "gzip"),
    ],
)
def test_choose_encoding(header, coding):
    assert choose_encoding(header) == coding


def test_compress_round_trips_and_is_deterministic():
    body = b"<p>beoordelingen</p>" * 100
    assert gzip.decompress(compress(body, "gzip")) == body
    assert brotli.decompress(compress(body, "br")) == body
    assert compress(body, "gzip") == compress(body, "gzip")
