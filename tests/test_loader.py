import gzip
import hashlib

from widget_server.loader import HASHED_NAME, loader
from widget_server.render import HEIGHTS


def test_loader_is_small_and_self_contained():
    script = loader()
    assert len(gzip.compress(script.body, 9)) <= 2048
    text = script.body.decode()
    assert "cookie" not in text.lower()
    assert "http://" not in text and "https://" not in text  # loads nothing from third parties
    for widget, height in HEIGHTS.items():
        assert f'"{widget}": {height}' in text


def test_hashed_name_and_integrity_follow_the_content():
    script = loader()
    assert HASHED_NAME.fullmatch(script.hashed_name)
    assert script.hashed_name == f"embed.{hashlib.sha256(script.body).hexdigest()[:12]}.js"
    assert script.integrity.startswith("sha384-")
