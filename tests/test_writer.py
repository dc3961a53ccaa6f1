import gzip
import hashlib

import brotli
import pytest

from static_build.writer import DuplicatePath, Writer


def test_each_path_once_with_twins_from_one_kb(tmp_path):
    writer = Writer(tmp_path, brotli=True)
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
    one_by_one = Writer(tmp_path / "one", brotli=True)
    for relative, body in documents:
        one_by_one.write(relative, body)
    batched = Writer(tmp_path / "all", brotli=True)
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


def test_a_gz_twin_only_unless_brotli_is_asked(tmp_path):
    writer = Writer(tmp_path)
    writer.write("a.html", b"x" * 2000)
    writer.write_all([("b.json", b"y" * 2000)])
    assert sorted(writer.files) == ["a.html", "a.html.gz", "b.json", "b.json.gz"]


def test_a_live_file_loses_the_twins_its_new_bytes_do_not_have(tmp_path):
    Writer(tmp_path, replace=True, brotli=True).write("embed.js", b"x" * 2000)
    assert (tmp_path / "embed.js.br").exists()
    without_br = Writer(tmp_path, replace=True)
    without_br.write("embed.js", b"z" * 2000)
    assert not (tmp_path / "embed.js.br").exists()  # else nginx's brotli_static sends the old bytes
    assert gzip.decompress((tmp_path / "embed.js.gz").read_bytes()) == b"z" * 2000
    small = Writer(tmp_path, replace=True)
    small.write("embed.js", b"tiny")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["embed.js"]
    assert small.changed == {"embed.js", "embed.js.gz"}


def test_a_twin_still_true_to_its_file_goes_only_when_the_manifest_is_replaced(tmp_path):
    """Built with .br twins, then without: the old manifest lists embed.<hash>.js.br until the
    new one replaces it, and the twin still holds the file's bytes, so it stays until then
    (a reader of the old manifest found it gone: the kill -9 test's reader saw ENOENT)."""
    Writer(tmp_path, replace=True, brotli=True).write("embed.abc.js", b"x" * 2000)
    without_br = Writer(tmp_path, replace=True)
    without_br.write("embed.abc.js", b"x" * 2000)
    assert (tmp_path / "embed.abc.js.br").exists()
    assert without_br.stale == ["embed.abc.js.br"] and "embed.abc.js.br" in without_br.changed
    without_br.drop_stale(without_br.stale)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["embed.abc.js", "embed.abc.js.gz"]


def test_a_path_waiting_in_a_batch_is_never_linked_nor_written_through_a_link(tmp_path):
    live = tmp_path / "live"
    live.mkdir()
    (live / "a.html").write_bytes(b"live bytes")
    entries = {"a.html": {"size": 10, "sha256": "-"}}
    writer = Writer(tmp_path / "new")
    linked = []

    def documents():
        yield "a.html", b"new bytes"
        linked.append(writer.link("a.html", live, entries))
        yield "b.html", b"b"

    writer.write_all(documents())
    assert linked == [False]
    assert (live / "a.html").read_bytes() == b"live bytes"
    assert (tmp_path / "new/a.html").read_bytes() == b"new bytes"
    # a path already in the new folder (here a hard link to the live file) is refused, not written through
    linking = Writer(tmp_path / "other")
    assert linking.link("a.html", live, entries)
    with pytest.raises(FileExistsError):
        linking._put("a.html", b"new bytes")
    assert (live / "a.html").read_bytes() == b"live bytes"


@pytest.mark.parametrize("brotli_too", [False, True])
def test_a_streamed_document_is_written_as_its_pieces_with_twins_that_decode_to_it(tmp_path, brotli_too):
    pieces = [b"<review>%d</review>\n" % n * 20 for n in range(100)]
    writer = Writer(tmp_path, brotli=brotli_too)
    writer.write_stream("products/review-feed.xml", iter(pieces))
    body = b"".join(pieces)
    assert (tmp_path / "products/review-feed.xml").read_bytes() == body
    assert gzip.decompress((tmp_path / "products/review-feed.xml.gz").read_bytes()) == body
    assert (tmp_path / "products/review-feed.xml.br").exists() is brotli_too
    if brotli_too:
        assert brotli.decompress((tmp_path / "products/review-feed.xml.br").read_bytes()) == body
    for name, entry in writer.files.items():
        assert entry["size"] == (tmp_path / name).stat().st_size
    assert sorted(writer.files) == sorted(
        ["products/review-feed.xml", "products/review-feed.xml.gz"]
        + (["products/review-feed.xml.br"] if brotli_too else [])
    )


def test_a_small_streamed_document_has_no_twins_as_a_small_written_one(tmp_path):
    writer = Writer(tmp_path)
    writer.write_stream("feed.xml", iter([b"<feed/>", b"\n"]))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["feed.xml"]
    assert writer.files == {"feed.xml": {"size": 8, "sha256": hashlib.sha256(b"<feed/>\n").hexdigest()}}


def test_a_streamed_path_is_written_once_and_only_into_a_new_folder(tmp_path):
    writer = Writer(tmp_path)
    writer.write("a.xml", b"x")
    with pytest.raises(DuplicatePath):
        writer.write_stream("a.xml", iter([b"y"]))
    with pytest.raises(ValueError, match="new folder"):
        Writer(tmp_path, replace=True).write_stream("b.xml", iter([b"y"]))
