"""Sharded builds (`build --shard I/N`) and their merge into one tree."""

import json
import shutil
import subprocess
import sys
from datetime import date

import pytest

from static_build.build import BuildError, build
from static_build.merge import merge
from static_build.top import Shard, shard_of
from tests.builds import documents, tree, verify
from tests.factories import SHOP, review, write_json
from tests.server import cli_args
from tests.widgets import AS_OF, fixture_store
from widget_server.demo import demo_document
from widget_server.sources.importer import import_files
from widget_server.store.open import open_store


def test_shard_parse():
    assert (Shard.parse("0/1"), Shard.parse("7/8")) == (Shard(0, 1), Shard(7, 8))
    for text in ("8/8", "1", "a/b", "-1/4", "1/0", "", "1/٤"):
        with pytest.raises(ValueError):
            Shard.parse(text)


def test_every_shop_is_in_exactly_one_shard_and_the_split_is_even():
    ids = [f"shop-{n:05d}" for n in range(1000)]
    sizes = [sum(Shard(i, 4).holds(shop) for shop in ids) for i in range(4)]
    assert sum(sizes) == 1000 and all(200 <= size <= 300 for size in sizes), sizes
    assert all(sum(Shard(i, 4).holds(shop) for i in range(4)) == 1 for shop in ids)


def test_a_shops_shard_does_not_depend_on_the_process():
    """blake2b of the id, not Python's salted hash(): the same shard on every worker."""
    code = "from static_build.top import shard_of; print(shard_of('wtw-winkel', 1000))"
    runs = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        for _ in range(3)
    }
    assert runs == {f"{shard_of('wtw-winkel', 1000)}\n"}
    assert shard_of("wtw-winkel", 1000) == 780  # pinned: a change moves every shop of a running deployment


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("shards")
    document = demo_document(AS_OF)
    extra = []
    for n in range(6):
        extra.append({**document["shops"][1], "id": f"extra-{n}", "name": f"Extra {n}"})
    document["shops"] += extra
    document["shops"][2]["allowed_domains"] = ["www.extra0.example"]
    fixture_store(folder / "data", document).close()
    return folder / "data"


def shard_trees(data, root, count, as_of=AS_OF):
    trees = []
    for index in range(count):
        out = root / f"shard-{index}"
        build(data, out, as_of, shard=Shard(index, count))
        trees.append(out)
    return trees


def test_a_shard_holds_only_its_shops(data, tmp_path):
    trees = shard_trees(data, tmp_path, 3)
    seen = []
    for index, out in enumerate(trees):
        manifest = json.loads((out / "manifest.json").read_text())
        assert manifest["shard"] == f"{index}/3"
        assert all(shard_of(shop, 3) == index for shop in manifest["shops"])
        seen += manifest["shops"]
        verify(out)
    assert sorted(seen) == sorted(["wtw-winkel", "greenvent", *(f"extra-{n}" for n in range(6))])


def test_merged_shards_are_the_tree_of_one_build(data, tmp_path):
    whole = tmp_path / "whole"
    build(data, whole, AS_OF)
    merged = tmp_path / "merged"
    result = merge(merged, shard_trees(data, tmp_path, 3))
    assert result.changed and result.shops_copied == 8
    assert documents(merged) == documents(whole)
    for name in ("_headers", "nginx.conf"):
        assert (merged / name).read_bytes() == (whole / name).read_bytes(), name
    assert "extra-0" in (merged / "_headers").read_text()
    one, other = (json.loads((out / "manifest.json").read_text()) for out in (merged, whole))
    assert one == other
    assert result.files == len(tree(merged))
    verify(merged)


def test_a_merge_takes_only_the_shops_that_changed(data, tmp_path):
    data = shutil.copytree(data, tmp_path / "data")  # this test adds a review
    trees = shard_trees(data, tmp_path, 2)
    merged = tmp_path / "merged"
    merge(merged, trees)
    again = merge(merged, trees)
    assert (again.shops_copied, again.changed) == (0, False)
    before = json.loads((merged / "v1/wtw-winkel/summary.json").read_text())["window_total"]
    store = open_store(data)
    path = write_json(
        tmp_path / "one.json", {"shops": [SHOP], "reviews": [review(id="fresh", created_at="2026-11-22T09:00:00Z")]}
    )
    import_files(store, [path], available_locales=("en", "nl"))
    store.close()
    index = shard_of("wtw-winkel", 2)
    assert build(data, trees[index], AS_OF, shard=Shard(index, 2)).shops_built == 1
    later = merge(merged, trees)
    assert (later.shops_copied, later.changed) == (1, True)
    summary = json.loads((merged / "v1/wtw-winkel/summary.json").read_text())
    assert summary["window_total"] == before + 1
    verify(merged)


def test_a_merge_refuses_trees_that_do_not_fit_together(data, tmp_path):
    trees = shard_trees(data, tmp_path, 3)
    with pytest.raises(BuildError, match="missing: 2/3"):
        merge(tmp_path / "m1", trees[:2])
    with pytest.raises(BuildError, match="given twice"):
        merge(tmp_path / "m2", [trees[0], trees[1], trees[2], trees[0]])
    later = tmp_path / "later"
    build(data, later, date(2026, 11, 24), shard=Shard(2, 3))
    with pytest.raises(BuildError, match="different dates"):
        merge(tmp_path / "m3", [trees[0], trees[1], later])
    other = shard_trees(data, tmp_path / "two", 2)
    with pytest.raises(BuildError, match="split the shops differently"):
        merge(tmp_path / "m4", [trees[0], trees[1], other[0]])
    brotli = tmp_path / "brotli"
    build(data, brotli, AS_OF, shard=Shard(2, 3), brotli=True)
    with pytest.raises(BuildError, match="some shards have .br twins and some not"):
        merge(tmp_path / "m6", [trees[0], trees[1], brotli])
    manifest = json.loads((trees[1] / "manifest.json").read_text())
    manifest["loader"]["integrity"] = "sha384-other"
    (trees[1] / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(BuildError, match="another version"):
        merge(tmp_path / "m5", trees)
    assert not (tmp_path / "m5").exists()


def test_merge_on_the_command_line(data, tmp_path):
    trees = shard_trees(data, tmp_path, 2)
    done = subprocess.run(
        cli_args(tmp_path / "no-store", "merge", "--out", str(tmp_path / "merged"), *map(str, trees)),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("merged 2 trees: 8 shops taken in, 0 unchanged")
    assert not (tmp_path / "no-store").exists()  # merge works on files only
    refused = subprocess.run(
        cli_args(tmp_path, "merge", "--out", str(tmp_path / "m2"), str(trees[0])), capture_output=True, text=True
    )
    assert refused.returncode == 1 and "missing: 1/2" in refused.stderr and "Traceback" not in refused.stderr
    bad = subprocess.run(
        cli_args(data, "build", "--out", str(tmp_path / "x"), "--shard", "2/2"), capture_output=True, text=True
    )
    assert bad.returncode == 2 and "I must be at least 0 and below N" in bad.stderr
