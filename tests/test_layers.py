"""The suite's layers (tests/layers.py): a test is marked with the real parts it uses, however it reaches them."""

import subprocess
from types import SimpleNamespace

import pytest

from tests import layers
from tests.nginx import running_nginx
from tests.s3 import running_s3


def starts_nginx_itself(folder):
    with running_nginx(folder, "", "http://127.0.0.1:1/"):
        pass


def starts_nginx_through_a_helper(folder):
    starts_nginx_itself(folder)


def checks_a_config(conf):
    subprocess.run(["nginx", "-t", "-c", conf], check=True)


def copies_a_tree(out, copy):
    recipe = ["rsync", "-a"]
    subprocess.run([*recipe, out, copy], check=True)


def names_a_folder_nginx(tmp_path):
    return tmp_path / "nginx"  # a string, but no program run


def fixture_starting_s3(tmp_path):
    with running_s3(tmp_path) as server:
        yield server


def item(function, fixtures=(), params=None):
    """Enough of a collected test for layers.parts_of."""
    definitions = {name: [SimpleNamespace(func=func)] for name, func in fixtures}
    return SimpleNamespace(
        function=function,
        fixturenames=[name for name, _ in fixtures],
        _fixtureinfo=SimpleNamespace(name2fixturedefs=definitions),
        **({"callspec": SimpleNamespace(params=params)} if params else {}),
    )


@pytest.mark.parametrize(
    ("test", "parts"),
    [
        (item(starts_nginx_itself), {"nginx"}),
        (item(starts_nginx_through_a_helper), {"nginx"}),
        (item(checks_a_config), {"nginx"}),
        (item(copies_a_tree), {"rsync"}),
        (item(names_a_folder_nginx), set()),
        (item(names_a_folder_nginx, [("s3", fixture_starting_s3)]), {"s3"}),
        (item(names_a_folder_nginx, [("browser", lambda: None)]), {"browser"}),
        (item(names_a_folder_nginx, [("postgres_cluster", lambda: None)]), {"postgres"}),
        (item(names_a_folder_nginx, params={"backend": "postgresql"}), {"postgres"}),
        (item(names_a_folder_nginx, params={"backend": "sqlite"}), set()),
    ],
)
def test_parts_of(test, parts):
    assert layers.parts_of(test) == parts


def test_starting_a_part_the_collection_did_not_see_fails(request, monkeypatch):
    monkeypatch.setattr(layers, "current", request.node)
    with pytest.raises(RuntimeError, match="starts nginx but is not marked `nginx`"):
        layers.require("nginx")


def test_outside_pytest_nothing_is_checked(monkeypatch):
    monkeypatch.setattr(layers, "current", None)
    layers.require("nginx")
