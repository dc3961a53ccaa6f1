"""The embed loader script, and its content-hashed name for immutable caching and SRI."""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from functools import cache

from jinja2 import Environment, FileSystemLoader

from widget_templates import TEMPLATES_DIR

from .render import HEIGHTS

HASHED_NAME = re.compile(r"embed\.([0-9a-f]{12})\.js")


@dataclass(frozen=True, slots=True)
class Loader:
    body: bytes
    hashed_name: str
    integrity: str


def _minify(source: str) -> str:
    """Drop comments, indentation and blank lines: enough for a small hand-written script."""
    lines = []
    for line in source.splitlines():
        line = line.strip()
        if line and not line.startswith(("/*", "//")):
            lines.append(line)
    return "\n".join(lines) + "\n"


@cache
def loader() -> Loader:
    env = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=False)
    body = _minify(env.get_template("embed.js").render(heights=HEIGHTS)).encode()
    return Loader(
        body=body,
        hashed_name=f"embed.{hashlib.sha256(body).hexdigest()[:12]}.js",
        integrity="sha384-" + base64.b64encode(hashlib.sha384(body).digest()).decode(),
    )
