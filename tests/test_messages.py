import pytest

from widget_server.messages import plural


@pytest.mark.parametrize(
    ("count", "noun", "text"),
    [(0, "review", "0 reviews"), (1, "review", "1 review"), (2, "shop", "2 shops"), (1234, "byte", "1,234 bytes")],
)
def test_plural(count, noun, text):
    assert plural(count, noun) == text
