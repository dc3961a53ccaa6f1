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


def test_write_all_writes_like_write_across_batches(tmp_path, monkeypatch):
    monkeypatch.setattr("static_build.writer.BATCH_BYTES", 2048)  # 6,000 bytes of documents: two batches
    documents = [(f"d/{n}.html", bytes([65 + n]) * (600 + 300 * n)) for n in range(5)]
    one_by_one = Writer(tmp_path / "one")
    for relative, body in documents:
        one_by_one.write(relative, body)
    batched = Writer(tmp_path / "all")
    batched.write_all(iter(documents))
    assert batched.files == one_by_one.files
    assert sorted(batched.files) == [
        "d/0.html",
        "d/1.html",
        "d/2.html",
        "d/2.html.br",
        "d/2.html.gz",
        "d/3.html",
        "d/3.html.br",
        "d/3.html.gz",
        "d/4.html",
        "d/4.html.br",
        "d/4.html.gz",
    ]
    for name in batched.files:
        assert (tmp_path / "all" / name).read_bytes() == (tmp_path / "one" / name).read_bytes()
    assert gzip.decompress((tmp_path / "all/d/4.html.gz").read_bytes()) == documents[4][1]


def test_write_all_refuses_a_path_twice_in_one_batch(tmp_path):
    with pytest.raises(DuplicatePath):
        Writer(tmp_path).write_all([("a.json", b"{}"), ("a.json", b"[]")])
