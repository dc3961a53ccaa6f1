import gzip

import brotli
import pytest

from static_build.writer import DuplicatePath, Writer


def test_each_path_once_with_twins_from_one_kb(tmp_path):
    writer = Writer(tmp_path)
    big, small = b"x" * 1024, b"y" * 1023
    writer.write("a/big.html", big)
    writer.write("a/small.json", small)
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == [
        "big.html",
        "big.html.br",
        "big.html.gz",
        "small.json",
    ]
    assert gzip.decompress((tmp_path / "a/big.html.gz").read_bytes()) == big
    assert brotli.decompress((tmp_path / "a/big.html.br").read_bytes()) == big
    assert writer.files["a/small.json"]["size"] == 1023
    with pytest.raises(DuplicatePath):
        writer.write("a/big.html", big)
