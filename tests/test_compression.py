import gzip

import brotli
import pytest

from widget_server.core.compression import Compressor, choose_encoding, compress


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
        ("br;q=1, gzip;q=1", "br"),
        ("gzip;q=1", "gzip"),
    ],
)
def test_choose_encoding(header, coding):
    assert choose_encoding(header) == coding


def test_compress_round_trips_and_is_deterministic():
    body = b"<p>beoordelingen</p>" * 100
    assert gzip.decompress(compress(body, "gzip")) == body
    assert brotli.decompress(compress(body, "br")) == body
    assert compress(body, "gzip") == compress(body, "gzip")


def test_gzip_twins_carry_no_time_and_brotli_is_tuned_for_speed():
    body = b"<p>beoordelingen van klanten</p>" + bytes(range(256)) * 8
    assert compress(body, "gzip")[4:8] == b"\0\0\0\0"  # mtime 0: the same bytes on every build
    assert len(compress(body, "br")) > len(brotli.compress(body, quality=11))  # quality 4, not the slowest


def test_an_unknown_coding_is_named():
    with pytest.raises(ValueError, match="^deflate$"):
        compress(b"x", "deflate")


@pytest.mark.parametrize("coding", ["gzip", "br"])
def test_a_compressor_fed_pieces_decodes_to_the_whole(coding):
    pieces = [b"<review>%d</review>\n" % n * 40 for n in range(50)]
    compressor = Compressor(coding)
    body = b"".join(compressor.add(piece) for piece in pieces) + compressor.finish()
    decode = gzip.decompress if coding == "gzip" else brotli.decompress
    assert decode(body) == b"".join(pieces)
    again = Compressor(coding)
    assert b"".join(again.add(piece) for piece in pieces) + again.finish() == body  # deterministic


def test_an_unknown_coding_has_no_compressor():
    with pytest.raises(ValueError):
        Compressor("compress")
